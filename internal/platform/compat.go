package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/ast"
)

// Feature is what the provider offers on top of some of Operations.
type Feature struct {
	// Name is how the dashenterprise_platform data source lists it.
	Name string
	// Needs are the Operations it sends.
	Needs []string
	// UsedBy names the resources, data sources and checks that rely on it.
	UsedBy string
}

// Features are every part of the provider that needs the platform API;
// seats, users, activity, logout, disabling and deleting need only Keycloak.
var Features = []Feature{
	{Name: "apps", Needs: []string{"apps", "app"},
		UsedBy: "the dashenterprise_apps data source, the apps in the orphan warnings and owned_apps of seats, and every check below"},
	{Name: "co-owners", Needs: []string{"apps", "app", "users", "groups", "addCoOwners", "removeCoOwners"},
		UsedBy: "dashenterprise_app_coowner and dashenterprise_app_coowners"},
	{Name: "viewer access", Needs: []string{"apps", "app", "users", "groups", "addCollaborators", "removeCollaborators", "updateApp"},
		UsedBy: "dashenterprise_app_access"},
	{Name: "transfer", Needs: []string{"apps", "moveAppsAndServices"},
		UsedBy: "dashenterprise_app_transfer and the transfer step of dashenterprise_user_offboarding"},
	{Name: "license", Needs: []string{"license"},
		UsedBy: "the dashenterprise_license data source's purchased seats and the seat-capacity warnings"},
	{Name: "platform users", Needs: []string{"users"},
		UsedBy: "the known_to_platform attribute of the dashenterprise_users data source"},
}

// Compatibility is what the server's schema says about Operations.
type Compatibility struct {
	// Checked is false when the server refused introspection; Reason says why.
	Checked bool
	Reason  string
	// Problems lists, per operation name, what the server lacks for it.
	Problems map[string][]string
}

// FeatureProblems lists what the server lacks for f (nil: it works).
func (c *Compatibility) FeatureProblems(f Feature) []string {
	var out []string
	for _, op := range f.Needs {
		for _, p := range c.Problems[op] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// IncompatibleError is an operation the server's schema cannot answer.
type IncompatibleError struct {
	Endpoint  string
	Operation string
	Problems  []string
}

func (e *IncompatibleError) Error() string {
	var users []string
	for _, f := range Features {
		if slices.Contains(f.Needs, e.Operation) {
			users = append(users, f.UsedBy)
		}
	}
	return fmt.Sprintf("the platform API at %s does not offer what the provider sends for %s: %s. Not available against this server: %s. "+
		"The dashenterprise_platform data source lists, feature by feature, what works against it",
		e.Endpoint, e.Operation, strings.Join(e.Problems, "; "), strings.Join(users, "; "))
}

// IntrospectionQuery asks for every type with its fields, arguments, input
// fields and enum values, and type references four wrappers deep.
const IntrospectionQuery = `query {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name type { ...ref } } type { ...ref } }
      inputFields { name type { ...ref } }
      enumValues(includeDeprecated: true) { name }
      interfaces { name }
      possibleTypes { name }
    }
  }
}
fragment ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// Compatibility checks the server's schema against Operations, once per
// Client (introspection: one request). A server that refuses introspection
// gives Checked false and the reason; a server that cannot be reached is an
// error, like any other request.
func (c *Client) Compatibility(ctx context.Context) (*Compatibility, error) {
	return c.compat.Get("", func() (*Compatibility, error) { return c.checkCompatibility(ctx) })
}

func (c *Client) checkCompatibility(ctx context.Context) (*Compatibility, error) {
	var out json.RawMessage
	err := c.send(ctx, false, IntrospectionQuery, nil, &out)
	var refused *Error
	if errors.As(err, &refused) && refused.Code != CodeUnauthenticated && refused.Code != CodeForbidden {
		return &Compatibility{Reason: fmt.Sprintf("the server refused introspection (%s)", refused.Message)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("asking the platform API for its schema: %w", err)
	}
	return CheckIntrospection(out)
}

// CheckIntrospection checks the data of an answer to IntrospectionQuery.
func CheckIntrospection(data json.RawMessage) (*Compatibility, error) {
	var out struct {
		Schema introspected `json:"__schema"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return &Compatibility{Reason: fmt.Sprintf("the server's answer to introspection could not be read (%v)", err)}, nil //nolint:nilerr // an unreadable schema is "not checked", not a failure
	}
	if out.Schema.QueryType == nil {
		return &Compatibility{Reason: "the server answered introspection without a schema"}, nil
	}
	return CheckSDL(out.Schema.sdl())
}

// CheckSDL checks a schema written in GraphQL's schema language against
// Operations: every operation, argument and field must exist with a
// compatible type, and every enum value of the contract must be one of the
// server's.
func CheckSDL(sdl string) (*Compatibility, error) {
	theirs, err := graphql.ParseSchema(sdl, nil)
	if err != nil {
		return &Compatibility{Reason: fmt.Sprintf("the server's schema could not be read (%v)", err)}, nil
	}
	ours := graphql.MustParseSchema(Schema, nil)
	comp := &Compatibility{Checked: true, Problems: map[string][]string{}}
	for name, op := range Operations {
		var problems []string
		for _, e := range theirs.Validate(op) {
			problems = append(problems, describeValidation(e.Message))
		}
		problems = append(problems, enumProblems(ours.AST(), theirs.AST(), op)...)
		if len(problems) > 0 {
			sort.Strings(problems)
			comp.Problems[name] = slices.Compact(problems)
		}
	}
	return comp, nil
}

var (
	noRootField = regexp.MustCompile(`^Cannot query field "(\w+)" on type "(\w+)"`)
	noArgument  = regexp.MustCompile(`^Unknown argument "(\w+)" on field "(?:\w+\.)?(\w+)"`)
)

// describeValidation words a validation error of the server's schema.
func describeValidation(msg string) string {
	if m := noRootField.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("the server has no field %s on type %s", m[1], m[2])
	}
	if m := noArgument.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("the server's %s has no argument %s", m[2], m[1])
	}
	return "the server's schema rejects it: " + strings.TrimSuffix(msg, ".")
}

// enumProblems compares, for every enum-typed field op selects, the contract's
// values with the server's; the field is found on both sides by its path from
// the root, so type names (rarely published) do not matter.
func enumProblems(ours, theirs *ast.Schema, op string) []string {
	root, field := rootField(op)
	rootType := map[bool]string{true: "Mutation", false: "Query"}[root == "mutation"]
	return walkEnums(ours, theirs, ours.Types[rootType], theirRoot(theirs, root), []string{field}, field)
}

// rootField returns "query" or "mutation" and the first field of op.
func rootField(op string) (kind, field string) {
	kind = "query"
	if strings.HasPrefix(op, "mutation") {
		kind = "mutation"
	}
	body := op[strings.Index(op, "{")+1:]
	field = strings.Fields(strings.NewReplacer("(", " ", "{", " ").Replace(body))[0]
	return kind, field
}

func theirRoot(s *ast.Schema, kind string) ast.NamedType {
	if t, ok := s.RootOperationTypes[kind]; ok {
		return t
	}
	return nil
}

// walkEnums descends from field name on ours and theirs into every field of
// the contract's type; at an enum it reports the contract's values the
// server lacks.
func walkEnums(ours, theirs *ast.Schema, ourParent, theirParent ast.NamedType, path []string, name string) []string {
	ourField, theirField := fieldOf(ourParent, name), fieldOf(theirParent, name)
	if ourField == nil || theirField == nil {
		return nil // a missing field is reported by validation
	}
	ourType, theirType := named(ours, ourField.Type), named(theirs, theirField.Type)
	if e, ok := ourType.(*ast.EnumTypeDefinition); ok {
		te, ok := theirType.(*ast.EnumTypeDefinition)
		if !ok {
			return []string{fmt.Sprintf("the server's %s is not an enum", strings.Join(path, "."))}
		}
		// Both ways: a value the server lacks cannot be written, and a
		// value the contract lacks would be read without knowing its meaning.
		where := fmt.Sprintf("the server's enum %s (%s)", te.Name, strings.Join(path, "."))
		var out []string
		for _, v := range enumValues(e) {
			if !slices.Contains(enumValues(te), v) {
				out = append(out, fmt.Sprintf("%s has no value %s", where, v))
			}
		}
		for _, v := range enumValues(te) {
			if !slices.Contains(enumValues(e), v) {
				out = append(out, fmt.Sprintf("%s has a value %s the provider does not know", where, v))
			}
		}
		return out
	}
	obj, ok := ourType.(*ast.ObjectTypeDefinition)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range obj.Fields {
		out = append(out, walkEnums(ours, theirs, ourType, theirType, append(slices.Clone(path), f.Name), f.Name)...)
	}
	return out
}

func enumValues(e *ast.EnumTypeDefinition) []string {
	out := make([]string, 0, len(e.EnumValuesDefinition))
	for _, v := range e.EnumValuesDefinition {
		out = append(out, v.EnumValue)
	}
	return out
}

func fieldOf(t ast.NamedType, name string) *ast.FieldDefinition {
	switch o := t.(type) {
	case *ast.ObjectTypeDefinition:
		return o.Fields.Get(name)
	case *ast.InterfaceTypeDefinition:
		return o.Fields.Get(name)
	}
	return nil
}

// named unwraps lists and non-nulls to the named type.
func named(s *ast.Schema, t ast.Type) ast.NamedType {
	for {
		switch w := t.(type) {
		case *ast.List:
			t = w.OfType
		case *ast.NonNull:
			t = w.OfType
		case *ast.TypeName:
			return s.Types[w.Name]
		case ast.NamedType:
			return w
		default:
			return nil
		}
	}
}
