package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func seatConfig(username string) string {
	return fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "test" {
  username = %q
}
`, username)
}

func TestAccLicenseSeat_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	username, userID := acctest.CreateUser(t, "seat", acctest.UserOptions{Roles: []string{"viewer", "admin"}})
	const addr = "dashenterprise_license_seat.test"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			roles := acctest.DirectRoles(t, userID)
			if roles["licensed_user"] {
				return fmt.Errorf("licensed_user is still mapped to %s after destroy", username)
			}
			if !roles["viewer"] || !roles["admin"] {
				return fmt.Errorf("destroy touched other roles of %s: %v", username, roles)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: seatConfig(username),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(username)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.StringExact(userID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_via"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("owned_apps"), knownvalue.ListExact([]knownvalue.Check{})),
				},
				Check: func(*terraform.State) error {
					if !acctest.DirectRoles(t, userID)["licensed_user"] {
						return fmt.Errorf("licensed_user not mapped directly to %s", username)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     username,
				ImportStateVerify: true,
			},
			{
				// Empty plan after import.
				Config: seatConfig(username),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Drift: the role is removed by hand; the plan grants it again.
				PreConfig: func() { acctest.RevokeRole(t, userID, "licensed_user") },
				Config:    seatConfig(username),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					if !acctest.DirectRoles(t, userID)["licensed_user"] {
						return fmt.Errorf("apply did not restore the seat of %s", username)
					}
					return nil
				},
			},
		},
	})
}

func TestAccLicenseSeat_adoptsExistingAndToleratesGoneUser(t *testing.T) {
	acctest.PreCheck(t)
	username, userID := acctest.CreateUser(t, "adopt", acctest.UserOptions{Roles: []string{"licensed_user"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: seatConfig(username),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dashenterprise_license_seat.test", tfjsonpath.New("user_id"), knownvalue.StringExact(userID)),
				},
			},
			{
				// The user is deleted out of band: the seat is gone with them, destroy succeeds.
				PreConfig: func() { acctest.DeleteUser(t, userID) },
				Config:    seatConfig(username),
				PlanOnly:  true,
				// Read drops the seat from state, so the plan wants to create it again.
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccLicenseSeat_unknownUser(t *testing.T) {
	acctest.PreCheck(t)
	username := acctest.RandomName("ghost")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      seatConfig(username),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)User "%s" not found.*Realm "dash" has no user`, username)),
		}},
	})

	// The plan itself does not fail (the same apply may create the user): it warns.
	ws := acctest.NewWorkspace(t)
	ws.Write(seatConfig(username))
	res := ws.Plan()
	if len(res.Errors()) > 0 {
		t.Fatalf("plan failed for a user that may still be created: %v", res.Errors())
	}
	if len(res.Find("warning", username, "does not exist yet")) != 1 {
		t.Fatalf("expected a warning naming %s, got %v", username, res.Diagnostics)
	}
}

func TestAccLicenseSeat_upperCaseUsernameRejected(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      seatConfig("Alice"),
			ExpectError: regexp.MustCompile(`(?s)lower case.*Write "alice" instead`),
		}},
	})
}

func TestAccLicenseSeat_malformedImportID(t *testing.T) {
	acctest.PreCheck(t)
	username, _ := acctest.CreateUser(t, "imp", acctest.UserOptions{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        seatConfig(username),
			ResourceName:  "dashenterprise_license_seat.test",
			ImportState:   true,
			ImportStateId: "Not A User",
			ExpectError:   regexp.MustCompile(`Invalid import ID`),
		}},
	})
}

func TestAccLicenseSeat_seatThroughGroupAndComposite(t *testing.T) {
	acctest.PreCheck(t)
	viaGroup, _ := acctest.CreateUser(t, "grp", acctest.UserOptions{Groups: []string{"/Licensed Developers/Contractors"}})
	viaComposite, _ := acctest.CreateUser(t, "comp", acctest.UserOptions{Roles: []string{"developer"}})
	config := fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "group" {
  username = %q
}

resource "dashenterprise_license_seat" "composite" {
  username = %q
}
`, viaGroup, viaComposite)

	ws := acctest.NewWorkspace(t)
	ws.Write(config)
	ws.Cleanup()
	res := ws.Plan()
	if got := res.Find("warning", viaGroup+" already holds a seat through /Licensed Developers"); len(got) != 1 {
		t.Errorf("expected a warning that %s holds a seat through /Licensed Developers, got %v", viaGroup, res.Diagnostics)
	}
	if got := res.Find("warning", viaComposite+" already holds a seat through dash/developer"); len(got) != 1 {
		t.Errorf("expected a warning that %s holds a seat through dash/developer, got %v", viaComposite, res.Diagnostics)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("dashenterprise_license_seat.group", tfjsonpath.New("granted_via"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("group:/Licensed Developers")})),
				statecheck.ExpectKnownValue("dashenterprise_license_seat.composite", tfjsonpath.New("granted_via"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("composite:dash/developer")})),
			},
		}},
	})
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
	if len(res.Find("warning", "License seats exceeded", "the license has 1", u)) != 1 {
		t.Fatalf("want the capacity warning naming %s, got %v", u, res.Diagnostics)
	}
}
