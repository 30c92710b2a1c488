package provider_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

type countingRun struct {
	total, roleUserPages, perUser int
	// platformTokens counts token requests of realm dash (the platform API's),
	// which are not part of refreshing seats.
	platformTokens int
}

func countRefresh(t *testing.T, ws *acctest.Workspace, proxy *acctest.FaultProxy) countingRun {
	t.Helper()
	proxy.ResetCounts()
	res := ws.Plan()
	if res.Err != nil || len(res.Changes) != 0 {
		t.Fatalf("refresh plan: %v changes %v %v", res.Err, res.Changes, res.Errors())
	}
	return countingRun{total: int(proxy.Requests.Load()), roleUserPages: proxy.Count("/roles/licensed_user/users"), perUser: int(proxy.PerUser.Load()),
		platformTokens: int(proxy.PlatformTokens.Load())}
}

// A refresh of 50 seats shares one snapshot: no request per seat, and a fixed
// number of lookups (token, client, role, groups, the composite-role scan) plus
// one page per keycloak.DefaultPageSize direct holders.
func TestAccRefreshRequestCount_50Seats(t *testing.T) {
	acctest.PreCheck(t)
	names := acctest.BulkUsers(t, acctest.RandomName("rc"), 50, "licensed_user")
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL)
	ws.Cleanup()
	ws.Write(seatsConfig("", names...))
	ws.MustApply()

	run := countRefresh(t, ws, proxy)
	direct := len(acctest.DirectSeatHolders(t))
	pages := direct/keycloak.DefaultPageSize + 1
	t.Logf("refresh of 50 seats (%d direct holders in the realm): %d Keycloak requests, %d role-member pages, %d per-user: %v", direct, run.total, run.roleUserPages, run.perUser, proxy.Paths())
	if run.perUser != 0 {
		t.Errorf("%d per-user requests during a refresh; want 0", run.perUser)
	}
	if run.roleUserPages != pages {
		t.Errorf("%d pages of licensed_user holders; want %d", run.roleUserPages, pages)
	}
	// Fixed lookups measured on the test realm: 1 token, 1 partial export (roles, groups,
	// composites), the members of the holder group and its sub-group, the holders of the composite role.
	const fixedBudget = 8
	if run.total > fixedBudget+pages {
		t.Errorf("%d requests for a refresh of 50 seats; the budget is %d", run.total, fixedBudget+pages)
	}
}

// importedSeatsSet imports dashenterprise_license_seats over the realm's direct
// seat holders in a workspace whose Keycloak requests go through a counting proxy.
func importedSeatsSet(t *testing.T) (*acctest.FaultProxy, *acctest.Workspace, []string) {
	t.Helper()
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL)
	forget(t, ws, "dashenterprise_license_seats.all")
	everyone := acctest.DirectSeatHolders(t)
	ws.Write(seatsSetConfig("", everyone))
	if out, err := ws.Run("import", "-input=false", "-lock=false", "dashenterprise_license_seats.all", "licensed_user"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	return proxy, ws, everyone
}

// Listing 250 apps (the server's pages of 100, each after the last name read:
// the contract's listing by name) costs one introspection for the run and 3
// pages: 4 platform requests, however many resources read the listing.
func TestAccPlatformRequestCount_250Apps(t *testing.T) {
	acctest.PreCheck(t)
	initial := &emulator.State{SeatsPurchased: 100000}
	for i := range 250 {
		initial.Apps = append(initial.Apps, &emulator.App{Name: fmt.Sprintf("app-%03d", i), Owner: "nobody"})
	}
	_, url, stop, err := acctest.ServeEmulator(initial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	proxy := acctest.NewFaultProxy(t, url)
	var mu sync.Mutex
	count := map[string]int{}
	proxy.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.Contains(r.Body, "__schema"):
			count["introspection"]++
		case strings.Contains(r.Body, "apps("):
			count["apps"]++
		default:
			count["other"]++
		}
		return acctest.Fault{}
	})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+proxy.URL)
	ws.Write(`
provider "dashenterprise" {}

data "dashenterprise_apps" "all" {}
data "dashenterprise_apps" "orphaned" {
  orphaned_only = true
}

output "all" { value = length(data.dashenterprise_apps.all.apps) }
output "orphaned" { value = length(data.dashenterprise_apps.orphaned.apps) }
`)
	res := ws.MustApply()
	if string(res.Outputs["all"]) != "250" || string(res.Outputs["orphaned"]) != "250" {
		t.Fatalf("listed %s apps (%s orphaned), want 250", res.Outputs["all"], res.Outputs["orphaned"])
	}
	t.Logf("platform requests: %v", count)
	if count["introspection"] != 1 || count["apps"] != 3 || count["other"] != 0 {
		t.Fatalf("platform requests %v, want 1 introspection and 3 pages", count)
	}
}

// Narrowing the access of an app whose viewer group has 1,000 members: the
// plan names who loses access from one membership listing of the group, with
// no Keycloak request per member.
func TestAccPlatformRequestCount_accessOfAGroupOf1000(t *testing.T) {
	acctest.PreCheck(t)
	group, members := acctest.BulkGroup(t, "acc-vg", 1000)
	acctest.Emulator.AddKnown(nil, []string{strings.TrimPrefix(group, "/")})
	owner, _ := acctest.LoggedInUser(t, "vgown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("vgapp")
	acctest.CreateApp(t, owner, app)
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL)
	ws.Write(accessConfig(app, "restricted", nil, []string{group}, false))
	ws.MustApply()
	ws.Write(accessConfig(app, "restricted", nil, nil, false))
	proxy.ResetCounts()
	res := ws.Plan()
	lost := res.Find("warning", "1000 users lose access to "+app, members[0]+" (member of "+group+")")
	t.Logf("Keycloak requests of the plan: %d, per user: %d", proxy.Requests.Load(), proxy.PerUser.Load())
	if len(lost) != 1 {
		t.Fatalf("want the 1,000 members named as losing access: %v", res.Diagnostics)
	}
	if n := proxy.PerUser.Load(); n != 0 {
		t.Fatalf("%d per-user requests; the plan must read the group's members in one listing", n)
	}
}

// Reading the access of 1,000 apps (the apps data source's viewer fields) is
// one listing for the run: 10 pages of 100 and the introspection.
func TestAccPlatformRequestCount_accessOf1000Apps(t *testing.T) {
	acctest.PreCheck(t)
	initial := &emulator.State{SeatsPurchased: 100000}
	for i := range 1000 {
		initial.Apps = append(initial.Apps, &emulator.App{Name: fmt.Sprintf("app-%04d", i), Owner: "nobody",
			Settings: emulator.Settings{ViewerAccess: "restricted", Viewers: []string{"somebody"}}})
	}
	_, url, stop, err := acctest.ServeEmulator(initial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	proxy := acctest.NewFaultProxy(t, url)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+proxy.URL)
	ws.Write(`
provider "dashenterprise" {}

data "dashenterprise_apps" "all" {}

output "restricted" {
  value = length([for a in data.dashenterprise_apps.all.apps : a if a.viewer_access == "restricted" && join(",", a.viewer_users) == "somebody"])
}
`)
	res := ws.MustApply()
	requests := proxy.Requests.Load()
	t.Logf("platform requests for the access of 1,000 apps: %d (pages needed: 10)", requests)
	if string(res.Outputs["restricted"]) != "1000" || requests != 11 {
		t.Fatalf("read %s apps' access in %d requests, want 1000 in 11", res.Outputs["restricted"], requests)
	}
}

// A refresh that finds 1,000 seats of the set revoked outside Terraform, with
// 1,000 admin events in its window, names who revoked each (one warning per
// user) with one sweep of the events: its Keycloak requests stay within 1.2 ×
// the physical limit, which is the refresh without drift, the pages of the
// admin events of its window (counted through Keycloak's own API), the
// events settings, the acting administrator's user and client, the provider's
// own user, and naming the 1,000 users (no longer seat holders) in one listing.
func TestAccDriftRequestCount_1000SeatsAnd1000Events(t *testing.T) {
	acctest.PreCheck(t)
	prefix := acctest.RandomName("drc")
	names := acctest.BulkUsers(t, prefix, 1000, "licensed_user")
	windowStart := nextMinute() // the refresh's window holds this test's events alone
	proxy, ws, _ := importedSeatsSet(t)
	refreshOnly := func() (acctest.Result, int, time.Duration) {
		proxy.ResetCounts()
		start := time.Now()
		res := ws.Plan("-refresh-only")
		if res.Err != nil {
			t.Fatalf("refresh: %v %v", res.Err, res.Errors())
		}
		return res, int(proxy.Requests.Load()), time.Since(start)
	}
	_, quiet, quietTime := refreshOnly()

	helpdesk := acctest.DashAdmin(t)
	helpdesk.RevokeRoleFromAll(t, names, "licensed_user")
	res, total, elapsed := refreshOnly()
	named := res.Find("warning", "Changed outside Terraform by "+helpdesk.Username+": the direct seat of "+prefix)
	if len(named) != len(names) {
		t.Fatalf("%d warnings name %s, want %d", len(named), helpdesk.Username, len(names))
	}
	inWindow := acctest.AdminEventCount(t, windowStart)
	pages := inWindow/keycloak.AdminEventPageSize + 1
	userPages := acctest.UserCount(t)/keycloak.DefaultUserPageSize + 1
	physical := quiet + pages + 1 + 2 + 1 + 1 + userPages
	eventPages := proxy.Count("/admin-events")
	t.Logf("refresh naming %d revocations: %d Keycloak requests (%d event pages for %d events in the window) in %s; without drift %d requests in %s; physical limit %d; ratio %.2f×",
		len(names), total, eventPages, inWindow, elapsed.Round(time.Millisecond), quiet, quietTime.Round(time.Millisecond), physical, float64(total)/float64(physical))
	if eventPages > pages {
		t.Errorf("%d pages of admin events; want at most %d: %v", eventPages, pages, proxy.Paths())
	}
	if float64(total) > 1.2*float64(physical) {
		t.Errorf("%d requests; want at most 1.2 × %d: %v", total, physical, proxy.Paths())
	}
}

// Twenty single seats revoked outside Terraform, refreshed together: one
// history for the run, so one sweep of the admin events and one naming of the
// users, not one per resource.
func TestAccDriftRequestCount_singleSeatsShareOneHistory(t *testing.T) {
	acctest.PreCheck(t)
	prefix := acctest.RandomName("drs")
	names := acctest.BulkUsers(t, prefix, 20, "licensed_user")
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL)
	var config strings.Builder
	config.WriteString("provider \"dashenterprise\" {}\n")
	for i, n := range names {
		fmt.Fprintf(&config, "\nresource \"dashenterprise_license_seat\" \"s%d\" {\n  username = %q\n}\n", i, n)
	}
	ws.Write(config.String())
	windowStart := nextMinute()
	ws.MustApply() // adopts the seats
	helpdesk := acctest.DashAdmin(t)
	helpdesk.RevokeRoleFromAll(t, names, "licensed_user")
	proxy.ResetCounts()
	res := ws.Plan("-refresh-only")
	if named := res.Find("warning", "Changed outside Terraform by "+helpdesk.Username+": the direct seat of "+prefix); len(named) != len(names) {
		t.Fatalf("%d warnings name %s, want %d: %v", len(named), helpdesk.Username, len(names), res.Diagnostics)
	}
	t.Logf("%d Keycloak requests: %v", proxy.Requests.Load(), proxy.Paths())
	// One history per minute of the seats' last refresh (their writes may straddle a minute's end: at most 2).
	pages := acctest.AdminEventCount(t, windowStart)/keycloak.AdminEventPageSize + 1
	if sweeps, counts := proxy.Count("/admin-events"), proxy.Count("/users/count"); sweeps > 2*pages || counts > 2 {
		t.Errorf("%d admin-event pages and %d user counts for one refresh of %d seats; want at most 2 histories (%d pages each)", sweeps, counts, len(names), pages)
	}
}

// nextMinute waits for the next minute to begin and returns it: admin events
// are swept from the minute of a resource's last refresh.
func nextMinute() time.Time {
	next := time.Now().Truncate(time.Minute).Add(time.Minute)
	time.Sleep(time.Until(next) + 100*time.Millisecond)
	return next
}
