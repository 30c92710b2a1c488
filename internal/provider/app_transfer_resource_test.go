package provider_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func transferConfig(from, to string) string {
	return fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_app_transfer" "test" {
  from_username = %q
  to_username   = %q
}
`, from, to)
}

func strList(s ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(s))
	for i, v := range s {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func TestAccAppTransfer_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "leaver", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "heir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app1, app2 := acctest.RandomName("a1"), acctest.RandomName("a2")
	acctest.CreateApp(t, from, app1, "REDIS", "POSTGRES")
	acctest.CreateApp(t, from, app2)
	first, second := app1, app2
	if second < first {
		first, second = second, first
	}
	const addr = "dashenterprise_app_transfer.test"
	later := acctest.RandomName("a3")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Destroying the transfer changes nothing: the apps stay with the new owner.
			for _, a := range []string{app1, app2, later} {
				if o := acctest.AppOwner(t, a); o != to {
					return fmt.Errorf("after destroy %s is owned by %s, want %s", a, o, to)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: transferConfig(from, to),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The plan already lists exactly the apps that will move.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("transferred_apps"), strList(first, second)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("transferred_apps"), strList(first, second)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_apps"), strList()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(from+":"+to)),
				},
				Check: func(*terraform.State) error {
					for _, a := range []string{app1, app2} {
						if o := acctest.AppOwner(t, a); o != to {
							return fmt.Errorf("%s is owned by %s after the transfer", a, o)
						}
					}
					if a := acctest.FetchApp(t, app1); len(a.Services) != 2 || !a.HasWorkspace {
						return fmt.Errorf("services or workspace lost in the transfer: %+v", a)
					}
					return nil
				},
			},
			{Config: transferConfig(from, to), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				// The former owner deploys another app: the next plan transfers it too.
				PreConfig: func() { acctest.CreateApp(t, from, later) },
				Config:    transferConfig(from, to),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("transferred_apps"), strList(later)),
				}},
				Check: func(*terraform.State) error {
					if o := acctest.AppOwner(t, later); o != to {
						return fmt.Errorf("%s owned by %s", later, o)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: from + ":" + to, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"transferred_apps", "transferred_at", "from_holds_seat", "to_holds_seat"}},
		},
	})
}

func TestAccAppTransfer_planWarningsAndApplyRefusals(t *testing.T) {
	acctest.PreCheck(t)
	from, fromID := acctest.LoggedInUser(t, "tfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, toID := acctest.LoggedInUser(t, "tto", acctest.UserOptions{Roles: []string{"licensed_user"}})
	mine, theirs := acctest.RandomName("m"), acctest.RandomName("t")
	acctest.CreateApp(t, from, mine)
	acctest.CreateApp(t, to, theirs)
	acctest.RevokeRole(t, toID, "licensed_user")

	ws := acctest.NewWorkspace(t)
	ws.Write(transferConfig(from, to))
	res := ws.Plan()
	if len(res.Errors()) > 0 {
		t.Fatalf("plan must not fail (the same apply may grant the seat): %v", res.Errors())
	}
	if len(res.Find("warning", to+" holds no license seat", "Both users of a transfer need a seat")) != 1 {
		t.Errorf("missing the seat warning for %s: %v", to, res.Diagnostics)
	}
	if len(res.Find("warning", to+" already owns apps", theirs, "cannot be exactly reversed")) != 1 {
		t.Errorf("missing the irreversibility warning naming %s: %v", theirs, res.Diagnostics)
	}
	// For policy: the plan says that to holds no seat and from does.
	ws.Plan("-out=tfplan")
	if ch := ws.ShowPlan("tfplan")["dashenterprise_app_transfer.test"]; ch.After["to_holds_seat"] != false || ch.After["from_holds_seat"] != true {
		t.Errorf("want from_holds_seat true, to_holds_seat false: %v", ch.After)
	}

	// Apply fails before anything moves.
	res = ws.Apply()
	if len(res.Find("error", to+" holds no license seat", "Nothing was transferred")) != 1 {
		t.Fatalf("want an apply error naming %s, got %v", to, res.Diagnostics)
	}
	if o := acctest.AppOwner(t, mine); o != from {
		t.Fatalf("%s moved to %s despite the refusal", mine, o)
	}

	// With the seat granted in the same configuration, ordered by reference, it succeeds.
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "heir" {
  username = %q
}

resource "dashenterprise_app_transfer" "test" {
  from_username = %q
  to_username   = dashenterprise_license_seat.heir.username
}
`, to, from))
	ws.Cleanup()
	ws.MustApply()
	if o := acctest.AppOwner(t, mine); o != to {
		t.Fatalf("%s owned by %s, want %s", mine, o, to)
	}

	// Nothing left: the next plan is empty and warns about nothing to transfer only on create.
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after transfer: %v", res.Changes)
	}
	// Destroying the transfer says that it changes nothing in Dash Enterprise.
	if res := ws.Plan("-destroy"); len(res.Find("warning", "Destroying the transfer from "+from+" to "+to+" changes nothing in Dash Enterprise", "the apps stay with "+to)) != 1 {
		t.Fatalf("want the destroy warning: %v", res.Diagnostics)
	}
	_ = fromID
}

func TestAccAppTransfer_nothingToTransfer(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "empty", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "heir2", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ws := acctest.NewWorkspace(t)
	ws.Write(transferConfig(from, to))
	res := ws.Plan()
	if len(res.Find("warning", from+" owns no apps: nothing to transfer")) != 1 {
		t.Fatalf("want the nothing-to-transfer warning: %v", res.Diagnostics)
	}
}

func TestAccAppTransfer_appsChangedSincePlan(t *testing.T) {
	acctest.PreCheck(t)
	from, _ := acctest.LoggedInUser(t, "chg", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "chgto", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.CreateApp(t, from, acctest.RandomName("c1"))
	ws := acctest.NewWorkspace(t)
	ws.Write(transferConfig(from, to))
	if out, err := ws.Run("plan", "-out=tfplan", "-input=false", "-lock=false"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	surprise := acctest.RandomName("c2")
	acctest.CreateApp(t, from, surprise)
	res := ws.Apply("tfplan")
	// Terraform re-plans at apply time and stops on the changed list before the
	// provider's Create runs (see DESIGN.md); either way nothing may move.
	ours := res.Find("error", "The apps of "+from+" changed since the plan", surprise, "Nothing was transferred")
	core := res.Find("error", "Provider produced inconsistent final plan", ".transferred_apps")
	if len(ours)+len(core) != 1 {
		t.Fatalf("want the apply to stop on the changed app list, got %v", res.Diagnostics)
	}
	if o := acctest.AppOwner(t, surprise); o != from {
		t.Fatalf("%s moved despite the refusal", surprise)
	}
}

func TestAccAppTransfer_seatlessFormerOwnerAndDeletedFormerOwner(t *testing.T) {
	acctest.PreCheck(t)
	from, fromID := acctest.LoggedInUser(t, "gone", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "stays", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.CreateApp(t, from, acctest.RandomName("g1"))
	ws := acctest.NewWorkspace(t)
	ws.Write(transferConfig(from, to))
	ws.MustApply()

	// The former owner deploys again, then loses the seat: no replacement (it could only fail), a warning.
	late := acctest.RandomName("g2")
	acctest.CreateApp(t, from, late)
	acctest.RevokeRole(t, fromID, "licensed_user")
	res := ws.Plan()
	if len(res.Changes) != 0 {
		t.Fatalf("a seat-less former owner must not plan a replacement: %v", res.Changes)
	}
	if len(res.Find("warning", from+" owns 1 app(s) again but holds no seat", late, "grant "+from+" a seat again first")) != 1 {
		t.Fatalf("want a warning naming %s: %v", late, res.Diagnostics)
	}

	// A deleted former owner: nothing pending, no diff.
	acctest.DeleteUser(t, fromID)
	res = ws.Plan()
	if len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("deleted former owner: changes %v diags %v", res.Changes, res.Diagnostics)
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
