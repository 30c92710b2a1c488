package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func TestAccAppsAndLicenseDataSources(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID := acctest.LoggedInUser(t, "adsowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "adsco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("adsapp")
	acctest.CreateApp(t, owner, app, "REDIS")
	acctest.LoggedInUser(t, "adsds", acctest.UserOptions{Groups: []string{"/Data Science"}})
	acctest.EmulatorAddCoOwners(t, app, []string{co}, []string{"Data Science"})
	config := fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_apps" "owned" {
  owner = %q
}

data "dashenterprise_apps" "coowned" {
  coowner = %q
}

data "dashenterprise_apps" "orphaned" {
  owner         = %q
  orphaned_only = true
}

data "dashenterprise_license" "this" {}

data "dashenterprise_license" "override" {
  purchased_seats = 3
}
`, owner, co, owner)
	appCheck := knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": knownvalue.StringExact(app), "owner": knownvalue.StringExact(owner), "orphaned": knownvalue.Bool(false),
		"coowner_users":  knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{"username": knownvalue.StringExact(co), "active": knownvalue.Bool(true)})}),
		"coowner_groups": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("/Data Science")}),
		"services":       knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact(app + "-redis"), "type": knownvalue.StringExact("REDIS")})}),
		"has_workspace":  knownvalue.Bool(true),
		// A new app is restricted with no viewers; effective_viewers is read only when asked for.
		"viewer_access": knownvalue.StringExact("restricted"), "viewer_users": knownvalue.ListExact([]knownvalue.Check{}),
		"viewer_groups": knownvalue.ListExact([]knownvalue.Check{}), "portal_visible": knownvalue.Bool(false), "effective_viewers": knownvalue.Null(),
	})})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.dashenterprise_apps.owned", tfjsonpath.New("apps"), appCheck),
					statecheck.ExpectKnownValue("data.dashenterprise_apps.coowned", tfjsonpath.New("apps"), appCheck),
					statecheck.ExpectKnownValue("data.dashenterprise_apps.orphaned", tfjsonpath.New("apps"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("data.dashenterprise_license.this", tfjsonpath.New("purchased_seats"), knownvalue.Int64Exact(100000)),
					statecheck.ExpectKnownValue("data.dashenterprise_license.this", tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.dashenterprise_license.override", tfjsonpath.New("purchased_seats"), knownvalue.Int64Exact(3)),
				},
			},
			{
				PreConfig: func() { acctest.RevokeRole(t, ownerID, "licensed_user") },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.dashenterprise_apps.orphaned", tfjsonpath.New("apps"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}
