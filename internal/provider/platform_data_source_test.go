package provider_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
)

const platformConfig = `
provider "dashenterprise" {}

data "dashenterprise_platform" "p" {}

output "checked" { value = data.dashenterprise_platform.p.checked }
output "reason" { value = data.dashenterprise_platform.p.unchecked_reason }
output "compatible" { value = data.dashenterprise_platform.p.compatible }
output "features" { value = data.dashenterprise_platform.p.features }
`

type platformFeature struct {
	Name      string   `json:"name"`
	Available *bool    `json:"available"`
	Missing   []string `json:"missing"`
}

// readPlatform applies platformConfig against url and returns the data
// source's verdict.
func readPlatform(t *testing.T, url string) (acctest.Result, map[string]platformFeature) {
	t.Helper()
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+url)
	ws.Write(platformConfig)
	res := ws.MustApply()
	var list []platformFeature
	if err := json.Unmarshal(res.Outputs["features"], &list); err != nil {
		t.Fatalf("features output %s: %v", res.Outputs["features"], err)
	}
	out := map[string]platformFeature{}
	for _, f := range list {
		out[f.Name] = f
	}
	return res, out
}

// Against the emulator (which serves introspection of the contract) every
// feature is available.
func TestAccPlatform_emulatorOffersEverything(t *testing.T) {
	acctest.PreCheck(t)
	res, features := readPlatform(t, acctest.EmulatorURL)
	if string(res.Outputs["checked"]) != "true" || string(res.Outputs["compatible"]) != "true" {
		t.Fatalf("checked %s compatible %s", res.Outputs["checked"], res.Outputs["compatible"])
	}
	for _, name := range []string{"apps", "co-owners", "transfer", "license", "platform users"} {
		if f, ok := features[name]; !ok || f.Available == nil || !*f.Available || len(f.Missing) != 0 {
			t.Errorf("feature %s: %+v", name, f)
		}
	}
}

// A server without the transfer mutation: the data source says which feature
// is missing and why, the transfer's plan fails naming the mutation, and a
// seat (Keycloak only) is planned as usual in the same configuration.
func TestAccPlatform_missingMutation(t *testing.T) {
	acctest.PreCheck(t)
	url := acctest.EmulatorVariant(t, emulator.SchemaVariant{Remove: []string{"Mutation.moveAppsAndServices"}})
	_, features := readPlatform(t, url)
	const want = "the server has no field moveAppsAndServices on type Mutation"
	if f := features["transfer"]; f.Available == nil || *f.Available || len(f.Missing) != 1 || f.Missing[0] != want {
		t.Fatalf("transfer: %+v, want unavailable with %q", f, want)
	}
	for _, name := range []string{"apps", "co-owners", "license"} {
		if f := features[name]; f.Available == nil || !*f.Available {
			t.Errorf("%s should be available: %+v", name, f)
		}
	}
	from, _ := acctest.LoggedInUser(t, "pmfrom", acctest.UserOptions{Roles: []string{"licensed_user"}})
	to, _ := acctest.LoggedInUser(t, "pmto", acctest.UserOptions{Roles: []string{"licensed_user"}})
	seat, _ := acctest.CreateUser(t, "pmseat", acctest.UserOptions{})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+url)
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {}

resource "dashenterprise_license_seat" "s" {
  username = %q
}

resource "dashenterprise_app_transfer" "t" {
  from_username = %q
  to_username   = %q
}
`, seat, from, to))
	res := ws.Plan()
	errs := res.Find("error", "does not offer transfer", want, "dashenterprise_app_transfer")
	// The only error is the transfer's: the seat needs only Keycloak.
	if len(errs) != 1 || len(res.Errors()) != 1 {
		t.Fatalf("want one error naming the missing mutation and the resource, got %+v\n%s", res.Errors(), res.Log)
	}
}

// A field renamed and an enum value missing are named, with the path.
func TestAccPlatform_renamedFieldAndMissingEnumValue(t *testing.T) {
	acctest.PreCheck(t)
	url := acctest.EmulatorVariant(t, emulator.SchemaVariant{
		Rename: map[string]string{"CoOwners.users": "members"},
		Remove: []string{"PermissionLevel.unauthenticated"},
	})
	_, features := readPlatform(t, url)
	co := features["co-owners"]
	if co.Available == nil || *co.Available || !slices.Contains(co.Missing, "the server has no field users on type CoOwners") {
		t.Fatalf("co-owners: %+v", co)
	}
	if !slices.Contains(features["apps"].Missing, "the server's enum PermissionLevel (apps.apps.metadata.permissionLevel) has no value unauthenticated") {
		t.Fatalf("apps: %+v", features["apps"])
	}
	if f := features["license"]; f.Available == nil || !*f.Available {
		t.Fatalf("license should be available: %+v", f)
	}
}

// A server that refuses introspection: the data source says it could not
// check, and a run that uses the platform warns once and proceeds.
func TestAccPlatform_introspectionRefused(t *testing.T) {
	acctest.PreCheck(t)
	url := acctest.EmulatorVariant(t, emulator.SchemaVariant{RefuseIntrospection: true})
	res, features := readPlatform(t, url)
	if string(res.Outputs["checked"]) != "false" || !strings.Contains(string(res.Outputs["reason"]), "introspection is not allowed") ||
		(len(res.Outputs["compatible"]) > 0 && string(res.Outputs["compatible"]) != "null") {
		t.Fatalf("checked %s reason %s compatible %s", res.Outputs["checked"], res.Outputs["reason"], res.Outputs["compatible"])
	}
	if f := features["transfer"]; f.Available != nil {
		t.Fatalf("availability must be unknown (null) when nothing was checked: %+v", f)
	}
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+url)
	ws.Write(`
provider "dashenterprise" {}

data "dashenterprise_apps" "a" {}
data "dashenterprise_license" "l" {}
`)
	plan := ws.Plan()
	if plan.Err != nil {
		t.Fatalf("the run must proceed: %v\n%s", plan.Err, plan.Log)
	}
	if w := plan.Find("warning", "contract could not be checked", "introspection is not allowed"); len(w) != 1 {
		t.Fatalf("want exactly one warning per run, got %+v", plan.Warnings())
	}
}

// A server without the app listing behind the orphan check: in warn mode the
// plan of a revocation warns that the check could not run and why; in strict
// mode it fails, since it cannot show that no app is orphaned.
func TestAccPlatform_orphanCheckWithoutTheAppListing(t *testing.T) {
	acctest.PreCheck(t)
	user, _ := acctest.LoggedInUser(t, "pnoapps", acctest.UserOptions{})
	ws := seatedWorkspace(t, "", user)
	url := acctest.EmulatorVariant(t, emulator.SchemaVariant{Remove: []string{"Query.apps"}})
	ws.Env = append(ws.Env, "DASHENTERPRISE_URL="+url)
	const why = "the server has no field apps on type Query"
	ws.Write(seatsConfig("warn"))
	res := ws.Plan()
	if res.Err != nil || len(res.Find("warning", "Cannot check what revoking the seat of "+user+" would orphan", why)) != 1 {
		t.Fatalf("warn mode: want a warning saying the check could not run and why: %v %v", res.Err, res.Diagnostics)
	}
	ws.Write(seatsConfig("error"))
	res = ws.Plan()
	if res.Err == nil || len(res.Find("error", "Cannot check what revoking the seat of "+user+" would orphan", why, "orphan_protection is \"error\"")) != 1 {
		t.Fatalf("strict mode: want the plan to fail saying why: %v %v", res.Err, res.Diagnostics)
	}
	ws.Write(seatsConfig("warn", user)) // the cleanup's destroy runs in warn mode
}
