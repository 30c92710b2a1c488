package seats

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
)

var _ datasource.DataSourceWithConfigure = (*licenseDataSource)(nil)

type licenseDataSource struct {
	clients *framework.Clients
}

// NewLicenseDataSource returns the dashenterprise_license data source.
func NewLicenseDataSource() datasource.DataSource { return &licenseDataSource{} }

type licenseModel struct {
	ID             types.String `tfsdk:"id"`
	PurchasedSeats types.Int64  `tfsdk:"purchased_seats"`
	AssignedSeats  types.Int64  `tfsdk:"assigned_seats"`
	AvailableSeats types.Int64  `tfsdk:"available_seats"`
	ExpiresAt      types.String `tfsdk:"expires_at"`
	DaysRemaining  types.Int64  `tfsdk:"days_remaining"`
}

func (d *licenseDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_license"
}

func (d *licenseDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "License seats: purchased, assigned and available, and the license expiry. " +
			"Assigned seats are counted from Keycloak (every user who effectively holds `licensed_user`), which is exact at once; " +
			"Dash Enterprise's own count catches up at each user's next login.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier of this reading."},
			"purchased_seats": schema.Int64Attribute{Optional: true, Computed: true, Validators: []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "Seats purchased. Read from the platform's license; set it to override (e.g. when the platform API is not configured)."},
			"assigned_seats":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Users who effectively hold a seat."},
			"available_seats": schema.Int64Attribute{Computed: true, MarkdownDescription: "`purchased_seats - assigned_seats` (negative when over-allocated)."},
			"expires_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "License expiry (RFC 3339), null when unknown."},
			"days_remaining": schema.Int64Attribute{Computed: true,
				MarkdownDescription: "Whole days until `expires_at` (0 on the last day, negative once expired), null when the expiry is unknown. Use it in a `check` block to warn ahead of expiry."},
		},
	}
}

func (d *licenseDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *licenseDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg licenseModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !d.clients.Ready(&resp.Diagnostics) {
		return
	}
	holders, err := d.clients.Keycloak.RoleHolders(ctx, framework.SeatRole)
	if err != nil {
		resp.Diagnostics.AddError("Cannot count assigned seats", err.Error())
		return
	}
	cfg.ExpiresAt, cfg.DaysRemaining = types.StringNull(), types.Int64Null()
	if cfg.PurchasedSeats.IsNull() || d.clients.Platform != nil {
		if !d.clients.PlatformReady(ctx, &resp.Diagnostics) {
			return // the error says to configure the platform API; purchased_seats is the alternative
		}
		lic, err := d.clients.Platform.License(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the license", err.Error())
			return
		}
		if cfg.PurchasedSeats.IsNull() {
			cfg.PurchasedSeats = types.Int64Value(int64(lic.SeatsPurchased))
		}
		cfg.ExpiresAt = types.StringValue(lic.ExpiresAt)
		if days, ok := daysRemaining(lic.ExpiresAt, time.Now()); ok {
			cfg.DaysRemaining = types.Int64Value(days)
		}
	}
	assigned := int64(holders.EffectiveCount())
	cfg.AssignedSeats = types.Int64Value(assigned)
	cfg.AvailableSeats = types.Int64Value(cfg.PurchasedSeats.ValueInt64() - assigned)
	cfg.ID = types.StringValue(fmt.Sprintf("%s/license", d.clients.Keycloak.Realm()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// daysRemaining is the number of whole days from now until expiresAt (RFC 3339):
// 0 on the last day, negative after it.
func daysRemaining(expiresAt string, now time.Time) (int64, bool) {
	t, err := time.Parse(time.RFC3339, expiresAt)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	days := int64(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days-- // floor, so a license that expired an hour ago has -1 days left
	}
	return days, true
}
