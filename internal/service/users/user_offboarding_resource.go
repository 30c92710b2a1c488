package users

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*userOffboardingResource)(nil)
	_ resource.ResourceWithImportState = (*userOffboardingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userOffboardingResource)(nil)
	_ resource.ResourceWithIdentity    = (*userOffboardingResource)(nil)
)

type userOffboardingResource struct {
	clients *framework.Clients
}

// NewUserOffboardingResource returns the dashenterprise_user_offboarding resource.
func NewUserOffboardingResource() resource.Resource { return &userOffboardingResource{} }

type userOffboardingModel struct {
	ID                types.String `tfsdk:"id"`
	Username          types.String `tfsdk:"username"`
	TransferAppsTo    types.String `tfsdk:"transfer_apps_to"`
	RevokeSeat        types.Bool   `tfsdk:"revoke_seat"`
	UserAction        types.String `tfsdk:"user_action"`
	LogoutSessions    types.Bool   `tfsdk:"logout_sessions"`
	AppsToTransfer    types.List   `tfsdk:"apps_to_transfer"`
	CoOwnedAppsLost   types.List   `tfsdk:"coowned_apps_lost"`
	RevokesDirectSeat types.Bool   `tfsdk:"revokes_direct_seat"`
	SeatKeptVia       types.List   `tfsdk:"seat_kept_via"`
	CompletedSteps    types.List   `tfsdk:"completed_steps"`
}

func (r *userOffboardingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_offboarding"
}

func (r *userOffboardingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "username", Description: "The leaving user (kept after the account is deleted)."})
}

func (r *userOffboardingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Offboards one user in one reviewed plan, in the order of Plotly's guide on inactive users: " +
			"**transfer** the user's apps, **revoke** the direct seat, **log out** the sessions, then **disable** or **delete** the account. " +
			"The plan lists the apps that will move (`apps_to_transfer`) and whether a direct seat is revoked (`revokes_direct_seat`), and names in warnings " +
			"the co-owned apps the user loses and any seat the user keeps through a group or composite role (recorded by the apply in `coowned_apps_lost` and `seat_kept_via`). " +
			"The apply refuses before changing anything if the apps differ from the plan. Each step is idempotent and `completed_steps` records what is done, " +
			"so an apply interrupted after a step resumes on the next apply with nothing done twice; a record short of its settings (an update that failed part-way, an import) " +
			"is completed on refresh from what holds live, and the plan shows the steps left. Deleting a user who still owns apps is refused. " +
			"After the account is deleted the resource stays (refresh never re-creates anything). Destroying the resource changes nothing in Keycloak or Dash Enterprise.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The username.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"username": schema.StringAttribute{Required: true, MarkdownDescription: "The user leaving (lower case).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}, Validators: []validator.String{validators.Username()}},
			"transfer_apps_to": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.Username(), validators.NotSameUserAs("username")},
				MarkdownDescription: "Who receives the user's apps (lower case). Required when the user owns apps. Both users need a license seat for the transfer."},
			"revoke_seat": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Revoke the user's direct seat after the transfer. Default `true`. A seat held through a group or composite role is not revoked (the plan warns, naming it)."},
			"user_action": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("none"),
				Validators:          []validator.String{stringvalidator.OneOf("none", "disable", "delete")},
				MarkdownDescription: "What happens to the Keycloak account at the end: `none` (default), `disable` or `delete`. Deleting a user who still owns apps is refused."},
			"logout_sessions": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "End the user's Keycloak sessions after the seat is revoked, so the change applies at once. Default `true`."},
			"apps_to_transfer": computedList("Apps the user owns that move to `transfer_apps_to`, sorted. Known at plan time; the apply refuses if the list changed since the plan."),
			"coowned_apps_lost": computedList("Apps the user co-owns (directly or through a group) and loses with the seat, sorted, as the apply found them before its first step. " +
				"The plan names them in a warning (a value planned here would have to stay the same until the apply, and a co-owner added elsewhere in between would stop it)."),
			"seat_kept_via": computedList("Grants through which the user keeps a seat after the offboarding: `group:/Parent/child`, `composite:<client>/<role>`, or `direct` when `revoke_seat = false`. " +
				"Recorded by the apply; the plan warns, naming them."),
			"completed_steps": computedList("Steps whose outcome holds, in order: `transfer` (the user owns no app), `revoke_seat` (no direct seat), `logout` (no session, online or offline), `disable` or `delete`. " +
				"A step recorded stays recorded (the offboarding is an event); a step missing from the record is read live on refresh."),
			"revokes_direct_seat": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user holds a direct seat that the offboarding revokes. Known at plan time."},
		},
	}
}

func (r *userOffboardingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *userOffboardingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	username, ok := framework.ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return v["username"] }, "username")
	if !ok {
		return
	}
	if msg := operations.CheckUsername(username); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: %s. The import ID of an offboarding is the username, e.g. dave.", username, msg))
		return
	}
	empty := framework.StringList(ctx, []string{}, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, userOffboardingModel{
		ID: types.StringValue(username), Username: types.StringValue(username), TransferAppsTo: types.StringNull(),
		RevokeSeat: types.BoolValue(true), UserAction: types.StringValue("none"), LogoutSessions: types.BoolValue(true),
		AppsToTransfer: empty, CoOwnedAppsLost: empty, SeatKeptVia: empty, CompletedSteps: empty, RevokesDirectSeat: types.BoolValue(false),
	})...)
}

// offboardingPlan is what the offboarding of one user will do, read from the run's snapshot.
type offboardingPlan struct {
	exists, hasSeat, direct bool
	apps, coowned, keptVia  []string
}

func (r *userOffboardingResource) look(ctx context.Context, username string) (offboardingPlan, error) {
	var p offboardingPlan
	_, err := r.clients.Keycloak.UserByUsername(ctx, username)
	switch {
	case keycloak.IsNotFound(err):
	case err != nil:
		return p, err
	default:
		p.exists = true
	}
	// Apps are read for a user without an account too: the platform may still
	// list apps of a deleted user.
	snap, err := r.clients.Snapshot(ctx, username)
	if err != nil {
		return p, err
	}
	seat, ok := snap.Seats[username]
	p.hasSeat, p.direct, p.keptVia = ok, seat.Direct, framework.NonNil(slices.Clone(seat.Via))
	p.apps = framework.NonNil(snap.OwnedApps(username))
	for _, h := range snap.Holdings(username) {
		if h.Role != "owner" {
			p.coowned = append(p.coowned, h.App)
		}
	}
	p.coowned = framework.NonNil(p.coowned)
	return p, nil
}

func (r *userOffboardingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state userOffboardingModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		framework.AddFindings(&resp.Diagnostics, operations.OffboardingDestroyed(state.Username.ValueString()))
		return
	}
	if r.clients == nil {
		return
	}
	var plan userOffboardingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state userOffboardingModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if sameSettings(plan, state) && finished(ctx, state) {
			return // done: the state says what the offboarding did
		}
	}
	if plan.Username.IsUnknown() || plan.TransferAppsTo.IsUnknown() || r.clients.Run.ConfigUnknown || r.clients.Platform == nil {
		plan.AppsToTransfer = types.ListNull(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		why := "username or transfer_apps_to is known only after apply"
		switch {
		case r.clients.Run.ConfigUnknown:
			why = "the provider configuration is known only after apply"
		case r.clients.Platform == nil:
			why = "the platform API is not configured (url and platform credentials)"
		}
		framework.AddFindings(&resp.Diagnostics, operations.OffboardingNotKnownAtPlan(why))
		return
	}
	r.planSteps(ctx, plan, resp)
}

// planSteps plans the offboarding on the run's snapshot (see operations.PlanOffboarding).
func (r *userOffboardingResource) planSteps(ctx context.Context, plan userOffboardingModel, resp *resource.ModifyPlanResponse) {
	username := plan.Username.ValueString()
	snap, err := r.clients.Snapshot(ctx, username)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot plan the offboarding of %s", username), err.Error())
		return
	}
	o := operations.Offboarding{User: r.clients.Party(ctx, username, "username"), Heir: operations.Party{Attribute: "transfer_apps_to"},
		RevokeSeat: plan.RevokeSeat.ValueBool(), Delete: plan.UserAction.ValueString() == "delete"}
	if !plan.TransferAppsTo.IsNull() {
		o.Heir = r.clients.Party(ctx, plan.TransferAppsTo.ValueString(), "transfer_apps_to")
	}
	d := operations.PlanOffboarding(&r.clients.Run, snap, o, r.clients.Keycloak.Realm())
	plan.ID = types.StringValue(username)
	plan.AppsToTransfer = framework.StringList(ctx, d.Apps, &resp.Diagnostics)
	// What the user loses and keeps besides: consequences, not actions. They are
	// named in warnings and recorded by the apply, never planned as values: a
	// value in the plan must come out the same in Terraform's apply-time re-plan,
	// and a co-owner or group change elsewhere in between would stop the apply
	// with Terraform's internal "inconsistent final plan" error.
	plan.CoOwnedAppsLost = types.ListUnknown(types.StringType)
	plan.SeatKeptVia = types.ListUnknown(types.StringType)
	plan.RevokesDirectSeat = types.BoolValue(d.RevokesDirect)
	plan.CompletedSteps = types.ListUnknown(types.StringType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	framework.AddFindings(&resp.Diagnostics, d.Findings...)
}

// sameSettings reports whether the arguments are those already applied.
func sameSettings(a, b userOffboardingModel) bool {
	return a.Username.Equal(b.Username) && a.TransferAppsTo.Equal(b.TransferAppsTo) && a.RevokeSeat.Equal(b.RevokeSeat) &&
		a.UserAction.Equal(b.UserAction) && a.LogoutSessions.Equal(b.LogoutSessions)
}

func (r *userOffboardingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.applyPlan(ctx, req.Plan, resp.Identity, &resp.State, &resp.Diagnostics)
}

// Update completes what the plan shows left to do (an offboarding an earlier
// apply left unfinished, or one imported), exactly as Create does.
func (r *userOffboardingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.applyPlan(ctx, req.Plan, resp.Identity, &resp.State, &resp.Diagnostics)
}

func (r *userOffboardingResource) applyPlan(ctx context.Context, p tfsdk.Plan, identity *tfsdk.ResourceIdentity, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan userOffboardingModel
	diags.Append(p.Get(ctx, &plan)...)
	framework.SetIdentity(ctx, identity, diags, map[string]string{"username": plan.Username.ValueString()})
	if diags.HasError() || !r.clients.PlatformReady(ctx, diags) {
		return
	}
	r.apply(ctx, &plan, state, diags)
}

// stateSetter is the part of the framework's tfsdk.State the apply needs.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// apply runs the steps in order. Each step checks what is live first and is
// skipped when its outcome already holds (no app owned, no direct seat, no
// session, account disabled), and the state is written after each one: an
// apply that fails part-way leaves a state naming the steps done (Terraform
// marks it tainted and replaces it), and the next apply resumes without
// repeating any. completed_steps lists the steps whose outcome holds.
func (r *userOffboardingResource) apply(ctx context.Context, plan *userOffboardingModel, state stateSetter, diags *diag.Diagnostics) {
	username := plan.Username.ValueString()
	kc := r.clients.Keycloak
	if plan.AppsToTransfer.IsNull() || plan.AppsToTransfer.IsUnknown() {
		framework.AddFindings(diags, operations.OffboardingNotInThePlan(username))
		return
	}
	heir := plan.TransferAppsTo.ValueString()
	if plan.TransferAppsTo.IsNull() {
		defer r.clients.Run.Locks.Lock(username)()
	} else {
		defer r.clients.Run.Locks.Lock(username, heir)()
	}
	user, err := kc.UserByUsername(ctx, username)
	if keycloak.IsNotFound(err) && plan.UserAction.ValueString() == "delete" && len(framework.ListStrings(ctx, plan.AppsToTransfer)) == 0 {
		// Deleted already (by an earlier apply whose answer was lost, or out
		// of band): every outcome holds.
		plan.ID = types.StringValue(username)
		plan.CompletedSteps = framework.StringList(ctx, offboardingSteps(*plan), diags)
		plan.CoOwnedAppsLost, plan.SeatKeptVia = consequences(ctx, *plan, offboardingPlan{coowned: []string{}, keptVia: []string{}}, diags)
		diags.Append(state.Set(ctx, plan)...)
		return
	}
	if err != nil {
		framework.AddUserLookupError(diags, kc, username, err)
		diags.AddAttributeError(path.Root("username"), "Nothing was changed", "The offboarding did not start.")
		return
	}
	before, err := r.look(ctx, username)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot read what the offboarding of %s changes", username), err.Error()+"\n\nNothing was changed.")
		return
	}
	plan.CoOwnedAppsLost, plan.SeatKeptVia = consequences(ctx, *plan, before, diags)
	done := []string{}
	plan.CompletedSteps = framework.StringList(ctx, done, diags)
	steps := operations.OffboardingSteps{Username: username, Heir: heir, Apps: framework.ListStrings(ctx, plan.AppsToTransfer),
		RevokeSeat: plan.RevokeSeat.ValueBool(), Logout: plan.LogoutSessions.ValueBool(), Action: plan.UserAction.ValueString()}
	if len(steps.Apps) > 0 && steps.Heir == "" {
		framework.AddFindings(diags, operations.OffboardNeedsHeir(username, steps.Apps, "Nothing was changed."))
		return
	}
	refused := operations.ApplyOffboarding(ctx, r.clients.Directory(), r.clients.AppStore(), account{kc, *user}, steps, func(step string) {
		done = append(done, step)
		plan.CompletedSteps = framework.StringList(ctx, done, diags)
		diags.Append(state.Set(ctx, plan)...)
	})
	if !framework.AddFinding(diags, refused) {
		return
	}
	plan.ID = types.StringValue(username)
	diags.Append(state.Set(ctx, plan)...)
}

// account is the leaving user's Keycloak account (see operations.Account).
type account struct {
	kc   *keycloak.Client
	user keycloak.User
}

func (a account) DirectSeat(ctx context.Context) (bool, error) {
	holders, err := a.kc.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		return false, err
	}
	_, direct := holders.Direct[a.user.ID]
	return direct, nil
}

func (a account) RevokeDirectSeat(ctx context.Context) error {
	return a.kc.RemoveClientRole(ctx, a.user, framework.SeatRole)
}
func (a account) HasSessions(ctx context.Context) (bool, error) { return a.kc.HasSessions(ctx, a.user) }
func (a account) Logout(ctx context.Context) error              { return a.kc.LogoutUser(ctx, a.user) }
func (a account) Enabled() bool                                 { return a.user.Enabled }
func (a account) Disable(ctx context.Context) error             { return a.kc.DisableUser(ctx, a.user) }
func (a account) Delete(ctx context.Context) error              { return a.kc.DeleteUser(ctx, a.user) }

// consequences are the co-owned apps the user loses and the grants through
// which a seat stays, as read before the first step.
func consequences(ctx context.Context, m userOffboardingModel, p offboardingPlan, diags *diag.Diagnostics) (coowned, kept types.List) {
	via := p.keptVia
	if !m.RevokeSeat.ValueBool() && p.direct {
		via = append([]string{"direct"}, via...)
	}
	return framework.StringList(ctx, p.coowned, diags), framework.StringList(ctx, via, diags)
}

// finished reports whether completed_steps covers every step the settings ask for.
func finished(ctx context.Context, m userOffboardingModel) bool {
	done := framework.ListStrings(ctx, m.CompletedSteps)
	for _, step := range offboardingSteps(m) {
		if !slices.Contains(done, step) {
			return false
		}
	}
	return true
}

// offboardingSteps lists the steps the settings ask for.
func offboardingSteps(m userOffboardingModel) []string {
	return operations.OffboardingSteps{Heir: m.TransferAppsTo.ValueString(), RevokeSeat: m.RevokeSeat.ValueBool(),
		Logout: m.LogoutSessions.ValueBool(), Action: m.UserAction.ValueString()}.Steps()
}

func (r *userOffboardingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// An offboarding is an event: the state records what it did, and a refresh
	// keeps it, also after the account is deleted (nothing is ever re-created).
	// A record short of its settings (an import, an update that failed part-way)
	// is completed from what holds live, so the plan shows only what is left.
	var state userOffboardingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, map[string]string{"username": state.Username.ValueString()})
	if state.CompletedSteps.IsNull() || state.CompletedSteps.IsUnknown() {
		state.CompletedSteps = framework.StringList(ctx, []string{}, &resp.Diagnostics)
	}
	if !finished(ctx, state) && r.clients != nil && !r.clients.RefreshDeferred() {
		held, err := r.holding(ctx, state)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the unfinished offboarding of %s", state.Username.ValueString()), err.Error())
			return
		}
		state.CompletedSteps = framework.StringList(ctx, held, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// holding lists, in order, the steps of the settings that are recorded as
// done or whose outcome holds live: the user owns no app (transfer), holds no
// direct seat (revoke_seat), has no session, online or offline (logout), is
// disabled (disable); a deleted account holds them all.
func (r *userOffboardingResource) holding(ctx context.Context, m userOffboardingModel) ([]string, error) {
	username, kc := m.Username.ValueString(), r.clients.Keycloak
	recorded := framework.ListStrings(ctx, m.CompletedSteps)
	user, err := kc.UserByUsername(ctx, username)
	gone := keycloak.IsNotFound(err)
	if err != nil && !gone {
		return nil, err
	}
	holds := func(step string) (bool, error) {
		switch {
		case slices.Contains(recorded, step):
			return true, nil
		case step == operations.StepTransfer:
			if r.clients.Platform == nil {
				return false, nil
			}
			owned, err := r.clients.Platform.OwnedApps(ctx, username)
			return len(owned) == 0, err
		case gone:
			return true, nil
		case step == operations.StepRevoke:
			holders, err := kc.RoleHolders(ctx, framework.SeatRole)
			if err != nil {
				return false, err
			}
			_, direct := holders.Direct[user.ID]
			return !direct, nil
		case step == operations.StepLogout:
			live, err := kc.HasSessions(ctx, *user)
			return !live, err
		case step == operations.StepDisable:
			return !user.Enabled, nil
		}
		return false, nil // delete: the account exists
	}
	held := []string{}
	for _, step := range offboardingSteps(m) {
		ok, err := holds(step)
		if err != nil {
			return nil, err
		}
		if ok {
			held = append(held, step)
		}
	}
	return held, nil
}

func (r *userOffboardingResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing to undo: destroying only forgets the offboarding (the plan says so).
}
