package seats

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var _ datasource.DataSourceWithConfigure = (*seatHistoryDataSource)(nil)

type seatHistoryDataSource struct {
	clients *framework.Clients
}

// NewSeatHistoryDataSource returns the dashenterprise_seat_history data source.
func NewSeatHistoryDataSource() datasource.DataSource { return &seatHistoryDataSource{} }

type seatHistoryModel struct {
	ID          types.String      `tfsdk:"id"`
	Window      types.String      `tfsdk:"window"`
	Username    types.String      `tfsdk:"username"`
	From        types.String      `tfsdk:"from"`
	Recorded    types.Bool        `tfsdk:"recorded"`
	Unavailable types.String      `tfsdk:"unavailable"`
	Changes     []seatChangeModel `tfsdk:"changes"`
}

type seatChangeModel struct {
	Username    types.String `tfsdk:"username"`
	Change      types.String `tfsdk:"change"`
	Via         types.String `tfsdk:"via"`
	Time        types.String `tfsdk:"time"`
	By          types.String `tfsdk:"by"`
	ByUserID    types.String `tfsdk:"by_user_id"`
	ByRealm     types.String `tfsdk:"by_realm"`
	Client      types.String `tfsdk:"client"`
	IPAddress   types.String `tfsdk:"ip_address"`
	ByTerraform types.Bool   `tfsdk:"by_terraform"`
	Description types.String `tfsdk:"description"`
}

func (d *seatHistoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_seat_history"
}

func (d *seatHistoryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who granted and revoked license seats, and when, as Keycloak recorded it in its admin events: " +
			"direct grants and revocations of `licensed_user`, joining and leaving a group that grants it (sub-groups included), " +
			"and accounts deleted with their seat. It answers \"who gave carol a seat, and when?\" in one plan. " +
			"It needs the realm to store admin events with their representation (realm settings → Events → Admin events settings, " +
			"or the keycloak provider's `keycloak_realm_events`) and the admin account to hold `view-events`; otherwise `recorded` is false " +
			"and `unavailable` says why. Changes Keycloak makes itself (an identity provider's mapper at login, a user federation sync) " +
			"are not admin events and are not listed.",
		Attributes: map[string]schema.Attribute{
			"id": str("Identifier of this reading."),
			"window": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.Window()},
				MarkdownDescription: "How far back to look, as a duration such as `720h` or `30d` (default `720h`, 30 days). Keycloak keeps admin events for the realm's admin events expiration."},
			"username": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.Username()},
				MarkdownDescription: "List only the changes of this user."},
			"from":        str("Start of the window (RFC 3339)."),
			"recorded":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Keycloak could say: false when admin events are not stored, stored without their representation, expired for part of the window, or not readable by the admin account."},
			"unavailable": str("Why Keycloak could not say, and how to turn admin events on; empty when `recorded`."),
			"changes": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The changes, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"username":     str("The user whose seat changed (the user ID when the account was deleted and Keycloak did not record its name)."),
					"change":       str("`granted` or `revoked`."),
					"via":          str("`direct` for the direct mapping, `group:/Parent/child` for a group joined or left, `account_deleted` for a deleted account."),
					"time":         str("When Keycloak recorded it (RFC 3339)."),
					"by":           str("The acting administrator's username; empty when the provider's admin account may not read that user (a master-realm administrator seen from a `dash`-realm service account): see `by_user_id` and `by_realm`."),
					"by_user_id":   str("The acting administrator's user ID."),
					"by_realm":     str("The realm the acting administrator logged in to (its ID when the admin account may not list it)."),
					"client":       str("The client they logged in through: `security-admin-console` is the admin console, `admin-cli` a script or a CLI."),
					"ip_address":   str("The address the change came from."),
					"by_terraform": schema.BoolAttribute{Computed: true, MarkdownDescription: "True when it was this provider's own login (the same realm, user and client)."},
					"description":  str("The change in words, as plan warnings say it."),
				}},
			},
		},
	}
}

func (d *seatHistoryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *seatHistoryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg seatHistoryModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !d.clients.Ready(&resp.Diagnostics) {
		return
	}
	window := 30 * 24 * time.Hour
	if w := cfg.Window.ValueString(); w != "" {
		var err error
		if window, err = operations.ParseWindow(w); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("window"), "Invalid window", err.Error())
			return
		}
	}
	from := time.Now().Add(-window).UTC()
	h, err := d.clients.SeatHistory(ctx, from)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the seat history", err.Error())
		return
	}
	d.clients.NoteHistory(h, &resp.Diagnostics)
	cfg.ID, cfg.From = types.StringValue("seat_history"), types.StringValue(from.Format(time.RFC3339))
	cfg.Recorded, cfg.Unavailable = types.BoolValue(h.Unavailable == ""), types.StringValue(h.Unavailable)
	cfg.Changes = []seatChangeModel{}
	for _, c := range h.Changes {
		if cfg.Username.ValueString() != "" && c.Username != cfg.Username.ValueString() {
			continue
		}
		cfg.Changes = append(cfg.Changes, seatChangeOf(c))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

func seatChangeOf(c operations.SeatChange) seatChangeModel {
	change, via := "revoked", "direct"
	if c.Granted {
		change = "granted"
	}
	switch {
	case c.Deleted:
		via = "account_deleted"
	case c.Group != "":
		via = "group:" + c.Group
	}
	return seatChangeModel{Username: types.StringValue(c.Username), Change: types.StringValue(change), Via: types.StringValue(via),
		Time: types.StringValue(c.Time.UTC().Format(time.RFC3339)), By: types.StringValue(c.By.Username), ByUserID: types.StringValue(c.By.UserID),
		ByRealm: types.StringValue(c.By.Realm), Client: types.StringValue(c.By.Client), IPAddress: types.StringValue(c.By.IP),
		ByTerraform: types.BoolValue(c.By.Terraform), Description: types.StringValue(c.String())}
}
