package platform

import (
	"fmt"
	"strings"
)

// introspected is the answer to introspectionQuery.
type introspected struct {
	QueryType    *struct{ Name string } `json:"queryType"`
	MutationType *struct{ Name string } `json:"mutationType"`
	Types        []struct {
		Kind          string                  `json:"kind"`
		Name          string                  `json:"name"`
		Fields        []typeField             `json:"fields"`
		InputFields   []typeInput             `json:"inputFields"`
		EnumValues    []struct{ Name string } `json:"enumValues"`
		Interfaces    []struct{ Name string } `json:"interfaces"`
		PossibleTypes []struct{ Name string } `json:"possibleTypes"`
	} `json:"types"`
}

type typeField struct {
	Name string      `json:"name"`
	Args []typeInput `json:"args"`
	Type typeRef     `json:"type"`
}

type typeInput struct {
	Name string  `json:"name"`
	Type typeRef `json:"type"`
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   *string  `json:"name"`
	OfType *typeRef `json:"ofType"`
}

// String writes a type reference as the schema language does: [String!]!.
func (r typeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		if r.OfType != nil {
			return r.OfType.String() + "!"
		}
	case "LIST":
		if r.OfType != nil {
			return "[" + r.OfType.String() + "]"
		}
	}
	if r.Name != nil {
		return *r.Name
	}
	return "Unknown"
}

var builtinScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

// sdl writes the introspected schema in the schema language, leaving out
// descriptions, default values and directives, which the check does not use.
func (s introspected) sdl() string {
	var b strings.Builder
	b.WriteString("schema {\n  query: " + s.QueryType.Name + "\n")
	if s.MutationType != nil {
		b.WriteString("  mutation: " + s.MutationType.Name + "\n")
	}
	b.WriteString("}\n")
	for _, t := range s.Types {
		if strings.HasPrefix(t.Name, "__") || builtinScalars[t.Name] {
			continue
		}
		switch t.Kind {
		case "SCALAR":
			fmt.Fprintf(&b, "scalar %s\n", t.Name)
		case "ENUM":
			fmt.Fprintf(&b, "enum %s {", t.Name)
			for _, v := range t.EnumValues {
				b.WriteString(" " + v.Name)
			}
			b.WriteString(" }\n")
		case "UNION":
			var names []string
			for _, p := range t.PossibleTypes {
				names = append(names, p.Name)
			}
			fmt.Fprintf(&b, "union %s = %s\n", t.Name, strings.Join(names, " | "))
		case "INPUT_OBJECT":
			fmt.Fprintf(&b, "input %s {\n", t.Name)
			for _, f := range t.InputFields {
				fmt.Fprintf(&b, "  %s: %s\n", f.Name, f.Type)
			}
			b.WriteString("}\n")
		case "OBJECT", "INTERFACE":
			keyword := map[string]string{"OBJECT": "type", "INTERFACE": "interface"}[t.Kind]
			fmt.Fprintf(&b, "%s %s", keyword, t.Name)
			if len(t.Interfaces) > 0 {
				var names []string
				for _, i := range t.Interfaces {
					names = append(names, i.Name)
				}
				b.WriteString(" implements " + strings.Join(names, " & "))
			}
			b.WriteString(" {\n")
			for _, f := range t.Fields {
				b.WriteString("  " + f.Name)
				if len(f.Args) > 0 {
					var args []string
					for _, a := range f.Args {
						args = append(args, a.Name+": "+a.Type.String())
					}
					b.WriteString("(" + strings.Join(args, ", ") + ")")
				}
				b.WriteString(": " + f.Type.String() + "\n")
			}
			b.WriteString("}\n")
		}
	}
	return b.String()
}
