package apps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*appTransferResource)(nil)
	_ resource.ResourceWithImportState = (*appTransferResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appTransferResource)(nil)
	_ resource.ResourceWithIdentity    = (*appTransferResource)(nil)
)

type appTransferResource struct {
	clients *framework.Clients
}

// NewAppTransferResource returns the dashenterprise_app_transfer resource.
func NewAppTransferResource() resource.Resource { return &appTransferResource{} }

type appTransferModel struct {
	ID              types.String `tfsdk:"id"`
	FromUsername    types.String `tfsdk:"from_username"`
	ToUsername      types.String `tfsdk:"to_username"`
	TransferredApps types.List   `tfsdk:"transferred_apps"`
	PendingApps     types.List   `tfsdk:"pending_apps"`
	TransferredAt   types.String `tfsdk:"transferred_at"`
	FromHoldsSeat   types.Bool   `tfsdk:"from_holds_seat"`
	ToHoldsSeat     types.Bool   `tfsdk:"to_holds_seat"`
}

func (r *appTransferResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_transfer"
}

func (r *appTransferResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	framework.IdentitySchema(resp, framework.IdentityAttr{Name: "from_username", Description: "The former owner."}, framework.IdentityAttr{Name: "to_username", Description: "The new owner."})
}

func (m appTransferModel) identity() map[string]string {
	return map[string]string{"from_username": m.FromUsername.ValueString(), "to_username": m.ToUsername.ValueString()}
}

func (r *appTransferResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Transfers **all** apps of one user to another, as the App Manager's *Transfer User Apps* does: with their workspaces, Redis and Postgres databases, " +
			"viewer access, co-owners, portal visibility, environment variables and contact information. Both users must hold license seats. " +
			"The plan lists exactly which apps will move (`transferred_apps`). Destroying the resource changes nothing in Dash Enterprise.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<from_username>:<to_username>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"from_username": schema.StringAttribute{Required: true, MarkdownDescription: "Current owner whose apps move (lower case).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}, Validators: []validator.String{validators.Username()}},
			"to_username": schema.StringAttribute{Required: true, MarkdownDescription: "New owner (lower case), another user than `from_username`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}, Validators: []validator.String{validators.Username(), validators.NotSameUserAs("from_username")}},
			"transferred_apps": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Apps moved by the transfer, sorted. Known at plan time: the plan shows exactly what will move, and the apply fails without moving anything if that list changed since the plan."},
			"pending_apps": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Apps `from_username` owns now. When it is not empty (apps deployed after the transfer), the next plan replaces the resource to transfer them too."},
			"transferred_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the transfer happened (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"from_holds_seat": schema.BoolAttribute{Computed: true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "Known at plan time: whether `from_username` holds a license seat, or gets one earlier in the same plan. A transfer needs both seats. For policy as code."},
			"to_holds_seat": schema.BoolAttribute{Computed: true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "Known at plan time: whether `to_username` holds a license seat, or gets one earlier in the same plan (a `dashenterprise_license_seat` that this transfer references or depends on). For policy as code."},
		},
	}
}

func (r *appTransferResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

// transferID formats the ID <from>:<to>, from escaped by idPart (a username may contain ":").
func transferID(from, to string) string { return idPart(from) + ":" + to }

// parseTransferID parses <from>:<to>: from ends at the first ":".
func parseTransferID(id string) (from, to string, err error) {
	head, tail, ok := strings.Cut(id, ":")
	parts := []string{unescapeIDPart(head), tail}
	if !ok || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("import ID %q is malformed: expected <from_username>:<to_username>, e.g. alice:bob (a \":\" or \"%%\" in from_username is written %%3A or %%25)", id)
	}
	for _, u := range parts {
		if msg := operations.CheckUsername(u); msg != "" {
			return "", "", fmt.Errorf("import ID %q: %s", id, msg)
		}
	}
	if parts[0] == parts[1] {
		return "", "", fmt.Errorf("import ID %q: from and to are the same user", id)
	}
	return parts[0], parts[1], nil
}

func (r *appTransferResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, ok := framework.ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return transferID(v["from_username"], v["to_username"]) },
		"from_username", "to_username")
	if !ok {
		return
	}
	from, to, err := parseTransferID(raw)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	empty, _ := types.ListValueFrom(ctx, types.StringType, []string{})
	resp.Diagnostics.Append(resp.State.Set(ctx, appTransferModel{
		ID: types.StringValue(transferID(from, to)), FromUsername: types.StringValue(from), ToUsername: types.StringValue(to),
		TransferredApps: empty, PendingApps: empty, TransferredAt: types.StringValue(""),
		FromHoldsSeat: types.BoolNull(), ToHoldsSeat: types.BoolNull(),
	})...)
}

func (r *appTransferResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state appTransferModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		framework.AddFindings(&resp.Diagnostics, operations.TransferDestroyed(state.FromUsername.ValueString(), state.ToUsername.ValueString()))
		return
	}
	if r.clients == nil {
		return
	}
	var plan appTransferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		if r.clients.Run.ConfigUnknown || r.clients.Platform == nil {
			return
		}
		var state appTransferModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.planPending(ctx, state, resp)
		return
	}
	// The app list needs only from_username. When it cannot be known, the plan
	// says so and records the list as null: Terraform then stops the apply
	// before anything moves, because the apply-time plan would list apps this
	// plan never showed (and Create refuses a list that is not known).
	if plan.FromUsername.IsUnknown() || r.clients.Run.ConfigUnknown {
		plan.TransferredApps = types.ListNull(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		why := "from_username is known only after apply"
		if r.clients.Run.ConfigUnknown {
			why = "the provider configuration is known only after apply"
		}
		framework.AddFindings(&resp.Diagnostics, operations.TransferNotKnownAtPlan(framework.ValueOr(plan.ToUsername, ""), why))
		return
	}
	if r.clients.Platform == nil || !r.clients.PlatformOffers(ctx, "transfer", &resp.Diagnostics) {
		return
	}
	r.planNew(ctx, plan, resp)
}

// planNew plans a new transfer: the apps that move and what the move needs
// (see operations.PlanTransfer).
func (r *appTransferResource) planNew(ctx context.Context, plan appTransferModel, resp *resource.ModifyPlanResponse) {
	from := plan.FromUsername.ValueString()
	snap, err := r.clients.Snapshot(ctx)
	if err != nil {
		framework.AddFindings(&resp.Diagnostics, operations.TransferCannotPlan(from, err))
		return
	}
	fromParty, toParty := r.clients.Party(ctx, from, "from_username"), operations.Party{Attribute: "to_username"}
	if !plan.ToUsername.IsUnknown() {
		toParty = r.clients.Party(ctx, plan.ToUsername.ValueString(), "to_username")
	}
	d := operations.PlanTransfer(&r.clients.Run, snap, fromParty, toParty, r.clients.Keycloak.Realm())
	plan.TransferredApps = framework.StringList(ctx, d.Apps, &resp.Diagnostics)
	plan.PendingApps = framework.StringList(ctx, nil, &resp.Diagnostics)
	plan.FromHoldsSeat = types.BoolValue(d.FromHasSeat)
	if toParty.Username != "" {
		plan.ID = types.StringValue(transferID(from, toParty.Username))
		plan.ToHoldsSeat = types.BoolValue(d.ToHasSeat)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	framework.AddFindings(&resp.Diagnostics, d.Findings...)
}

// planPending replaces a transfer whose former owner owns apps again, if that can succeed.
func (r *appTransferResource) planPending(ctx context.Context, state appTransferModel, resp *resource.ModifyPlanResponse) {
	pending := framework.ListStrings(ctx, state.PendingApps)
	if len(pending) == 0 {
		return
	}
	from := state.FromUsername.ValueString()
	snap, err := r.clients.Snapshot(ctx)
	if err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Cannot check the pending apps of %s", from), err.Error())
		return
	}
	if !snap.HasSeat(from) {
		framework.AddFindings(&resp.Diagnostics, operations.PendingWithoutSeat(from, state.ToUsername.ValueString(), pending))
		return
	}
	var plan appTransferModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	plan.TransferredApps = framework.StringList(ctx, pending, &resp.Diagnostics)
	plan.PendingApps = framework.StringList(ctx, nil, &resp.Diagnostics)
	plan.TransferredAt = types.StringUnknown()
	to := state.ToUsername.ValueString()
	if r.clients.Run.Intents.Move(from, to, pending) {
		framework.AddFindings(&resp.Diagnostics, operations.HeirRevoked(to, pending, r.clients.Run.Strict))
	}
	plan.FromHoldsSeat, plan.ToHoldsSeat = types.BoolValue(true), types.BoolValue(snap.HasSeat(to) || r.clients.Run.Intents.Granted(to))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("pending_apps"))
}

func (r *appTransferResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appTransferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	from, to := plan.FromUsername.ValueString(), plan.ToUsername.ValueString()
	if plan.TransferredApps.IsNull() || plan.TransferredApps.IsUnknown() {
		framework.AddFindings(&resp.Diagnostics, operations.TransferNotInThePlan(from))
		return
	}
	kc := r.clients.Keycloak
	// The seat checks and the transfer happen under both users' locks, so no
	// revocation of either in this apply lands in between.
	defer r.clients.Run.Locks.Lock(from, to)()
	for _, u := range []struct{ name, attr string }{{from, "from_username"}, {to, "to_username"}} {
		if _, err := kc.UserByUsername(ctx, u.name); err != nil {
			framework.AddUserLookupError(&resp.Diagnostics, kc, u.name, err)
			resp.Diagnostics.AddAttributeError(path.Root(u.attr), "Nothing was transferred", "No app moved.")
			return
		}
	}
	moved, refused := operations.Transfer(ctx, r.clients.Directory(), r.clients.AppStore(), from, to, framework.ListStrings(ctx, plan.TransferredApps))
	if !framework.AddFinding(&resp.Diagnostics, refused) {
		return
	}
	plan.ID = types.StringValue(transferID(from, to))
	plan.TransferredApps = framework.StringList(ctx, moved, &resp.Diagnostics)
	plan.PendingApps = framework.StringList(ctx, nil, &resp.Diagnostics)
	plan.TransferredAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	// Both users held seats: the transfer checked it before moving anything.
	if plan.FromHoldsSeat.IsUnknown() {
		plan.FromHoldsSeat = types.BoolValue(true)
	}
	if plan.ToHoldsSeat.IsUnknown() {
		plan.ToHoldsSeat = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, plan.identity())
}

func (r *appTransferResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appTransferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, state.identity())
	if r.clients.RefreshDeferred() {
		return // the provider configuration is known only after apply: keep the state as it is
	}
	if resp.Diagnostics.HasError() || !r.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	from := state.FromUsername.ValueString()
	var pending []string
	_, err := r.clients.Keycloak.UserByUsername(ctx, from)
	switch {
	case keycloak.IsNotFound(err):
		// A deleted former owner has nothing left to transfer.
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read user %s", from), err.Error())
		return
	default:
		snap, err := r.clients.Snapshot(ctx)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot list the apps of %s", from), err.Error())
			return
		}
		pending = snap.OwnedApps(from)
	}
	state.PendingApps = framework.StringList(ctx, pending, &resp.Diagnostics)
	if state.TransferredApps.IsNull() {
		state.TransferredApps = framework.StringList(ctx, nil, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *appTransferResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Every change replaces the resource; keep the state as planned.
	var state appTransferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	framework.SetIdentity(ctx, resp.Identity, &resp.Diagnostics, state.identity())
}

func (r *appTransferResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// A transfer cannot be undone; destroying it only forgets it (the plan says so).
}
