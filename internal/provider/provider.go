// Package provider is the Terraform glue: schemas, CRUD, plan checks. The
// Keycloak and platform API clients live in their own packages.
package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/service/apps"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/service/seats"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/service/users"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// Address is the provider's registry address (see DESIGN.md, "Namespace").
const Address = "registry.terraform.io/plotly-community/dashenterprise"

var (
	_ provider.ProviderWithValidateConfig = (*dashProvider)(nil)
	_ provider.ProviderWithListResources  = (*dashProvider)(nil)
	_ provider.ProviderWithActions        = (*dashProvider)(nil)
)

type dashProvider struct {
	version string
}

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &dashProvider{version: version} }
}

func (p *dashProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dashenterprise"
	resp.Version = p.version
}

func envDoc(attr, text string) string {
	return fmt.Sprintf("%s Environment variable: `%s`.", text, config.EnvVar(attr))
}

func (p *dashProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	str := func(attr, text string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: envDoc(attr, text)}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Dash Enterprise 5 license seats, app co-owners and app transfers through Keycloak and the platform API, with plan-time warnings when a change would orphan apps.",
		Attributes: map[string]schema.Attribute{
			"url":                    str("url", "Dash Enterprise address, e.g. `https://dash.example.com`.", false),
			"keycloak_url":           str("keycloak_url", "Keycloak address. Defaults to `https://auth-<host of url>`, where Dash Enterprise 5 serves it.", false),
			"keycloak_base_path":     str("keycloak_base_path", "Path prefix of Keycloak, `/auth` on installations that keep the legacy prefix. Default: none.", false),
			"realm":                  str("realm", "Keycloak realm of Dash Enterprise users, groups and roles. Default: `dash`.", false),
			"roles_client_id":        str("roles_client_id", "Client whose client roles are `viewer`, `licensed_user` and `admin`. Default: `dash`.", false),
			"admin_realm":            str("admin_realm", "Realm the admin login happens in. Default: `master`.", false),
			"admin_client_id":        str("admin_client_id", "Client for the admin login: `admin-cli` (default) with a username and password, or a confidential client with `admin_client_secret`.", false),
			"admin_username":         str("admin_username", "Keycloak admin username (password grant).", false),
			"admin_password":         str("admin_password", "Keycloak admin password.", true),
			"admin_client_secret":    str("admin_client_secret", "Secret of `admin_client_id` for the client-credentials grant; its service account needs the realm-management roles `manage-users`, `view-users`, `query-users`, `query-groups`, `view-clients`, `view-realm` and `view-events` (for user activity) in `realm`.", true),
			"platform_api_path":      str("platform_api_path", "Path of the platform GraphQL API under `url`. Default: `/Manager/graphql`.", false),
			"platform_client_id":     str("platform_client_id", "Client in `realm` used to obtain platform API tokens: a confidential client whose service account holds the `admin` role (with `platform_client_secret`), or the client for `platform_username`. Default: `dash`.", false),
			"platform_client_secret": str("platform_client_secret", "Secret of `platform_client_id`.", true),
			"platform_username":      str("platform_username", "Dash Enterprise administrator (holding `admin`) used for the platform API instead of a service account.", false),
			"platform_password":      str("platform_password", "Password of `platform_username`.", true),
			"ca_cert_file":           str("ca_cert_file", "PEM file of CA certificates trusted in addition to the system roots.", false),
			"ca_cert_pem":            str("ca_cert_pem", "CA certificates (PEM text) trusted in addition to the system roots and `ca_cert_file`: for runners such as Terraform Cloud agents, where an environment variable is easier than a file.", false),
			"insecure_skip_verify": schema.BoolAttribute{Optional: true, MarkdownDescription: envDoc("insecure_skip_verify",
				"Skip TLS certificate verification. Only for throw-away test installations; the provider warns on every run. Default: `false`.")},
			"request_timeout": str("request_timeout", "Timeout of each HTTP request attempt, as a duration such as `30s`. Default: `30s`.", false),
			"max_retries": schema.Int64Attribute{Optional: true, MarkdownDescription: envDoc("max_retries",
				"How often a request is retried after a connection error or a 429/502/503/504 answer (honouring `Retry-After`). Default: `4`.")},
			"orphan_protection": str("orphan_protection", "`warn` (default): plans warn, naming the users and apps, when revoking a seat would orphan apps. "+
				"`error`: a planned revocation that would orphan apps the user owns **fails the plan** (for `dashenterprise_license_seat`, `dashenterprise_license_seats` "+
				"and `dashenterprise_user_offboarding`), unless a transfer planned earlier in the same plan moves the apps away; and the apply checks again, reading the apps fresh, "+
				"before it removes a seat, so apps that arrived after the plan are never orphaned either.", false),
		},
	}
}

func (p *dashProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m config.Model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(config.Validate(m)...)
}

func (p *dashProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m config.Model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, unknown, diags := config.Resolve(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown {
		// Values come from resources not yet created: resources skip their
		// plan checks and report this if they need the server.
		c := &framework.Clients{}
		c.Run.ConfigUnknown = true
		resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = c, c, c, c
		return
	}
	for _, w := range s.Warnings() {
		resp.Diagnostics.AddWarning(w[0], w[1])
	}
	s.UserAgent = transport.UserAgent(p.version, req.TerraformVersion)
	c, err := framework.NewClients(s)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Dash Enterprise provider", err.Error())
		return
	}
	resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = c, c, c, c
}

func (p *dashProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		seats.NewLicenseSeatResource,
		apps.NewAppCoOwnerResource,
		apps.NewAppTransferResource,
		users.NewUserOffboardingResource,
		seats.NewLicenseSeatsResource,
		apps.NewAppCoOwnersResource,
		apps.NewAppAccessResource,
	}
}

// ListResources are the list resources of `terraform query` (Terraform 1.14+).
func (p *dashProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{seats.NewLicenseSeatList, apps.NewAppCoOwnerList}
}

// Actions are the provider's actions (Terraform 1.14+).
func (p *dashProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{users.NewLogoutSessionsAction}
}

func (p *dashProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		users.NewUsersDataSource,
		apps.NewAppsDataSource,
		seats.NewLicenseDataSource,
		seats.NewSeatHistoryDataSource,
		apps.NewPlatformDataSource,
	}
}
