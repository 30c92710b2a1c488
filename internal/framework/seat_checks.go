package framework

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// PlanRevocations runs the plan step of revoking the direct seats of
// usernames on the run's snapshot (see operations.PlanRevocations).
func (c *Clients) PlanRevocations(ctx context.Context, usernames []string, diags *diag.Diagnostics) {
	if len(usernames) == 0 {
		return
	}
	snap, err := c.Snapshot(ctx, usernames...)
	if err != nil {
		AddFindings(diags, operations.CannotCheckRevocations(&c.Run, usernames, err))
		return
	}
	AddFindings(diags, operations.PlanRevocations(&c.Run, snap, usernames, c.Platform != nil)...)
}

// AllowRevoke runs the apply-time check of orphan protection before the
// direct seat of user is removed (see operations.CheckRevoke), reporting
// whether the seat may go.
func (c *Clients) AllowRevoke(ctx context.Context, user keycloak.User, diags *diag.Diagnostics) bool {
	if c.Run.Strict && !c.PlatformReady(ctx, diags) {
		return false
	}
	return AddFinding(diags, operations.CheckRevoke(ctx, &c.Run, c.Directory(), c.AppStore(), user.Username))
}
