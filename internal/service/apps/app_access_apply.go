package apps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// accessChange is what the apply may do: exactly what the plan showed
// (operations.Change over accessMembers), split back into its parts.
type accessChange struct {
	operations.Change
	addUsers, addGroups, removeUsers, removeGroups []string
	// settings is set when the level or the portal visibility changes.
	settings bool
}

// planAccessChange computes the change from the prior state (on Create: what
// the plan saw, so that creating the resource adopts the app's settings and
// changes what the plan showed), the plan, and the live app.
func planAccessChange(prior *appAccessModel, plan appAccessModel, live *platform.App) (accessChange, error) {
	want, ok := accessFrom(plan)
	if !ok {
		return accessChange{}, fmt.Errorf("the planned viewers are not known or not valid")
	}
	seen := framework.SetStrings(plan.Observed)
	priorMembers := seen
	if prior != nil {
		if p, ok := accessFrom(*prior); ok {
			priorMembers = accessMembers(p)
		}
	}
	c := accessChange{Change: operations.PlanChange(priorMembers, accessMembers(want), seen, framework.Known(plan.Observed), accessMembers(accessOf(live)))}
	var settingsAdded, settingsRemoved bool
	c.addUsers, c.addGroups, settingsAdded = splitMembers(c.Add)
	c.removeUsers, c.removeGroups, settingsRemoved = splitMembers(c.Remove)
	c.settings = settingsAdded || settingsRemoved
	return c, nil
}

// splitMembers splits members of accessMembers into users and groups, and
// says whether any setting is among them.
func splitMembers(members []string) (users, groups []string, settings bool) {
	for _, m := range members {
		switch {
		case strings.Contains(m, " = "):
			settings = true
		case strings.HasPrefix(m, "/"):
			groups = append(groups, m)
		default:
			users = append(users, m)
		}
	}
	return users, groups, settings
}

// converge refuses when the app's viewer settings changed since the plan,
// then sets the level and portal visibility first (a server that refuses
// unauthenticated does so before anything changed), removes viewers, and
// adds viewers.
func (r *appAccessResource) converge(ctx context.Context, prior *appAccessModel, plan appAccessModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	if diags.HasError() || !r.clients.PlatformReady(ctx, diags) {
		return
	}
	name := plan.App.ValueString()
	live, err := r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot read the viewer access of %s", name), err.Error())
		return
	}
	c, err := planAccessChange(prior, plan, live)
	if err != nil {
		diags.AddAttributeError(path.Root("viewer_groups"), fmt.Sprintf("Cannot apply the viewer access of %s", name), err.Error())
		return
	}
	if c.Refused() {
		framework.AddFindings(diags, c.Refusal(operations.ViewerSetWords(name), prior == nil)...)
		return
	}
	if !viewersAccepted(ctx, r.clients, name, c.addUsers, c.addGroups, diags) {
		return
	}
	if !r.write(ctx, name, plan, c, diags) {
		return
	}
	app, err := r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot read the viewer access of %s", name), err.Error())
		return
	}
	st := r.stateFrom(ctx, app, framework.SetStrings(plan.ViewerGroups), diags)
	if framework.Known(plan.Observed) {
		st.Observed = plan.Observed // what the plan saw; the next refresh resets it
	}
	diags.Append(state.Set(ctx, &st)...)
}

// write makes the change, in the order converge describes.
func (r *appAccessResource) write(ctx context.Context, name string, plan appAccessModel, c accessChange, diags *diag.Diagnostics) bool {
	p := r.clients.Platform
	if c.settings {
		if _, err := p.SetViewerAccess(ctx, name, plan.ViewerAccess.ValueString(), plan.PortalVisible.ValueBool()); err != nil {
			addAccessError(diags, name, "set the viewer access of", err)
			return false
		}
	}
	if len(c.removeUsers)+len(c.removeGroups) > 0 {
		if _, err := p.RemoveViewers(ctx, name, c.removeUsers, c.removeGroups); err != nil {
			addAccessError(diags, name, "remove viewers of", err)
			return false
		}
	}
	if len(c.addUsers)+len(c.addGroups) > 0 {
		if _, err := p.AddViewers(ctx, name, c.addUsers, c.addGroups); err != nil {
			addAccessError(diags, name, "add viewers to", err)
			return false
		}
	}
	return true
}

// viewersAccepted checks, before anything is written, that the platform knows
// every viewer the apply adds (they logged in once; a group's member did), so
// that a refused viewer never leaves the level or the removals half-applied.
func viewersAccepted(ctx context.Context, c *framework.Clients, app string, users, groups []string, diags *diag.Diagnostics) bool {
	var unknown []string
	for _, u := range users {
		known, err := c.KnownUser(ctx, u)
		if err != nil {
			diags.AddError(fmt.Sprintf("Cannot check the new viewers of %s", app), err.Error())
			return false
		}
		if !known {
			unknown = append(unknown, u)
		}
	}
	if len(groups) > 0 {
		known, err := c.Platform.Groups(ctx)
		if err != nil {
			diags.AddError(fmt.Sprintf("Cannot check the new viewers of %s", app), err.Error())
			return false
		}
		for _, g := range groups {
			if !slices.Contains(known, g) {
				unknown = append(unknown, g)
			}
		}
	}
	if len(unknown) > 0 {
		framework.AddFindings(diags, operations.ViewersNotKnown(app, unknown))
		return false
	}
	return true
}

// addAccessError reports a refused or failed write, naming what the server named.
func addAccessError(diags *diag.Diagnostics, app, doing string, err error) {
	switch platform.CodeOf(err) {
	case platform.CodeUnauthenticatedDisabled:
		diags.AddAttributeError(path.Root("viewer_access"), fmt.Sprintf("Unauthenticated viewer access is disabled on this server: %s", app),
			err.Error()+"\n\nAn administrator of Dash Enterprise disabled the Unauthenticated level. Use \"authenticated\" or \"restricted\", or ask them to enable it. Nothing was changed.")
	case platform.CodeUserNotKnown, platform.CodeGroupNotKnown:
		diags.AddError(fmt.Sprintf("Cannot %s %s", doing, app),
			err.Error()+"\n\nDash Enterprise accepts a user or group as a viewer only after they (or one of the group's direct members) logged in once.")
	default:
		diags.AddError(fmt.Sprintf("Cannot %s %s", doing, app), err.Error())
	}
}

func (r *appAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state appAccessModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		framework.AddFindings(&resp.Diagnostics, operations.AccessDestroyed(state.App.ValueString()))
		return
	}
	if r.clients == nil || r.clients.Run.ConfigUnknown || r.clients.Platform == nil || !r.clients.PlatformOffers(ctx, "viewer access", &resp.Diagnostics) {
		return
	}
	var plan appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.App.IsUnknown() {
		return
	}
	name := plan.App.ValueString()
	app, err := r.clients.Platform.App(ctx, name)
	if platform.CodeOf(err) == platform.CodeAppNotFound {
		framework.AddAppNotFound(&resp.Diagnostics, name)
		return
	}
	if err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Cannot check the planned viewer access of %s", name), err.Error())
		return
	}
	live := accessOf(app)
	if plan.Observed.IsUnknown() {
		// Create: what the plan sees is the baseline of the apply. (On an
		// update the refreshed state's view stays, and the apply compares the
		// server with it. A change between the plan and the apply of a new
		// resource makes this value differ at apply time, and Terraform
		// refuses the apply before it starts.)
		observed, d := types.SetValueFrom(ctx, types.StringType, accessMembers(live))
		resp.Diagnostics.Append(d...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("observed"), observed)...)
	}
	want, ok := accessFrom(plan)
	if !ok {
		return // a viewer known only after apply: the apply checks it
	}
	planAccess(ctx, r.clients, app, live, want, &resp.Diagnostics)
}

// planAccess reads what the viewer rules need (the listed groups' members and
// children, the administrators, the realm's users when an open app is
// restricted) and runs operations.PlanAccess, then checks each new viewer.
func planAccess(ctx context.Context, c *framework.Clients, app *platform.App, live, want operations.Access, diags *diag.Diagnostics) {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned viewer access of %s", app.Name), err.Error())
		return
	}
	ga := framework.GovernanceApps([]platform.App{*app})[0]
	missing, err := c.AddGroups(ctx, &snap, append(append(slices.Clone(live.Groups), want.Groups...), ga.CoOwnerGroups...))
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned viewer access of %s", app.Name), err.Error())
		return
	}
	for _, g := range missing {
		if slices.Contains(framework.Added(live.Groups, want.Groups), g) {
			framework.AddFindings(diags, operations.GroupUnknown(g, c.Keycloak.Realm(), "viewer_groups"))
		}
	}
	realm, err := accessRealm(ctx, c, live.Level != operations.AccessRestricted && want.Level == operations.AccessRestricted)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check who loses access to %s", app.Name), err.Error())
		return
	}
	framework.AddFindings(diags, operations.PlanAccess(snap, ga, live, want, realm)...)
	planNewViewers(ctx, c, framework.Added(live.Users, want.Users), framework.Added(live.Groups, want.Groups), diags)
}

// accessRealm reads the administrators, and every user of the realm when
// withUsers (an authenticated or open app becoming restricted).
func accessRealm(ctx context.Context, c *framework.Clients, withUsers bool) (operations.Realm, error) {
	admins, err := c.Keycloak.RoleHolders(ctx, framework.AdminRole)
	if err != nil {
		return operations.Realm{}, err
	}
	r := operations.Realm{Admins: admins.EffectiveUsernames()}
	if withUsers {
		users, err := c.Keycloak.Users(ctx, "")
		if err != nil {
			return r, err
		}
		for _, u := range users {
			r.Users = append(r.Users, u.Username)
		}
		slices.Sort(r.Users)
	}
	return r, nil
}

// planNewViewers checks the viewers the plan adds: users exist and have logged
// in once, groups are known to the platform.
func planNewViewers(ctx context.Context, c *framework.Clients, users, groups []string, diags *diag.Diagnostics) {
	for _, u := range users {
		if p := c.Party(ctx, u, "viewer_users"); !p.Exists {
			framework.AddFindings(diags, operations.UnknownUser(p, c.Keycloak.Realm(), "The apply will fail unless the user is created first, and they must then log in to Dash Enterprise once."))
			continue
		}
		if known, err := c.KnownUser(ctx, u); err == nil && !known {
			framework.AddFindings(diags, operations.ViewerNotLoggedIn(u))
		}
	}
	if len(groups) == 0 {
		return
	}
	onPlatform, err := c.Platform.Groups(ctx)
	if err != nil {
		return
	}
	for _, g := range groups {
		if !slices.Contains(onPlatform, g) {
			framework.AddFindings(diags, operations.ViewerGroupNotKnown(g))
		}
	}
}
