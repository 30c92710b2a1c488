package apps

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

var _ list.ListResourceWithConfigure = (*appCoOwnerList)(nil)

// NewAppCoOwnerList lists the co-owners (users and groups) of apps.
func NewAppCoOwnerList() list.ListResource { return &appCoOwnerList{} }

type appCoOwnerList struct{ clients *framework.Clients }

type appCoOwnerListConfig struct {
	App types.String `tfsdk:"app"`
}

func (l *appCoOwnerList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_coowner"
}

func (l *appCoOwnerList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists app co-owners, users and groups (the co-ownerships `dashenterprise_app_coowner` manages), by app, then users before groups.",
		Attributes: map[string]listschema.Attribute{
			"app": listschema.StringAttribute{Optional: true, MarkdownDescription: "Only the co-owners of this app."},
		},
	}
}

func (l *appCoOwnerList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *appCoOwnerList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg appCoOwnerListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !l.clients.PlatformReady(ctx, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	apps := l.apps(ctx, cfg.App.ValueString(), &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].Name < apps[j].Name })
	type entry struct {
		id  coOwnerID
		app *platform.App
	}
	var entries []entry
	for i := range apps {
		a := &apps[i]
		users, groups := a.CoOwnerUsernames(), a.CoOwnerGroupPaths()
		sort.Strings(users)
		sort.Strings(groups)
		for _, u := range users {
			entries = append(entries, entry{coOwnerID{App: a.Name, Username: u}, a})
		}
		for _, g := range groups {
			entries = append(entries, entry{coOwnerID{App: a.Name, Group: g}, a})
		}
	}
	stream.Results = framework.Limited(req.Limit, len(entries), func(i int) list.ListResult {
		e := entries[i]
		r := req.NewListResult(ctx)
		r.DisplayName = e.id.String()
		framework.SetIdentity(ctx, r.Identity, &r.Diagnostics, e.id.identity())
		if req.IncludeResource {
			m := appCoOwnerModel{App: types.StringValue(e.id.App), LogoutSessions: types.BoolValue(false),
				Username: types.StringNull(), Group: framework.GroupPathValue{StringValue: types.StringNull()}}
			if e.id.Group != "" {
				m.Group = framework.NewGroupPath(e.id.Group)
			} else {
				m.Username = types.StringValue(e.id.Username)
			}
			r.Diagnostics.Append(r.Resource.Set(ctx, coOwnerState(m, e.id, e.app))...)
		}
		return r
	})
}

// apps reads the one app named, or every app when name is empty.
func (l *appCoOwnerList) apps(ctx context.Context, name string, diags *diag.Diagnostics) []platform.App {
	if name == "" {
		all, err := l.clients.Platform.Apps(ctx)
		if err != nil {
			diags.AddError("Cannot list the apps", err.Error())
		}
		return all
	}
	app, err := l.clients.Platform.App(ctx, name)
	switch {
	case platform.CodeOf(err) == platform.CodeAppNotFound:
		framework.AddAppNotFound(diags, name)
	case err != nil:
		diags.AddError(fmt.Sprintf("Cannot read the co-owners of %s", name), err.Error())
	default:
		return []platform.App{*app}
	}
	return nil
}
