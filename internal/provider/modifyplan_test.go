package provider

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Method-level tests of ModifyPlan: the resource is called directly, as the
// framework would, with clients configured for the local Keycloak and emulator.

func testClients(t *testing.T, protection string) *Clients {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak and the emulator (make test)")
	}
	s, unknown, diags := resolve(providerModel{})
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
			"user_id":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"granted_via": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
			"effective":   tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
		})
	}
	return tfsdk.Plan{Schema: sr.Schema, Raw: val}, tfsdk.State{Schema: sr.Schema, Raw: val}
}

func modifySeatPlan(t *testing.T, c *Clients, before, after string) diag.Diagnostics {
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
	c := testClients(t, OrphanProtectionError)
	owner, _ := acctest.LoggedInUser(t, "mpown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("mpapp")
	acctest.CreateApp(t, owner, app)
	viaGroup, _ := acctest.CreateUser(t, "mpgrp", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	ghost := acctest.RandomName("mpghost")

	// Destroy: the warning names the user and the app, and says the apply will refuse.
	d := modifySeatPlan(t, c, owner, "")
	if !hasWarning(d, "Revoking the seat of "+owner, app+" (owner)", "will refuse") || d.HasError() {
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
