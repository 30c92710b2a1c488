package users

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/validators"
)

var (
	_ action.ActionWithConfigure  = (*logoutSessionsAction)(nil)
	_ action.ActionWithModifyPlan = (*logoutSessionsAction)(nil)
)

// NewLogoutSessionsAction returns the dashenterprise_logout_sessions action
// (Terraform 1.14+): ending users' Keycloak sessions is an operation, not state.
func NewLogoutSessionsAction() action.Action { return &logoutSessionsAction{} }

type logoutSessionsAction struct{ clients *framework.Clients }

type logoutSessionsConfig struct {
	Usernames types.Set `tfsdk:"usernames"`
	Groups    types.Set `tfsdk:"groups"`
}

func (a *logoutSessionsAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_logout_sessions"
}

func (a *logoutSessionsAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Ends every Keycloak session of the given users and of the direct members of the given groups, so a change of seats or " +
			"co-owners applies at once instead of at their next login. Users who have no session are skipped.",
		Attributes: map[string]actionschema.Attribute{
			"usernames": actionschema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Users to log out (lower-case usernames).",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.Username())}},
			"groups": actionschema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Groups (`/Parent/child`) whose direct members are logged out.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.GroupPath())}},
		},
	}
}

func (a *logoutSessionsAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.clients = framework.ClientsFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan names, at plan time, the users the action will log out.
func (a *logoutSessionsAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.clients == nil || a.clients.Run.ConfigUnknown || req.Config.Raw.IsNull() || !req.Config.Raw.IsFullyKnown() {
		return
	}
	users, diags := a.targets(ctx, req.Config.Get)
	for _, d := range diags {
		if d.Severity() == diag.SeverityError {
			// At plan time a missing user or group may still be created by the same apply.
			resp.Diagnostics.AddWarning(d.Summary(), d.Detail()+" The action will fail unless it exists by then.")
		}
	}
	if len(users) > 0 {
		framework.AddFindings(&resp.Diagnostics, operations.LogoutPlanned(usernamesOf(users)))
	}
}

func (a *logoutSessionsAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !a.clients.Ready(&resp.Diagnostics) {
		return
	}
	users, diags := a.targets(ctx, req.Config.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("No session was ended", "Every user and group is looked up before anyone is logged out.")
		return
	}
	for _, u := range users {
		if err := a.clients.Keycloak.LogoutUser(ctx, u); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot log out %s", u.Username), err.Error())
			continue
		}
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("logged out %s", u.Username)})
		}
	}
}

// targets resolves the configured users and groups to users, sorted by username.
func (a *logoutSessionsAction) targets(ctx context.Context, get func(context.Context, any) diag.Diagnostics) ([]keycloak.User, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg logoutSessionsConfig
	diags.Append(get(ctx, &cfg)...)
	if diags.HasError() {
		return nil, diags
	}
	kc := a.clients.Keycloak
	byID := map[string]keycloak.User{}
	for _, name := range framework.SetStrings(cfg.Usernames) {
		u, err := kc.UserByUsername(ctx, name)
		if err != nil {
			framework.AddUserLookupError(&diags, kc, name, err)
			continue
		}
		byID[u.ID] = *u
	}
	for _, p := range framework.SetStrings(cfg.Groups) {
		canonical, err := grouppath.Parse(p)
		if err != nil {
			diags.AddAttributeError(path.Root("groups"), "Invalid group path", err.Error())
			continue
		}
		members, err := kc.MembersOfPath(ctx, canonical)
		if err != nil {
			framework.AddGroupMembersError(&diags, path.Root("groups"), canonical, err)
			continue
		}
		for _, m := range members {
			byID[m.ID] = m
		}
	}
	users := make([]keycloak.User, 0, len(byID))
	for _, u := range byID {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	return users, diags
}

func usernamesOf(users []keycloak.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}
