package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
)

// Every password and secret is sensitive (Terraform then keeps it out of plans
// and CLI output), and every setting documents its environment variable.
func TestProviderSchemaSecretsSensitiveAndEnvDocumented(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	secrets := 0
	for name, attr := range resp.Schema.Attributes {
		secret := strings.Contains(name, "password") || strings.Contains(name, "secret")
		if secret {
			secrets++
		}
		if attr.IsSensitive() != secret {
			t.Errorf("%s: sensitive = %v, want %v", name, attr.IsSensitive(), secret)
		}
		if !strings.Contains(attr.GetMarkdownDescription(), "`"+config.EnvVar(name)+"`") {
			t.Errorf("%s: description does not name %s", name, config.EnvVar(name))
		}
	}
	if secrets != 4 {
		t.Errorf("found %d password/secret settings, want 4 (admin_password, admin_client_secret, platform_client_secret, platform_password)", secrets)
	}
}
