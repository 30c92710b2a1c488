package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

// Clients is what Configure hands to every resource and data source.
type Clients struct {
	settings settings
	// Keycloak is the admin client of the Dash Enterprise realm.
	Keycloak *keycloak.Client
	// unknownConfig is set when the provider block depends on values known only at apply.
	unknownConfig bool
}

// clientsFrom converts ProviderData, reporting a provider bug if it has the wrong type.
func clientsFrom(data any, diags *diag.Diagnostics) *Clients {
	if data == nil {
		return nil
	}
	c, ok := data.(*Clients)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *provider.Clients, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// ready reports whether the clients can be used, adding an error if not.
func (c *Clients) ready(diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured", "The dashenterprise provider was not configured. This is a bug in the provider or in Terraform; please report it.")
		return false
	}
	if c.unknownConfig {
		diags.AddError("Provider configuration not known yet",
			"The dashenterprise provider block uses values that are only known after apply. Apply the resources it depends on first (terraform apply -target=...), then run again.")
		return false
	}
	return true
}
