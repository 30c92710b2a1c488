package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// planRevocations runs the plan step of revoking the direct seats of
// usernames on the run's snapshot (see operations.PlanRevocations).
func (c *clients) planRevocations(ctx context.Context, usernames []string, diags *diag.Diagnostics) {
	if len(usernames) == 0 {
		return
	}
	snap, err := c.snapshot(ctx, usernames...)
	if err != nil {
		addFindings(diags, operations.CannotCheckRevocations(&c.run, usernames, err))
		return
	}
	addFindings(diags, operations.PlanRevocations(&c.run, snap, usernames, c.Platform != nil)...)
}

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
		diags.AddWarning(fmt.Sprintf("Cannot check seat capacity for %s", username), err.Error())
		return
	}
	c := operations.Capacity{Purchased: lic.SeatsPurchased, Assigned: holders.EffectiveCount()}
	if f, ok := c.Exceeded(c.Assigned+1, []string{username}); ok {
		addFindings(diags, f.At("username"))
	}
}

// warnOrphanedNow reports apps orphaned by a seat that was removed outside Terraform.
func (r *licenseSeatResource) warnOrphanedNow(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
	if r.clients.Platform == nil || holders.EffectiveByUsername(username) {
		return
	}
	if snap, err := r.clients.snapshot(ctx); err == nil {
		if f, ok := snap.OrphanedNow(username); ok {
			addFindings(diags, f)
		}
	}
}

// allowRevoke runs the apply-time check of orphan protection before the
// direct seat of user is removed (see operations.CheckRevoke), reporting
// whether the seat may go.
func (c *clients) allowRevoke(ctx context.Context, user keycloak.User, diags *diag.Diagnostics) bool {
	if c.run.Strict && !c.platformReady(ctx, diags) {
		return false
	}
	return addFinding(diags, operations.CheckRevoke(ctx, &c.run, c.directory(), c.apps(), user.Username))
}
