package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
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
	// Leave the imported objects in place.
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "dashenterprise_") {
			_, _ = ws.Run("state", "rm", line)
		}
	}
}

// terraform plan -generate-config-out writes a configuration for every resource
// type that plans clean after the import.
func TestAccGenerateConfigOut(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "gen", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "genco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "genheir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.LoggedInUser(t, "gends", acctest.UserOptions{Groups: []string{"/Data Science"}})
	app := acctest.RandomName("genapp")
	acctest.CreateApp(t, heir, app)
	acctest.EmulatorAddCoOwners(t, app, []string{co}, []string{"Data Science"})
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
