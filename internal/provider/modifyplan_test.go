package provider

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
)

// Method-level tests of ModifyPlan: the resource is called directly, as the
// framework would, with clients configured for the local Keycloak and emulator.

func testClients(t *testing.T, protection string) *clients {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak and the emulator (make test)")
	}
	s, unknown, diags := config.Resolve(config.Model{})
	if diags.HasError() || unknown {
		t.Fatalf("settings from the environment: %v", diags)
	}
	s.OrphanProtection = protection
	c, err := newClients(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func seatValue(t *testing.T, r resource.Resource, username string) (tfsdk.Plan, tfsdk.State) {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	var val tftypes.Value
	if username == "" {
		val = tftypes.NewValue(typ, nil)
	} else {
		val = tftypes.NewValue(typ, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, username), "username": tftypes.NewValue(tftypes.String, username),
			"user_id":      tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"granted_via":  tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
			"owned_apps":   tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
			"coowned_apps": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
		})
	}
	return tfsdk.Plan{Schema: sr.Schema, Raw: val}, tfsdk.State{Schema: sr.Schema, Raw: val}
}

func modifySeatPlan(t *testing.T, c *clients, before, after string) diag.Diagnostics {
	t.Helper()
	r := &licenseSeatResource{clients: c}
	_, state := seatValue(t, r, before)
	plan, _ := seatValue(t, r, after)
	req := resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), req, &resp)
	return resp.Diagnostics
}

func hasWarning(diags diag.Diagnostics, parts ...string) bool {
	for _, d := range diags.Warnings() {
		text := d.Summary() + "\n" + d.Detail()
		all := true
		for _, p := range parts {
			all = all && strings.Contains(text, p)
		}
		if all {
			return true
		}
	}
	return false
}

func TestModifyPlanLicenseSeat(t *testing.T) {
	c := testClients(t, config.OrphanProtectionError)
	owner, _ := acctest.LoggedInUser(t, "mpown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("mpapp")
	acctest.CreateApp(t, owner, app)
	viaGroup, _ := acctest.CreateUser(t, "mpgrp", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	ghost := acctest.RandomName("mpghost")

	// Destroy in strict mode: the plan fails, naming the user and the app.
	d := modifySeatPlan(t, c, owner, "")
	if !hasError(d, "Revoking the seat of "+owner+" would orphan "+app) {
		t.Errorf("destroy of %s: %v", owner, d)
	}
	// Create for a user holding the seat through a group.
	if d := modifySeatPlan(t, c, "", viaGroup); !hasWarning(d, viaGroup+" already holds a seat through /Licensed Developers") {
		t.Errorf("create for %s: %v", viaGroup, d)
	}
	// Create for a user who does not exist: a warning, never an error.
	if d := modifySeatPlan(t, c, "", ghost); !hasWarning(d, "User \""+ghost+"\" does not exist yet") || d.HasError() {
		t.Errorf("create for %s: %v", ghost, d)
	}
	// Destroy of a seat kept through a group: no orphan warning.
	if d := modifySeatPlan(t, c, viaGroup, ""); !hasWarning(d, viaGroup+" keeps a seat through /Licensed Developers") || hasWarning(d, "orphaned") {
		t.Errorf("destroy of %s: %v", viaGroup, d)
	}
	// Unchanged: nothing to say.
	if d := modifySeatPlan(t, c, owner, owner); len(d) != 0 {
		t.Errorf("no change: %v", d)
	}
}

// planFor builds a plan (and null state) for a create from attribute values; missing attributes are unknown.
func planFor(t *testing.T, r resource.Resource, attrs map[string]tftypes.Value) (tfsdk.Plan, tfsdk.State) {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ, _ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		}
	}
	return tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}, tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
}

func TestModifyPlanAppTransfer(t *testing.T) {
	c := testClients(t, config.OrphanProtectionWarn)
	from, _ := acctest.LoggedInUser(t, "mpfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "mpto", acctest.UserOptions{})
	apps := []string{acctest.RandomName("mpt1"), acctest.RandomName("mpt2")}
	for _, a := range apps {
		acctest.CreateApp(t, from, a)
	}
	r := &appTransferResource{clients: c}
	plan, state := planFor(t, r, map[string]tftypes.Value{
		"from_username": tftypes.NewValue(tftypes.String, from), "to_username": tftypes.NewValue(tftypes.String, to),
	})
	req := resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), req, &resp)
	if resp.Diagnostics.HasError() || !hasWarning(resp.Diagnostics, to+" holds no license seat") {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	var got appTransferModel
	resp.Diagnostics.Append(resp.Plan.Get(context.Background(), &got)...)
	planned := listStrings(context.Background(), got.TransferredApps)
	if strings.Join(planned, ",") != strings.Join(sortedCopy(apps), ",") || got.ID.ValueString() != from+":"+to {
		t.Fatalf("planned transferred_apps %v, id %s", planned, got.ID)
	}
}

func TestModifyPlanAppCoOwnerGroup(t *testing.T) {
	c := testClients(t, config.OrphanProtectionWarn)
	owner, _ := acctest.LoggedInUser(t, "mpco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.LoggedInUser(t, "mpds", acctest.UserOptions{Groups: []string{"/Data Science"}})
	app := acctest.RandomName("mpcoapp")
	acctest.CreateApp(t, owner, app)
	r := &appCoOwnerResource{clients: c}
	plan, state := planFor(t, r, map[string]tftypes.Value{
		"app": tftypes.NewValue(tftypes.String, app), "username": tftypes.NewValue(tftypes.String, nil),
		"group": tftypes.NewValue(tftypes.String, "Data Science"), "logout_sessions": tftypes.NewValue(tftypes.Bool, false),
	})
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}, &resp)
	if !hasWarning(resp.Diagnostics, "Child groups of /Data Science do not inherit co-ownership of "+app, "/Data Science/Forecasting", "/Data Science/Vision") {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	// An unknown app is a plan error.
	plan, state = planFor(t, r, map[string]tftypes.Value{
		"app": tftypes.NewValue(tftypes.String, "no-such-app"), "username": tftypes.NewValue(tftypes.String, owner),
		"group": tftypes.NewValue(tftypes.String, nil), "logout_sessions": tftypes.NewValue(tftypes.Bool, false),
	})
	resp = resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), `App "no-such-app" not found`) {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// hasError reports whether an error diagnostic's summary or detail contains every substring.
func hasError(diags diag.Diagnostics, subs ...string) bool {
	for _, d := range diags.Errors() {
		text := d.Summary() + "\n" + d.Detail()
		all := true
		for _, s := range subs {
			all = all && strings.Contains(text, s)
		}
		if all {
			return true
		}
	}
	return false
}
