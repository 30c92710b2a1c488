package framework

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// Plan-time checks of new co-owners, shared by dashenterprise_app_coowner and
// dashenterprise_app_coowners: they read what the rules need and call
// operations.PlanCoOwnerUser and operations.PlanCoOwnerGroup.

// PlanCoOwnerUser checks a user about to become a co-owner of app; attr is
// the attribute the findings point at.
func (c *Clients) PlanCoOwnerUser(ctx context.Context, app *platform.App, username, attr string) diag.Diagnostics {
	var diags diag.Diagnostics
	u := operations.CoOwnerUser{Party: operations.Party{Username: username, Attribute: attr, Exists: true}}
	if app.Owner != username {
		u.Party = c.Party(ctx, username, attr)
		if known, err := c.KnownUser(ctx, username); err == nil {
			u.LoggedIn = &known
		}
	}
	snap, err := c.Snapshot(ctx)
	AddFindings(&diags, operations.PlanCoOwnerUser(&c.Run, snap, err == nil, GovernanceApps([]platform.App{*app})[0], u, c.Keycloak.Realm())...)
	return diags
}

// KnownUser reports whether the platform knows the user (they logged in once).
func (c *Clients) KnownUser(ctx context.Context, username string) (bool, error) {
	users, err := c.Platform.Users(ctx)
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if u.Username == username {
			return true, nil
		}
	}
	return false, nil
}

// PlanCoOwnerGroup checks a group about to become a co-owner of app.
func (c *Clients) PlanCoOwnerGroup(ctx context.Context, app *platform.App, group, attr string) diag.Diagnostics {
	var diags diag.Diagnostics
	g, err := c.Keycloak.GroupByPath(ctx, group)
	if keycloak.IsNotFound(err) {
		AddFindings(&diags, operations.GroupUnknown(group, c.Keycloak.Realm(), attr))
		return diags
	}
	snap, err2 := c.Snapshot(ctx)
	if err == nil {
		err = err2
	}
	if err == nil {
		err = c.addGroup(ctx, &snap, g)
	}
	if err != nil {
		AddFindings(&diags, operations.CoOwnerCannotCheck(group, app.Name, err))
		return diags
	}
	known, kerr := c.Platform.Groups(ctx)
	onPlatform := kerr != nil || slices.Contains(known, group)
	AddFindings(&diags, operations.PlanCoOwnerGroup(snap, GovernanceApps([]platform.App{*app})[0], group, attr, onPlatform)...)
	return diags
}
