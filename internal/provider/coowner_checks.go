package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// Plan-time checks of new co-owners, shared by dashenterprise_app_coowner and
// dashenterprise_app_coowners.

// planCoOwnerUser checks a user about to become a co-owner of app: not its
// owner, exists, has logged in once, holds a seat (or gets one earlier in this
// plan). attr is the attribute the warnings point at.
func (c *Clients) planCoOwnerUser(ctx context.Context, app *platform.App, username string, attr path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if app.Owner == username {
		diags.AddAttributeWarning(attr, fmt.Sprintf("%s owns %s", username, app.Name),
			fmt.Sprintf("%s is the owner of %s and cannot also be its co-owner; the apply will fail unless the app is transferred first.", username, app.Name))
		return diags
	}
	if _, err := c.Keycloak.UserByUsername(ctx, username); keycloak.IsNotFound(err) {
		diags.AddAttributeWarning(attr, fmt.Sprintf("User %q does not exist yet", username),
			fmt.Sprintf("Realm %q has no user %q. The apply will fail unless the user is created first, and they must then log in to Dash Enterprise once.", c.Keycloak.Realm(), username))
		return diags
	}
	known, err := c.knownUser(ctx, username)
	if err == nil && !known {
		diags.AddAttributeWarning(attr, fmt.Sprintf("%s has not logged in to Dash Enterprise yet", username),
			fmt.Sprintf("Dash Enterprise only knows users who have logged in once. Ask %s to log in before applying, or the apply will fail.", username))
	}
	snap, err := c.snapshot(ctx)
	if err == nil {
		if _, ok := snap.Seats[username]; !ok && !c.run.Intents.Granted(username) {
			diags.AddAttributeWarning(attr, fmt.Sprintf("%s holds no license seat", username),
				fmt.Sprintf("Co-owners need a seat. The apply will fail unless %s gets one first: add a dashenterprise_license_seat for %s and reference it (or use depends_on) so it is granted before this co-owner is added.", username, username))
		}
	}
	return diags
}

// knownUser reports whether the platform knows the user (they logged in once).
func (c *Clients) knownUser(ctx context.Context, username string) (bool, error) {
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

// planCoOwnerGroup checks a group about to become a co-owner of app: it
// exists, the platform knows it, which child groups do not inherit
// co-ownership, which members hold no seat.
func (c *Clients) planCoOwnerGroup(ctx context.Context, app *platform.App, group string, attr path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	g, err := c.Keycloak.GroupByPath(ctx, group)
	if keycloak.IsNotFound(err) {
		diags.AddAttributeWarning(attr, fmt.Sprintf("Group %s does not exist yet", group),
			fmt.Sprintf("Realm %q has no group %s. The apply will fail unless the group is created first and one of its members logs in to Dash Enterprise.", c.Keycloak.Realm(), group))
		return diags
	}
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned group co-owner %s of %s", group, app.Name), err.Error())
		return diags
	}
	if known, err := c.Platform.Groups(ctx); err == nil && !slices.Contains(known, group) {
		diags.AddAttributeWarning(attr, fmt.Sprintf("Group %s is not known to Dash Enterprise yet", group),
			fmt.Sprintf("Dash Enterprise learns a group when one of its direct members logs in. Ask a member of %s to log in before applying, or the apply will fail.", group))
	}
	snap, err := c.snapshot(ctx)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned group co-owner %s of %s", group, app.Name), err.Error())
		return diags
	}
	if err := c.addGroup(ctx, &snap, g); err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned group co-owner %s of %s", group, app.Name), err.Error())
		return diags
	}
	ga := governanceApps([]platform.App{*app})[0]
	if children := snap.ChildGroupsWithoutCoOwnership(ga, group); len(children) > 0 {
		diags.AddAttributeWarning(attr, fmt.Sprintf("Child groups of %s do not inherit co-ownership of %s", group, app.Name),
			fmt.Sprintf("Co-ownership given to %s does not reach its child groups. Members of these groups will not co-own %s unless each is added as its own co-owner:\n  - %s",
				group, app.Name, strings.Join(children, "\n  - ")))
	}
	if without := snap.MembersWithoutSeats(group); len(without) > 0 {
		diags.AddAttributeWarning(attr, fmt.Sprintf("Members of %s without a license seat", group),
			fmt.Sprintf("Co-owners need a seat. These members of %s hold none, so they will not be able to manage %s: %s. Grant them seats with dashenterprise_license_seat.",
				group, app.Name, strings.Join(without, ", ")))
	}
	return diags
}
