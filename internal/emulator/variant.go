package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
)

// SchemaVariant makes the emulator describe itself, when asked by
// introspection, as a server that differs from the contract: what the
// provider's compatibility check must notice. The operations themselves still
// run on the contract.
type SchemaVariant struct {
	// RefuseIntrospection answers introspection with an error, as servers
	// with introspection disabled do.
	RefuseIntrospection bool
	// Remove lists fields and enum values to leave out, as Type.name
	// (Mutation.moveAppsAndServices, PermissionLevel.unauthenticated).
	Remove []string
	// Rename maps Type.name to a new name for the field or enum value.
	Rename map[string]string
}

// serveIntrospection answers an introspection request per the variant; it
// reports false for any other request.
func (s *Server) serveIntrospection(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter, *http.Request)) bool {
	v := s.cfg.Variant
	if v == nil {
		return false
	}
	body, err := readAndRestore(r)
	if err != nil || !strings.Contains(body, "__schema") {
		return false
	}
	if v.RefuseIntrospection {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errors":[{"message":"GraphQL introspection is not allowed"}]}`))
		return true
	}
	rec := httptest.NewRecorder()
	serve(rec, r)
	var answer struct {
		Data struct {
			Schema map[string]any `json:"__schema"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Data.Schema == nil {
		http.Error(w, "introspection failed", http.StatusInternalServerError)
		return true
	}
	types, _ := answer.Data.Schema["types"].([]any)
	for _, t := range types {
		obj, _ := t.(map[string]any)
		name, _ := obj["name"].(string)
		for _, key := range []string{"fields", "enumValues"} {
			obj[key] = v.edit(name, obj[key])
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(answer)
	return true
}

// edit removes and renames the members (fields or enum values) of one type.
func (v *SchemaVariant) edit(typeName string, members any) any {
	list, ok := members.([]any)
	if !ok {
		return members
	}
	out := []any{}
	for _, m := range list {
		obj, _ := m.(map[string]any)
		name, _ := obj["name"].(string)
		key := typeName + "." + name
		if slices.Contains(v.Remove, key) {
			continue
		}
		if to, ok := v.Rename[key]; ok {
			obj["name"] = to
		}
		out = append(out, obj)
	}
	return out
}
