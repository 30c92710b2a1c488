package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func manySeats(t *testing.T, prefix string, n int) ([]string, []string) {
	t.Helper()
	var names, ids []string
	for i := 0; i < n; i++ {
		u, id := acctest.CreateUser(t, fmt.Sprintf("%s%d", prefix, i), acctest.UserOptions{})
		names, ids = append(names, u), append(ids, id)
	}
	return names, ids
}

func TestAccFaults_burstsAreRetried(t *testing.T) {
	acctest.PreCheck(t)
	names, ids := manySeats(t, "burst", 10)
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	proxy.SetFaults(func(n int64, r *acctest.Request) acctest.Fault {
		switch {
		case n%5 == 0:
			return acctest.Fault{Status: 503}
		case n%13 == 0:
			return acctest.Fault{Status: 429, RetryAfter: 1}
		case n%17 == 0:
			return acctest.Fault{Reset: true}
		}
		return acctest.Fault{}
	})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL, "DASHENTERPRISE_MAX_RETRIES=4")
	ws.Write(seatsConfig("", names...))
	ws.Cleanup()
	start := time.Now()
	ws.MustApply()
	t.Logf("apply of 10 seats through the faulty proxy: %v, %d requests, %d faults", time.Since(start), proxy.Requests.Load(), proxy.Faults.Load())
	if proxy.Faults.Load() < 5 {
		t.Fatalf("only %d faults injected over %d requests", proxy.Faults.Load(), proxy.Requests.Load())
	}
	for i, id := range ids {
		if !acctest.DirectRoles(t, id)["licensed_user"] {
			t.Errorf("%s has no seat after the apply", names[i])
		}
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("plan after apply: %v %v", res.Changes, res.Errors())
	}
}

func TestAccFaults_persistentOutageGivesUpNamingTheEndpoint(t *testing.T) {
	acctest.PreCheck(t)
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	proxy.SetFaults(func(int64, *acctest.Request) acctest.Fault { return acctest.Fault{Status: 503} })
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL, "DASHENTERPRISE_MAX_RETRIES=2")
	ws.Write("provider \"dashenterprise\" {}\n\ndata \"dashenterprise_users\" \"x\" {}\n")
	res := ws.Plan()
	if len(res.Find("error", "/realms/master/protocol/openid-connect/token", "503", "after 3 attempt(s)")) != 1 {
		t.Fatalf("want an error naming the endpoint and the attempts, got %v", res.Diagnostics)
	}
	if n := proxy.Requests.Load(); n != 3 {
		t.Fatalf("%d requests; want 1 + 2 retries", n)
	}
}

func TestAccFaults_slowResponseTimesOutAndIsRetried(t *testing.T) {
	acctest.PreCheck(t)
	names, ids := manySeats(t, "slow", 1)
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	slowed := false
	proxy.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		if r.Method == "POST" && strings.Contains(r.Path, "/role-mappings/") && !slowed {
			slowed = true
			return acctest.Fault{Delay: 3 * time.Second}
		}
		return acctest.Fault{}
	})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL, "DASHENTERPRISE_REQUEST_TIMEOUT=1s")
	ws.Write(seatsConfig("", names...))
	ws.Cleanup()
	ws.MustApply()
	if !slowed || proxy.Count("/role-mappings/") < 2 {
		t.Fatalf("the slow request was not retried (%d role-mapping requests)", proxy.Count("/role-mappings/"))
	}
	if !acctest.DirectRoles(t, ids[0])["licensed_user"] {
		t.Fatal("no seat")
	}
}

func TestAccFaults_lostPlatformAnswerIsReadBack(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "lost", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "lostco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "lostheir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("lostapp")
	acctest.CreateApp(t, owner, app)
	proxy := acctest.NewFaultProxy(t, acctest.EmulatorURL)
	lost := map[string]bool{}
	proxy.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		for _, op := range []string{"addCoOwners", "moveAppsAndServices"} {
			if strings.Contains(r.Body, "mutation") && strings.Contains(r.Body, op) && !lost[op] {
				lost[op] = true
				return acctest.Fault{ResetAfterForward: true}
			}
		}
		return acctest.Fault{}
	})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+proxy.URL)
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_app_coowner" "co" {
  app      = %q
  username = %q
}

resource "dashenterprise_app_transfer" "t" {
  from_username = %q
  to_username   = %q
  depends_on    = [dashenterprise_app_coowner.co]
}
`, app, co, owner, heir))
	ws.Cleanup()
	ws.MustApply()
	if !lost["addCoOwners"] || !lost["moveAppsAndServices"] {
		t.Fatalf("faults not injected: %v", lost)
	}
	a := acctest.FetchApp(t, app)
	if a.Owner != heir || !a.HasCoOwnerUser(co) {
		t.Fatalf("app after apply: %+v", a)
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply: %v", res.Changes)
	}
}

func TestAccFailedApplyLeavesExactlyTheRest(t *testing.T) {
	acctest.PreCheck(t)
	names, _ := manySeats(t, "part", 3)
	ghost := acctest.RandomName("ghost")
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(seatsConfig("", append(names, ghost)...))
	res := ws.Apply()
	if len(res.Find("error", ghost, "not found")) != 1 {
		t.Fatalf("want the apply to fail on %s: %v", ghost, res.Diagnostics)
	}
	res = ws.Plan()
	if len(res.Changes) != 1 || res.Changes["dashenterprise_license_seat.s3"] != "create" {
		t.Fatalf("plan after a partly failed apply should create only %s's seat: %v", ghost, res.Changes)
	}
}

func TestAccEmptyAndInvalidInput(t *testing.T) {
	acctest.PreCheck(t)
	for _, tc := range []struct{ config, want string }{
		{"resource \"dashenterprise_license_seat\" \"x\" {\n  username = \"\"\n}\n", "must not be empty"},
		{"resource \"dashenterprise_license_seat\" \"x\" {\n  username = \" alice\"\n}\n", "leading or trailing spaces"},
		{"resource \"dashenterprise_app_coowner\" \"x\" {\n  app = \"\"\n  username = \"alice\"\n}\n", "at least 1"},
		{"resource \"dashenterprise_app_coowner\" \"x\" {\n  app = \"a\"\n}\n", "username"},
		{"resource \"dashenterprise_app_coowner\" \"x\" {\n  app = \"a\"\n  username = \"alice\"\n  group = \"/Data Science\"\n}\n", "username"},
		{"resource \"dashenterprise_app_coowner\" \"x\" {\n  app = \"a\"\n  group = \"/Data Science/\"\n}\n", "ends with a slash"},
		{"resource \"dashenterprise_app_coowner\" \"x\" {\n  app = \"a\"\n  group = \"Data Science//Vision\"\n}\n", "empty segment"},
		{"resource \"dashenterprise_app_transfer\" \"x\" {\n  from_username = \"Dave\"\n  to_username = \"erin\"\n}\n", "lower case"},
	} {
		ws := acctest.NewWorkspace(t)
		ws.Write("provider \"dashenterprise\" {}\n\n" + tc.config)
		res := ws.Plan()
		if len(res.Find("error", tc.want)) == 0 {
			t.Errorf("%s\nwant an error with %q, got %v", tc.config, tc.want, res.Diagnostics)
		}
	}
}
