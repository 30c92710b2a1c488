package seats

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/planmodifiers"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*licenseSeatResource)(nil)
	_ resource.ResourceWithImportState = (*licenseSeatResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*licenseSeatResource)(nil)
	_ resource.ResourceWithIdentity    = (*licenseSeatResource)(nil)
)

type licenseSeatResource struct {
	clients *framework.Clients
}

// NewLicenseSeatResource returns the dashenterprise_license_seat resource.
func NewLicenseSeatResource() resource.Resource { return &licenseSeatResource{} }

type licenseSeatModel struct {
	ID         types.String `tfsdk:"id"`
	Username   types.String `tfsdk:"username"`
	UserID     types.String `tfsdk:"user_id"`
	GrantedVia types.List   `tfsdk:"granted_via"`
	OwnedApps  types.List   `tfsdk:"owned_apps"`
	CoOwned    types.List   `tfsdk:"coowned_apps"`
}

func (r *licenseSeatResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_license_seat"
}

func (r *licenseSeatResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Dash Enterprise license seat: the `licensed_user` client role mapped **directly** to one user. " +
			"Destroying it removes only that direct mapping; other roles and seats held through groups or composite roles are never touched.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The username. Known at plan time, so a transfer to `dashenterprise_license_seat.<name>.id` lists the apps it moves in the same plan that grants the seat.",
				PlanModifiers: []planmodifier.String{planmodifiers.CopyOf("username")}},
			"username": schema.StringAttribute{Required: true,
				MarkdownDescription: "Keycloak username (lower case) of the user who gets the seat. Changing it replaces the seat.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validators.Username()}},
			"user_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Keycloak user ID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"granted_via": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Other ways the user holds `licensed_user`, sorted: `group:/Parent/child` for a group (or parent group) holding the role, `composite:<client>/<role>` (or `composite:<realm role>`) for a composite role containing it, such as the realm's default roles. Empty when the direct assignment is the only one."},
			"owned_apps": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Apps the user owns, sorted; refreshed on every read, so a destroy's `before` in `terraform show -json` names the apps the revocation would orphan. Null without platform credentials."},
			"coowned_apps": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Apps the user co-owns directly (not through a group), sorted; refreshed on every read. Null without platform credentials."},
		},
	}
}

func (r *licenseSeatResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "username", Description: "Keycloak username of the seat holder."})
}

func (r *licenseSeatResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *licenseSeatResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	username, ok := framework.ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return v["username"] }, "username")
	if !ok {
		return
	}
	if msg := operations.CheckUsername(username); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import a license seat by the username of its holder, e.g. `terraform import dashenterprise_license_seat.alice alice`. %s", msg))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("username"), username)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), username)...)
}

func (r *licenseSeatResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan licenseSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.clients.Ready(&resp.Diagnostics) {
		return
	}
	kc := r.clients.Keycloak
	username := plan.Username.ValueString()
	user, err := kc.UserByUsername(ctx, username)
	if err != nil {
		framework.AddUserLookupError(&resp.Diagnostics, kc, username, err)
		return
	}
	if err := kc.AddClientRole(ctx, *user, framework.SeatRole); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot grant a license seat to %q", username), err.Error())
		return
	}
	holders, err := kc.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the license seat of %s", username), err.Error())
		return
	}
	if st := r.seatState(ctx, username, user.ID, holders, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
		framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"username": username})
		framework.MarkRefreshed(ctx, resp.Private, time.Now(), &resp.Diagnostics)
	}
}

func (r *licenseSeatResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state licenseSeatModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	username := state.Username.ValueString()
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"username": username})
	if r.clients.RefreshDeferred() {
		return // the provider configuration is known only after apply: keep the state as it is
	}
	if resp.Diagnostics.HasError() || !r.clients.Ready(&resp.Diagnostics) {
		return
	}
	holders, err := r.clients.Keycloak.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the license seat of %s", username), err.Error())
		return
	}
	user, ok := holders.DirectByUsername(username)
	now := time.Now()
	var viaBefore []string
	if !state.GrantedVia.IsNull() && !state.GrantedVia.IsUnknown() {
		viaBefore = framework.NonNil(framework.ListStrings(ctx, state.GrantedVia))
	}
	drifts := operations.SeatDrifts(username, !ok, viaBefore, holders.Via[user.ID])
	r.clients.AttributeDrift(ctx, framework.RefreshedAt(ctx, req.Private, now), drifts, &resp.Diagnostics)
	if !ok {
		// The direct mapping is gone (or the user was deleted): plan to grant it again.
		r.warnOrphanedNow(ctx, username, holders, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	framework.MarkRefreshed(ctx, resp.Private, now, &resp.Diagnostics)
	if st := r.seatState(ctx, username, user.ID, holders, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
	}
}

// seatState builds the state of a seat that is held directly, with the apps
// its holder owns and co-owns (from the run's one app listing).
func (r *licenseSeatResource) seatState(ctx context.Context, username, userID string, holders *keycloak.Holders, diags *diag.Diagnostics) *licenseSeatModel {
	st := &licenseSeatModel{
		ID: types.StringValue(username), Username: types.StringValue(username), UserID: types.StringValue(userID),
		GrantedVia: framework.StringList(ctx, holders.Via[userID], diags),
		OwnedApps:  types.ListNull(types.StringType), CoOwned: types.ListNull(types.StringType),
	}
	if r.clients.Platform == nil {
		return st
	}
	if owned, coowned, ok := r.clients.AppsByUser(ctx, diags); ok {
		st.OwnedApps, st.CoOwned = framework.StringList(ctx, owned[username], diags), framework.StringList(ctx, coowned[username], diags)
	}
	return st
}

func (r *licenseSeatResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Every configurable attribute forces replacement; nothing to update in place.
	var plan licenseSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"username": plan.Username.ValueString()})
}

func (r *licenseSeatResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state licenseSeatModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.clients.Ready(&resp.Diagnostics) {
		return
	}
	kc := r.clients.Keycloak
	username := state.Username.ValueString()
	// The orphan check and the revocation happen under the user's lock, so no
	// transfer to them in this apply lands in between.
	defer r.clients.Run.Locks.Lock(username)()
	user, err := kc.UserByUsername(ctx, username)
	if keycloak.IsNotFound(err) {
		return // The user is gone, and with them the seat.
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot revoke the license seat of %q", username), err.Error())
		return
	}
	if !r.clients.AllowRevoke(ctx, *user, &resp.Diagnostics) {
		return
	}
	if err := kc.RemoveClientRole(ctx, *user, framework.SeatRole); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot revoke the license seat of %q", username), err.Error())
	}
}

func (r *licenseSeatResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil {
		return
	}
	if r.clients.Run.ConfigUnknown {
		if req.Plan.Raw.IsNull() {
			var state licenseSeatModel
			resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
			framework.AddFindings(&resp.Diagnostics, operations.RevocationsNotChecked([]string{state.Username.ValueString()})...)
		}
		return
	}
	switch {
	case req.Plan.Raw.IsNull():
		var state licenseSeatModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.clients.PlanRevocations(ctx, []string{state.Username.ValueString()}, &resp.Diagnostics)
	case req.State.Raw.IsNull():
		var plan licenseSeatModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if plan.Username.IsUnknown() || plan.Username.IsNull() {
			return
		}
		r.clients.Run.Intents.Grant(plan.Username.ValueString())
		r.planGrant(ctx, plan.Username.ValueString(), &resp.Diagnostics)
	default:
		var plan, state licenseSeatModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !plan.Username.IsUnknown() && plan.Username.ValueString() != state.Username.ValueString() {
			r.clients.PlanRevocations(ctx, []string{state.Username.ValueString()}, &resp.Diagnostics)
			r.clients.Run.Intents.Grant(plan.Username.ValueString())
			r.planGrant(ctx, plan.Username.ValueString(), &resp.Diagnostics)
		}
	}
}

// planGrant warns about a seat that cannot be granted yet or is already held another way.
func (r *licenseSeatResource) planGrant(ctx context.Context, username string, diags *diag.Diagnostics) {
	kc := r.clients.Keycloak
	user, err := kc.UserByUsername(ctx, username)
	if keycloak.IsNotFound(err) {
		framework.AddFindings(diags, operations.UnknownUser(operations.Party{Username: username, Attribute: "username"}, kc.Realm(),
			"The apply will fail unless the user is created first (by another resource of the same apply, ordered with depends_on, or by hand)."))
		return
	}
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned license seat of %s", username), err.Error())
		return
	}
	holders, err := kc.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the planned license seat of %s", username), err.Error())
		return
	}
	if via := holders.Via[user.ID]; len(via) > 0 {
		framework.AddFindings(diags, operations.HeldAnotherWay(username, via))
	}
	r.planCapacity(ctx, username, holders, diags)
}
