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

func usernamesAre(addr string, names ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"username": knownvalue.StringExact(n)})
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.ListExact(checks))
}

func TestAccUsersDataSource_filters(t *testing.T) {
	acctest.PreCheck(t)
	tag := acctest.RandomName("uds")
	// Usernames sort in this order: a, b, c, d, e.
	direct := tag + "-a-direct"
	viaGroup := tag + "-b-group"
	viaComposite := tag + "-c-composite"
	noSeat := tag + "-d-none"
	admin := tag + "-e-admin"
	acctest.CreateNamedUser(t, direct, acctest.UserOptions{Roles: []string{"licensed_user"}, Groups: []string{"/Data Science/Forecasting"}})
	acctest.CreateNamedUser(t, viaGroup, acctest.UserOptions{Groups: []string{"/Licensed Developers/Contractors"}})
	acctest.CreateNamedUser(t, viaComposite, acctest.UserOptions{Roles: []string{"developer"}})
	acctest.CreateNamedUser(t, noSeat, acctest.UserOptions{Groups: []string{"/Data Science"}})
	acctest.CreateNamedUser(t, admin, acctest.UserOptions{Roles: []string{"admin", "licensed_user"}})
	owner, _ := acctest.LoggedInUser(t, "udsowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("udsapp")
	acctest.CreateApp(t, owner, app)

	config := fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_users" "all" {
  search = %[1]q
}

data "dashenterprise_users" "licensed" {
  search        = %[1]q
  licensed_only = true
}

data "dashenterprise_users" "admins" {
  search     = %[1]q
  admin_only = true
}

data "dashenterprise_users" "data_science" {
  search = %[1]q
  group  = "Data Science"
}

data "dashenterprise_users" "forecasting" {
  search = %[1]q
  group  = "/Data Science/Forecasting"
}

data "dashenterprise_users" "owner" {
  search = %[2]q
}
`, tag, owner)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				usernamesAre("data.dashenterprise_users.all", direct, viaGroup, viaComposite, noSeat, admin),
				usernamesAre("data.dashenterprise_users.licensed", direct, viaGroup, viaComposite, admin),
				usernamesAre("data.dashenterprise_users.admins", admin),
				// The group filter includes members of sub-groups.
				usernamesAre("data.dashenterprise_users.data_science", direct, noSeat),
				usernamesAre("data.dashenterprise_users.forecasting", direct),
				statecheck.ExpectKnownValue("data.dashenterprise_users.all", tfjsonpath.New("users").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"licensed": knownvalue.Bool(true), "licensed_direct": knownvalue.Bool(true), "admin": knownvalue.Bool(false),
					"groups":            knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("/Data Science/Forecasting")}),
					"seat_granted_via":  knownvalue.ListExact([]knownvalue.Check{}),
					"email":             knownvalue.StringExact(direct + "@example.com"),
					"known_to_platform": knownvalue.Bool(false),
				})),
				statecheck.ExpectKnownValue("data.dashenterprise_users.all", tfjsonpath.New("users").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"licensed": knownvalue.Bool(true), "licensed_direct": knownvalue.Bool(false),
					"seat_granted_via": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("group:/Licensed Developers")}),
				})),
				statecheck.ExpectKnownValue("data.dashenterprise_users.all", tfjsonpath.New("users").AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"seat_granted_via": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("composite:dash/developer")}),
				})),
				statecheck.ExpectKnownValue("data.dashenterprise_users.all", tfjsonpath.New("users").AtSliceIndex(3), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"licensed": knownvalue.Bool(false),
				})),
				statecheck.ExpectKnownValue("data.dashenterprise_users.owner", tfjsonpath.New("users").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"owned_apps":        knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app)}),
					"coowned_apps":      knownvalue.ListExact([]knownvalue.Check{}),
					"known_to_platform": knownvalue.Bool(true),
				})),
			},
		}},
	})
}

func TestAccUsersDataSource_unknownGroup(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      "provider \"dashenterprise\" {}\n\ndata \"dashenterprise_users\" \"x\" {\n  group = \"/No Such Group\"\n}\n",
			ExpectError: loose(`realm "dash" has no group "/No Such Group"`),
		}, {
			Config:      "provider \"dashenterprise\" {}\n\ndata \"dashenterprise_users\" \"x\" {\n  group = \"/Data Science/\"\n}\n",
			ExpectError: loose(`ends with a slash`),
		}},
	})
}

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
