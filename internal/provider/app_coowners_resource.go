package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

var (
	_ resource.ResourceWithConfigure   = (*appCoOwnersResource)(nil)
	_ resource.ResourceWithImportState = (*appCoOwnersResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appCoOwnersResource)(nil)
)

type appCoOwnersResource struct {
	clients *Clients
	single  appCoOwnerResource // shares the single resource's plan checks
}

// NewAppCoOwnersResource returns the authoritative dashenterprise_app_coowners resource.
func NewAppCoOwnersResource() resource.Resource { return &appCoOwnersResource{} }

type appCoOwnersModel struct {
	ID        types.String `tfsdk:"id"`
	App       types.String `tfsdk:"app"`
	Usernames types.Set    `tfsdk:"usernames"`
	Groups    types.Set    `tfsdk:"groups"`
}

func (r *appCoOwnersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_coowners"
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
				Validators:          []validator.Set{setvalidator.ValueStringsAre(usernameValidator{})}},
			"groups": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: setdefault.StaticValue(emptySet),
				MarkdownDescription: "Every group co-owner, as `/Parent/child` (the spelling without the leading slash is accepted and kept). Default: none.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(groupPathValidator{})}},
		},
	}
}

func (r *appCoOwnersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
	r.single.clients = r.clients
}

func (r *appCoOwnersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" || strings.Contains(req.ID, ":") {
		resp.Diagnostics.AddError("Invalid import ID", "dashenterprise_app_coowners is imported by app name, e.g. `terraform import dashenterprise_app_coowners.forecast sales-forecast`.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app"), req.ID)...)
}

// spelled maps a platform group (Parent/child) to the spelling used in prior, or /Parent/child.
func spelled(group string, prior []string) string {
	canonical := "/" + group
	for _, p := range prior {
		if n, err := keycloak.NormalizeGroupPath(p); err == nil && n == canonical {
			return p
		}
	}
	return canonical
}

// platformGroups converts configured group paths to the platform's spelling
// (Parent/child). Invalid paths are left out; the first one's error is returned.
func platformGroups(paths []string) ([]string, error) {
	var out []string
	var first error
	for _, p := range paths {
		n, err := keycloak.NormalizeGroupPath(p)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		out = append(out, keycloak.DisplayGroupPath(n))
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
	return &appCoOwnersModel{ID: types.StringValue(app.Name), App: types.StringValue(app.Name), Usernames: u, Groups: g}
}

func (r *appCoOwnersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appCoOwnersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.clients.platformReady(&resp.Diagnostics) {
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
	if st := r.stateFrom(ctx, app, setStrings(ctx, state.Groups), &resp.Diagnostics); st != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
	}
}

func (r *appCoOwnersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appCoOwnersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	r.converge(ctx, plan, &resp.State, &resp.Diagnostics)
}

func (r *appCoOwnersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan appCoOwnersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	r.converge(ctx, plan, &resp.State, &resp.Diagnostics)
}

func (r *appCoOwnersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appCoOwnersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.clients.platformReady(&resp.Diagnostics) {
		return
	}
	groups, _ := platformGroups(setStrings(ctx, state.Groups)) // a path that was never valid was never added
	_, err := r.clients.Platform.RemoveCoOwners(ctx, state.App.ValueString(), setStrings(ctx, state.Usernames), groups)
	if err != nil && platform.CodeOf(err) != platform.CodeAppNotFound {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot remove the co-owners of %s", state.App.ValueString()), err.Error())
	}
}

// converge adds the missing co-owners in one call and removes the extra ones in another.
func (r *appCoOwnersResource) converge(ctx context.Context, plan appCoOwnersModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	if diags.HasError() || !r.clients.platformReady(diags) {
		return
	}
	name := plan.App.ValueString()
	app, err := r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		addCoOwnerError(diags, CoOwnerID{App: name}, err)
		return
	}
	desiredGroups, err := platformGroups(setStrings(ctx, plan.Groups))
	if err != nil {
		diags.AddAttributeError(path.Root("groups"), "Invalid group path", err.Error())
		return
	}
	addUsers, removeUsers := diffSets(app.CoOwnerUsernames(), setStrings(ctx, plan.Usernames))
	addGroups, removeGroups := diffSets(app.CoOwnerGroupPaths(), desiredGroups)
	for _, u := range addUsers {
		if _, err := r.clients.Keycloak.UserByUsername(ctx, u); err != nil {
			addUserLookupError(diags, r.clients.Keycloak, u, err)
			return
		}
	}
	if len(addUsers)+len(addGroups) > 0 {
		// The platform validates every co-owner before adding any.
		if _, err := r.clients.Platform.AddCoOwners(ctx, name, addUsers, addGroups); err != nil {
			id := CoOwnerID{App: name}
			var pe *platform.Error
			if errors.As(err, &pe) {
				id.Username, id.Group = pe.Username, pe.Group
				if id.Group != "" {
					id.Group = "/" + id.Group
				}
			}
			addCoOwnerError(diags, id, err)
			return
		}
	}
	if len(removeUsers)+len(removeGroups) > 0 {
		if _, err := r.clients.Platform.RemoveCoOwners(ctx, name, removeUsers, removeGroups); err != nil {
			diags.AddError(fmt.Sprintf("Cannot remove co-owners of %s", name), err.Error())
			return
		}
	}
	app, err = r.clients.Platform.FetchApp(ctx, name)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot read the co-owners of %s", name), err.Error())
		return
	}
	if st := r.stateFrom(ctx, app, setStrings(ctx, plan.Groups), diags); st != nil {
		diags.Append(state.Set(ctx, st)...)
	}
}

func (r *appCoOwnersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil || r.clients.unknownConfig || r.clients.Platform == nil || req.Plan.Raw.IsNull() {
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
		resp.Diagnostics.AddAttributeError(path.Root("app"), fmt.Sprintf("App %q not found", plan.App.ValueString()),
			fmt.Sprintf("Dash Enterprise has no app named %q. Check the name in the App Manager (or with the dashenterprise_apps data source).", plan.App.ValueString()))
		return
	}
	if err != nil {
		resp.Diagnostics.AddWarning("Cannot check the planned co-owners", err.Error())
		return
	}
	// The checks of the single resource, for each co-owner that is new.
	addUsers, _ := diffSets(setStrings(ctx, prior.Usernames), setStrings(ctx, plan.Usernames))
	for _, u := range addUsers {
		resp.Diagnostics.Append(r.single.planUser(ctx, app, u)...)
	}
	planned := *app
	planned.CoOwnerGroups = nil
	plannedGroups, _ := platformGroups(setStrings(ctx, plan.Groups)) // invalid paths fail validation
	for _, g := range plannedGroups {
		planned.CoOwnerGroups = append(planned.CoOwnerGroups, platform.CoOwnerGroup{Path: g})
	}
	addGroups, _ := diffSets(setStrings(ctx, prior.Groups), setStrings(ctx, plan.Groups))
	for _, g := range addGroups {
		if n, err := keycloak.NormalizeGroupPath(g); err == nil {
			resp.Diagnostics.Append(r.single.planGroup(ctx, &planned, n)...)
		}
	}
}
