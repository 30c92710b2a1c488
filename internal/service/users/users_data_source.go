package users

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var _ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)

type usersDataSource struct {
	clients *framework.Clients
}

// NewUsersDataSource returns the dashenterprise_users data source.
func NewUsersDataSource() datasource.DataSource { return &usersDataSource{} }

type usersModel struct {
	ID              types.String `tfsdk:"id"`
	Search          types.String `tfsdk:"search"`
	LicensedOnly    types.Bool   `tfsdk:"licensed_only"`
	AdminOnly       types.Bool   `tfsdk:"admin_only"`
	Group           types.String `tfsdk:"group"`
	SeatsAssigned   types.Int64  `tfsdk:"seats_assigned"`
	InactiveFor     types.String `tfsdk:"inactive_for"`
	ActivityHorizon types.String `tfsdk:"activity_horizon"`
	Users           []userModel  `tfsdk:"users"`
}

type userModel struct {
	ID              types.String `tfsdk:"id"`
	Username        types.String `tfsdk:"username"`
	Email           types.String `tfsdk:"email"`
	FirstName       types.String `tfsdk:"first_name"`
	LastName        types.String `tfsdk:"last_name"`
	Enabled         types.Bool   `tfsdk:"enabled"`
	Licensed        types.Bool   `tfsdk:"licensed"`
	LicensedDirect  types.Bool   `tfsdk:"licensed_direct"`
	SeatGrantedVia  []string     `tfsdk:"seat_granted_via"`
	Admin           types.Bool   `tfsdk:"admin"`
	Groups          []string     `tfsdk:"groups"`
	CreatedAt       types.String `tfsdk:"created_at"`
	OwnedApps       types.List   `tfsdk:"owned_apps"`
	CoOwnedApps     types.List   `tfsdk:"coowned_apps"`
	KnownToPlatform types.Bool   `tfsdk:"known_to_platform"`
	LastLogin       types.String `tfsdk:"last_login"`
	LastActivity    types.String `tfsdk:"last_activity"`
	ActivitySource  types.String `tfsdk:"activity_source"`
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every user of the Dash Enterprise realm with their seat, admin role, groups and last activity. " +
			"Seat and admin status are effective: held directly, through a group (or a parent group) or through a composite role. " +
			"They are computed from the roles' member listings, not one request per user. " +
			"Activity comes from one sweep of the realm's stored LOGIN events and one listing of the roles client's sessions; " +
			"it needs the realm to store LOGIN events (realm settings → Events → User events settings, or the keycloak provider's `keycloak_realm_events` resource) " +
			"and the admin account to hold `view-events`.",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier of this listing."},
			"search":        schema.StringAttribute{Optional: true, MarkdownDescription: "Keycloak search text matched against username, email, first and last name."},
			"licensed_only": schema.BoolAttribute{Optional: true, MarkdownDescription: "Only users who effectively hold a license seat."},
			"admin_only":    schema.BoolAttribute{Optional: true, MarkdownDescription: "Only users who effectively hold the `admin` role."},
			"group": schema.StringAttribute{Optional: true, MarkdownDescription: "Only members of this group or of its sub-groups, written `/Parent/child` (the leading slash is optional).",
				Validators: []validator.String{validators.GroupPath()}},
			"seats_assigned": schema.Int64Attribute{Computed: true, MarkdownDescription: "Users of the realm who effectively hold a seat, whatever the filters."},
			"inactive_for": schema.StringAttribute{Optional: true, MarkdownDescription: "Only users inactive for at least this long, e.g. `90d` (days) or a Go duration such as `36h`. " +
				"A user with a `last_activity` is inactive when it is older than the window. A user with no recorded activity counts as inactive only when " +
				"`activity_horizon` reaches back over the whole window and the account is older than it: \"no data\" never means idle when the realm has not stored events for that long. " +
				"Users created within the window are never inactive.",
				Validators: []validator.String{validators.Window()}},
			"activity_horizon": schema.StringAttribute{Computed: true, MarkdownDescription: "How far back the realm's stored LOGIN events reach (RFC 3339): the later of the oldest stored LOGIN event and now minus the realm's events expiration. " +
				"Null when the realm stores no LOGIN events (the data source then warns and says how to enable them) or the admin account lacks `view-events`. " +
				"If saving events (or the `LOGIN` type) was turned off and on again within that history, logins during the break were never stored: when the realm stores admin events " +
				"with their representation, the provider reads the break from them, the horizon starts where it ended, and the plan says so. " +
				"Without admin events nothing says so, and a user who was active only during a break can look inactive: keep `inactive_for` shorter than the time since storage was last re-enabled."},
			"users": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Matching users, sorted by username.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "Keycloak user ID."},
					"username":          schema.StringAttribute{Computed: true, MarkdownDescription: "Username."},
					"email":             schema.StringAttribute{Computed: true, MarkdownDescription: "Email address."},
					"first_name":        schema.StringAttribute{Computed: true, MarkdownDescription: "First name."},
					"last_name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Last name."},
					"enabled":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user can log in."},
					"licensed":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user effectively holds a license seat."},
					"licensed_direct":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the seat is assigned directly (as `dashenterprise_license_seat` does)."},
					"seat_granted_via":  schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Other ways the user holds the seat: `group:/Parent/child`, `composite:<client>/<role>`."},
					"admin":             schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user effectively holds the `admin` role."},
					"groups":            schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Paths (`/Parent/child`) of the groups the user is a direct member of."},
					"created_at":        schema.StringAttribute{Computed: true, MarkdownDescription: "Creation time (RFC 3339)."},
					"owned_apps":        schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Apps the user owns (null when the platform API is not configured)."},
					"coowned_apps":      schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Apps the user co-owns as a user co-owner (null when the platform API is not configured)."},
					"known_to_platform": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has logged in to Dash Enterprise at least once (null when the platform API is not configured)."},
					"last_login":        schema.StringAttribute{Computed: true, MarkdownDescription: "Time of the user's latest stored LOGIN event (RFC 3339); null when none is stored."},
					"last_activity":     schema.StringAttribute{Computed: true, MarkdownDescription: "The later of `last_login` and the last access of the user's live sessions of the roles client (RFC 3339); null when neither is known."},
					"activity_source":   schema.StringAttribute{Computed: true, MarkdownDescription: "Where `last_activity` comes from: `event` (a LOGIN event), `session` (a live session) or `none`; null when activity could not be read."},
				}},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg usersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !d.clients.Ready(&resp.Diagnostics) {
		return
	}
	f, ok := usersFilterOf(cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	v, ok := d.read(ctx, cfg.Search.ValueString(), f, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg.Users = v.rows(ctx, f, &resp.Diagnostics)
	cfg.SeatsAssigned = types.Int64Value(int64(v.seats.EffectiveCount()))
	cfg.ActivityHorizon = types.StringNull()
	if v.activity != nil {
		cfg.ActivityHorizon = framework.TimeOrNull(v.activity.Horizon)
	}
	cfg.ID = types.StringValue(fmt.Sprintf("%s/users", d.clients.Keycloak.Realm()))
	root, ok := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		resp.Diagnostics.AddError("Unexpected schema type", "The users data source schema is not an object. This is a bug in the provider.")
		return
	}
	raw, err := usersStateValue(ctx, root, &cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the users", err.Error())
		return
	}
	resp.State.Raw = raw
}

// usersFilter is the configuration's filters, parsed.
type usersFilter struct {
	licensedOnly, adminOnly bool
	group                   string // a /Parent/child path, or empty
	window                  time.Duration
}

func usersFilterOf(cfg usersModel, diags *diag.Diagnostics) (usersFilter, bool) {
	f := usersFilter{licensedOnly: cfg.LicensedOnly.ValueBool(), adminOnly: cfg.AdminOnly.ValueBool()}
	if !cfg.Group.IsNull() {
		p, err := grouppath.Parse(cfg.Group.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("group"), "Invalid group path", err.Error())
			return f, false
		}
		f.group = p
	}
	if !cfg.InactiveFor.IsNull() {
		w, err := operations.ParseWindow(cfg.InactiveFor.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("inactive_for"), "Invalid inactive_for", err.Error())
			return f, false
		}
		f.window = w
	}
	return f, true
}

// usersView is what one read of the users data source found.
type usersView struct {
	users         []keycloak.User
	seats, admins *keycloak.Holders
	memberships   map[string][]string
	inFilter      map[string]bool
	apps          appIndex
	known         map[string]bool // nil without the platform API
	activity      *keycloak.Activity
	now           time.Time
}

func (d *usersDataSource) read(ctx context.Context, search string, f usersFilter, diags *diag.Diagnostics) (v usersView, ok bool) {
	kc := d.clients.Keycloak
	fail := func(summary string, err error) (usersView, bool) {
		diags.AddError(summary, err.Error())
		return v, false
	}
	var err error
	if v.users, err = kc.Users(ctx, search); err != nil {
		return fail("Cannot list users", err)
	}
	if v.seats, err = kc.RoleHolders(ctx, framework.SeatRole); err != nil {
		return fail("Cannot list license seats", err)
	}
	if v.admins, err = kc.RoleHolders(ctx, framework.AdminRole); err != nil {
		return fail("Cannot list administrators", err)
	}
	if v.memberships, v.inFilter, err = groupMemberships(ctx, kc, f.group); err != nil {
		diags.AddAttributeError(path.Root("group"), "Cannot list groups", err.Error())
		return v, false
	}
	if v.apps, v.known, err = platformView(ctx, d.clients); err != nil {
		return fail("Cannot read apps and platform users", err)
	}
	v.now = time.Now().UTC()
	v.activity = framework.ReadActivity(ctx, d.clients, v.now, f.window, diags)
	return v, !diags.HasError()
}

// rows are the users that pass the filters, sorted by username.
func (v usersView) rows(ctx context.Context, f usersFilter, diags *diag.Diagnostics) []userModel {
	out := make([]userModel, 0, len(v.users))
	for _, u := range v.users {
		switch {
		case f.licensedOnly && !v.seats.Effective(u.ID),
			f.adminOnly && !v.admins.Effective(u.ID),
			f.group != "" && !v.inFilter[u.ID],
			f.window > 0 && !v.activity.Idle(u.ID, u.Created(), v.now, f.window):
			continue
		}
		out = append(out, v.row(ctx, u, diags))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username.ValueString() < out[j].Username.ValueString() })
	return out
}

func (v usersView) row(ctx context.Context, u keycloak.User, diags *diag.Diagnostics) userModel {
	_, direct := v.seats.Direct[u.ID]
	m := userModel{
		ID: types.StringValue(u.ID), Username: types.StringValue(u.Username), Email: types.StringValue(u.Email),
		FirstName: types.StringValue(u.FirstName), LastName: types.StringValue(u.LastName), Enabled: types.BoolValue(u.Enabled),
		Licensed: types.BoolValue(v.seats.Effective(u.ID)), LicensedDirect: types.BoolValue(direct), SeatGrantedVia: framework.NonNil(v.seats.Via[u.ID]),
		Admin: types.BoolValue(v.admins.Effective(u.ID)), Groups: framework.NonNil(v.memberships[u.ID]), // sorted by the index
		CreatedAt: types.StringValue(u.Created().Format(time.RFC3339)),
		OwnedApps: types.ListNull(types.StringType), CoOwnedApps: types.ListNull(types.StringType), KnownToPlatform: types.BoolNull(),
		LastLogin: types.StringNull(), LastActivity: types.StringNull(), ActivitySource: types.StringNull(),
	}
	if v.activity != nil {
		m.LastLogin = framework.TimeOrNull(v.activity.LastLogin[u.ID])
		last, source := v.activity.Last(u.ID)
		m.LastActivity, m.ActivitySource = framework.TimeOrNull(last), types.StringValue(source)
	}
	if v.known != nil {
		m.OwnedApps = framework.StringList(ctx, v.apps.owned[u.Username], diags)
		m.CoOwnedApps = framework.StringList(ctx, v.apps.coowned[u.Username], diags)
		m.KnownToPlatform = types.BoolValue(v.known[u.Username])
	}
	return m
}

// groupMemberships maps user ID to the paths of the groups they belong to
// directly (the run's membership index), and returns the members of
// filterPath and its sub-groups.
func groupMemberships(ctx context.Context, kc *keycloak.Client, filterPath string) (map[string][]string, map[string]bool, error) {
	idx, err := kc.Memberships(ctx)
	if err != nil {
		return nil, nil, err
	}
	inFilter := map[string]bool{}
	if filterPath == "" {
		return idx.ByUser, inFilter, nil
	}
	if !slices.Contains(idx.Groups, filterPath) {
		return nil, nil, fmt.Errorf("realm %q has no group %q; group paths are written /Parent/child", kc.Realm(), filterPath)
	}
	for id, paths := range idx.ByUser {
		for _, p := range paths {
			if p == filterPath || strings.HasPrefix(p, filterPath+"/") {
				inFilter[id] = true
			}
		}
	}
	return idx.ByUser, inFilter, nil
}

type appIndex struct {
	owned, coowned map[string][]string
}

// platformView indexes one paged app listing by owner and co-owner, and the
// users known to the platform; known is nil when the platform API is not configured.
func platformView(ctx context.Context, c *framework.Clients) (appIndex, map[string]bool, error) {
	idx := appIndex{owned: map[string][]string{}, coowned: map[string][]string{}}
	if c.Platform == nil {
		return idx, nil, nil
	}
	apps, err := c.Platform.Apps(ctx)
	if err != nil {
		return idx, nil, err
	}
	for _, a := range apps {
		idx.owned[a.Owner] = append(idx.owned[a.Owner], a.Name)
		for _, co := range a.CoOwners {
			idx.coowned[co.Username] = append(idx.coowned[co.Username], a.Name)
		}
	}
	users, err := c.Platform.Users(ctx)
	if err != nil {
		return idx, nil, err
	}
	known := map[string]bool{}
	for _, u := range users {
		known[u.Username] = true
	}
	return idx, known, nil
}
