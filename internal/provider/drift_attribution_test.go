package provider_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// A managed seat revoked outside Terraform by a second administrator of the
// dash realm, then a seat-granting group joined by a second administrator of
// the master realm: each plan names who did it, through which client, from
// where, and the history lists every change, Terraform's own told apart.
// Keycloak's own admin events are the oracle for who and when.
func TestAccSeatDrift_namesTheAdministrators(t *testing.T) {
	acctest.PreCheck(t)
	user, userID := acctest.CreateUser(t, "drift", acctest.UserOptions{})
	helpdesk, ops := acctest.DashAdmin(t), acctest.MasterAdmin(t)
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "u" {
  username = %q
}
`, user))
	ws.MustApply()

	helpdesk.RevokeRole(t, userID, "licensed_user")
	plan := ws.Plan()
	want := fmt.Sprintf("Changed outside Terraform by %s: the direct seat of %s revoked", helpdesk.Username, user)
	found := plan.Find("warning", want, helpdesk.Username+" (realm dash) through admin-cli from 127.0.0.1")
	if len(found) != 1 {
		t.Fatalf("plan after the helpdesk's revocation: no single warning %q: %v", want, plan.Diagnostics)
	}
	revoked := acctest.AdminEventsAbout(t, userID)[0]
	if revoked.AuthDetails.UserID != helpdesk.UserID || revoked.OperationType != "DELETE" ||
		!strings.Contains(found[0].Detail, time.UnixMilli(revoked.Time).UTC().Format(time.RFC3339)) {
		t.Fatalf("the warning does not match Keycloak's record %+v: %s", revoked, found[0].Detail)
	}
	ws.MustApply() // grants the seat back

	ops.JoinGroup(t, userID, "/Licensed Developers")
	plan = ws.Plan()
	want = fmt.Sprintf("Changed outside Terraform by %s: %s joined /Licensed Developers (which grants a seat)", ops.Username, user)
	if len(plan.Find("warning", want, "(realm master)")) != 1 {
		t.Fatalf("plan after the master administrator's change: no warning %q: %v", want, plan.Diagnostics)
	}

	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "u" {
  username = %[1]q
}

data "dashenterprise_seat_history" "u" {
  window   = "1h"
  username = %[1]q
}

output "changes" {
  value = [for c in data.dashenterprise_seat_history.u.changes : "${c.change} ${c.via} by ${c.by_terraform ? "terraform" : c.by}"]
}

output "recorded" {
  value = data.dashenterprise_seat_history.u.recorded
}
`, user))
	res := ws.MustApply()
	var changes []string
	if err := json.Unmarshal(res.Outputs["changes"], &changes); err != nil {
		t.Fatal(err)
	}
	wantChanges := []string{
		"granted direct by terraform",
		"revoked direct by " + helpdesk.Username,
		"granted direct by terraform",
		"granted group:/Licensed Developers by " + ops.Username,
	}
	if strings.Join(changes, "\n") != strings.Join(wantChanges, "\n") {
		t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(wantChanges, "\n"))
	}
	if n := len(acctest.AdminEventsAbout(t, userID)); n != len(wantChanges) {
		t.Fatalf("Keycloak recorded %d events about the user, the history lists %d", n, len(wantChanges))
	}
}

// Seen from a dash-realm service account, a master-realm administrator cannot
// be resolved: the warning names them by realm and user ID, not by a guess.
func TestAccSeatDrift_masterAdministratorSeenFromTheRealm(t *testing.T) {
	acctest.PreCheck(t)
	user, userID := acctest.CreateUser(t, "driftsa", acctest.UserOptions{})
	ops := acctest.MasterAdmin(t)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_ADMIN_USERNAME=", "DASHENTERPRISE_ADMIN_PASSWORD=")
	ws.Cleanup()
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {
  admin_realm         = "dash"
  admin_client_id     = "terraform"
  admin_client_secret = "terraform-secret"
}

resource "dashenterprise_license_seat" "u" {
  username = %q
}
`, user))
	ws.MustApply()
	ops.RevokeRole(t, userID, "licensed_user")
	plan := ws.Plan()
	found := plan.Find("warning", "Changed outside Terraform by user "+ops.UserID+" of realm ", "the direct seat of "+user+" revoked")
	if len(found) != 1 || strings.Contains(found[0].Summary+found[0].Detail, ops.Username) {
		t.Fatalf("want one warning naming user %s by ID only: %v", ops.UserID, plan.Diagnostics)
	}
}

// With admin events off, a drift is shown as before and one warning per run
// says that Keycloak cannot say who, and how to turn admin events on.
func TestAccSeatDrift_adminEventsOff(t *testing.T) {
	acctest.PreCheck(t)
	a, aID := acctest.CreateUser(t, "driftoffa", acctest.UserOptions{})
	b, bID := acctest.CreateUser(t, "driftoffb", acctest.UserOptions{})
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "a" {
  username = %q
}

resource "dashenterprise_license_seat" "b" {
  username = %q
}
`, a, b))
	ws.MustApply()
	acctest.StoreAdminEvents(t, false, false)
	acctest.RevokeRole(t, aID, "licensed_user")
	acctest.RevokeRole(t, bID, "licensed_user")
	plan := ws.Plan()
	if n := len(plan.Find("warning", "Keycloak cannot say who changed the seats", "does not store admin events", "Admin events settings", "keycloak_realm_events")); n != 1 {
		t.Fatalf("%d warnings that Keycloak cannot say, want 1: %v", n, plan.Diagnostics)
	}
	if len(plan.Find("warning", "Changed outside Terraform")) != 0 || plan.Changes["dashenterprise_license_seat.a"] != "create" || plan.Changes["dashenterprise_license_seat.b"] != "create" {
		t.Fatalf("the plan should show both seats to grant again, with no attribution: %v %v", plan.Changes, plan.Diagnostics)
	}

	// The history says the same, still with one warning for the run.
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "a" {
  username = %q
}

resource "dashenterprise_license_seat" "b" {
  username = %q
}

data "dashenterprise_seat_history" "all" {}

output "recorded"    { value = data.dashenterprise_seat_history.all.recorded }
output "unavailable" { value = data.dashenterprise_seat_history.all.unavailable }
output "changes"     { value = length(data.dashenterprise_seat_history.all.changes) }
`, a, b))
	res := ws.Apply("-refresh-only")
	var recorded bool
	var unavailable string
	var changes int
	_ = json.Unmarshal(res.Outputs["recorded"], &recorded)
	_ = json.Unmarshal(res.Outputs["unavailable"], &unavailable)
	_ = json.Unmarshal(res.Outputs["changes"], &changes)
	if res.Err != nil || recorded || changes != 0 || !strings.Contains(unavailable, "does not store admin events") {
		t.Fatalf("history with admin events off: recorded %v, %d changes, unavailable %q: %v %v", recorded, changes, unavailable, res.Err, res.Diagnostics)
	}
	if n := len(res.Find("warning", "Keycloak cannot say who changed the seats")); n != 1 {
		t.Fatalf("%d warnings that Keycloak cannot say, want 1: %v", n, res.Diagnostics)
	}
}
