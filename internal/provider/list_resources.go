package provider

import (
	"context"
	"fmt"
	"iter"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

// List resources (Terraform 1.14+: `terraform query`, and bulk import with
// -generate-config-out). Each lists with the same run-scoped reads a refresh
// uses and returns identities, and the full resource objects when asked.

var (
	_ list.ListResourceWithConfigure = (*licenseSeatList)(nil)
	_ list.ListResourceWithConfigure = (*appCoOwnerList)(nil)
)

// newLicenseSeatList lists the direct holders of the seat role.
func newLicenseSeatList() list.ListResource { return &licenseSeatList{} }

// newAppCoOwnerList lists the co-owners (users and groups) of apps.
func newAppCoOwnerList() list.ListResource { return &appCoOwnerList{} }

type licenseSeatList struct{ clients *clients }

type licenseSeatListConfig struct {
	Group types.String `tfsdk:"group"`
}

func (l *licenseSeatList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_license_seat"
}

func (l *licenseSeatList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the users who hold a license seat **directly** (the seats `dashenterprise_license_seat` manages), sorted by username.",
		Attributes: map[string]listschema.Attribute{
			"group": listschema.StringAttribute{Optional: true,
				MarkdownDescription: "Only the direct members of this group (`/Parent/child`).",
				Validators:          []validator.String{validators.GroupPath()}},
		},
	}
}

func (l *licenseSeatList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *licenseSeatList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg licenseSeatListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !l.clients.ready(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	kc := l.clients.Keycloak
	holders, err := kc.RoleHolders(ctx, seatRole)
	if err != nil {
		diags.AddError("Cannot list license seats", err.Error())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var members map[string]bool
	if g := cfg.Group.ValueString(); g != "" {
		canonical, err := grouppath.Parse(g)
		if err != nil {
			diags.AddAttributeError(path.Root("group"), "Invalid group path", err.Error())
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		users, err := kc.MembersOfPath(ctx, canonical)
		if err != nil {
			addGroupMembersError(&diags, path.Root("group"), canonical, err)
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		members = map[string]bool{}
		for _, u := range users {
			members[u.ID] = true
		}
	}
	type seat struct{ username, userID string }
	var seats []seat
	for _, u := range holders.Direct {
		if members == nil || members[u.ID] {
			seats = append(seats, seat{u.Username, u.ID})
		}
	}
	sort.Slice(seats, func(i, j int) bool { return seats[i].username < seats[j].username })
	seatResource := &licenseSeatResource{clients: l.clients}
	stream.Results = limited(req.Limit, len(seats), func(i int) list.ListResult {
		s := seats[i]
		r := req.NewListResult(ctx)
		r.DisplayName = s.username
		setIdentity(ctx, r.Identity, &r.Diagnostics, map[string]string{"username": s.username})
		if req.IncludeResource {
			if st := seatResource.seatState(ctx, s.username, s.userID, holders, &r.Diagnostics); !r.Diagnostics.HasError() {
				r.Diagnostics.Append(r.Resource.Set(ctx, st)...)
			}
		}
		return r
	})
}

type appCoOwnerList struct{ clients *clients }

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
	l.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *appCoOwnerList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg appCoOwnerListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !l.clients.platformReady(ctx, &diags) {
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
	stream.Results = limited(req.Limit, len(entries), func(i int) list.ListResult {
		e := entries[i]
		r := req.NewListResult(ctx)
		r.DisplayName = e.id.String()
		setIdentity(ctx, r.Identity, &r.Diagnostics, e.id.identity())
		if req.IncludeResource {
			m := appCoOwnerModel{App: types.StringValue(e.id.App), LogoutSessions: types.BoolValue(false),
				Username: types.StringNull(), Group: groupPathValue{StringValue: types.StringNull()}}
			if e.id.Group != "" {
				m.Group = newGroupPath(e.id.Group)
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
		addAppNotFound(diags, name)
	case err != nil:
		diags.AddError(fmt.Sprintf("Cannot read the co-owners of %s", name), err.Error())
	default:
		return []platform.App{*app}
	}
	return nil
}

// limited yields result(i) for i below n, stopping at limit (when positive)
// or when Terraform stops reading.
func limited(limit int64, n int, result func(int) list.ListResult) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i := 0; i < n; i++ {
			if limit > 0 && int64(i) >= limit {
				return
			}
			if !push(result(i)) {
				return
			}
		}
	}
}
