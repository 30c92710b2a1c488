package provider_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

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

// Activity comes from Keycloak's stored LOGIN events and live sessions; the
// expected values are read from Keycloak's own admin API, not computed by the
// provider's code.
func TestAccUsersDataSource_activity(t *testing.T) {
	acctest.PreCheck(t)
	tag := acctest.RandomName("act")
	active, activeID := tag+"-a-active", ""
	never := tag + "-b-never"
	activeID = acctest.CreateNamedUser(t, active, acctest.UserOptions{Password: "pw-" + active})
	acctest.CreateNamedUser(t, never, acctest.UserOptions{})
	acctest.LogIn(t, active) // a password grant: a LOGIN event and a session
	time.Sleep(3 * time.Second)
	lastLogin, lastAccess := acctest.LoginActivity(t, activeID)
	if lastLogin.IsZero() || lastAccess.IsZero() {
		t.Fatalf("Keycloak recorded no LOGIN event (%v) or session (%v) for %s: is the realm storing events?", lastLogin, lastAccess, active)
	}
	wantSource, wantLast := "event", lastLogin
	if lastAccess.After(lastLogin) {
		wantSource, wantLast = "session", lastAccess
	}
	// The history starts at the oldest stored LOGIN event, or after the latest
	// break in storing them that the admin events record (an earlier run of
	// this test makes one).
	horizon := acctest.OldestLoginEvent(t)
	if resumed := acctest.LoginEventsResumed(t); resumed.After(horizon) {
		horizon = resumed
	}

	w := acctest.NewWorkspace(t)
	w.Write(fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_users" "all" {
  search = %[1]q
}

# Both users have been inactive for 2 s: the active one by their last login,
# the other because the stored events reach back further and the account is older.
data "dashenterprise_users" "idle_2s" {
  search       = %[1]q
  inactive_for = "2s"
}

# The realm's events reach back minutes, not 90 days: no data is not idleness.
data "dashenterprise_users" "idle_90d" {
  search       = %[1]q
  inactive_for = "90d"
}

output "all"     { value = data.dashenterprise_users.all.users }
output "horizon" { value = data.dashenterprise_users.all.activity_horizon }
output "idle_2s" { value = data.dashenterprise_users.idle_2s.users[*].username }
output "idle_90d" { value = data.dashenterprise_users.idle_90d.users[*].username }
`, tag))
	res := w.MustApply()
	out := res.Outputs

	var all []activityUser
	if err := json.Unmarshal(out["all"], &all); err != nil || len(all) != 2 {
		t.Fatalf("users: %v %s", err, out["all"])
	}
	a, b := all[0], all[1]
	if a.LastLogin == nil || *a.LastLogin != rfc(lastLogin) || *a.LastActivity != rfc(wantLast) || *a.ActivitySource != wantSource {
		t.Errorf("%s: last_login %v, last_activity %v, source %v; Keycloak says login %s, last %s (%s)",
			active, deref(a.LastLogin), deref(a.LastActivity), deref(a.ActivitySource), rfc(lastLogin), rfc(wantLast), wantSource)
	}
	if b.LastLogin != nil || b.LastActivity != nil || b.ActivitySource == nil || *b.ActivitySource != "none" {
		t.Errorf("%s never logged in: last_login %v, last_activity %v, source %v", never, deref(b.LastLogin), deref(b.LastActivity), deref(b.ActivitySource))
	}
	var gotHorizon string
	_ = json.Unmarshal(out["horizon"], &gotHorizon)
	if gotHorizon != rfc(horizon) {
		t.Errorf("activity_horizon %q, Keycloak's oldest stored LOGIN event or the end of the latest break %s", gotHorizon, rfc(horizon))
	}
	var idle2, idle90 []string
	_ = json.Unmarshal(out["idle_2s"], &idle2)
	_ = json.Unmarshal(out["idle_90d"], &idle90)
	if !slices.Equal(idle2, []string{active, never}) {
		t.Errorf("inactive_for = 2s: %v, want both users", idle2)
	}
	if len(idle90) != 0 {
		t.Errorf("inactive_for = 90d with events reaching back minutes: %v, want nobody", idle90)
	}
	if len(res.Find("warning", "Activity history shorter than inactive_for", "inactive_for is 90d", rfc(horizon))) != 1 {
		t.Errorf("want one warning that the history (%s) is shorter than 90d, got %v", rfc(horizon), res.Warnings())
	}

	// A realm that stores no LOGIN events: a warning that says how to enable them.
	acctest.StoreLoginEvents(t, false)
	res = w.Plan()
	if len(res.Find("warning", "The realm stores no LOGIN events", "User events settings", "keycloak_realm_events")) != 1 {
		t.Errorf("want the warning on how to enable LOGIN events, got %v", res.Warnings())
	}

	// A malformed window is an error on the attribute.
	w.Write(fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_users" "bad" {
  search       = %q
  inactive_for = "ninety days"
}
`, tag))
	if res := w.Plan(); len(res.Find("error", "Invalid inactive_for", `"90d"`)) != 1 {
		t.Errorf("want an error for the malformed window, got %v", res.Errors())
	}
}

// LOGIN events turned off and on again: the history (activity_horizon)
// starts when Keycloak's admin events say they were stored again, and the
// plan says why.
func TestAccUsersDataSource_loginEventsGap(t *testing.T) {
	acctest.PreCheck(t)
	acctest.StoreLoginEvents(t, false)
	time.Sleep(1100 * time.Millisecond) // the break lasts, in Keycloak's milliseconds
	acctest.StoreLoginEvents(t, true)
	resumed := acctest.LoginEventsResumed(t)
	if time.Since(resumed) > time.Minute {
		t.Fatalf("Keycloak's admin events record no recent break: %s", resumed)
	}
	w := acctest.NewWorkspace(t)
	w.Write(`
provider "dashenterprise" {}

data "dashenterprise_users" "all" {
  search       = "alice"
  inactive_for = "90d"
}

output "horizon" { value = data.dashenterprise_users.all.activity_horizon }
`)
	res := w.MustApply()
	var got string
	_ = json.Unmarshal(res.Outputs["horizon"], &got)
	if got != rfc(resumed) {
		t.Errorf("activity_horizon %q; LOGIN events were stored again at %s", got, rfc(resumed))
	}
	if len(res.Find("warning", "LOGIN events were not stored for a while", "from "+rfc(resumed))) != 1 {
		t.Errorf("want one warning on the break, got %v", res.Warnings())
	}
}

func rfc(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

type activityUser struct {
	Username       string  `json:"username"`
	LastLogin      *string `json:"last_login"`
	LastActivity   *string `json:"last_activity"`
	ActivitySource *string `json:"activity_source"`
}
