package apps

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
)

func TestModifyPlanAppTransfer(t *testing.T) {
	c := acctest.Clients(t, config.OrphanProtectionWarn)
	from, _ := acctest.LoggedInUser(t, "mpfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "mpto", acctest.UserOptions{})
	apps := []string{acctest.RandomName("mpt1"), acctest.RandomName("mpt2")}
	for _, a := range apps {
		acctest.CreateApp(t, from, a)
	}
	r := &appTransferResource{clients: c}
	plan, state := acctest.PlanFor(t, r, map[string]tftypes.Value{
		"from_username": tftypes.NewValue(tftypes.String, from), "to_username": tftypes.NewValue(tftypes.String, to),
	})
	req := resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config(plan)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(context.Background(), req, &resp)
	if resp.Diagnostics.HasError() || !acctest.HasWarning(resp.Diagnostics, to+" holds no license seat") {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	var got appTransferModel
	resp.Diagnostics.Append(resp.Plan.Get(context.Background(), &got)...)
	planned := framework.ListStrings(context.Background(), got.TransferredApps)
	if strings.Join(planned, ",") != strings.Join(sortedCopy(apps), ",") || got.ID.ValueString() != from+":"+to {
		t.Fatalf("planned transferred_apps %v, id %s", planned, got.ID)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestMain(m *testing.M) { acctest.Main(m) }
