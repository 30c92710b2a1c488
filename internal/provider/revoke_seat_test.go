package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Revoking, in the same plan, the seat of the user who receives apps: the plan
// names the apps (warn mode) or fails (strict mode).
func TestAccSeatRevocation_ofAnHeirInTheSamePlan(t *testing.T) {
	acctest.PreCheck(t)
	dave, _, erin, app := leaverAndHeir(t, "heir")
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)
	for _, mode := range []string{"warn", "error"} {
		ws := acctest.NewWorkspace(t)
		forget(t, ws, addr)
		ws.Write(seatsSetConfig(mode, everyone))
		if out, err := ws.Run("import", "-input=false", "-lock=false", addr, "licensed_user"); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		ws.Write(seatSetAfterOffboarding(mode, without(everyone, erin)) + offboardingResource(dave, erin, "none"))
		res := ws.Plan()
		severity := map[string]string{"warn": "warning", "error": "error"}[mode]
		if len(res.Find(severity, "Revoking the seat of "+erin+", who receives "+app)) != 1 {
			t.Errorf("%s mode: want a %s naming %s and %s, got %v", mode, severity, erin, app, res.Diagnostics)
		}
	}
	if owner := acctest.AppOwner(t, app); owner != dave {
		t.Errorf("a plan moved %s to %s", app, owner)
	}
}

// Strict mode passes the plan when a transfer in the same plan, which the
// revocation depends on, moves the apps first; the apply does both in order.
func TestAccStrictMode_transferPlannedFirstWithDependsOn(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID, apps, heir := appOwnerWithSeat(t)
	ws, everyone := appliedSeatsSet(t, "error")
	ws.Write(revokeAfterTransfer("error", without(everyone, owner), owner, heir))
	res := ws.Plan()
	if len(res.Errors()) > 0 || len(res.Find("warning", "Revoking the seat of "+owner+" after this plan's transfer", apps[0], apps[1])) != 1 {
		t.Fatalf("want the strict plan to pass with a warning naming the transfer: %v", res.Diagnostics)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("seat not revoked")
	}
	requireOwner(t, heir, apps[:2]...)
	_, _ = ws.Run("state", "rm", "dashenterprise_app_transfer.offboard")
}

// When the provider configuration is known only at apply, the plan says that
// it checked nothing, naming the user, and the apply-time check decides.
func TestAccStrictMode_unknownProviderConfigWarns(t *testing.T) {
	acctest.PreCheck(t)
	u, _ := acctest.LoggedInUser(t, "unk", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ws := seatedWorkspace(t, "error", u)
	ws.Write(`
resource "terraform_data" "mode" {
  input = "error"
}

provider "dashenterprise" {
  orphan_protection = terraform_data.mode.output
}
`)
	res := ws.Plan()
	if len(res.Find("warning", "Revoking the seat of "+u+" was not checked", "known only after apply")) != 1 {
		t.Fatalf("want a warning naming %s: %v", u, res.Diagnostics)
	}
}

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
		if strings.Contains(r.Body, "moveAppsAndServices(") {
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

func TestAccSeatRevocation_warnsNamingEveryApp(t *testing.T) {
	acctest.PreCheck(t)
	owner, _, apps, _ := appOwnerWithSeat(t)
	ws := seatedWorkspace(t, "", owner)

	ws.Write(seatsConfig(""))
	res := ws.Plan()
	w := res.Find("warning", "Revoking the seat of "+owner+" removes them from 3 app(s)",
		apps[0]+" (owner)", apps[1]+" (owner)", apps[2]+" (co-owner)", "would be orphaned", "Transfer them first")
	if len(w) != 1 {
		t.Fatalf("want one warning naming %v with roles, got %v", apps, res.Diagnostics)
	}
	if res.Changes["dashenterprise_license_seat.s0"] != "delete" {
		t.Fatalf("planned changes %v", res.Changes)
	}
}

func TestAccSeatRevocation_keptThroughGroup(t *testing.T) {
	acctest.PreCheck(t)
	u, _ := acctest.LoggedInUser(t, "kept", acctest.UserOptions{Roles: []string{"licensed_user"}, Groups: []string{"/Licensed Developers"}})
	acctest.CreateApp(t, u, acctest.RandomName("kapp"))
	ws := seatedWorkspace(t, "error", u)
	ws.Write(seatsConfig("error"))
	res := ws.Plan()
	if len(res.Find("warning", u+" keeps a seat through /Licensed Developers")) != 1 || len(res.Find("warning", "orphaned")) != 0 {
		t.Fatalf("want only the keeps-a-seat warning, got %v", res.Diagnostics)
	}
	// Strict mode lets it through: the seat is not really revoked.
	ws.MustApply()
}

// With orphan_protection = "error" the plan itself fails, naming the user and
// the apps, so a pull request is blocked before merge; nothing changes.
func TestAccStrictMode_revocationWithoutTransferFailsThePlan(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID, apps, _ := appOwnerWithSeat(t)
	ws := seatedWorkspace(t, "error", owner)

	ws.Write(seatsConfig("error"))
	res := ws.Plan()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan "+apps[0]+", "+apps[1], "orphan_protection is \"error\"", "depends_on")) != 1 {
		t.Fatalf("want the plan to fail naming %s and both apps: %v %v", owner, res.Err, res.Diagnostics)
	}
	res = ws.Apply()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan")) != 1 {
		t.Fatalf("the apply's plan must fail the same way: %v", res.Diagnostics)
	}
	if !acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("the role was removed despite the refusal")
	}
}

// The apply-time check stays: a saved strict plan revoking a seat whose holder
// owned nothing at plan time is refused when the holder deploys an app before
// the apply.
func TestAccStrictMode_applyTimeCheckStays(t *testing.T) {
	acctest.PreCheck(t)
	u, uID := acctest.LoggedInUser(t, "late", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ws := seatedWorkspace(t, "error", u)
	ws.Write(seatsConfig("error"))
	if res := ws.Plan("-out=revoke.tfplan"); res.Err != nil || len(res.Errors()) > 0 {
		t.Fatalf("%s owns nothing: the strict plan must pass: %v", u, res.Diagnostics)
	}
	app := acctest.RandomName("late")
	acctest.CreateApp(t, u, app)
	res := ws.Apply("revoke.tfplan")
	if res.Err == nil || len(res.Find("error", u, app)) == 0 {
		t.Fatalf("want the apply refused naming %s and %s: %v", u, app, res.Diagnostics)
	}
	if !acctest.DirectRoles(t, uID)["licensed_user"] {
		t.Fatal("the seat was revoked although its holder owns an app now")
	}
}

func TestAccStrictMode_transferThenRevokeInTwoApplies(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID, apps, heir := appOwnerWithSeat(t)
	ws := seatedWorkspace(t, "error", owner)

	transfer := offboardingTransfer(owner, heir)
	ws.Write(seatsConfig("error", owner) + transfer)
	ws.MustApply()
	ws.Write(seatsConfig("error") + transfer)
	res := ws.Plan()
	if len(res.Find("warning", "would be orphaned")) != 0 {
		t.Errorf("after the transfer nothing is orphaned, got %v", res.Diagnostics)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("seat not revoked")
	}
	requireOwner(t, heir, apps[:2]...)
}

// A single seat removed from the configuration and a new transfer in one
// strict plan: Terraform may plan them in either order, so the plan either
// fails naming the owner (the revocation was planned first) or warns that the
// transfer moves the apps first. Either way nothing is ever orphaned, and the
// documented remedy (the transfer in an earlier apply) completes it.
func TestAccStrictMode_transferAndRevokeInOneApply(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID, apps, heir := appOwnerWithSeat(t)
	ws := seatedWorkspace(t, "error", owner)

	ws.Write(seatsConfig("error") + offboardingTransfer(owner, heir))
	res := ws.Apply("-parallelism=1")
	for _, a := range apps[:2] {
		if o := acctest.AppOwner(t, a); o == owner && !acctest.DirectRoles(t, ownerID)["licensed_user"] {
			t.Fatalf("%s is orphaned: owner %s lost the seat before the transfer", a, owner)
		}
	}
	for _, e := range res.Errors() {
		if !strings.Contains(e.Summary, "Revoking the seat of "+owner+" would orphan") && !strings.Contains(e.Summary, "Refusing to revoke the seat of "+owner) {
			t.Fatalf("unexpected error: %v", e)
		}
	}
	if len(res.Errors()) > 0 {
		ws.Write(seatsConfig("error", owner) + offboardingTransfer(owner, heir))
		ws.MustApply()
		ws.Write(seatsConfig("error") + offboardingTransfer(owner, heir))
		ws.MustApply()
	}
	if acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("seat still assigned")
	}
	requireOwner(t, heir, apps[:2]...)
}

// Planning gives the same findings whatever order Terraform plans in: a seat
// set that revokes the heir H and a transfer that gives H apps, declared in
// either order, with no dependency between them (Terraform plans them in
// parallel) and with depends_on either way. Each plan names H and the apps
// once — a warning in warn mode, an error in strict mode — whichever resource
// was planned second and saw the other; the findings of all the orders match.
func TestAccPlanOrder_heirRevocationAndTransferInEitherOrder(t *testing.T) {
	acctest.PreCheck(t)
	owner, _, heir, moving := leaverAndHeir(t, "order")
	const setAddr = "dashenterprise_license_seats.all"
	for _, mode := range []string{"warn", "error"} {
		ws, everyone := appliedSeatsSet(t, mode)
		set := func(dependsOn string) string {
			return fmt.Sprintf("\nresource \"dashenterprise_license_seats\" \"all\" {\n  usernames = [%s]\n%s}\n", quotedList(without(everyone, heir)), dependsOn)
		}
		transfer := func(dependsOn string) string {
			return strings.Replace(offboardingTransfer(owner, heir), "}\n", dependsOn+"}\n", 1)
		}
		orders := map[string]string{
			"transfer declared first, no edge": transfer("") + set(""),
			"set declared first, no edge":      set("") + transfer(""),
			"set depends on the transfer":      set("  depends_on = [dashenterprise_app_transfer.offboard]\n") + transfer(""),
			"transfer depends on the set":      transfer("  depends_on = ["+setAddr+"]\n") + set(""),
		}
		var first []string
		var firstName string
		for _, name := range []string{"transfer declared first, no edge", "set declared first, no edge", "set depends on the transfer", "transfer depends on the set",
			"transfer declared first, no edge", "set declared first, no edge"} { // the unordered ones twice
			ws.Write(providerBlock(mode) + orders[name])
			res := ws.Plan()
			severity := map[string]string{"warn": "warning", "error": "error"}[mode]
			if got := res.Find(severity, "Revoking the seat of "+heir+", who receives "+moving+" in this plan"); len(got) != 1 {
				t.Fatalf("%s mode, %s: want one %s naming %s and %s, got %v", mode, name, severity, heir, moving, res.Diagnostics)
			}
			findings := planFindings(res)
			if first == nil {
				first, firstName = findings, name
				continue
			}
			if !slices.Equal(findings, first) {
				t.Errorf("%s mode: the findings of %q differ from those of %q:\n%v\n%v", mode, name, firstName, findings, first)
			}
		}
		if o := acctest.AppOwner(t, moving); o != owner {
			t.Fatalf("a plan moved %s to %s", moving, o)
		}
	}
}

// planFindings are the severities and summaries of a plan's diagnostics,
// sorted, without Terraform's own note on development overrides.
func planFindings(res acctest.Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		if !strings.Contains(d.Summary, "development overrides") {
			out = append(out, d.Severity+": "+d.Summary)
		}
	}
	slices.Sort(out)
	return out
}
