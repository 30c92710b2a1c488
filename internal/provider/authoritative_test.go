package provider_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func seatsSetConfig(protection string, usernames []string) string {
	return providerBlock(protection) + fmt.Sprintf("\nresource \"dashenterprise_license_seats\" \"all\" {\n  usernames = [%s]\n}\n", quotedList(usernames))
}

// quotedList is usernames as the elements of an HCL list: "a", "b".
func quotedList(usernames []string) string {
	quoted := make([]string, len(usernames))
	for i, u := range usernames {
		quoted[i] = fmt.Sprintf("%q", u)
	}
	return strings.Join(quoted, ", ")
}

func union(a []string, b ...string) []string {
	set := map[string]bool{}
	for _, x := range append(append([]string{}, a...), b...) {
		set[x] = true
	}
	out := make([]string, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

func without(a []string, drop ...string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

// forget removes the authoritative resource from the state without revoking the realm's seats.
func forget(t *testing.T, ws *acctest.Workspace, addr string) {
	t.Cleanup(func() { _, _ = ws.Run("state", "rm", addr) })
}

func TestAccLicenseSeats_authoritative(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID := acctest.LoggedInUser(t, "aown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	added, addedID := acctest.CreateUser(t, "aadd", acctest.UserOptions{})
	byHand, byHandID := acctest.CreateUser(t, "ahand", acctest.UserOptions{})
	app := acctest.RandomName("aapp")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_license_seats.all"
	everyone := union(acctest.DirectSeatHolders(t), added)

	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("error", everyone))
	ws.MustApply()
	if !acctest.DirectRoles(t, addedID)["licensed_user"] {
		t.Fatalf("%s not granted", added)
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply: %v", res.Changes)
	}

	// Import into a fresh state: the plan is empty.
	imp := acctest.NewWorkspace(t)
	imp.Write(seatsSetConfig("error", everyone))
	if out, err := imp.Run("import", "-input=false", "-lock=false", addr, "licensed_user"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	forget(t, imp, addr)
	if res := imp.Plan(); len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("plan after import: %v %v", res.Changes, res.Errors())
	}

	// A seat granted by hand shows up as a removal, and apply removes it.
	acctest.GrantRole(t, byHandID, "licensed_user")
	res := ws.Plan()
	if res.Changes[addr] != "update" {
		t.Fatalf("a hand-made grant must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, byHandID)["licensed_user"] {
		t.Fatalf("the hand-made seat of %s survived the apply", byHand)
	}

	// A seat removed by hand is restored.
	acctest.RevokeRole(t, addedID, "licensed_user")
	if res := ws.Plan(); res.Changes[addr] != "update" {
		t.Fatalf("an out-of-band removal must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if !acctest.DirectRoles(t, addedID)["licensed_user"] {
		t.Fatalf("%s not restored", added)
	}

	// Dropping an app owner with orphan_protection = "error": the plan fails naming
	// the user and the app, and nothing changes (byHand would have been granted too).
	ws.Write(seatsSetConfig("error", union(without(everyone, owner), byHand)))
	res = ws.Plan()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan "+app)) != 1 {
		t.Fatalf("want the plan to fail naming %s: %v", app, res.Diagnostics)
	}
	res = ws.Apply()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan "+app)) != 1 {
		t.Fatalf("want a refusal that changes nothing: %v", res.Diagnostics)
	}
	if !acctest.DirectRoles(t, ownerID)["licensed_user"] || acctest.DirectRoles(t, byHandID)["licensed_user"] {
		t.Fatal("a refused apply changed seats")
	}
	// In warn mode the plan warns, naming the app.
	ws.Write(seatsSetConfig("warn", union(without(everyone, owner), byHand)))
	if res := ws.Plan(); len(res.Find("warning", "Revoking the seat of "+owner, app+" (owner)")) != 1 || len(res.Errors()) > 0 {
		t.Fatalf("want the orphan warning naming %s: %v", app, res.Diagnostics)
	}

	// Capacity is checked exactly against the whole planned set.
	acctest.SetSeatsPurchased(t, len(everyone)-1)
	ws.Write(seatsSetConfig("error", everyone))
	if res := ws.Plan(); len(res.Find("warning", "License seats exceeded")) != 1 {
		t.Fatalf("want the capacity warning: %v", res.Diagnostics)
	}
}

func TestAccAppCoOwners_authoritative(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "cown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co1, _ := acctest.LoggedInUser(t, "cco1", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co2, _ := acctest.LoggedInUser(t, "cco2", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.LoggedInUser(t, "cds", acctest.UserOptions{Groups: []string{"/Data Science"}})
	app := acctest.RandomName("capp")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_app_coowners.app"
	config := func(users []string, groups ...string) string {
		q := func(s []string) string {
			out := make([]string, len(s))
			for i, x := range s {
				out[i] = fmt.Sprintf("%q", x)
			}
			return strings.Join(out, ", ")
		}
		return fmt.Sprintf("provider \"dashenterprise\" {}\n\nresource \"dashenterprise_app_coowners\" \"app\" {\n  app = %q\n  usernames = [%s]\n  groups = [%s]\n}\n", app, q(users), q(groups))
	}
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(config([]string{co1}, "Data Science"))
	res := ws.Plan()
	if len(res.Find("warning", "Child groups of /Data Science do not inherit", "/Data Science/Forecasting")) != 1 {
		t.Errorf("want the child-group warning: %v", res.Diagnostics)
	}
	ws.MustApply()
	a := acctest.FetchApp(t, app)
	if !a.HasCoOwnerUser(co1) || !a.HasCoOwnerGroup("Data Science") {
		t.Fatalf("co-owners after apply: %+v", a)
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply (group spelled without slash): %v", res.Changes)
	}

	// Import by app name, then an empty plan.
	imp := acctest.NewWorkspace(t)
	imp.Write(config([]string{co1}, "/Data Science"))
	if out, err := imp.Run("import", "-input=false", "-lock=false", addr, app); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if res := imp.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after import: %v", res.Changes)
	}
	_, _ = imp.Run("state", "rm", addr)

	// A co-owner added by hand appears as a removal.
	acctest.EmulatorAddCoOwners(t, app, []string{co2}, nil)
	if res := ws.Plan(); res.Changes[addr] != "update" {
		t.Fatalf("a hand-made co-owner must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if acctest.FetchApp(t, app).HasCoOwnerUser(co2) {
		t.Fatalf("%s survived the apply", co2)
	}
	// A co-owner removed by hand is restored.
	acctest.EmulatorRemoveCoOwner(t, app, co1)
	if res := ws.Plan(); res.Changes[addr] != "update" {
		t.Fatalf("an out-of-band removal must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if !acctest.FetchApp(t, app).HasCoOwnerUser(co1) {
		t.Fatalf("%s not restored", co1)
	}
	// A user without a seat: warning at plan, error at apply naming them, nothing added.
	noSeat, _ := acctest.LoggedInUser(t, "cnoseat", acctest.UserOptions{})
	ws.Write(config([]string{co1, noSeat}, "Data Science"))
	res = ws.Plan()
	if len(res.Find("warning", noSeat+" holds no license seat")) != 1 {
		t.Errorf("want the seat warning: %v", res.Diagnostics)
	}
	res = ws.Apply()
	if len(res.Find("error", noSeat, "holds no license seat")) != 1 || acctest.FetchApp(t, app).HasCoOwnerUser(noSeat) {
		t.Fatalf("want an apply error naming %s and no change: %v", noSeat, res.Diagnostics)
	}
}

// seatsSetWithUnknown is the seat set of usernames plus one username known
// only after apply (terraform_data.<name>.output).
func seatsSetWithUnknown(protection string, usernames []string, name, value string) string {
	return providerBlock(protection) + fmt.Sprintf(`
resource "terraform_data" %q {
  input = %q
}

resource "dashenterprise_license_seats" "all" {
  usernames = concat([%s], [terraform_data.%s.output])
}
`, name, value, quotedList(usernames), name)
}

// One username known only after apply: every known member stays, so the plan
// revokes nobody (strict mode passes) and the apply grants the newcomer; when
// the unknown element could be any of the members dropped, the plan says it
// cannot tell and strict mode fails it, naming them.
func TestAccLicenseSeats_usernameKnownOnlyAfterApply(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID := acctest.LoggedInUser(t, "ukown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.CreateApp(t, owner, acctest.RandomName("ukapp"))
	newcomer, newcomerID := acctest.CreateUser(t, "uknew", acctest.UserOptions{})
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)
	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("error", everyone))
	ws.MustApply()

	ws.Write(seatsSetWithUnknown("error", everyone, "newcomer", newcomer))
	res := ws.Plan()
	if len(res.Errors()) > 0 {
		t.Fatalf("strict plan with every holder known and one newcomer unknown: %v", res.Errors())
	}
	if w := res.Find("warning", owner); len(w) > 0 {
		t.Errorf("the plan warns about %s, who stays: %v", owner, w)
	}
	if res := ws.Apply(); len(res.Errors()) > 0 {
		t.Fatalf("apply: %v", res.Errors())
	}
	if !acctest.DirectRoles(t, newcomerID)["licensed_user"] || !acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatalf("want %s granted and %s kept", newcomer, owner)
	}

	// The owner is left out of the known members and one more username is unknown.
	ws.Write(seatsSetWithUnknown("error", without(union(everyone, newcomer), owner), "later", newcomer))
	res = ws.Plan()
	if len(res.Find("error", "cannot tell whether", owner)) != 1 {
		t.Fatalf("want the strict plan to fail, saying it cannot tell whether %s keeps the seat: %v", owner, res.Diagnostics)
	}
	if !acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("a failed plan revoked a seat")
	}
}

// The co-owner set with one username known only after apply: a live co-owner
// listed among the known usernames is never reported as one the plan does not show.
func TestAccAppCoOwners_usernameKnownOnlyAfterApply(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "ukcoown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "ukco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	later, _ := acctest.LoggedInUser(t, "ukcolater", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("ukcoapp")
	acctest.CreateApp(t, owner, app)
	acctest.EmulatorAddCoOwner(t, app, co)
	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`provider "dashenterprise" {}

resource "terraform_data" "later" {
  input = %q
}

resource "dashenterprise_app_coowners" "app" {
  app       = %q
  usernames = concat([%q], [terraform_data.later.output])
}
`, later, app, co))
	res := ws.Plan()
	if w := res.Find("warning", co+" co-owns "+app); len(w) > 0 {
		t.Fatalf("the plan reports %s, who is listed, as a co-owner it does not show: %v", co, w)
	}
	if len(res.Errors()) > 0 {
		t.Fatalf("plan: %v", res.Errors())
	}
	ws.MustApply()
	if a := acctest.FetchApp(t, app); !a.HasCoOwnerUser(co) || !a.HasCoOwnerUser(later) {
		t.Fatalf("co-owners of %s after apply: %v, want %s and %s", app, a.CoOwners, co, later)
	}
}
