package provider_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// With orphan_protection = "error", one apply revokes bob's seat and transfers
// dave's apps to bob. The proxies force the interleaving that orphans the
// apps when nothing serialises the two: the transfer mutation is held until
// bob's role DELETE has arrived (so bob's orphan check has passed), and the
// DELETE is held until the transfer has happened. Under the provider-wide
// per-user lock one of the two must wait for the other, the holds time out,
// and the later one sees the earlier one's effect and refuses. Either way no
// app may end up owned by a user without a seat.
func TestAccOrphanProtection_revocationAndTransferCannotInterleave(t *testing.T) {
	acctest.PreCheck(t)
	dave, _ := acctest.LoggedInUser(t, "rdave", acctest.UserOptions{Roles: []string{"licensed_user"}})
	bob, bobID := acctest.LoggedInUser(t, "rbob", acctest.UserOptions{})
	app := acctest.RandomName("rapp")
	acctest.CreateApp(t, dave, app)

	kc := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	em := acctest.NewFaultProxy(t, acctest.EmulatorURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_URL="+em.URL)
	seat := fmt.Sprintf("resource \"dashenterprise_license_seat\" \"bob\" {\n  username = %q\n}\n", bob)
	transfer := fmt.Sprintf("resource \"dashenterprise_app_transfer\" \"t\" {\n  from_username = %q\n  to_username   = %q\n}\n", dave, bob)
	ws.Write(providerBlock("error") + seat)
	ws.MustApply()

	const hold = 6 * time.Second
	deleteArrived := make(chan struct{})
	var once sync.Once
	transferred := func() bool { return acctest.AppOwner(t, app) == bob }
	kc.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		if r.Method == "DELETE" && strings.Contains(r.Path, "/users/"+bobID+"/role-mappings/") {
			once.Do(func() { close(deleteArrived) })
			return acctest.Fault{Wait: func() {
				for deadline := time.Now().Add(hold); time.Now().Before(deadline) && !transferred(); {
					time.Sleep(50 * time.Millisecond)
				}
			}}
		}
		return acctest.Fault{}
	})
	em.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		if strings.Contains(r.Body, "transferApps") {
			return acctest.Fault{Wait: func() {
				select {
				case <-deleteArrived:
				case <-time.After(hold):
				}
			}}
		}
		return acctest.Fault{}
	})

	ws.Write(providerBlock("error") + transfer) // the seat resource is gone: destroy it, and transfer
	res := ws.Apply()
	kc.SetFaults(nil)
	em.SetFaults(nil)
	owner, seated := acctest.AppOwner(t, app), acctest.DirectRoles(t, bobID)["licensed_user"]
	t.Logf("after the apply: %s owned by %s, %s holds a seat: %v; errors: %v", app, owner, bob, seated, res.Errors())
	if owner == bob && !seated {
		t.Fatalf("%s was transferred to %s while his seat was revoked in the same apply: the app is orphaned", app, bob)
	}
	if len(res.Errors()) == 0 {
		t.Fatalf("one of the two operations must have been refused: %v", res.Diagnostics)
	}
	_, _ = ws.Run("state", "rm", "dashenterprise_app_transfer.t")
}
