package apps

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*appCoOwnerResource)(nil)
	_ resource.ResourceWithImportState = (*appCoOwnerResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appCoOwnerResource)(nil)
	_ resource.ResourceWithIdentity    = (*appCoOwnerResource)(nil)
)

type appCoOwnerResource struct {
	clients *framework.Clients
}

// NewAppCoOwnerResource returns the dashenterprise_app_coowner resource.
func NewAppCoOwnerResource() resource.Resource { return &appCoOwnerResource{} }

type appCoOwnerModel struct {
	ID             types.String             `tfsdk:"id"`
	App            types.String             `tfsdk:"app"`
	Username       types.String             `tfsdk:"username"`
	Group          framework.GroupPathValue `tfsdk:"group"`
	GroupPath      types.String             `tfsdk:"group_path"`
	LogoutSessions types.Bool               `tfsdk:"logout_sessions"`
	Active         types.Bool               `tfsdk:"active"`
}

func (m appCoOwnerModel) id() coOwnerID {
	id := coOwnerID{App: m.App.ValueString(), Username: m.Username.ValueString()}
	if !m.Group.IsNull() && !m.Group.IsUnknown() {
		id.Group, _ = grouppath.Parse(m.Group.ValueString())
	}
	return id
}

// identity is the co-owner's resource identity: the app, user or group, and the username or /Parent/child path.
func (id coOwnerID) identity() map[string]string {
	if id.Group != "" {
		return map[string]string{"app": id.App, "kind": "group", "principal": id.Group}
	}
	return map[string]string{"app": id.App, "kind": "user", "principal": id.Username}
}

func (r *appCoOwnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "app", Description: "App name."}, framework.IdentityAttr{Name: "kind", Description: "`user` or `group`."},
		framework.IdentityAttr{Name: "principal", Description: "The username, or the group path `/Parent/child`."})
}

func (r *appCoOwnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_coowner"
}

func (r *appCoOwnerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One co-owner of a Dash app: a user or a group. Co-owners can manage and deploy the app; they must hold a license seat. " +
			"**Child groups do not inherit co-ownership given to their parent**: add each child group that should co-own the app. " +
			"Changes take effect at the users' next login (see `logout_sessions`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<app>:user:<username>` or `<app>:group:/Parent/child`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"app": schema.StringAttribute{Required: true, MarkdownDescription: "App name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)}},
			"username": schema.StringAttribute{Optional: true, MarkdownDescription: "Username of a user co-owner (lower case). Exactly one of `username` and `group`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{validators.Username(),
					stringvalidator.ExactlyOneOf(path.MatchRoot("username"), path.MatchRoot("group"))}},
			"group": schema.StringAttribute{Optional: true, CustomType: framework.GroupPathType{},
				MarkdownDescription: "Path of a group co-owner, `/Parent/child` or `Parent/child` as Dash Enterprise shows it. Both spellings name the same group: " +
					"the state keeps the spelling of the configuration, and switching spellings is an in-place update that changes nothing in Dash Enterprise.",
				PlanModifiers: []planmodifier.String{requiresReplaceIfOtherGroup()},
				Validators:    []validator.String{validators.GroupPath()}},
			"group_path": schema.StringAttribute{Computed: true, MarkdownDescription: "The group path in canonical form `/Parent/child` (null for a user).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"logout_sessions": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Log the affected users (the user, or the group's direct members) out of all Keycloak sessions when the co-ownership is added or removed, so it applies at once instead of at their next login. Default `false`."},
			"active": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "For a user: whether the co-ownership counts now (the user holds a seat). Always true for a group."},
		},
	}
}

func (r *appCoOwnerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *appCoOwnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, ok := framework.ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return idPart(v["app"]) + ":" + v["kind"] + ":" + v["principal"] },
		"app", "kind", "principal")
	if !ok {
		return
	}
	id, err := parseCoOwnerID(raw)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	state := appCoOwnerModel{ID: types.StringValue(id.String()), App: types.StringValue(id.App), LogoutSessions: types.BoolValue(false),
		Username: types.StringNull(), Group: framework.GroupPathValue{StringValue: types.StringNull()}, GroupPath: types.StringNull(), Active: types.BoolNull()}
	if id.Group != "" {
		// Keep the spelling of the import ID, so a configuration written the same way plans clean.
		spelled := strings.SplitN(raw, ":", 3)[2]
		state.Group, state.GroupPath = framework.NewGroupPath(spelled), types.StringValue(id.Group)
	} else {
		state.Username = types.StringValue(id.Username)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *appCoOwnerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil || r.clients.Run.ConfigUnknown || r.clients.Platform == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	if !r.clients.PlatformOffers(ctx, "co-owners", &resp.Diagnostics) {
		return
	}
	var plan appCoOwnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.App.IsUnknown() || plan.Username.IsUnknown() || plan.Group.IsUnknown() {
		return
	}
	id := plan.id()
	app, err := r.clients.Platform.App(ctx, id.App)
	if platform.CodeOf(err) == platform.CodeAppNotFound {
		framework.AddAppNotFound(&resp.Diagnostics, id.App)
		return
	}
	if err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Cannot check the planned co-owner %s of %s", id.principal(), id.App), err.Error())
		return
	}
	if id.Group != "" {
		resp.Diagnostics.Append(r.clients.PlanCoOwnerGroup(ctx, app, id.Group, "group")...)
	} else {
		resp.Diagnostics.Append(r.clients.PlanCoOwnerUser(ctx, app, id.Username, "username")...)
	}
}

func (r *appCoOwnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appCoOwnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	id := plan.id()
	if id.Group != "" {
		if _, err := r.clients.Keycloak.GroupByPath(ctx, id.Group); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("group"), fmt.Sprintf("Group %s not found", id.Group), err.Error()+". Group paths are written /Parent/child.")
			return
		}
	} else if _, err := r.clients.Keycloak.UserByUsername(ctx, id.Username); err != nil {
		framework.AddUserLookupError(&resp.Diagnostics, r.clients.Keycloak, id.Username, err)
		return
	}
	users, groups := id.platformArgs()
	app, err := r.clients.Platform.AddCoOwners(ctx, id.App, users, groups)
	if err != nil {
		addCoOwnerError(&resp.Diagnostics, id, err)
		return
	}
	if plan.LogoutSessions.ValueBool() {
		resp.Diagnostics.Append(r.logout(ctx, id)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, coOwnerState(plan, id, app))...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, id.identity())
}

func coOwnerState(m appCoOwnerModel, id coOwnerID, app *platform.App) appCoOwnerModel {
	m.ID = types.StringValue(id.String())
	m.Active = types.BoolValue(true)
	if id.Group != "" {
		m.GroupPath = types.StringValue(id.Group)
	} else {
		m.GroupPath = types.StringNull()
		for _, c := range app.CoOwners {
			if c.Username == id.Username {
				m.Active = types.BoolValue(c.Active)
			}
		}
	}
	return m
}

// addCoOwnerError turns platform errors into diagnostics that say what to do.
func addCoOwnerError(diags *diag.Diagnostics, id coOwnerID, err error) {
	refusal := map[string]operations.CoOwnerRefusal{platform.CodeAppNotFound: operations.RefusedAppNotFound,
		platform.CodeUserNotKnown: operations.RefusedUserNotKnown, platform.CodeGroupNotKnown: operations.RefusedGroupNotKnown,
		platform.CodeNotLicensed: operations.RefusedNotLicensed, platform.CodeOwnerAsCoOwner: operations.RefusedOwnerAsCoOwner}[platform.CodeOf(err)]
	if refusal == 0 {
		refusal = operations.RefusedOther
	}
	framework.AddFindings(diags, operations.CoOwnerRefused(refusal, id.App, id.Username, id.Group, err))
}

func (r *appCoOwnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appCoOwnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id := state.id()
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, id.identity())
	if r.clients.RefreshDeferred() {
		return // the provider configuration is known only after apply: keep the state as it is
	}
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	app, err := r.clients.Platform.App(ctx, id.App)
	if platform.CodeOf(err) == platform.CodeAppNotFound {
		resp.State.RemoveResource(ctx) // the app is gone, and with it the co-ownership
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the co-owners of %s", id.App), err.Error())
		return
	}
	present := false
	if id.Group != "" {
		present = app.HasCoOwnerGroup(id.Group)
	} else {
		present = app.HasCoOwnerUser(id.Username)
	}
	if !present {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, coOwnerState(state, id, app))...)
}

func (r *appCoOwnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only logout_sessions changes in place; it acts on the next create or delete.
	var plan, state appCoOwnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.LogoutSessions = plan.LogoutSessions
	state.Group = plan.Group // the same group, spelled as now configured
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, state.id().identity())
}

func (r *appCoOwnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appCoOwnerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	id := state.id()
	users, groups := id.platformArgs()
	_, err := r.clients.Platform.RemoveCoOwners(ctx, id.App, users, groups)
	if err != nil && platform.CodeOf(err) != platform.CodeAppNotFound {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot remove co-owner %s from %s", id.String(), id.App), err.Error())
		return
	}
	if state.LogoutSessions.ValueBool() {
		resp.Diagnostics.Append(r.logout(ctx, id)...)
	}
}

// logout ends the Keycloak sessions of the user, or of the group's direct
// members (child groups do not inherit co-ownership, so their members are unaffected).
func (r *appCoOwnerResource) logout(ctx context.Context, id coOwnerID) diag.Diagnostics {
	var diags diag.Diagnostics
	kc := r.clients.Keycloak
	var users []keycloak.User
	if id.Group != "" {
		var err error
		if users, err = kc.MembersOfPath(ctx, id.Group); err != nil {
			diags.AddWarning(fmt.Sprintf("Co-owner %s of %s changed, but sessions were not ended", id.principal(), id.App), err.Error())
			return diags
		}
	} else {
		u, err := kc.UserByUsername(ctx, id.Username)
		if err != nil {
			diags.AddWarning(fmt.Sprintf("Co-owner %s of %s changed, but sessions were not ended", id.principal(), id.App), err.Error())
			return diags
		}
		users = []keycloak.User{*u}
	}
	for _, u := range users {
		if err := kc.LogoutUser(ctx, u); err != nil {
			diags.AddWarning(fmt.Sprintf("Co-owner changed, but %s was not logged out", u.Username), err.Error()+". The change applies at their next login.")
		}
	}
	return diags
}

// requiresReplaceIfOtherGroup replaces the co-owner only when the group path
// names another group, not when it is the same group spelled differently.
func requiresReplaceIfOtherGroup() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		a, errA := grouppath.Parse(req.StateValue.ValueString())
		b, errB := grouppath.Parse(req.PlanValue.ValueString())
		resp.RequiresReplace = req.StateValue.IsNull() != req.PlanValue.IsNull() || errA != nil || errB != nil || a != b
	}, "Replaces the co-owner when the group changes.", "Replaces the co-owner when the group changes (not when the same group is spelled with or without the leading slash).")
}
