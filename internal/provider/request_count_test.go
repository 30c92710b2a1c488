package provider_test

import (
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
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
