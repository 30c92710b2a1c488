package provider_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// keycloakSchema is what the guide uses of the keycloak provider
// (keycloak/keycloak 5.x, as its documentation gives it): each block type's
// required and optional arguments.
var keycloakSchema = map[string]struct{ required, optional []string }{
	"data.keycloak_realm":         {[]string{"realm"}, nil},
	"data.keycloak_openid_client": {[]string{"realm_id", "client_id"}, nil},
	"data.keycloak_role":          {[]string{"realm_id", "name"}, []string{"client_id"}},
	"keycloak_user":               {[]string{"realm_id", "username"}, []string{"enabled", "email", "email_verified", "first_name", "last_name", "attributes"}},
	"keycloak_group":              {[]string{"realm_id", "name"}, []string{"parent_id", "attributes"}},
	"keycloak_group_memberships":  {[]string{"realm_id", "group_id", "members"}, nil},
	"keycloak_user_roles":         {[]string{"realm_id", "user_id", "role_ids"}, []string{"exhaustive"}},
	"keycloak_group_roles":        {[]string{"realm_id", "group_id", "role_ids"}, []string{"exhaustive"}},
}

// The guide's two halves: the keycloak half uses only arguments the keycloak
// provider documents, and keeps the split the guide states — role sets that
// touch a seat holder or a group are never exhaustive, nothing of it names the
// seat role, and no account it manages is disabled or deleted by an
// offboarding. (main.tf, the dashenterprise half, is validated by
// `make validate-examples` with the real CLI.)
func TestAlongsideKeycloakExample(t *testing.T) {
	dir := filepath.Join(acctest.RepoRoot(), "examples", "guides", "alongside-keycloak")
	kc := parseHCL(t, filepath.Join(dir, "keycloak.tf.example"))
	ours := parseHCL(t, filepath.Join(dir, "main.tf"))
	managed := map[string]bool{}
	for _, b := range kc.Blocks {
		key := b.Labels[0]
		if b.Type == "data" {
			key = "data." + key
		}
		s, ok := keycloakSchema[key]
		if !ok {
			t.Errorf("%s: %s is not among the keycloak provider's blocks the guide may use", b.Range().String(), key)
			continue
		}
		for name := range b.Body.Attributes {
			if !slices.Contains(s.required, name) && !slices.Contains(s.optional, name) {
				t.Errorf("%s: %s has no argument %q", b.Range().String(), key, name)
			}
		}
		for _, name := range s.required {
			if _, ok := b.Body.Attributes[name]; !ok {
				t.Errorf("%s: %s needs %q", b.Range().String(), key, name)
			}
		}
		if key == "keycloak_user_roles" || key == "keycloak_group_roles" {
			if v := literal(t, b, "exhaustive"); v.IsNull() || v.True() {
				t.Errorf("%s: %s must set exhaustive = false (exhaustive role sets undo dashenterprise_license_seats)", b.Range().String(), key)
			}
		}
		if key == "keycloak_user" {
			managed[literal(t, b, "username").AsString()] = true
		}
		_ = hclsyntax.VisitAll(b.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			if tmpl, ok := n.(*hclsyntax.TemplateExpr); ok && tmpl.IsStringLiteral() {
				if v, _ := tmpl.Value(nil); v.AsString() == "licensed_user" {
					t.Errorf("%s: the keycloak half names the seat role; only dashenterprise assigns it", tmpl.Range().String())
				}
			}
			return nil
		})
	}
	if len(managed) == 0 {
		t.Fatal("the example manages no account with keycloak_user: nothing to check the offboarding against")
	}
	offboardings := 0
	for _, b := range ours.Blocks {
		if b.Type != "resource" || b.Labels[0] != "dashenterprise_user_offboarding" {
			continue
		}
		offboardings++
		if user := literal(t, b, "username").AsString(); managed[user] {
			if action := literal(t, b, "user_action"); action.IsNull() || action.AsString() != "none" {
				t.Errorf("%s: %s's account is managed by keycloak_user; its offboarding must keep user_action = \"none\"", b.Range().String(), user)
			}
		}
	}
	if offboardings == 0 {
		t.Fatal("main.tf offboards nobody: the rule about accounts is not exercised")
	}
}

func parseHCL(t *testing.T, path string) *hclsyntax.Body {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags)
	}
	return file.Body.(*hclsyntax.Body)
}

// literal evaluates a constant argument (null when it is absent).
func literal(t *testing.T, b *hclsyntax.Block, name string) cty.Value {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %s is not a constant: %v", a.Range().String(), name, diags)
	}
	return v
}
