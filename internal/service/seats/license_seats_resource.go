package seats

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/stringset"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

// licenseSeatsID is the fixed ID of dashenterprise_license_seats: there is one seat role.
const licenseSeatsID = "licensed_user"

var (
	_ resource.ResourceWithConfigure   = (*licenseSeatsResource)(nil)
	_ resource.ResourceWithImportState = (*licenseSeatsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*licenseSeatsResource)(nil)
	_ resource.ResourceWithIdentity    = (*licenseSeatsResource)(nil)
)

type licenseSeatsResource struct {
	clients *framework.Clients
}

// NewLicenseSeatsResource returns the authoritative dashenterprise_license_seats resource.
func NewLicenseSeatsResource() resource.Resource { return &licenseSeatsResource{} }

type licenseSeatsModel struct {
	ID             types.String    `tfsdk:"id"`
	Usernames      stringset.Value `tfsdk:"usernames"`
	Indirect       types.Map       `tfsdk:"indirect"`
	ObservedDigest types.String    `tfsdk:"observed_digest"`
	OwnedApps      types.Map       `tfsdk:"owned_apps"`
	Revokes        types.Map       `tfsdk:"revocations"`
}

func (r *licenseSeatsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_license_seats"
}

func (r *licenseSeatsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = seatsSchema()
}

// seatsSchema is the schema of dashenterprise_license_seats, version 1.
func seatsSchema() schema.Schema {
	return schema.Schema{
		Version: 1,
		MarkdownDescription: "**Authoritative**: the complete set of users who hold the `licensed_user` role *directly*. A seat granted by hand in Keycloak " +
			"appears in the next plan as a removal; apply adds and removes direct assignments to match `usernames`. Seats held through groups or " +
			"composite roles are reported in `indirect` and never touched.\n\n" +
			"~> **Do not combine** this resource with `dashenterprise_license_seat`: each would undo the other's changes. " +
			"Destroying this resource revokes every direct seat it lists (with the same orphan checks).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `licensed_user`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"usernames": schema.SetAttribute{Required: true, ElementType: types.StringType, CustomType: stringset.NewType(),
				MarkdownDescription: "Every user who holds a seat directly (lower-case usernames).",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.Username())}},
			"indirect": schema.MapAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Users who hold a seat through a group or composite role, with how (`group:/Parent/child`, `composite:<client>/<role>`). Never changed by this resource."},
			"observed_digest": schema.StringAttribute{Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "A digest (`sha256:…`) of the direct seat holders the plan saw in Keycloak: each refresh sets it, with `usernames`, to what is live, and the plan keeps it, so it never shows as a change by itself. " +
					"The apply recovers who the plan saw from the state's `usernames` and this digest, compares them with Keycloak and refuses, before changing any seat and naming each user, when a seat was granted or revoked outside Terraform after the plan. " +
					"It replaces `observed_usernames`, a second copy of the set: a state written with it upgrades by itself (schema version 1)."},
			"owned_apps": schema.MapAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "For each direct seat holder who owns apps, those apps (sorted), as the last refresh read them. Null without platform credentials."},
			"revocations": schema.MapAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Known at plan time: each username whose direct seat this change revokes, mapped to the apps that user owned at the plan's refresh " +
					"(what the revocation would orphan unless a transfer moves them first; empty when none). Empty when nothing is revoked, so it never shows as a change by itself. For policy as code."},
		},
	}
}

func (r *licenseSeatsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "role", Description: "Always `licensed_user`: there is one seat role."})
}

// seatsIdentity is the one identity of dashenterprise_license_seats.
var seatsIdentity = map[string]string{"role": licenseSeatsID}

func (r *licenseSeatsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *licenseSeatsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := framework.ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return v["role"] }, "role")
	if !ok {
		return
	}
	if id != licenseSeatsID {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("dashenterprise_license_seats is imported with the fixed ID (or identity role) %q, got %q.", licenseSeatsID, id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), licenseSeatsID)...)
}

// readSeats returns the direct holders and the indirect ones of the run-scoped snapshot.
func (r *licenseSeatsResource) readSeats(ctx context.Context) ([]string, map[string][]string, error) {
	holders, err := r.clients.Keycloak.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		return nil, nil, err
	}
	var direct []string
	for _, u := range holders.Direct {
		direct = append(direct, u.Username)
	}
	sort.Strings(direct)
	return direct, holders.Indirect(), nil
}

func (r *licenseSeatsResource) state(ctx context.Context, diags *diag.Diagnostics) *licenseSeatsModel {
	direct, indirect, err := r.readSeats(ctx)
	if err != nil {
		diags.AddError("Cannot read license seats", err.Error())
		return nil
	}
	usernames, d := stringset.FromStrings(direct)
	diags.Append(d...)
	ind, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, indirect)
	diags.Append(d...)
	return &licenseSeatsModel{ID: types.StringValue(licenseSeatsID), Usernames: usernames, Indirect: ind, ObservedDigest: types.StringValue(operations.Digest(direct)),
		OwnedApps: r.ownedApps(ctx, direct, diags), Revokes: emptyAppsMap()}
}

func emptyAppsMap() types.Map {
	return types.MapValueMust(types.ListType{ElemType: types.StringType}, map[string]attr.Value{})
}

// ownedApps maps each of the usernames who owns apps to them, from the run's app listing.
func (r *licenseSeatsResource) ownedApps(ctx context.Context, usernames []string, diags *diag.Diagnostics) types.Map {
	null := types.MapNull(types.ListType{ElemType: types.StringType})
	if r.clients.Platform == nil {
		return null
	}
	byOwner, _, ok := r.clients.AppsByUser(ctx, diags)
	if !ok {
		return null
	}
	owned := map[string][]string{}
	for _, u := range usernames {
		if apps := byOwner[u]; len(apps) > 0 {
			owned[u] = apps
		}
	}
	m, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, owned)
	diags.Append(d...)
	return m
}

// revocations maps each username the change revokes to the apps it owned at
// the plan's refresh (prior owned_apps): computed from the prior state and the
// configuration only, so the apply's re-plan computes exactly the same value.
// It is unknown when usernames known only after apply may keep some of them.
func revocations(ctx context.Context, in operations.SeatSet, priorOwned types.Map, diags *diag.Diagnostics) types.Map {
	dropped := in.Dropped()
	if in.Unknown > 0 && len(dropped) > 0 {
		return types.MapUnknown(types.ListType{ElemType: types.StringType})
	}
	owned := map[string][]string{}
	if !priorOwned.IsNull() && !priorOwned.IsUnknown() {
		diags.Append(priorOwned.ElementsAs(ctx, &owned, false)...)
	}
	out := map[string][]string{}
	for _, u := range dropped {
		out[u] = framework.NonNil(owned[u])
	}
	m, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, out)
	diags.Append(d...)
	return m
}

func (r *licenseSeatsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, seatsIdentity)
	if r.clients.RefreshDeferred() {
		return // the provider configuration is known only after apply: keep the state as it is
	}
	if !r.clients.Ready(&resp.Diagnostics) {
		return
	}
	st := r.state(ctx, &resp.Diagnostics)
	if st == nil {
		return
	}
	// Members that appeared or vanished since the last refresh changed outside
	// Terraform: say who changed them, as Keycloak recorded it.
	var prior licenseSeatsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	now := time.Now()
	var before []string
	if !prior.Usernames.IsNull() {
		before = framework.NonNil(framework.SetStrings(prior.Usernames.SetValue))
	}
	r.clients.AttributeDrift(ctx, framework.RefreshedAt(ctx, req.Private, now), operations.SetDrift(before, framework.SetStrings(st.Usernames.SetValue)), &resp.Diagnostics)
	framework.MarkRefreshed(ctx, resp.Private, now, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
}

func (r *licenseSeatsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, nil, time.Time{}, req.Plan.Get, &resp.State, resp.Identity, &resp.Diagnostics)
	framework.MarkRefreshed(ctx, resp.Private, time.Now(), &resp.Diagnostics)
}

func (r *licenseSeatsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var prior licenseSeatsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	since := framework.RefreshedAt(ctx, req.Private, time.Now())
	r.apply(ctx, framework.SetStrings(prior.Usernames.SetValue), since, req.Plan.Get, &resp.State, resp.Identity, &resp.Diagnostics)
	framework.MarkRefreshed(ctx, resp.Private, time.Now(), &resp.Diagnostics)
}

// Delete revokes the direct seats the state lists that are still live; one
// already revoked is done.
func (r *licenseSeatsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.clients.Ready(&resp.Diagnostics) {
		return
	}
	var st licenseSeatsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	live, _, err := r.readSeats(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read license seats", err.Error())
		return
	}
	r.converge(ctx, nil, operations.PlanChange(framework.SetStrings(st.Usernames.SetValue), nil, nil, false, live).Remove, &resp.Diagnostics)
}

// apply does what the plan showed: it grants the planned seats that are
// missing and revokes the ones the plan removed, and refuses before changing
// anything when Keycloak changed since the plan (see operations.Change).
func (r *licenseSeatsResource) apply(ctx context.Context, prior []string, since time.Time, get func(context.Context, any) diag.Diagnostics, state interface {
	Set(context.Context, any) diag.Diagnostics
}, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var plan licenseSeatsModel
	diags.Append(get(ctx, &plan)...)
	if diags.HasError() || !r.clients.Ready(diags) {
		return
	}
	live, _, err := r.readSeats(ctx)
	if err != nil {
		diags.AddError("Cannot read license seats", err.Error())
		return
	}
	change := operations.PlanChangeFromDigest(prior, framework.SetStrings(plan.Usernames.SetValue), plan.ObservedDigest.ValueString(), !plan.ObservedDigest.IsNull() && !plan.ObservedDigest.IsUnknown(), live)
	if change.Refused() {
		framework.AddFindings(diags, r.clients.ExplainRefusal(ctx, since, change.Refusal(operations.SeatSetWords(), prior == nil))...)
		return
	}
	r.converge(ctx, change.Add, change.Remove, diags)
	if diags.HasError() {
		return
	}
	if st := r.state(ctx, diags); st != nil {
		if !plan.ObservedDigest.IsUnknown() {
			st.ObservedDigest = plan.ObservedDigest // what the plan saw; the next refresh resets it
		}
		if !plan.Revokes.IsUnknown() {
			st.Revokes = plan.Revokes // what the plan showed; the next refresh resets it
		}
		if !plan.OwnedApps.IsUnknown() {
			st.OwnedApps = plan.OwnedApps // as the plan's refresh read them; the next refresh updates them
		}
		diags.Append(state.Set(ctx, st)...)
		framework.SetIdentity(ctx, identity, diags, seatsIdentity)
	}
}

// converge grants add and revokes remove. Every user is looked up and every
// revocation checked before anything changes.
func (r *licenseSeatsResource) converge(ctx context.Context, add, remove []string, diags *diag.Diagnostics) {
	kc := r.clients.Keycloak
	// The orphan checks and the revocations happen under the users' locks, so
	// no transfer to them in this apply lands in between.
	defer r.clients.Run.Locks.Lock(remove...)()
	users := map[string]keycloak.User{}
	for _, name := range append(append([]string{}, add...), remove...) {
		u, err := kc.UserByUsername(ctx, name)
		if keycloak.IsNotFound(err) && slices.Contains(remove, name) {
			continue // deleted user: the seat is gone with them
		}
		if err != nil {
			framework.AddUserLookupError(diags, kc, name, err)
			continue
		}
		users[name] = *u
	}
	for _, name := range remove {
		if u, ok := users[name]; ok {
			r.clients.AllowRevoke(ctx, u, diags)
		}
	}
	if diags.HasError() {
		framework.AddFindings(diags, operations.SeatWritesRefused())
		return
	}
	for _, name := range add {
		if err := kc.AddClientRole(ctx, users[name], framework.SeatRole); err != nil {
			diags.AddError(fmt.Sprintf("Cannot grant a license seat to %q", name), err.Error())
		}
	}
	for _, name := range remove {
		if u, ok := users[name]; ok {
			if err := kc.RemoveClientRole(ctx, u, framework.SeatRole); err != nil {
				diags.AddError(fmt.Sprintf("Cannot revoke the license seat of %q", name), err.Error())
			}
		}
	}
}

// ModifyPlan decodes the set, sets the planned revocations (from the prior
// state and the configuration alone), reads the run's snapshot in one round
// unless the provider configuration is known only at apply, and renders the
// plan step's findings (operations.PlanSeatSetRead).
func (r *licenseSeatsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil {
		return
	}
	in := operations.SeatSet{Destroy: req.Plan.Raw.IsNull(), AppsKnown: r.clients.Platform != nil, Realm: r.clients.Keycloak.Realm()}
	var st licenseSeatsModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
		in.Prior = framework.SetStrings(st.Usernames.SetValue)
	}
	if !in.Destroy {
		var plan licenseSeatsModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if plan.Usernames.IsUnknown() {
			return
		}
		in.Desired, in.Unknown = framework.SetElems(plan.Usernames.SetValue)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("revocations"), revocations(ctx, in, st.OwnedApps, &resp.Diagnostics))...)
	}
	var snap operations.Snapshot
	var err error
	if !r.clients.Run.ConfigUnknown {
		snap, err = r.clients.ReadSnapshot(ctx, framework.SnapshotRead{GroupsOf: in.Dropped(), LookUp: in.Arriving(), License: in.NeedsLicense()})
	}
	framework.AddFindings(&resp.Diagnostics, operations.PlanSeatSetRead(&r.clients.Run, in, snap, err)...)
}
