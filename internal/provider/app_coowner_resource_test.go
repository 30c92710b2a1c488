package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func coOwnerUserConfig(app, username string) string {
	return fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_app_coowner" "test" {
  app      = %q
  username = %q
}
`, app, username)
}

func coOwnerGroupConfig(app, group string) string {
	return fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_app_coowner" "test" {
  app   = %q
  group = %q
}
`, app, group)
}

func TestAccAppCoOwner_user(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "owner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, coID := acctest.LoggedInUser(t, "co", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("app")
	acctest.CreateApp(t, owner, app, "REDIS")
	const addr = "dashenterprise_app_coowner.test"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if acctest.FetchApp(t, app).HasCoOwnerUser(co) {
				return fmt.Errorf("%s is still co-owner of %s after destroy", co, app)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: coOwnerUserConfig(app, co),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(app+":user:"+co)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_path"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if !acctest.FetchApp(t, app).HasCoOwnerUser(co) {
						return fmt.Errorf("%s is not co-owner of %s", co, app)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: app + ":user:" + co, ImportStateVerify: true},
			{Config: coOwnerUserConfig(app, co), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				// Drift: removed in the App Manager; the plan adds it again.
				PreConfig: func() {
					acctest.EmulatorRemoveCoOwner(t, app, co)
				},
				Config:           coOwnerUserConfig(app, co),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)}},
			},
			{
				// The seat is revoked by hand: the co-ownership stays on record but is inactive.
				PreConfig: func() { acctest.RevokeRole(t, coID, "licensed_user") },
				Config:    coOwnerUserConfig(app, co),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccAppCoOwner_group(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "gowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	// A member of /Data Science logs in, so the platform knows the group.
	dsUser, _ := acctest.LoggedInUser(t, "ds", acctest.UserOptions{Groups: []string{"/Data Science"}})
	app := acctest.RandomName("gapp")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_app_coowner.test"

	// The plan warns that child groups do not inherit, naming them, and lists members without seats.
	ws := acctest.NewWorkspace(t)
	ws.Write(coOwnerGroupConfig(app, "Data Science"))
	res := ws.Plan()
	if len(res.Find("warning", "Child groups of /Data Science do not inherit", "/Data Science/Forecasting", "/Data Science/Vision")) != 1 {
		t.Errorf("expected the child-group warning naming Forecasting and Vision, got %v", res.Diagnostics)
	}
	if len(res.Find("warning", "Members of /Data Science without a license seat", dsUser)) != 1 {
		t.Errorf("expected a warning naming %s (no seat), got %v", dsUser, res.Diagnostics)
	}
	if len(res.Find("warning", "Members of /Data Science without a license seat", "bob")) != 0 {
		t.Errorf("bob holds a seat through /Licensed Developers and must not be listed: %v", res.Diagnostics)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Written as Dash Enterprise shows it (no leading slash).
				Config: coOwnerGroupConfig(app, "Data Science"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_path"), knownvalue.StringExact("/Data Science")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(app+":group:/Data Science")),
				},
				Check: func(*terraform.State) error {
					a := acctest.FetchApp(t, app)
					if !a.HasCoOwnerGroup("Data Science") || a.HasCoOwnerGroup("Data Science/Forecasting") {
						return fmt.Errorf("co-owner groups of %s: %+v", app, a.CoOwnerGroups)
					}
					return nil
				},
			},
			{
				// The other spelling of the same group is an in-place update, never a replacement.
				Config: coOwnerGroupConfig(app, "/Data Science"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_path"), knownvalue.StringExact("/Data Science")),
				},
			},
			{Config: coOwnerGroupConfig(app, "/Data Science"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			// Import with either spelling; a configuration spelled like the import ID plans clean.
			{ResourceName: addr, ImportState: true, ImportStateId: app + ":group:/Data Science", ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateId: app + ":group:Data Science", ImportStateVerify: true, ImportStateVerifyIgnore: []string{"group"}},
		},
	})
}

func TestAccAppCoOwner_errors(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "eowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("eapp")
	acctest.CreateApp(t, owner, app)
	noSeat, _ := acctest.LoggedInUser(t, "noseat", acctest.UserOptions{})
	neverLoggedIn, _ := acctest.CreateUser(t, "newbie", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ghost := acctest.RandomName("ghost")

	for _, tc := range []struct {
		name, config string
		planWarning  string
		applyError   string
	}{
		{"unknown app", coOwnerUserConfig("no-such-app", owner), "", `App "no-such-app" not found`},
		{"user without seat", coOwnerUserConfig(app, noSeat), noSeat + " holds no license seat", noSeat + " holds no license seat, and co-owners need one"},
		{"user never logged in", coOwnerUserConfig(app, neverLoggedIn), neverLoggedIn + " has not logged in", "must log in to Dash Enterprise once"},
		{"unknown user", coOwnerUserConfig(app, ghost), fmt.Sprintf("User %q does not exist yet", ghost), fmt.Sprintf("User %q not found", ghost)},
		{"owner as co-owner", coOwnerUserConfig(app, owner), owner + " owns " + app, "an owner cannot also be a co-owner"},
		{"group not known", coOwnerGroupConfig(app, "/Engineering/Platform"), "Group /Engineering/Platform is not known to Dash Enterprise yet", "one of its direct members must log in once"},
		{"unknown group", coOwnerGroupConfig(app, "/Nope"), "Group /Nope does not exist yet", "Group /Nope not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.planWarning != "" {
				ws := acctest.NewWorkspace(t)
				ws.Write(tc.config)
				res := ws.Plan()
				if len(res.Errors()) > 0 || len(res.Find("warning", tc.planWarning)) != 1 {
					t.Errorf("plan: want one warning %q and no error, got %v", tc.planWarning, res.Diagnostics)
				}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: loose(tc.applyError)}},
			})
			if a := acctest.FetchApp(t, app); len(a.CoOwners)+len(a.CoOwnerGroups) != 0 {
				t.Errorf("a failed apply changed the co-owners of %s: %+v", app, a)
			}
		})
	}
}

func TestAccAppCoOwner_malformedImportID(t *testing.T) {
	acctest.PreCheck(t)
	for _, id := range []string{"app-only", "app:team:alice", "app:user:Alice", "app:group:/A//B", ":user:alice"} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: coOwnerUserConfig("x", "y"), ResourceName: "dashenterprise_app_coowner.test",
				ImportState: true, ImportStateId: id, ExpectError: regexp.MustCompile(`Invalid import ID`),
			}},
		})
	}
}

// loose matches text in terraform's output, where long lines are wrapped.
func loose(text string) *regexp.Regexp {
	words := regexp.MustCompile(`\s+`).Split(regexp.QuoteMeta(text), -1)
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

func TestAccAppCoOwner_logoutSessions(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "lowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, coID := acctest.LoggedInUser(t, "lco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	bystander, bystanderID := acctest.LoggedInUser(t, "lby", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("lapp")
	acctest.CreateApp(t, owner, app)
	config := func(logout bool) string {
		return fmt.Sprintf("provider \"dashenterprise\" {}\n\nresource \"dashenterprise_app_coowner\" \"test\" {\n  app = %q\n  username = %q\n  logout_sessions = %t\n}\n", app, co, logout)
	}
	if acctest.SessionCount(t, coID) == 0 || acctest.SessionCount(t, bystanderID) == 0 {
		t.Fatal("fixture: users should have a session after logging in")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Destroy with logout_sessions = true logs the co-owner out, and nobody else.
		CheckDestroy: func(*terraform.State) error {
			if n := acctest.SessionCount(t, coID); n != 0 {
				return fmt.Errorf("%s still has %d sessions", co, n)
			}
			if acctest.SessionCount(t, bystanderID) == 0 {
				return fmt.Errorf("%s was logged out too", bystander)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(false),
				Check: func(*terraform.State) error {
					if acctest.SessionCount(t, coID) == 0 {
						return fmt.Errorf("logout_sessions = false ended %s's sessions", co)
					}
					return nil
				},
			},
			{
				// Changing only logout_sessions is an in-place update that changes nothing.
				Config:           config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("dashenterprise_app_coowner.test", plancheck.ResourceActionUpdate)}},
				Check: func(*terraform.State) error {
					if acctest.SessionCount(t, coID) == 0 {
						return fmt.Errorf("an in-place update of logout_sessions ended sessions")
					}
					return nil
				},
			},
		},
	})
}

// An app whose name contains ":" (and "%"): the ID escapes it (%3A, %25), and
// import by that ID and by identity round-trip to the same co-owner.
func TestAccAppCoOwner_appNameWithColon(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "colown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "colco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := "team:" + acctest.RandomName("50%app")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_app_coowner.test"
	id := strings.NewReplacer("%", "%25", ":", "%3A").Replace(app) + ":user:" + co
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: coOwnerUserConfig(app, co),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				},
				Check: func(*terraform.State) error {
					if !acctest.FetchApp(t, app).HasCoOwnerUser(co) {
						return fmt.Errorf("%s is not a co-owner of %s", co, app)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
			{Config: coOwnerUserConfig(app, co), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
