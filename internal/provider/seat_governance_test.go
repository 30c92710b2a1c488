package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func providerBlock(protection string) string {
	if protection == "" {
		return "provider \"dashenterprise\" {}\n"
	}
	return fmt.Sprintf("provider \"dashenterprise\" {\n  orphan_protection = %q\n}\n", protection)
}

func seatsConfig(protection string, seats ...string) string {
	var b strings.Builder
	b.WriteString(providerBlock(protection))
	for i, s := range seats {
		fmt.Fprintf(&b, "\nresource \"dashenterprise_license_seat\" \"s%d\" {\n  username = %q\n}\n", i, s)
	}
	return b.String()
}

// seatedWorkspace applies a configuration that manages the seats of users.
func seatedWorkspace(t *testing.T, protection string, users ...string) *acctest.Workspace {
	t.Helper()
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(seatsConfig(protection, users...))
	ws.MustApply()
	return ws
}

func offboardingTransfer(from, to string) string {
	return fmt.Sprintf("\nresource \"dashenterprise_app_transfer\" \"offboard\" {\n  from_username = %q\n  to_username   = %q\n}\n", from, to)
}

// requireOwner fails the test unless owner owns every app (read from the emulator's state).
func requireOwner(t *testing.T, owner string, apps ...string) {
	t.Helper()
	for _, a := range apps {
		if o := acctest.AppOwner(t, a); o != owner {
			t.Fatalf("%s owned by %s, want %s", a, o, owner)
		}
	}
}

// An owner of two apps and a co-owner of a third, with a seat managed by Terraform.
func appOwnerWithSeat(t *testing.T) (owner, ownerID string, apps []string, heir string) {
	t.Helper()
	owner, ownerID = acctest.LoggedInUser(t, "owner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ = acctest.LoggedInUser(t, "heir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	apps = []string{acctest.RandomName("own1"), acctest.RandomName("own2")}
	for _, a := range apps {
		acctest.CreateApp(t, owner, a)
	}
	other := acctest.RandomName("coown")
	acctest.CreateApp(t, heir, other)
	acctest.EmulatorAddCoOwners(t, other, []string{owner}, nil)
	return owner, ownerID, append(apps, other), heir
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

func TestAccSeatRead_warnsWhenRevokedOutOfBandOrphansApps(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID, apps, _ := appOwnerWithSeat(t)
	ws := seatedWorkspace(t, "", owner)
	acctest.RevokeRole(t, ownerID, "licensed_user")
	res := ws.Plan()
	if len(res.Find("warning", "The seat of "+owner+" was revoked outside Terraform", apps[0], apps[1])) != 1 {
		t.Fatalf("want the orphaned-now warning naming both apps, got %v", res.Diagnostics)
	}
	if res.Changes["dashenterprise_license_seat.s0"] != "create" {
		t.Fatalf("the plan should grant the seat again: %v", res.Changes)
	}
}

func TestAccSeatCapacity_warnsWhenExhausted(t *testing.T) {
	acctest.PreCheck(t)
	u, _ := acctest.CreateUser(t, "cap", acctest.UserOptions{})
	ws := acctest.NewWorkspace(t)
	ws.Write(seatsConfig("", u) + "\ndata \"dashenterprise_license\" \"this\" {}\n")
	// The emulator's license: purchased seats lowered to what is assigned now.
	acctest.SetSeatsPurchased(t, 1)
	res := ws.Plan()
	if len(res.Find("warning", "License seats exhausted", "Your license has 1 seats", u)) != 1 {
		t.Fatalf("want the capacity warning naming %s, got %v", u, res.Diagnostics)
	}
}
