package platform

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The contract checked against itself has nothing missing.
func TestContractIsCompatibleWithItself(t *testing.T) {
	comp, err := CheckSDL(Schema)
	if err != nil || !comp.Checked || len(comp.Problems) != 0 {
		t.Fatalf("want no problems, got %+v %v", comp, err)
	}
}

// The oracle we did not write: Dash Enterprise 4's published API,
// transcribed. Checked against it, exactly what Dash Enterprise 5 added is
// missing: co-owners (and orphaned) on apps, the extensions' queries and
// mutations, and the viewer access levels other than the published
// restricted, which come from Dash Enterprise 5's documentation.
func TestCheckAgainstDashEnterprise4(t *testing.T) {
	sdl, err := os.ReadFile("../../testdata/platform/dash-enterprise-4.graphql")
	if err != nil {
		t.Fatal(err)
	}
	comp, err := CheckSDL(string(sdl))
	if err != nil || !comp.Checked {
		t.Fatalf("%+v %v", comp, err)
	}
	// Every operation that reads apps selects the extensions' fields, and the
	// levels other than restricted.
	appsMissing := func(path string) []string {
		return []string{
			"the server has no field coOwners on type App",
			"the server has no field orphaned on type App",
			"the server's enum PermissionLevel (" + path + ".metadata.permissionLevel) has no value authenticated",
			"the server's enum PermissionLevel (" + path + ".metadata.permissionLevel) has no value unauthenticated",
		}
	}
	want := map[string][]string{
		"apps": appsMissing("apps.apps"),
		"app":  appsMissing("apps.apps"),
		// Listing by name is our extension.
		"appsAfter":           append(appsMissing("apps.apps")[:2:2], append([]string{"the server's apps has no argument after"}, appsMissing("apps.apps")[2:]...)...),
		"addCollaborators":    appsMissing("addCollaborators.app"),
		"removeCollaborators": appsMissing("removeCollaborators.app"),
		"updateApp":           appsMissing("updateApp.app"),
		"users":               {"the server has no field users on type RootQuery"},
		"groups":              {"the server has no field groups on type RootQuery"},
		"license":             {"the server has no field license on type RootQuery"},
		"addCoOwners":         {"the server has no field addCoOwners on type Mutations"},
		"removeCoOwners":      {"the server has no field removeCoOwners on type Mutations"},
	}
	for op := range Operations {
		if got := comp.Problems[op]; !slices.Equal(got, want[op]) {
			t.Errorf("%s: problems\n  %q\nwant\n  %q", op, got, want[op])
		}
	}
}

// Each kind of mismatch is named precisely, for the operations it breaks only.
func TestCheckNamesWhatIsMissing(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, op, want string
		unaffected               []string
	}{
		{"mutation removed", "  moveAppsAndServices(", "  moveAllApps(",
			"moveAppsAndServices", "the server has no field moveAppsAndServices on type Mutation", []string{"apps", "license", "addCoOwners"}},
		{"field renamed", "  orphaned: Boolean!", "  isOrphaned: Boolean!",
			"apps", "the server has no field orphaned on type App", []string{"license", "moveAppsAndServices"}},
		{"argument removed", "apps(page: Int, name: String, allApps: Boolean, after: String)", "apps(page: Int, name: String, after: String)",
			"apps", "the server's apps has no argument allApps", []string{"license", "users"}},
		{"argument of another type", "users(page: Int)", "users(page: String)",
			"users", `the server's schema rejects it: Variable "$page" of type "Int" used in position expecting type "String"`, []string{"apps"}},
		{"enum value missing", "  unauthenticated\n", "",
			"apps", "the server's enum PermissionLevel (apps.apps.metadata.permissionLevel) has no value unauthenticated", []string{"license"}},
		{"enum value unknown", "  unauthenticated\n", "  unauthenticated\n  public\n",
			"apps", "the server's enum PermissionLevel (apps.apps.metadata.permissionLevel) has a value public the provider does not know", []string{"license"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(Schema, tc.from) {
				t.Fatalf("the contract has no %q", tc.from)
			}
			comp, err := CheckSDL(strings.Replace(Schema, tc.from, tc.to, 1))
			if err != nil || !comp.Checked {
				t.Fatalf("%+v %v", comp, err)
			}
			if got := comp.Problems[tc.op]; !slices.Contains(got, tc.want) {
				t.Fatalf("%s: problems %q, want %q among them", tc.op, got, tc.want)
			}
			for _, op := range tc.unaffected {
				if p := comp.Problems[op]; len(p) > 0 {
					t.Errorf("%s is not affected, but the check says %q", op, p)
				}
			}
		})
	}
}

// The error of an operation the server lacks names it, what is missing, and
// which resources cannot work.
func TestIncompatibleErrorNamesTheResources(t *testing.T) {
	err := &IncompatibleError{Endpoint: "https://dash.example.com/Manager/graphql", Operation: "moveAppsAndServices",
		Problems: []string{"the server has no field moveAppsAndServices on type Mutation"}}
	for _, want := range []string{"moveAppsAndServices", "the server has no field moveAppsAndServices on type Mutation", "dashenterprise_app_transfer", "dashenterprise_platform"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}
