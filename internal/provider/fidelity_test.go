package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Plan/apply fidelity of the authoritative resources: a saved plan
// (terraform plan -out, then terraform apply PLANFILE) does exactly what it
// showed, or refuses before changing anything when what is live changed after
// the plan. The harness's Apply plans again and could not show this.

func TestAccLicenseSeats_savedPlanRefusesChangesSincePlan(t *testing.T) {
	acctest.PreCheck(t)
	carol, carolID := acctest.CreateUser(t, "fcarol", acctest.UserOptions{})
	dave, daveID := acctest.CreateUser(t, "fdave", acctest.UserOptions{})
	erin, erinID := acctest.CreateUser(t, "ferin", acctest.UserOptions{})
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)

	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("warn", everyone))
	ws.MustApply()

	// The plan shows + carol; dave is granted a seat directly in Keycloak after it.
	ws.Write(seatsSetConfig("warn", union(everyone, carol)))
	if res := ws.Plan("-out=add-carol.tfplan"); res.Changes[addr] != "update" || len(res.Errors()) > 0 {
		t.Fatalf("plan adding %s: %v %v", carol, res.Changes, res.Diagnostics)
	}
	acctest.GrantRole(t, daveID, "licensed_user")
	res := ws.Apply("add-carol.tfplan")
	if len(res.Find("error", "Changed since the plan: "+dave, dave+" was granted a license seat outside Terraform", "run terraform plan again")) != 1 ||
		len(res.Find("error", "No seat was changed")) != 1 {
		t.Fatalf("want a refusal naming %s: %v\n%s", dave, res.Diagnostics, res.Log)
	}
	if acctest.DirectRoles(t, carolID)["licensed_user"] || !acctest.DirectRoles(t, daveID)["licensed_user"] {
		t.Fatalf("the refused apply changed seats: %s granted=%v, %s kept=%v", carol, acctest.DirectRoles(t, carolID)["licensed_user"],
			dave, acctest.DirectRoles(t, daveID)["licensed_user"])
	}

	// A fresh plan shows - dave (and still + carol); applied as saved, it does exactly that.
	ws.Plan("-out=fresh.tfplan")
	ch := ws.ShowPlan("fresh.tfplan")[addr]
	before, after := acctest.Strings(ch.Before, "usernames"), acctest.Strings(ch.After, "usernames")
	if !slices.Contains(before, dave) || slices.Contains(after, dave) || !slices.Contains(after, carol) {
		t.Fatalf("the fresh plan must show - %s and + %s: before %v, after %v", dave, carol, before, after)
	}
	ws.MustApply("fresh.tfplan")
	if !acctest.DirectRoles(t, carolID)["licensed_user"] || acctest.DirectRoles(t, daveID)["licensed_user"] {
		t.Fatalf("the fresh plan was not applied as shown")
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply must be empty (observed_usernames is reset by refresh): %v", res.Changes)
	}

	// The plan keeps carol and adds erin; carol's seat is revoked (an offboarding) after it:
	// refused, carol is not granted back silently and erin is not granted.
	ws.Write(seatsSetConfig("warn", union(everyone, carol, erin)))
	ws.Plan("-out=add-erin.tfplan")
	acctest.RevokeRole(t, carolID, "licensed_user")
	res = ws.Apply("add-erin.tfplan")
	if len(res.Find("error", "Changed since the plan: "+carol, "the license seat of "+carol+" was revoked outside Terraform")) != 1 {
		t.Fatalf("want a refusal naming %s: %v", carol, res.Diagnostics)
	}
	if acctest.DirectRoles(t, carolID)["licensed_user"] || acctest.DirectRoles(t, erinID)["licensed_user"] {
		t.Fatal("the refused apply changed seats")
	}
}

func TestAccLicenseSeats_createOverUnlistedSeatsRefuses(t *testing.T) {
	acctest.PreCheck(t)
	frank, frankID := acctest.CreateUser(t, "ffrank", acctest.UserOptions{Roles: []string{"licensed_user"}})
	const addr = "dashenterprise_license_seats.all"
	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("warn", without(acctest.DirectSeatHolders(t), frank)))
	res := ws.Plan()
	if len(res.Find("warning", frank+" holds a license seat that this plan does not show", "terraform import")) != 1 {
		t.Fatalf("want a plan warning naming %s: %v", frank, res.Diagnostics)
	}
	res = ws.Apply()
	if len(res.Find("error", "Not in the plan: "+frank, "terraform import dashenterprise_license_seats")) != 1 {
		t.Fatalf("want the create to refuse and point to import: %v", res.Diagnostics)
	}
	if !acctest.DirectRoles(t, frankID)["licensed_user"] {
		t.Fatalf("the refused create revoked the seat of %s", frank)
	}
}

func TestAccAppCoOwners_savedPlanRefusesChangesSincePlan(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "fown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co1, _ := acctest.LoggedInUser(t, "fco1", acctest.UserOptions{Roles: []string{"licensed_user"}})
	carol, _ := acctest.LoggedInUser(t, "fcoc", acctest.UserOptions{Roles: []string{"licensed_user"}})
	dave, _ := acctest.LoggedInUser(t, "fcod", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("fapp")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_app_coowners.app"
	config := func(users ...string) string {
		q := make([]string, len(users))
		for i, u := range users {
			q[i] = fmt.Sprintf("%q", u)
		}
		return fmt.Sprintf("provider \"dashenterprise\" {}\n\nresource \"dashenterprise_app_coowners\" \"app\" {\n  app = %q\n  usernames = [%s]\n}\n", app, strings.Join(q, ", "))
	}
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(config(co1))
	ws.MustApply()

	// The plan shows + carol; dave is added in the App Manager after it.
	ws.Write(config(co1, carol))
	ws.Plan("-out=add-carol.tfplan")
	acctest.EmulatorAddCoOwner(t, app, dave)
	res := ws.Apply("add-carol.tfplan")
	if len(res.Find("error", "Changed since the plan: "+dave, dave+" was added as a co-owner of "+app+" outside Terraform")) != 1 ||
		len(res.Find("error", "No co-owner of "+app+" was changed")) != 1 {
		t.Fatalf("want a refusal naming %s: %v", dave, res.Diagnostics)
	}
	users := acctest.FetchApp(t, app).CoOwners
	if slices.Contains(users, carol) || !slices.Contains(users, dave) {
		t.Fatalf("the refused apply changed co-owners: %v", users)
	}
	// A fresh plan shows - dave.
	ws.Plan("-out=fresh.tfplan")
	ch := ws.ShowPlan("fresh.tfplan")[addr]
	if before, after := acctest.Strings(ch.Before, "usernames"), acctest.Strings(ch.After, "usernames"); !slices.Contains(before, dave) || slices.Contains(after, dave) {
		t.Fatalf("the fresh plan must show - %s: before %v, after %v", dave, before, after)
	}
	ws.MustApply("fresh.tfplan")
	if users := acctest.FetchApp(t, app).CoOwners; !slices.Contains(users, carol) || slices.Contains(users, dave) {
		t.Fatalf("the fresh plan was not applied as shown: %v", users)
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply must be empty: %v", res.Changes)
	}

	// co1 is removed in the App Manager after a plan that keeps co1: refused, not re-added silently.
	ws.Write(config(co1, carol, dave))
	ws.Plan("-out=add-dave.tfplan")
	acctest.EmulatorRemoveCoOwner(t, app, co1)
	res = ws.Apply("add-dave.tfplan")
	if len(res.Find("error", "Changed since the plan: "+co1, co1+" was removed as a co-owner of "+app+" outside Terraform")) != 1 {
		t.Fatalf("want a refusal naming %s: %v", co1, res.Diagnostics)
	}
	if users := acctest.FetchApp(t, app).CoOwners; slices.Contains(users, co1) || slices.Contains(users, dave) {
		t.Fatalf("the refused apply changed co-owners: %v", users)
	}
}

// A transfer to a user whose seat is granted in the same plan lists the apps in
// that plan: the seat's id (the username) is known at plan time.
func TestAccAppTransfer_toNewSeatListsAppsInThePlan(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "tnfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	bob, _ := acctest.LoggedInUser(t, "tnbob", acctest.UserOptions{})
	app := acctest.RandomName("tnapp")
	acctest.CreateApp(t, from, app)
	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "bob" {
  username = %q
}

resource "dashenterprise_app_transfer" "t" {
  from_username = %q
  to_username   = dashenterprise_license_seat.bob.id
}
`, bob, from))
	ws.Cleanup()
	if res := ws.Plan("-out=tfplan"); len(res.Errors()) > 0 {
		t.Fatalf("plan: %v", res.Errors())
	}
	ch := ws.ShowPlan("tfplan")["dashenterprise_app_transfer.t"]
	if got := acctest.Strings(ch.After, "transferred_apps"); !slices.Equal(got, []string{app}) {
		t.Fatalf("the plan must list the apps that move, got transferred_apps = %v (after %v)", got, ch.After)
	}
	// For policy: bob holds no seat yet, but gets one earlier in the same plan.
	if ch.After["to_holds_seat"] != true || ch.After["from_holds_seat"] != true {
		t.Fatalf("want from_holds_seat and to_holds_seat true at plan time, got %v / %v", ch.After["from_holds_seat"], ch.After["to_holds_seat"])
	}
	ws.MustApply("tfplan")
	if o := acctest.AppOwner(t, app); o != bob {
		t.Fatalf("%s owned by %s, want %s", app, o, bob)
	}
}

// When from_username is known only at apply, the plan warns that the list is
// unknown and the apply moves nothing.
func TestAccAppTransfer_unknownFromAtPlanMovesNothing(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "tufrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "tuto", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("tuapp")
	acctest.CreateApp(t, from, app)
	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "terraform_data" "from" {
  input = %q
}

resource "dashenterprise_app_transfer" "t" {
  from_username = terraform_data.from.output
  to_username   = %q
}
`, from, to))
	res := ws.Plan("-out=tfplan")
	if len(res.Find("warning", "The apps that the transfer to "+to+" would move are not known at plan time", "The apply will refuse to move anything")) != 1 {
		t.Fatalf("want the unknown-list warning: %v", res.Diagnostics)
	}
	res = ws.Apply("tfplan")
	if len(res.Errors()) == 0 {
		t.Fatalf("the apply must refuse: %v", res.Diagnostics)
	}
	if o := acctest.AppOwner(t, app); o != from {
		t.Fatalf("%s moved to %s although no plan listed it", app, o)
	}
}

// A platform read that fails at plan time fails the transfer's plan.
func TestAccAppTransfer_platformReadFailureFailsThePlan(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "tpfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "tpto", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+acctest.ClosedURL(t), "DASHENTERPRISE_MAX_RETRIES=0")
	ws.Write(transferConfig(from, to))
	res := ws.Plan()
	if len(res.Find("error", "Cannot list the apps "+from+" owns", "The plan cannot show which apps")) != 1 {
		t.Fatalf("want the plan to fail naming %s: %v", from, res.Diagnostics)
	}
}
