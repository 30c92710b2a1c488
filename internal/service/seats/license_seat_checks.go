package seats

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// planCapacity warns when a new seat would exceed the purchased seats.
func (r *licenseSeatResource) planCapacity(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
	if r.clients.Platform == nil {
		return
	}
	if holders.EffectiveByUsername(username) {
		return // already holds a seat: a direct assignment uses no new seat
	}
	lic, err := r.clients.Platform.License(ctx)
	if err != nil {
		framework.AddFindings(diags, operations.CapacityNotChecked([]string{username}, err).At("username"))
		return
	}
	c := operations.Capacity{Purchased: lic.SeatsPurchased, Assigned: holders.EffectiveCount()}
	if f, ok := c.Exceeded(c.Assigned+1, []string{username}); ok {
		framework.AddFindings(diags, f.At("username"))
	}
}

// warnOrphanedNow reports apps orphaned by a seat that was removed outside Terraform.
func (r *licenseSeatResource) warnOrphanedNow(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
	if r.clients.Platform == nil || holders.EffectiveByUsername(username) {
		return
	}
	if snap, err := r.clients.Snapshot(ctx); err == nil {
		if f, ok := snap.OrphanedNow(username); ok {
			framework.AddFindings(diags, f)
		}
	}
}
