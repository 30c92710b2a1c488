package apps

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var _ datasource.DataSourceWithConfigure = (*appsDataSource)(nil)

type appsDataSource struct {
	clients *framework.Clients
}

// NewAppsDataSource returns the dashenterprise_apps data source.
func NewAppsDataSource() datasource.DataSource { return &appsDataSource{} }

type appsModel struct {
	ID           types.String `tfsdk:"id"`
	Owner        types.String `tfsdk:"owner"`
	CoOwner      types.String `tfsdk:"coowner"`
	OrphanedOnly types.Bool   `tfsdk:"orphaned_only"`
	WithViewers  types.Bool   `tfsdk:"with_effective_viewers"`
	Apps         []appModel   `tfsdk:"apps"`
}

type appModel struct {
	Name          types.String       `tfsdk:"name"`
	Owner         types.String       `tfsdk:"owner"`
	Orphaned      types.Bool         `tfsdk:"orphaned"`
	CoOwnerUsers  []coOwnerUserModel `tfsdk:"coowner_users"`
	CoOwnerGroups []string           `tfsdk:"coowner_groups"`
	Services      []serviceModel     `tfsdk:"services"`
	HasWorkspace  types.Bool         `tfsdk:"has_workspace"`
	ViewerAccess  types.String       `tfsdk:"viewer_access"`
	ViewerUsers   []string           `tfsdk:"viewer_users"`
	ViewerGroups  []string           `tfsdk:"viewer_groups"`
	PortalVisible types.Bool         `tfsdk:"portal_visible"`
	Effective     types.List         `tfsdk:"effective_viewers"`
}

type coOwnerUserModel struct {
	Username types.String `tfsdk:"username"`
	Active   types.Bool   `tfsdk:"active"`
}

type serviceModel struct {
	Name types.String `tfsdk:"name"`
	Type types.String `tfsdk:"type"`
}

func (d *appsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_apps"
}

func (d *appsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every Dash app with its owner, co-owners and linked services, from one paged listing. " +
			"Use it to find what a departing user owns before transferring their apps, or which apps are orphaned.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier of this listing."},
			"owner": schema.StringAttribute{Optional: true, MarkdownDescription: "Only apps owned by this username.",
				Validators: []validator.String{validators.Username()}},
			"coowner": schema.StringAttribute{Optional: true, MarkdownDescription: "Only apps where this username is a (user) co-owner.",
				Validators: []validator.String{validators.Username()}},
			"orphaned_only": schema.BoolAttribute{Optional: true, MarkdownDescription: "Only apps whose owner no longer holds a seat."},
			"with_effective_viewers": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Fill `effective_viewers` of restricted apps: reads the members of their viewer and co-owner groups (one request per group, never one per user) and the administrators."},
			"apps": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Matching apps, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "App name."},
					"owner":    schema.StringAttribute{Computed: true, MarkdownDescription: "Owner on record (kept when they lose their seat)."},
					"orphaned": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the owner no longer holds a seat."},
					"coowner_users": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "User co-owners.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"username": schema.StringAttribute{Computed: true, MarkdownDescription: "Username."},
							"active":   schema.BoolAttribute{Computed: true, MarkdownDescription: "False while the user holds no seat."},
						}}},
					"coowner_groups": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Group co-owners as `/Parent/child`."},
					"services": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Linked databases.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Service name."},
							"type": schema.StringAttribute{Computed: true, MarkdownDescription: "`REDIS` or `POSTGRES`."},
						}}},
					"has_workspace":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app has a workspace."},
					"viewer_access":  schema.StringAttribute{Computed: true, MarkdownDescription: "`restricted`, `authenticated` or `unauthenticated`."},
					"viewer_users":   schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Users listed as viewers (they count when the app is restricted)."},
					"viewer_groups":  schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Groups listed as viewers, as `/Parent/child` (their direct members; child groups inherit nothing)."},
					"portal_visible": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the App Portal lists the app."},
					"effective_viewers": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "With `with_effective_viewers`: everyone who can view a restricted app (owner, co-owners and direct members of co-owner groups, administrators, listed users, direct members of listed groups), sorted. Null for authenticated and unauthenticated apps (everyone logged in, or anyone), and without `with_effective_viewers`."},
				}},
			},
		},
	}
}

func (d *appsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *appsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg appsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !d.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	apps, err := d.clients.Platform.Apps(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list apps", err.Error())
		return
	}
	cfg.Apps = []appModel{}
	var matched []platform.App
	for _, a := range apps {
		if (!cfg.Owner.IsNull() && a.Owner != cfg.Owner.ValueString()) ||
			(!cfg.CoOwner.IsNull() && !a.HasCoOwnerUser(cfg.CoOwner.ValueString())) ||
			(cfg.OrphanedOnly.ValueBool() && !a.Orphaned) {
			continue
		}
		m := appModel{Name: types.StringValue(a.Name), Owner: types.StringValue(a.Owner), Orphaned: types.BoolValue(a.Orphaned),
			HasWorkspace: types.BoolValue(a.HasWorkspace), CoOwnerUsers: []coOwnerUserModel{}, CoOwnerGroups: []string{}, Services: []serviceModel{}}
		for _, c := range a.CoOwners {
			m.CoOwnerUsers = append(m.CoOwnerUsers, coOwnerUserModel{Username: types.StringValue(c.Username), Active: types.BoolValue(c.Active)})
		}
		m.CoOwnerGroups = append(m.CoOwnerGroups, a.CoOwnerGroupPaths()...)
		for _, s := range a.Services {
			m.Services = append(m.Services, serviceModel{Name: types.StringValue(s.Name), Type: types.StringValue(s.Type)})
		}
		access := accessOf(&a)
		m.ViewerAccess, m.PortalVisible = types.StringValue(access.Level), types.BoolValue(access.PortalVisible)
		m.ViewerUsers, m.ViewerGroups = nonNilStrings(access.Users), nonNilStrings(access.Groups)
		m.Effective = types.ListNull(types.StringType)
		cfg.Apps = append(cfg.Apps, m)
		matched = append(matched, a)
	}
	if cfg.WithViewers.ValueBool() && !effectiveViewers(ctx, d.clients, matched, cfg.Apps, &resp.Diagnostics) {
		return
	}
	cfg.ID = types.StringValue("apps")
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// effectiveViewers fills effective_viewers of the restricted apps (models[i]
// is apps[i]) with operations.Snapshot.Viewers: one membership read per group
// listed as viewer or co-owner, and the administrators, never a request per user.
func effectiveViewers(ctx context.Context, c *framework.Clients, apps []platform.App, models []appModel, diags *diag.Diagnostics) bool {
	snap := operations.Snapshot{GroupChildren: map[string][]string{}, GroupMembers: map[string][]string{}}
	var groups []string
	for _, a := range apps {
		if access := accessOf(&a); access.Level == operations.AccessRestricted {
			groups = append(append(groups, access.Groups...), a.CoOwnerGroupPaths()...)
		}
	}
	// A group deleted in Keycloak has no members: nothing to add for it.
	if _, err := c.AddGroups(ctx, &snap, groups); err != nil {
		diags.AddError("Cannot read the members of the viewer and co-owner groups", err.Error())
		return false
	}
	realm, err := accessRealm(ctx, c, false)
	if err != nil {
		diags.AddError("Cannot read the administrators", err.Error())
		return false
	}
	for i, a := range apps {
		access := accessOf(&a)
		if access.Level != operations.AccessRestricted {
			continue
		}
		viewers := snap.Viewers(framework.GovernanceApps([]platform.App{a})[0], access, realm)
		names := make([]string, 0, len(viewers))
		for u := range viewers {
			names = append(names, u)
		}
		slices.Sort(names)
		list, d := types.ListValueFrom(ctx, types.StringType, names)
		diags.Append(d...)
		models[i].Effective = list
	}
	return !diags.HasError()
}
