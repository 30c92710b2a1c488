package seats

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
)

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

func modifySeatPlan(t *testing.T, c *framework.Clients, before, after string) diag.Diagnostics {
	t.Helper()
	r := &licenseSeatResource{clients: c}
	_, state := seatValue(t, r, before)
	plan, _ := seatValue(t, r, after)
	req := resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), req, &resp)
	return resp.Diagnostics
}

func TestModifyPlanLicenseSeat(t *testing.T) {
	c := acctest.Clients(t, config.OrphanProtectionError)
	owner, _ := acctest.LoggedInUser(t, "mpown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("mpapp")
	acctest.CreateApp(t, owner, app)
	viaGroup, _ := acctest.CreateUser(t, "mpgrp", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	ghost := acctest.RandomName("mpghost")

	// Destroy in strict mode: the plan fails, naming the user and the app.
	d := modifySeatPlan(t, c, owner, "")
	if !acctest.HasError(d, "Revoking the seat of "+owner+" would orphan "+app) {
		t.Errorf("destroy of %s: %v", owner, d)
	}
	// Create for a user holding the seat through a group.
	if d := modifySeatPlan(t, c, "", viaGroup); !acctest.HasWarning(d, viaGroup+" already holds a seat through /Licensed Developers") {
		t.Errorf("create for %s: %v", viaGroup, d)
	}
	// Create for a user who does not exist: a warning, never an error.
	if d := modifySeatPlan(t, c, "", ghost); !acctest.HasWarning(d, "User \""+ghost+"\" does not exist yet") || d.HasError() {
		t.Errorf("create for %s: %v", ghost, d)
	}
	// Destroy of a seat kept through a group: no orphan warning.
	if d := modifySeatPlan(t, c, viaGroup, ""); !acctest.HasWarning(d, viaGroup+" keeps a seat through /Licensed Developers") || acctest.HasWarning(d, "orphaned") {
		t.Errorf("destroy of %s: %v", viaGroup, d)
	}
	// Unchanged: nothing to say.
	if d := modifySeatPlan(t, c, owner, owner); len(d) != 0 {
		t.Errorf("no change: %v", d)
	}
}

func TestMain(m *testing.M) { acctest.Main(m) }
