package apps

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

var _ datasource.DataSourceWithConfigure = (*platformDataSource)(nil)

type platformDataSource struct {
	clients *framework.Clients
}

// NewPlatformDataSource returns the dashenterprise_platform data source.
func NewPlatformDataSource() datasource.DataSource { return &platformDataSource{} }

type platformModel struct {
	Endpoint      types.String           `tfsdk:"endpoint"`
	Checked       types.Bool             `tfsdk:"checked"`
	UncheckedWhy  types.String           `tfsdk:"unchecked_reason"`
	AllCompatible types.Bool             `tfsdk:"compatible"`
	Features      []platformFeatureModel `tfsdk:"features"`
}

type platformFeatureModel struct {
	Name      types.String `tfsdk:"name"`
	Available types.Bool   `tfsdk:"available"`
	UsedBy    types.String `tfsdk:"used_by"`
	Missing   []string     `tfsdk:"missing"`
}

func (d *platformDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_platform"
}

func (d *platformDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether the Dash Enterprise server speaks the platform API the provider relies on, feature by feature. " +
			"The provider asks the server for its GraphQL schema (introspection, one request) and checks every operation, argument, " +
			"field and enum value it sends. Read it with one `terraform plan` against your installation before relying on co-owners and transfers. " +
			"Seats, users, activity, logout, disabling and deleting need only Keycloak and work whatever this says.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{Computed: true, MarkdownDescription: "The GraphQL endpoint checked."},
			"checked": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "False when the server refused introspection: nothing could be checked, and the provider proceeds as if it matched."},
			"unchecked_reason": schema.StringAttribute{Computed: true, MarkdownDescription: "Why the server could not be checked; null when it was."},
			"compatible": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "True when the check ran and every feature is available; null when the server could not be checked."},
			"features": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Every feature that needs the platform API.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "`apps`, `co-owners`, `viewer access`, `transfer`, `license` or `platform users`."},
					"available": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether the server offers everything the feature sends; null when it could not be checked."},
					"used_by": schema.StringAttribute{Computed: true, MarkdownDescription: "The resources, data sources and checks that rely on it."},
					"missing": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "What the server lacks for it, one sentence per operation, argument, field or enum value."},
				}}},
		},
	}
}

func (d *platformDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *platformDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.clients.PlatformReady(ctx, &resp.Diagnostics) {
		return
	}
	comp, err := d.clients.Platform.Compatibility(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot check the platform API", err.Error())
		return
	}
	m := platformModel{Endpoint: types.StringValue(d.clients.Platform.Endpoint()), Checked: types.BoolValue(comp.Checked),
		UncheckedWhy: types.StringNull(), AllCompatible: types.BoolNull(), Features: []platformFeatureModel{}}
	if !comp.Checked {
		m.UncheckedWhy = types.StringValue(comp.Reason)
	}
	all := true
	for _, f := range platform.Features {
		fm := platformFeatureModel{Name: types.StringValue(f.Name), UsedBy: types.StringValue(f.UsedBy), Available: types.BoolNull(), Missing: []string{}}
		if comp.Checked {
			fm.Missing = append(fm.Missing, comp.FeatureProblems(f)...)
			fm.Available = types.BoolValue(len(fm.Missing) == 0)
			all = all && len(fm.Missing) == 0
		}
		m.Features = append(m.Features, fm)
	}
	if comp.Checked {
		m.AllCompatible = types.BoolValue(all)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
