package apps

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
)

func TestModifyPlanAppCoOwnerGroup(t *testing.T) {
	c := acctest.Clients(t, config.OrphanProtectionWarn)
	owner, _ := acctest.LoggedInUser(t, "mpco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.LoggedInUser(t, "mpds", acctest.UserOptions{Groups: []string{"/Data Science"}})
	app := acctest.RandomName("mpcoapp")
	acctest.CreateApp(t, owner, app)
	r := &appCoOwnerResource{clients: c}
	plan, state := acctest.PlanFor(t, r, map[string]tftypes.Value{
		"app": tftypes.NewValue(tftypes.String, app), "username": tftypes.NewValue(tftypes.String, nil),
		"group": tftypes.NewValue(tftypes.String, "Data Science"), "logout_sessions": tftypes.NewValue(tftypes.Bool, false),
	})
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}, &resp)
	if !acctest.HasWarning(resp.Diagnostics, "Child groups of /Data Science do not inherit co-ownership of "+app, "/Data Science/Forecasting", "/Data Science/Vision") {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	// An unknown app is a plan error.
	plan, state = acctest.PlanFor(t, r, map[string]tftypes.Value{
		"app": tftypes.NewValue(tftypes.String, "no-such-app"), "username": tftypes.NewValue(tftypes.String, owner),
		"group": tftypes.NewValue(tftypes.String, nil), "logout_sessions": tftypes.NewValue(tftypes.Bool, false),
	})
	resp = resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), `App "no-such-app" not found`) {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
}
