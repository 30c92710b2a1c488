package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// The guide "Bringing an existing installation under management", applied as written
// (limited to this test's users and apps): imports only, then an empty plan.
func TestAccExample_importExistingGuide(t *testing.T) {
	acctest.PreCheck(t)
	tag := acctest.RandomName("imp")
	owner := tag + "-owner"
	acctest.CreateNamedUser(t, owner, acctest.UserOptions{Roles: []string{"licensed_user"}, Password: "pw-" + owner})
	acctest.LogIn(t, owner)
	co := tag + "-co"
	acctest.CreateNamedUser(t, co, acctest.UserOptions{Roles: []string{"licensed_user"}, Password: "pw-" + co})
	acctest.LogIn(t, co)
	acctest.CreateNamedUser(t, tag+"-viagroup", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	apps := []string{tag + "-app1", tag + "-app2"}
	for _, a := range apps {
		acctest.CreateApp(t, owner, a)
	}
	acctest.EmulatorAddCoOwners(t, apps[0], []string{co}, nil)

	ws := acctest.NewWorkspace(t)
	ws.CopyExample("examples/guides/import-existing", map[string]any{"search": tag, "apps_owned_by": owner})
	res := ws.Plan()
	if len(res.Changes) != 4 {
		t.Errorf("want 4 imports in the plan, got %v", res.Changes)
	}
	for addr, action := range res.Changes {
		if action != "import" && action != "noop" && action != "no-op" {
			t.Errorf("the import plan changes %s (%s)", addr, action)
		}
	}
	ws.MustApply()
	out, _ := ws.Run("state", "list")
	for _, want := range []string{
		`dashenterprise_license_seat.this["` + owner + `"]`, `dashenterprise_license_seat.this["` + co + `"]`,
		`dashenterprise_app_coowners.this["` + apps[0] + `"]`, `dashenterprise_app_coowners.this["` + apps[1] + `"]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("state lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, tag+"-viagroup") {
		t.Errorf("a seat held only through a group was imported:\n%s", out)
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("plan after the import: %v %v", res.Changes, res.Errors())
	}
	ws.ForgetAll() // leave the imported objects in place
}

// terraform plan -generate-config-out writes a configuration for every resource
// type that plans clean after the import.
func TestAccGenerateConfigOut(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "gen", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "genheir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app, co := acctest.AppWithCoOwners(t, "gen", heir)
	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`provider "dashenterprise" {}

import {
  to = dashenterprise_license_seat.owner
  id = %q
}

import {
  to = dashenterprise_app_coowner.user
  id = "%s:user:%s"
}

import {
  to = dashenterprise_app_coowner.group
  id = "%s:group:/Data Science"
}

import {
  to = dashenterprise_app_transfer.t
  id = "%s:%s"
}

import {
  to = dashenterprise_license_seats.all
  id = "licensed_user"
}

import {
  to = dashenterprise_app_coowners.all
  id = %q
}
`, owner, app, co, app, owner, heir, app))
	res := ws.Plan("-generate-config-out=generated.tf")
	if len(res.Errors()) > 0 {
		t.Fatalf("generate-config-out: %v", res.Errors())
	}
	gen, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"dashenterprise_license_seat", "dashenterprise_app_coowner", "dashenterprise_app_transfer", "dashenterprise_license_seats", "dashenterprise_app_coowners"} {
		if !strings.Contains(string(gen), `resource "`+typ+`"`) {
			t.Errorf("no configuration generated for %s:\n%s", typ, gen)
		}
	}
	res = ws.Plan()
	if len(res.Changes) != 6 {
		t.Errorf("want 6 imports in the plan, got %v", res.Changes)
	}
	for addr, action := range res.Changes {
		if action != "import" && action != "noop" && action != "no-op" {
			t.Errorf("generated configuration plans a change of %s (%s):\n%s", addr, action, gen)
		}
	}
	if len(res.Errors()) > 0 {
		t.Fatalf("plan with the generated configuration: %v\n%s", res.Errors(), gen)
	}
}

// Import blocks with identity (Terraform 1.12+, OpenTofu 1.12+) for every
// resource type: the imported states are those Keycloak and the emulator
// hold, each instance records its identity, and the generated configuration
// then plans clean. CLIs without identity support skip it; CI runs the suite
// under OpenTofu 1.12 as well (make testtofu).
func TestAccImportByIdentity(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipUnlessIdentity(t)
	owner, ownerID := acctest.LoggedInUser(t, "idown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "idheir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	leaver, _ := acctest.LoggedInUser(t, "idleave", acctest.UserOptions{})
	app, co := acctest.AppWithCoOwners(t, "id", heir)

	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`provider "dashenterprise" {}

import {
  to       = dashenterprise_license_seat.owner
  identity = { username = %[1]q }
}

import {
  to       = dashenterprise_app_coowner.user
  identity = { app = %[2]q, kind = "user", principal = %[3]q }
}

import {
  to       = dashenterprise_app_coowner.group
  identity = { app = %[2]q, kind = "group", principal = "/Data Science" }
}

import {
  to       = dashenterprise_app_transfer.t
  identity = { from_username = %[1]q, to_username = %[4]q }
}

import {
  to       = dashenterprise_license_seats.all
  identity = { role = "licensed_user" }
}

import {
  to       = dashenterprise_app_coowners.all
  identity = { app = %[2]q }
}

import {
  to       = dashenterprise_user_offboarding.leaver
  identity = { username = %[5]q }
}

import {
  to       = dashenterprise_app_access.app
  identity = { app = %[2]q }
}
`, owner, app, co, heir, leaver))
	res := ws.Plan("-generate-config-out=generated.tf")
	if len(res.Errors()) > 0 {
		t.Fatalf("import by identity: %v", res.Errors())
	}
	if len(res.Changes) != 8 {
		t.Errorf("want 8 imports in the plan, got %v", res.Changes)
	}
	ws.MustApply()
	// Leave the imported objects in place (destroying the seat set would revoke every direct seat).
	t.Cleanup(ws.ForgetAll)

	// What the imports read, against Keycloak's admin API and what the test put into the emulator.
	st := ws.StateInstances()
	if got := st["dashenterprise_license_seat.owner"].Attributes["user_id"]; got != ownerID {
		t.Errorf("imported seat: user_id %v, Keycloak says %s", got, ownerID)
	}
	if got := acctest.Strings(st["dashenterprise_app_coowners.all"].Attributes, "usernames"); !slices.Equal(got, []string{co}) {
		t.Errorf("imported co-owner set: usernames %v, the emulator holds [%s]", got, co)
	}
	if got, want := st["dashenterprise_app_access.app"].Attributes["viewer_access"], acctest.FetchApp(t, app).Settings.ViewerAccess; got != want {
		t.Errorf("imported viewer access: %v, the emulator holds %s", got, want)
	}
	holders := acctest.DirectSeatHolders(t)
	got := acctest.Strings(st["dashenterprise_license_seats.all"].Attributes, "usernames")
	slices.Sort(holders)
	slices.Sort(got)
	if !slices.Equal(got, holders) {
		t.Errorf("imported seat set: %d usernames, Keycloak lists %d direct holders", len(got), len(holders))
	}
	// Every instance records its identity, as the import block spelled it.
	wantIdentity := map[string]map[string]string{
		"dashenterprise_license_seat.owner":      {"username": owner},
		"dashenterprise_app_coowner.user":        {"app": app, "kind": "user", "principal": co},
		"dashenterprise_app_coowner.group":       {"app": app, "kind": "group", "principal": "/Data Science"},
		"dashenterprise_app_transfer.t":          {"from_username": owner, "to_username": heir},
		"dashenterprise_license_seats.all":       {"role": "licensed_user"},
		"dashenterprise_app_coowners.all":        {"app": app},
		"dashenterprise_user_offboarding.leaver": {"username": leaver},
		"dashenterprise_app_access.app":          {"app": app},
	}
	for addr, want := range wantIdentity {
		inst, ok := st[addr]
		if !ok {
			t.Errorf("%s is not in the state", addr)
			continue
		}
		for k, v := range want {
			if inst.Identity[k] != v {
				t.Errorf("%s: identity %s = %v, want %q (identity %v)", addr, k, inst.Identity[k], v, inst.Identity)
			}
		}
	}
	if res := ws.Plan(); len(res.Errors()) > 0 || len(res.Changes) != 0 {
		t.Errorf("plan after the import: changes %v, errors %v", res.Changes, res.Errors())
	}

	// A malformed identity fails with the same message as a malformed import ID.
	bad := acctest.NewWorkspace(t)
	bad.Write(`provider "dashenterprise" {}

import {
  to       = dashenterprise_license_seat.x
  identity = { username = "Alice" }
}

resource "dashenterprise_license_seat" "x" {
  username = "alice"
}
`)
	if res := bad.Plan(); len(res.Find("error", "Invalid import ID", "lower case")) == 0 {
		t.Errorf("an upper-case username in an identity: want an invalid import ID error, got %v", res.Errors())
	}
}
