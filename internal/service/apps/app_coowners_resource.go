package apps

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*appCoOwnersResource)(nil)
	_ resource.ResourceWithImportState = (*appCoOwnersResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appCoOwnersResource)(nil)
	_ resource.ResourceWithIdentity    = (*appCoOwnersResource)(nil)
)

type appCoOwnersResource struct {
	clients *framework.Clients
}

// NewAppCoOwnersResource returns the authoritative dashenterprise_app_coowners resource.
func NewAppCoOwnersResource() resource.Resource { return &appCoOwnersResource{} }

type appCoOwnersModel struct {
	ID        types.String `tfsdk:"id"`
	App       types.String `tfsdk:"app"`
	Usernames types.Set    `tfsdk:"usernames"`
	Groups    types.Set    `tfsdk:"groups"`
	// What the plan saw live (groups as /Parent/child); each refresh resets them.
	ObservedUsernames types.Set `tfsdk:"observed_usernames"`
	ObservedGroups    types.Set `tfsdk:"observed_groups"`
}

func (r *appCoOwnersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_coowners"
}

func (r *appCoOwnersResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "app", Description: "App name."})
}

func (r *appCoOwnersResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet, _ := types.SetValue(types.StringType, nil)
	resp.Schema = schema.Schema{
		MarkdownDescription: "**Authoritative**: all co-owners of one app. A co-owner added by hand in the App Manager appears in the next plan as a removal. " +
			"Child groups do not inherit co-ownership given to their parent: list each group that should co-own the app.\n\n" +
			"~> **Do not combine** this resource with `dashenterprise_app_coowner` for the same app: each would undo the other's changes. " +
			"Destroying this resource removes every co-owner it lists.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The app name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"app": schema.StringAttribute{Required: true, MarkdownDescription: "App name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"usernames": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: setdefault.StaticValue(emptySet),
				MarkdownDescription: "Every user co-owner (lower-case usernames). Default: none.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.Username())}},
			"groups": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: setdefault.StaticValue(emptySet),
				MarkdownDescription: "Every group co-owner, as `/Parent/child` (the spelling without the leading slash is accepted and kept). Default: none.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.GroupPath())}},
			"observed_usernames": schema.SetAttribute{Computed: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "The user co-owners the plan saw on the platform: each refresh sets it to what is live, and the plan keeps it, so it never shows as a change by itself. " +
					"The apply refuses, before changing anything, when a co-owner was added or removed outside Terraform after the plan."},
			"observed_groups": schema.SetAttribute{Computed: true, ElementType: types.StringType,
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "The group co-owners the plan saw on the platform, as `/Parent/child`; checked at apply like `observed_usernames`."},
		},
	}
}

func (r *appCoOwnersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *appCoOwnersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	framework.ImportByAppName(ctx, req, resp, "dashenterprise_app_coowners")
}

// spelled maps a canonical group path to the spelling used in prior (the
// configuration may write it without the leading slash), or leaves it.
func spelled(canonical string, prior []string) string {
	for _, p := range prior {
		if n, err := grouppath.Parse(p); err == nil && n == canonical {
			return p
		}
	}
	return canonical
}

// parseGroups parses configured group paths (either spelling) into canonical
// ones. Invalid paths are left out; the first one's error is returned.
func parseGroups(paths []string) ([]string, error) {
	var out []string
	var first error
	for _, p := range paths {
		n, err := grouppath.Parse(p)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		out = append(out, n)
	}
	return out, first
}

func (r *appCoOwnersResource) stateFrom(ctx context.Context, app *platform.App, priorGroups []string, diags *diag.Diagnostics) *appCoOwnersModel {
	groups := app.CoOwnerGroupPaths()
	for i, g := range groups {
		groups[i] = spelled(g, priorGroups)
	}
	u, d := types.SetValueFrom(ctx, types.StringType, app.CoOwnerUsernames())
	diags.Append(d...)
	g, d := types.SetValueFrom(ctx, types.StringType, groups)
	diags.Append(d...)
	ou, og := observedOf(ctx, app, diags)
	return &appCoOwnersModel{ID: types.StringValue(app.Name), App: types.StringValue(app.Name), Usernames: u, Groups: g, ObservedUsernames: ou, ObservedGroups: og}
}

// observedOf returns an app's live co-owners as the observed_* values (groups as /Parent/child).
func observedOf(ctx context.Context, app *platform.App, diags *diag.Diagnostics) (users, groups types.Set) {
	users, d := types.SetValueFrom(ctx, types.StringType, app.CoOwnerUsernames())
	diags.Append(d...)
	groups, d = types.SetValueFrom(ctx, types.StringType, app.CoOwnerGroupPaths())
	diags.Append(d...)
	return users, groups
}

func (r *appCoOwnersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appCoOwnersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": state.App.ValueString()})
	if r.clients.RefreshDeferred() {
		return // the provider configuration is known only after apply: keep the state as it is
	}
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	app, err := r.clients.Platform.App(ctx, state.App.ValueString())
	if platform.CodeOf(err) == platform.CodeAppNotFound {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the co-owners of %s", state.App.ValueString()), err.Error())
		return
	}
	if st := r.stateFrom(ctx, app, framework.SetStrings(state.Groups), &resp.Diagnostics); st != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
	}
}

func (r *appCoOwnersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appCoOwnersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": plan.App.ValueString()})
	r.converge(ctx, nil, plan, &resp.State, &resp.Diagnostics)
}

func (r *appCoOwnersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior appCoOwnersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": plan.App.ValueString()})
	r.converge(ctx, &prior, plan, &resp.State, &resp.Diagnostics)
}

func (r *appCoOwnersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appCoOwnersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	groups, _ := parseGroups(framework.SetStrings(state.Groups)) // a path that was never valid was never added
	_, err := r.clients.Platform.RemoveCoOwners(ctx, state.App.ValueString(), framework.SetStrings(state.Usernames), groups)
	if err != nil && platform.CodeOf(err) != platform.CodeAppNotFound {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot remove the co-owners of %s", state.App.ValueString()), err.Error())
	}
}

// coOwnerChanges computes what the apply may do to the user and the group
// co-owners (groups in the platform's spelling, Parent/child); prior is nil on Create.
func coOwnerChanges(prior *appCoOwnersModel, plan appCoOwnersModel, app *platform.App) (users, groups operations.Change, err error) {
	var priorUsers, priorGroups []string
	if prior != nil {
		priorUsers = framework.SetStrings(prior.Usernames)
		priorGroups, _ = parseGroups(framework.SetStrings(prior.Groups)) // a path that was never valid was never added
	}
	desiredGroups, err := parseGroups(framework.SetStrings(plan.Groups))
	if err != nil {
		return users, groups, err
	}
	seenGroups, _ := parseGroups(framework.SetStrings(plan.ObservedGroups))
	users = operations.PlanChange(priorUsers, framework.SetStrings(plan.Usernames), framework.SetStrings(plan.ObservedUsernames), framework.Known(plan.ObservedUsernames), app.CoOwnerUsernames())
	groups = operations.PlanChange(priorGroups, desiredGroups, seenGroups, framework.Known(plan.ObservedGroups), app.CoOwnerGroupPaths())
	return users, groups, nil
}

// converge adds the co-owners the plan adds in one call and removes the ones
// it removes in another, after refusing when the app's co-owners changed since
// the plan (see operations.Change).
func (r *appCoOwnersResource) converge(ctx context.Context, prior *appCoOwnersModel, plan appCoOwnersModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	if diags.HasError() || !r.clients.PlatformReady(ctx, diags) {
		return
	}
	name := plan.App.ValueString()
	app, err := r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		addCoOwnerError(diags, coOwnerID{App: name}, err)
		return
	}
	users, groups, err := coOwnerChanges(prior, plan, app)
	if err != nil {
		diags.AddAttributeError(path.Root("groups"), fmt.Sprintf("Invalid group path among the co-owners of %s", name), err.Error())
		return
	}
	if users.Refused() || groups.Refused() {
		framework.AddFindings(diags, users.Merge(groups).Refusal(operations.CoOwnerSetWords(name), prior == nil)...)
		return
	}
	if !r.write(ctx, name, users, groups, diags) {
		return
	}
	app, err = r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot read the co-owners of %s", name), err.Error())
		return
	}
	if st := r.stateFrom(ctx, app, framework.SetStrings(plan.Groups), diags); st != nil {
		// What the plan saw; the next refresh resets it.
		if framework.Known(plan.ObservedUsernames) {
			st.ObservedUsernames = plan.ObservedUsernames
		}
		if framework.Known(plan.ObservedGroups) {
			st.ObservedGroups = plan.ObservedGroups
		}
		diags.Append(state.Set(ctx, st)...)
	}
}

// write adds and removes the co-owners of the change (every new user looked
// up first; the platform validates every co-owner before adding any).
func (r *appCoOwnersResource) write(ctx context.Context, name string, users, groups operations.Change, diags *diag.Diagnostics) bool {
	for _, u := range users.Add {
		if _, err := r.clients.Keycloak.UserByUsername(ctx, u); err != nil {
			framework.AddUserLookupError(diags, r.clients.Keycloak, u, err)
			return false
		}
	}
	if len(users.Add)+len(groups.Add) > 0 {
		if _, err := r.clients.Platform.AddCoOwners(ctx, name, users.Add, groups.Add); err != nil {
			id := coOwnerID{App: name}
			var pe *platform.Error
			if errors.As(err, &pe) {
				id.Username, id.Group = pe.Username, pe.Group
			}
			addCoOwnerError(diags, id, err)
			return false
		}
	}
	if len(users.Remove)+len(groups.Remove) > 0 {
		if _, err := r.clients.Platform.RemoveCoOwners(ctx, name, users.Remove, groups.Remove); err != nil {
			diags.AddError(fmt.Sprintf("Cannot remove co-owners of %s", name), err.Error())
			return false
		}
	}
	return true
}

func (r *appCoOwnersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil || r.clients.Run.ConfigUnknown || r.clients.Platform == nil || req.Plan.Raw.IsNull() {
		return
	}
	if !r.clients.PlatformOffers(ctx, "co-owners", &resp.Diagnostics) {
		return
	}
	var plan appCoOwnersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.App.IsUnknown() || plan.Usernames.IsUnknown() || plan.Groups.IsUnknown() {
		return
	}
	var prior appCoOwnersModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	app, err := r.clients.Platform.App(ctx, plan.App.ValueString())
	if platform.CodeOf(err) == platform.CodeAppNotFound {
		framework.AddAppNotFound(&resp.Diagnostics, plan.App.ValueString())
		return
	}
	if err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Cannot check the planned co-owners of %s", plan.App.ValueString()), err.Error())
		return
	}
	// What the plan sees now (the refresh's view is in plan.Observed*).
	plan.ObservedUsernames, plan.ObservedGroups = observedOf(ctx, app, &resp.Diagnostics)
	var priorPtr *appCoOwnersModel
	if !req.State.Raw.IsNull() {
		priorPtr = &prior
	}
	_, unknownUsers := framework.SetElems(plan.Usernames)
	_, unknownGroups := framework.SetElems(plan.Groups)
	// A co-owner left out of the known members may be named by one known only
	// after apply: the apply checks it then.
	if users, groups, err := coOwnerChanges(priorPtr, plan, app); err == nil && unknownUsers+unknownGroups == 0 {
		for _, m := range append(users.Unshown, groups.Unshown...) {
			framework.AddFindings(&resp.Diagnostics, operations.UnlistedCoOwner(m, app.Name))
		}
	}
	// The co-owner checks, for each co-owner that is new.
	addUsers := framework.Added(framework.SetStrings(prior.Usernames), framework.SetStrings(plan.Usernames))
	for _, u := range addUsers {
		resp.Diagnostics.Append(r.clients.PlanCoOwnerUser(ctx, app, u, "usernames")...)
	}
	planned := *app
	planned.CoOwnerGroups = nil
	plannedGroups, _ := parseGroups(framework.SetStrings(plan.Groups)) // invalid paths fail validation
	for _, g := range plannedGroups {
		planned.CoOwnerGroups = append(planned.CoOwnerGroups, platform.CoOwnerGroup{Path: grouppath.ToPlatform(g)})
	}
	addGroups := framework.Added(framework.SetStrings(prior.Groups), framework.SetStrings(plan.Groups))
	for _, g := range addGroups {
		if n, err := grouppath.Parse(g); err == nil {
			resp.Diagnostics.Append(r.clients.PlanCoOwnerGroup(ctx, &planned, n, "groups")...)
		}
	}
}
