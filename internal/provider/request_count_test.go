package provider_test

import (
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
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
// one page per 100 direct holders.
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
	pages := direct/100 + 1
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

// The authoritative set over 1,000 seats refreshes with one paged listing.
func TestAccLicenseSeats_refresh1000(t *testing.T) {
	acctest.PreCheck(t)
	acctest.BulkUsers(t, acctest.RandomName("k"), 1000, "licensed_user")
	proxy, ws, everyone := importedSeatsSet(t)
	run := countRefresh(t, ws, proxy)
	pages := len(everyone)/100 + 1
	// Issue 6's physical limit: one page per 100 direct holders plus 3 lookups
	// (admin token, roles client, role); the target is at most 1.2 times that.
	seatRequests, limit := run.total-run.platformTokens, pages+3
	t.Logf("refresh of %d seats: %d Keycloak requests for the seats (+%d platform token), physical limit %d (%.2f×), %d role-member pages, %d per-user",
		len(everyone), seatRequests, run.platformTokens, limit, float64(seatRequests)/float64(limit), run.roleUserPages, run.perUser)
	if run.perUser != 0 || run.roleUserPages != pages {
		t.Fatalf("want %d pages and no per-user request, got %d pages and %d per-user", pages, run.roleUserPages, run.perUser)
	}
	if float64(seatRequests) > 1.2*float64(limit) {
		t.Errorf("%d requests to refresh the seats, more than 1.2 × the physical limit of %d", seatRequests, limit)
	}
}

// Granting 200 seats in one apply of the authoritative set looks users up
// through one run-scoped listing, not one request per user.
func TestAccLicenseSeats_apply200LooksUsersUpByListing(t *testing.T) {
	acctest.PreCheck(t)
	prefix := acctest.RandomName("g")
	newcomers := acctest.BulkUsers(t, prefix, 200)
	proxy, ws, everyone := importedSeatsSet(t)
	ws.Write(seatsSetConfig("", union(everyone, newcomers...)))
	proxy.ResetCounts()
	ws.MustApply()
	perUser, total := proxy.PerUser.Load(), proxy.Requests.Load()
	t.Logf("apply granting %d seats: %d Keycloak requests, %d per-user (lookups by username and role-mapping writes): %v", len(newcomers), total, perUser, proxy.Paths())
	// 200 role-mapping writes are per-user by nature; the lookups must not be.
	if lookups := perUser - int64(len(newcomers)); lookups > 2*16 {
		t.Errorf("%d per-user lookups for %d new seats; want them served by one listing (at most %d)", lookups, len(newcomers), 2*16)
	}
	for _, u := range newcomers[:3] {
		if !acctest.DirectRoles(t, acctest.UserID(t, u))["licensed_user"] {
			t.Fatalf("%s not granted", u)
		}
	}
	// Revoke them again (so other tests see the realm as before): the plan's
	// orphan check needs each revoked user's groups, and those must come from
	// one listing per group, not one request per user.
	ws.Write(seatsSetConfig("", everyone))
	proxy.ResetCounts()
	ws.MustApply()
	perUser, total = proxy.PerUser.Load(), proxy.Requests.Load()
	t.Logf("apply revoking %d seats: %d Keycloak requests, %d per-user: %v", len(newcomers), total, perUser, proxy.Paths())
	if lookups := perUser - int64(len(newcomers)); lookups > 4*16 {
		t.Errorf("%d per-user requests besides the %d role-mapping deletes; want user and group lookups served by listings (at most %d)", lookups, len(newcomers), 4*16)
	}
	for _, u := range newcomers[:3] {
		if acctest.DirectRoles(t, acctest.UserID(t, u))["licensed_user"] {
			t.Fatalf("%s not revoked", u)
		}
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
