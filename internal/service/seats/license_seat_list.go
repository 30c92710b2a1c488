package seats

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

// List resources (Terraform 1.14+: `terraform query`, and bulk import with
// -generate-config-out). Each lists with the same run-scoped reads a refresh
// uses and returns identities, and the full resource objects when asked.

var _ list.ListResourceWithConfigure = (*licenseSeatList)(nil)

// NewLicenseSeatList lists the direct holders of the seat role.
func NewLicenseSeatList() list.ListResource { return &licenseSeatList{} }

type licenseSeatList struct{ clients *framework.Clients }

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
	l.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *licenseSeatList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg licenseSeatListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !l.clients.Ready(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	kc := l.clients.Keycloak
	holders, err := kc.RoleHolders(ctx, framework.SeatRole)
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
			framework.AddGroupMembersError(&diags, path.Root("group"), canonical, err)
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
	stream.Results = framework.Limited(req.Limit, len(seats), func(i int) list.ListResult {
		s := seats[i]
		r := req.NewListResult(ctx)
		r.DisplayName = s.username
		framework.SetIdentity(ctx, r.Identity, &r.Diagnostics, map[string]string{"username": s.username})
		if req.IncludeResource {
			if st := seatResource.seatState(ctx, s.username, s.userID, holders, &r.Diagnostics); !r.Diagnostics.HasError() {
				r.Diagnostics.Append(r.Resource.Set(ctx, st)...)
			}
		}
		return r
	})
}
