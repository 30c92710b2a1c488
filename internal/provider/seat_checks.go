package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

func (r *licenseSeatResource) planRevoke(ctx context.Context, username string, diags *diag.Diagnostics) {}

func (r *licenseSeatResource) planCapacity(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
}

func (r *licenseSeatResource) warnOrphanedNow(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
}

func (r *licenseSeatResource) allowRevoke(ctx context.Context, user keycloak.User, diags *diag.Diagnostics) bool {
	return true
}
