package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

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
