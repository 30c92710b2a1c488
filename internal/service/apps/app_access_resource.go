package apps

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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
	_ resource.ResourceWithConfigure   = (*appAccessResource)(nil)
	_ resource.ResourceWithImportState = (*appAccessResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appAccessResource)(nil)
	_ resource.ResourceWithIdentity    = (*appAccessResource)(nil)
)

type appAccessResource struct {
	clients *framework.Clients
}

// NewAppAccessResource returns the dashenterprise_app_access resource.
func NewAppAccessResource() resource.Resource { return &appAccessResource{} }

type appAccessModel struct {
	ID            types.String `tfsdk:"id"`
	App           types.String `tfsdk:"app"`
	ViewerAccess  types.String `tfsdk:"viewer_access"`
	ViewerUsers   types.Set    `tfsdk:"viewer_users"`
	ViewerGroups  types.Set    `tfsdk:"viewer_groups"`
	PortalVisible types.Bool   `tfsdk:"portal_visible"`
	// Observed is what the plan saw live, as members (see accessMembers).
	Observed types.Set `tfsdk:"observed"`
}

func (r *appAccessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_access"
}

func (r *appAccessResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "app", Description: "App name."})
}

func (r *appAccessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet, _ := types.SetValue(types.StringType, nil)
	resp.Schema = schema.Schema{
		MarkdownDescription: "**Authoritative**: who can view one app. The viewer access level, the viewers of a restricted app (users and groups) " +
			"and whether the app is shown in the App Portal. A viewer added by hand in the App Manager appears in the next plan as a removal.\n\n" +
			"The owner, co-owners and administrators can always view the app. Child groups do not inherit viewer access given to their parent. " +
			"Destroying this resource changes nothing on the server: Terraform stops managing the app's access, and a warning says so.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The app name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"app": schema.StringAttribute{Required: true, MarkdownDescription: "App name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"viewer_access": schema.StringAttribute{Required: true,
				MarkdownDescription: "`restricted` (the listed users and groups, plus owner, co-owners and administrators), `authenticated` (anyone logged in) " +
					"or `unauthenticated` (anyone who reaches the server, without logging in; an administrator may have disabled it).",
				Validators: []validator.String{stringvalidator.OneOf(operations.AccessLevels...)}},
			"viewer_users": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: setdefault.StaticValue(emptySet),
				MarkdownDescription: "Every user who may view the app when it is restricted (lower-case usernames; each must have logged in once). Default: none.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.Username())}},
			"viewer_groups": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: setdefault.StaticValue(emptySet),
				MarkdownDescription: "Every group whose direct members may view the app when it is restricted, as `/Parent/child` (the spelling without the leading slash is accepted and kept). Default: none.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.GroupPath())}},
			"portal_visible": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the App Portal lists the app (to those who can view it). Default: `false`."},
			"observed": schema.SetAttribute{Computed: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "What the plan saw on the server: viewers, groups (`/Parent/child`) and the settings (`viewer_access = …`, `portal_visible = …`). " +
					"Each refresh sets it to what is live, and the plan keeps it, so it never shows as a change by itself. " +
					"The apply refuses, before changing anything, when any of it changed outside Terraform after the plan."},
		},
	}
}

func (r *appAccessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *appAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	framework.ImportByAppName(ctx, req, resp, "dashenterprise_app_access")
}

// accessOf returns an app's live viewer settings (groups /Parent/child).
func accessOf(app *platform.App) operations.Access {
	a := operations.Access{Level: app.Settings.ViewerAccess, Users: slices.Clone(app.Settings.Viewers), PortalVisible: app.Settings.PortalVisible}
	for _, g := range app.Settings.ViewerGroups {
		a.Groups = append(a.Groups, grouppath.FromPlatform(g))
	}
	return a
}

// accessMembers writes viewer settings as the members of one set: users,
// groups (they start with /) and the settings (see operations.AccessSettings).
func accessMembers(a operations.Access) []string {
	out := append(slices.Clone(a.Users), a.Groups...)
	return append(out, operations.AccessSettings(a.Level, a.PortalVisible)...)
}

// accessFrom reads the configured (or prior) settings of m; ok is false when
// a group path is invalid or a set is unknown.
func accessFrom(m appAccessModel) (operations.Access, bool) {
	if m.ViewerUsers.IsUnknown() || m.ViewerGroups.IsUnknown() || m.ViewerAccess.IsUnknown() || m.PortalVisible.IsUnknown() {
		return operations.Access{}, false
	}
	groups, err := parseGroups(framework.SetStrings(m.ViewerGroups))
	return operations.Access{Level: m.ViewerAccess.ValueString(), Users: framework.SetStrings(m.ViewerUsers), Groups: groups,
		PortalVisible: m.PortalVisible.ValueBool()}, err == nil
}

// stateFrom is the state for an app's live settings, keeping the spelling of
// groups in spelledAs.
func (r *appAccessResource) stateFrom(ctx context.Context, app *platform.App, spelledAs []string, diags *diag.Diagnostics) appAccessModel {
	live := accessOf(app)
	groups := make([]string, 0, len(live.Groups))
	for _, g := range live.Groups {
		groups = append(groups, spelled(g, spelledAs))
	}
	users, d := types.SetValueFrom(ctx, types.StringType, nonNilStrings(live.Users))
	diags.Append(d...)
	gs, d := types.SetValueFrom(ctx, types.StringType, groups)
	diags.Append(d...)
	observed, d := types.SetValueFrom(ctx, types.StringType, accessMembers(live))
	diags.Append(d...)
	return appAccessModel{ID: types.StringValue(app.Name), App: types.StringValue(app.Name), ViewerAccess: types.StringValue(live.Level),
		ViewerUsers: users, ViewerGroups: gs, PortalVisible: types.BoolValue(live.PortalVisible), Observed: observed}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (r *appAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": state.App.ValueString()})
	if r.clients.RefreshDeferred() {
		return
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
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the viewer access of %s", state.App.ValueString()), err.Error())
		return
	}
	st := r.stateFrom(ctx, app, framework.SetStrings(state.ViewerGroups), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *appAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": plan.App.ValueString()})
	r.converge(ctx, nil, plan, &resp.State, &resp.Diagnostics)
}

func (r *appAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"app": plan.App.ValueString()})
	r.converge(ctx, &prior, plan, &resp.State, &resp.Diagnostics)
}

// Delete changes nothing on the server: Terraform stops managing the access.
func (r *appAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.AddFindings(&resp.Diagnostics, operations.AccessDestroyed(state.App.ValueString()))
}
