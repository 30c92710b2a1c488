package provider_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Access tokens of both realms live 10 s; an apply that runs longer still succeeds
// because the provider refreshes them before they expire.
func TestAccTokenExpiryDuringApply(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SetTokenLifespan(t, "master", 10)
	acctest.SetTokenLifespan(t, "dash", 10)
	owner, _ := acctest.LoggedInUser(t, "texp", acctest.UserOptions{Roles: []string{"licensed_user"}})
	early, _ := acctest.LoggedInUser(t, "texpa", acctest.UserOptions{Roles: []string{"licensed_user"}})
	late, _ := acctest.LoggedInUser(t, "texpb", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("texpapp")
	acctest.CreateApp(t, owner, app)
	names, _ := manySeats(t, "texps", 20)

	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL)
	ws.Cleanup()
	var seats strings.Builder
	for i, n := range names {
		fmt.Fprintf(&seats, "resource \"dashenterprise_license_seat\" \"s%d\" {\n  username = %q\n  depends_on = [dashenterprise_app_coowner.early]\n}\n", i, n)
	}
	ws.Write(fmt.Sprintf(`provider "dashenterprise" {}

resource "dashenterprise_app_coowner" "early" {
  app      = %q
  username = %q
}

%s
resource "dashenterprise_app_coowner" "late" {
  app        = %q
  username   = %q
  depends_on = [%s]
}
`, app, early, seats.String(), app, late, seatRefs(len(names))))
	if out, err := ws.Run("plan", "-out=tfplan", "-input=false", "-lock=false"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	proxy.ResetCounts()
	proxy.SetLatency(300 * time.Millisecond)
	start := time.Now()
	res := ws.Apply("-parallelism=1", "tfplan")
	took := time.Since(start)
	if res.Err != nil || len(res.Errors()) > 0 {
		t.Fatalf("apply failed after %v: %v", took, res.Errors())
	}
	if took < 12*time.Second {
		t.Fatalf("the apply took %v, not longer than the 10 s token lifespan; the test proves nothing", took)
	}
	admin, platform := proxy.Count("/realms/master/protocol/openid-connect/token"), proxy.Count("/realms/dash/protocol/openid-connect/token")
	t.Logf("apply took %v; admin tokens %d, platform tokens %d", took, admin, platform)
	if admin < 2 || platform < 2 {
		t.Fatalf("tokens were not refreshed during a %v apply: admin %d, platform %d", took, admin, platform)
	}
	a := acctest.FetchApp(t, app)
	if !a.HasCoOwnerUser(early) || !a.HasCoOwnerUser(late) {
		t.Fatalf("co-owners %+v", a.CoOwners)
	}
}

func seatRefs(n int) string {
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("dashenterprise_license_seat.s%d", i)
	}
	return strings.Join(refs, ", ")
}

// Keycloak restarts in the middle of an apply of 50 seats: the apply may fail,
// the next one converges, and nothing is duplicated or lost.
func TestAccKeycloakRestartDuringApply(t *testing.T) {
	acctest.PreCheck(t)
	if !acctest.KeycloakRestartable() {
		t.Skip("Keycloak was not started by scripts/keycloak.sh, so the test cannot restart it")
	}
	names, ids := manySeats(t, "rst", 50)
	proxy := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+proxy.URL, "DASHENTERPRISE_MAX_RETRIES=2")
	ws.Cleanup()
	ws.Write(seatsConfig("", names...))
	if out, err := ws.Run("plan", "-out=tfplan", "-input=false", "-lock=false"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	proxy.ResetCounts()
	proxy.SetLatency(100 * time.Millisecond)
	var once sync.Once
	restarted := make(chan struct{})
	proxy.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		if r.Method == "POST" && strings.Contains(r.Path, "/role-mappings/") {
			once.Do(func() {
				go func() {
					acctest.RestartKeycloak(t)
					close(restarted)
				}()
			})
		}
		return acctest.Fault{}
	})
	first := ws.Apply("tfplan")
	<-restarted
	proxy.SetFaults(nil)
	proxy.SetLatency(0)
	t.Logf("first apply: %d errors (Keycloak restarted during it)", len(first.Errors()))

	ws.MustApply()
	out, err := ws.Run("state", "list")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(strings.TrimSpace(out), "\n") + 1; got != 50 {
		t.Fatalf("state holds %d seats, want 50:\n%s", got, out)
	}
	for i, id := range ids {
		if !acctest.DirectRoles(t, id)["licensed_user"] {
			t.Errorf("%s lost the seat", names[i])
		}
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after convergence: %v", res.Changes)
	}
}
