package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/governance"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

// planRevocations warns, by name, about the apps each user whose direct seat is
// removed would lose. One snapshot serves every user. With orphan_protection =
// "error" a revocation that would orphan apps fails the plan itself, naming the
// user and the apps, unless a transfer (or offboarding) planned earlier in this
// plan moves them away first; in either mode such a planned move turns the
// orphan warning into one that names the transfer.
func (c *Clients) planRevocations(ctx context.Context, usernames []string, diags *diag.Diagnostics) {
	if len(usernames) == 0 {
		return
	}
	strict := c.settings.OrphanProtection == OrphanProtectionError
	snap, err := c.snapshot(ctx, usernames...)
	if err != nil {
		summary := fmt.Sprintf("Cannot check what revoking the seat of %s would orphan", strings.Join(usernames, ", "))
		if strict {
			diags.AddError(summary, err.Error()+"\n\norphan_protection is \"error\", so the plan stops here rather than pass a revocation it could not check.")
			return
		}
		diags.AddWarning(summary, err.Error())
		return
	}
	for _, username := range usernames {
		rev := snap.RevokeDirectSeat(username)
		if incoming := c.planned.received(username); len(incoming) > 0 && rev.LosesSeat() {
			summary := fmt.Sprintf("Revoking the seat of %s, who receives %s in this plan", username, strings.Join(incoming, ", "))
			detail := fmt.Sprintf("A transfer or offboarding planned earlier in this plan moves %s to %s, and this revocation would leave them without a licensed owner. "+
				"Keep the seat of %s, or transfer the apps to someone else.", strings.Join(incoming, ", "), username, username)
			if strict {
				diags.AddError(summary, detail+"\n\norphan_protection is \"error\": the plan stops here.")
				continue
			}
			diags.AddWarning(summary, detail)
		}
		if rev.Orphans() {
			switch still := rev.StillOwned(c.planned.moved(username)); {
			case len(still) == 0:
				diags.AddWarning(fmt.Sprintf("Revoking the seat of %s after this plan's transfer of %s", username, strings.Join(rev.Owned, ", ")),
					fmt.Sprintf("%s owns %s, and a transfer planned earlier in this plan moves them away. The apply checks again, reading the apps fresh, before it revokes the seat.",
						username, strings.Join(rev.Owned, ", ")))
				continue
			case strict:
				summary, detail := rev.StrictPlanError(still)
				diags.AddError(summary, detail)
				continue
			}
		}
		if summary, detail, ok := rev.Warning(strict); ok {
			diags.AddWarning(summary, detail)
		}
		if c.Platform == nil && rev.LosesSeat() {
			diags.AddWarning(fmt.Sprintf("Revoking the seat of %s not checked against apps", username),
				fmt.Sprintf("The platform API is not configured, so the plan cannot tell which apps %s owns or co-owns. Configure platform_client_id and platform_client_secret to get orphan warnings.", username))
		}
	}
}

// planUnknowableRevocations says that the set holds usernames known only after
// apply, so the plan cannot tell which of usernames (left out of the known
// ones) keep their seats. Strict orphan protection fails the plan: it cannot
// show that no app is orphaned.
func (c *Clients) planUnknowableRevocations(usernames []string, unknown int, diags *diag.Diagnostics) {
	summary := fmt.Sprintf("The plan cannot tell whether %s keep a license seat", strings.Join(usernames, ", "))
	detail := fmt.Sprintf("%d username(s) in usernames are known only after apply. Each of %s keeps the seat only if one of them names it; otherwise the apply revokes it. "+
		"Apply what the usernames depend on first (terraform apply -target=...), then plan again to see exactly which seats are revoked.", unknown, strings.Join(usernames, ", "))
	if c.settings.OrphanProtection == OrphanProtectionError {
		diags.AddError(summary, detail+"\n\norphan_protection is \"error\": a plan that cannot show which seats it revokes cannot show that no app is orphaned, so it stops here.")
		return
	}
	diags.AddWarning(summary, detail)
}

// warnUncheckedRevocations says, when the provider configuration is known
// only at apply, that the plan could not check the revocations at all.
func warnUncheckedRevocations(usernames []string, diags *diag.Diagnostics) {
	for _, username := range usernames {
		diags.AddWarning(fmt.Sprintf("Revoking the seat of %s was not checked", username),
			fmt.Sprintf("The provider configuration is known only after apply, so this plan could not read which apps %s owns. "+
				"The apply checks before revoking (with orphan_protection = \"error\" it refuses to orphan apps); plan again once the configuration is known to see the apps.", username))
	}
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
	c := governance.Capacity{Purchased: lic.SeatsPurchased, Assigned: holders.EffectiveCount()}
	if c.OverAllocated(1) {
		summary, detail := c.Warning(1, []string{username})
		diags.AddAttributeWarning(path.Root("username"), summary, detail)
	}
}

// warnOrphanedNow reports apps orphaned by a seat that was removed outside Terraform.
func (r *licenseSeatResource) warnOrphanedNow(ctx context.Context, username string, holders *keycloak.Holders, diags *diag.Diagnostics) {
	if r.clients.Platform == nil {
		return
	}
	if holders.EffectiveByUsername(username) {
		return
	}
	snap, err := r.clients.snapshot(ctx)
	if err != nil {
		return
	}
	if owned := snap.OwnedApps(username); len(owned) > 0 {
		diags.AddWarning(fmt.Sprintf("The seat of %s was revoked outside Terraform: %d app(s) are orphaned now", username, len(owned)),
			fmt.Sprintf("%s no longer holds licensed_user but still owns %s. These apps have no licensed owner. Apply to grant the seat again (the plan does), then transfer the apps with dashenterprise_app_transfer if %s is leaving.",
				username, strings.Join(owned, ", "), username))
	}
}

// allowRevoke enforces orphan_protection = "error" at apply time, before the role
// is removed: it reports whether the direct seat of user may go, adding an error
// that names the apps when it may not.
func (c *Clients) allowRevoke(ctx context.Context, user keycloak.User, diags *diag.Diagnostics) bool {
	if c.settings.OrphanProtection != OrphanProtectionError {
		return true
	}
	if !c.platformReady(diags) {
		return false
	}
	holders, err := c.Keycloak.RoleHolders(ctx, SeatRole)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot check orphan protection for %s", user.Username), err.Error())
		return false
	}
	if via := holders.Via[user.ID]; len(via) > 0 {
		return true // the seat stays through a group or composite role
	}
	// Read the apps fresh: a transfer earlier in this apply may have moved them.
	owned, err := c.Platform.OwnedApps(ctx, user.Username)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot check which apps %s owns", user.Username), err.Error())
		return false
	}
	if len(owned) == 0 {
		return true
	}
	names := make([]string, len(owned))
	for i, a := range owned {
		names[i] = a.Name
	}
	diags.AddError(fmt.Sprintf("Refusing to revoke the seat of %s: it would orphan %d app(s)", user.Username, len(owned)),
		fmt.Sprintf("orphan_protection is \"error\" and %s still owns %s. The licensed_user role was left in place. Transfer the apps first with dashenterprise_app_transfer; if the transfer is in this same configuration, run terraform apply again once it has completed.",
			user.Username, strings.Join(names, ", ")))
	return false
}
