package provider_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

// No CLI on this machine offers `terraform query` or actions (Terraform
// 1.14+), so these tests start the provider server in-process and make the
// RPCs Terraform makes: GetProviderSchema, ConfigureProvider (a provider block
// with no arguments; the tests' environment sets the rest), then ListResource,
// PlanAction and InvokeAction. Outcomes are checked against Keycloak's admin
// API and what the test put into the emulator.

// The RPCs of Terraform 1.14 the tests make (terraform-plugin-go still keeps
// them out of tfprotov6.ProviderServer).
type listServer interface {
	ListResource(context.Context, *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error)
}

type actionServer interface {
	PlanAction(context.Context, *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error)
	InvokeAction(context.Context, *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error)
}

type protocol struct {
	t      *testing.T
	srv    tfprotov6.ProviderServer
	lists  listServer
	acts   actionServer
	schema *tfprotov6.GetProviderSchemaResponse
	ids    *tfprotov6.GetResourceIdentitySchemasResponse
}

func startProtocol(t *testing.T) *protocol {
	t.Helper()
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	p := &protocol{t: t, srv: srv}
	var ok bool
	if p.lists, ok = srv.(listServer); !ok {
		t.Fatal("the provider server does not serve ListResource")
	}
	if p.acts, ok = srv.(actionServer); !ok {
		t.Fatal("the provider server does not serve actions")
	}
	if p.schema, err = srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	p.noErrors("GetProviderSchema", p.schema.Diagnostics)
	if p.ids, err = srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{}); err != nil {
		t.Fatal(err)
	}
	p.noErrors("GetResourceIdentitySchemas", p.ids.Diagnostics)
	cfg := p.config(p.schema.Provider, nil)
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	p.noErrors("ConfigureProvider", resp.Diagnostics)
	return p
}

func (p *protocol) noErrors(rpc string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			p.t.Fatalf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
}

// config encodes a configuration of the schema: the given attributes, every
// other one null.
func (p *protocol) config(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	typ := s.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// listed is one result of a ListResource call, decoded.
type listed struct {
	name     string
	identity map[string]string
	resource map[string]tftypes.Value
}

func (p *protocol) list(typeName string, set map[string]tftypes.Value, includeResource bool) ([]listed, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	ctx := context.Background()
	ls, ok := p.schema.ListResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("the provider has no list resource %s", typeName)
	}
	stream, err := p.lists.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName, Config: p.config(ls, set), IncludeResource: includeResource, Limit: 100000})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []listed
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		l := listed{name: r.DisplayName, identity: map[string]string{}}
		idv, err := r.Identity.IdentityData.Unmarshal(p.ids.IdentitySchemas[typeName].ValueType())
		if err != nil {
			p.t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		if err := idv.As(&attrs); err != nil {
			p.t.Fatal(err)
		}
		for k, v := range attrs {
			var s string
			_ = v.As(&s)
			l.identity[k] = s
		}
		if r.Resource != nil {
			rv, err := r.Resource.Unmarshal(p.schema.ResourceSchemas[typeName].ValueType())
			if err != nil {
				p.t.Fatal(err)
			}
			if err := rv.As(&l.resource); err != nil {
				p.t.Fatal(err)
			}
		}
		out = append(out, l)
	}
	return out, diags
}

func str(v tftypes.Value) string {
	var s string
	_ = v.As(&s)
	return s
}

func TestProtocolListLicenseSeats(t *testing.T) {
	acctest.PreCheck(t)
	a, aID := acctest.LoggedInUser(t, "lsta", acctest.UserOptions{Roles: []string{"licensed_user"}})
	b, _ := acctest.LoggedInUser(t, "lstb", acctest.UserOptions{Roles: []string{"licensed_user"}, Groups: []string{"/Data Science"}})
	viaGroup, _ := acctest.LoggedInUser(t, "lstg", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	app := acctest.RandomName("lstapp")
	acctest.CreateApp(t, a, app)
	p := startProtocol(t)

	all, diags := p.list("dashenterprise_license_seat", nil, true)
	p.noErrors("ListResource", diags)
	// Exactly Keycloak's direct holders of licensed_user, each once.
	var names []string
	byName := map[string]listed{}
	for _, l := range all {
		names = append(names, l.identity["username"])
		byName[l.identity["username"]] = l
	}
	want := acctest.DirectSeatHolders(t)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("listed %d seats %v; Keycloak lists %d direct holders %v", len(names), names, len(want), want)
	}
	if _, ok := byName[viaGroup]; ok {
		t.Errorf("%s holds a seat only through a group but was listed", viaGroup)
	}
	got := byName[a]
	if got.name != a || str(got.resource["user_id"]) != aID || str(got.resource["username"]) != a {
		t.Errorf("the listed seat of %s: display name %q, object %v (Keycloak ID %s)", a, got.name, got.resource, aID)
	}
	var owned []tftypes.Value
	if err := got.resource["owned_apps"].As(&owned); err != nil || len(owned) != 1 || str(owned[0]) != app {
		t.Errorf("the listed seat of %s owns %v, the emulator holds %s (%v)", a, owned, app, err)
	}

	// The group filter: only the direct members of /Data Science who hold a direct seat.
	inGroup, diags := p.list("dashenterprise_license_seat", map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "/Data Science")}, false)
	p.noErrors("ListResource", diags)
	var groupNames []string
	for _, l := range inGroup {
		groupNames = append(groupNames, l.identity["username"])
		if l.resource != nil {
			t.Errorf("a resource object came back without include_resource: %v", l.resource)
		}
	}
	if !slices.Contains(groupNames, b) || slices.Contains(groupNames, a) {
		t.Errorf("members of /Data Science with a direct seat: %v; want %s in it and not %s", groupNames, b, a)
	}

	// An unknown group is an error that says how groups are written.
	_, diags = p.list("dashenterprise_license_seat", map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "/No Such Group")}, false)
	if len(diags) == 0 || !strings.Contains(diags[0].Detail, "/Parent/child") {
		t.Errorf("unknown group: want an error naming the path format, got %v", diags)
	}
}

func TestProtocolListAppCoOwners(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "lcown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app, co := acctest.AppWithCoOwners(t, "lc", owner)
	p := startProtocol(t)

	got, diags := p.list("dashenterprise_app_coowner", map[string]tftypes.Value{"app": tftypes.NewValue(tftypes.String, app)}, true)
	p.noErrors("ListResource", diags)
	if len(got) != 2 {
		t.Fatalf("want the user and the group co-owner of %s, got %v", app, got)
	}
	if id := got[0].identity; id["app"] != app || id["kind"] != "user" || id["principal"] != co {
		t.Errorf("first co-owner identity %v, want user %s", id, co)
	}
	if id := got[1].identity; id["app"] != app || id["kind"] != "group" || id["principal"] != "/Data Science" {
		t.Errorf("second co-owner identity %v, want group /Data Science", id)
	}
	if str(got[0].resource["username"]) != co || !got[0].resource["group"].IsNull() || str(got[1].resource["group_path"]) != "/Data Science" {
		t.Errorf("listed objects: %v / %v", got[0].resource, got[1].resource)
	}

	// Without a filter the app's co-owners are among everything listed.
	all, diags := p.list("dashenterprise_app_coowner", nil, false)
	p.noErrors("ListResource", diags)
	n := 0
	for _, l := range all {
		if l.identity["app"] == app {
			n++
		}
	}
	if n != 2 {
		t.Errorf("unfiltered listing holds %d co-owners of %s, want 2", n, app)
	}
	_, diags = p.list("dashenterprise_app_coowner", map[string]tftypes.Value{"app": tftypes.NewValue(tftypes.String, "no-such-app-"+app)}, false)
	if len(diags) == 0 || !strings.Contains(diags[0].Summary, "not found") {
		t.Errorf("unknown app: want a not-found error, got %v", diags)
	}
}

func TestProtocolActionLogoutSessions(t *testing.T) {
	acctest.PreCheck(t)
	ctx := context.Background()
	u, uID := acctest.LoggedInUser(t, "acta", acctest.UserOptions{})
	_, memberID := acctest.LoggedInUser(t, "actg", acctest.UserOptions{Groups: []string{"/Data Science/Forecasting"}})
	_, bystanderID := acctest.LoggedInUser(t, "actb", acctest.UserOptions{Groups: []string{"/Data Science"}})
	for _, id := range []string{uID, memberID, bystanderID} {
		if acctest.SessionCount(t, id) == 0 {
			t.Fatalf("user %s has no session to end", id)
		}
	}
	// The member holds only an offline session (a script's refresh token): it ends too.
	offline := acctest.OfflineToken(t, acctest.Username(t, memberID))
	acctest.LogoutOnline(t, memberID)
	if err := acctest.RefreshOffline(offline); err != nil {
		t.Fatalf("the offline token does not refresh before the action: %v", err)
	}
	p := startProtocol(t)
	as, ok := p.schema.ActionSchemas["dashenterprise_logout_sessions"]
	if !ok {
		t.Fatal("the provider has no action dashenterprise_logout_sessions")
	}
	cfg := p.config(as.Schema, map[string]tftypes.Value{
		"usernames": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, u)}),
		"groups":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "/Data Science/Forecasting")}),
	})
	plan, err := p.acts.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: "dashenterprise_logout_sessions", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	p.noErrors("PlanAction", plan.Diagnostics)
	named := false
	for _, d := range plan.Diagnostics {
		named = named || strings.Contains(d.Detail, u)
	}
	if !named {
		t.Errorf("the action's plan does not name %s: %v", u, plan.Diagnostics)
	}
	stream, err := p.acts.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: "dashenterprise_logout_sessions", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	completed := false
	for ev := range stream.Events {
		if c, ok := ev.Type.(tfprotov6.CompletedInvokeActionEventType); ok {
			completed = true
			p.noErrors("InvokeAction", c.Diagnostics)
		}
	}
	if !completed {
		t.Fatal("InvokeAction sent no completion event")
	}
	// Keycloak's own count of sessions: ended for the user and the group's member, not for the bystander.
	if n := acctest.SessionCount(t, uID); n != 0 {
		t.Errorf("%s still has %d sessions", u, n)
	}
	if n := acctest.SessionCount(t, memberID); n != 0 {
		t.Errorf("the member of /Data Science/Forecasting still has %d sessions", n)
	}
	if err := acctest.RefreshOffline(offline); err == nil {
		t.Error("the member's offline token still refreshes after the action")
	}
	if n := acctest.SessionCount(t, bystanderID); n == 0 {
		t.Error("a member of the parent group /Data Science, which the action did not name, was logged out")
	}

	// An unknown user refuses before anyone is logged out.
	bad := p.config(as.Schema, map[string]tftypes.Value{
		"usernames": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "no-such-user-"+u)}),
		"groups":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "/Data Science")}),
	})
	stream, err = p.acts.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: "dashenterprise_logout_sessions", Config: bad})
	if err != nil {
		t.Fatal(err)
	}
	refused := false
	for ev := range stream.Events {
		if c, ok := ev.Type.(tfprotov6.CompletedInvokeActionEventType); ok {
			for _, d := range c.Diagnostics {
				refused = refused || strings.Contains(d.Summary, "No session was ended")
			}
		}
	}
	if !refused {
		t.Error("an unknown user: want the action to refuse before logging anyone out")
	}
	if n := acctest.SessionCount(t, bystanderID); n == 0 {
		t.Error("the refused action logged out a member of /Data Science")
	}
}
