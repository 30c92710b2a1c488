package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

// The query and action examples need Terraform 1.14, which no CLI here runs:
// every list and action block in them must name a list resource or action of
// the provider's schema, and set only attributes that schema has.
func TestExamplesMatchListAndActionSchemas(t *testing.T) {
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(acctest.RepoRoot(), "examples", "list-resources", "*", "list-resource*.tfquery.hcl"))
	more, _ := filepath.Glob(filepath.Join(acctest.RepoRoot(), "examples", "actions", "*", "action*.tf"))
	files = append(files, more...)
	if len(files) < 3 {
		t.Fatalf("want the query and action examples, found %v", files)
	}
	seen := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		for _, block := range file.Body.(*hclsyntax.Body).Blocks {
			var s *tfprotov6.Schema
			switch block.Type {
			case "list":
				s = schema.ListResourceSchemas[block.Labels[0]]
			case "action":
				if as := schema.ActionSchemas[block.Labels[0]]; as != nil {
					s = as.Schema
				}
			default:
				continue
			}
			if s == nil {
				t.Errorf("%s: %s %q is not in the provider's schema", f, block.Type, block.Labels[0])
				continue
			}
			seen[block.Type+" "+block.Labels[0]] = true
			known := map[string]bool{}
			for _, a := range s.Block.Attributes {
				known[a.Name] = true
			}
			for _, inner := range block.Body.Blocks {
				if inner.Type != "config" {
					continue
				}
				for name := range inner.Body.Attributes {
					if !known[name] {
						t.Errorf("%s: %s %q sets %q, which its schema does not have", f, block.Type, block.Labels[0], name)
					}
				}
			}
		}
	}
	for _, want := range []string{"list dashenterprise_license_seat", "list dashenterprise_app_coowner", "action dashenterprise_logout_sessions"} {
		if !seen[want] {
			t.Errorf("no example uses %s", want)
		}
	}
}
