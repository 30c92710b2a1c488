package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
)

const accessAddr = "dashenterprise_app_access.app"

// accessConfig is one dashenterprise_app_access of app.
func accessConfig(app, level string, users, groups []string, portal bool) string {
	q := func(s []string) string {
		out := make([]string, len(s))
		for i, x := range s {
			out[i] = strconv.Quote(x)
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprintf(`provider "dashenterprise" {}

resource "dashenterprise_app_access" "app" {
  app            = %q
  viewer_access  = %q
  viewer_users   = [%s]
  viewer_groups  = [%s]
  portal_visible = %t
}
`, app, level, q(users), q(groups), portal)
}

// accessFixture is an app with an owner, a listed viewer, a member of
// /Engineering, a member of its child group /Engineering/Platform only, and
// an outsider, every one but the child's member logged in once.
type accessFixture struct {
	app, owner, viewer, member, child, outsider string
}

func newAccessFixture(t *testing.T, prefix string) accessFixture {
	t.Helper()
	f := accessFixture{app: acctest.RandomName(prefix + "app")}
	f.owner, _ = acctest.LoggedInUser(t, prefix+"own", acctest.UserOptions{Roles: []string{"licensed_user"}})
	f.viewer, _ = acctest.LoggedInUser(t, prefix+"view", acctest.UserOptions{})
	f.member, _ = acctest.LoggedInUser(t, prefix+"mem", acctest.UserOptions{Groups: []string{"/Engineering"}})
	// Not logged in: the platform must not learn /Engineering/Platform, which
	// another test needs unknown; the oracle reads Keycloak directly.
	f.child, _ = acctest.CreateUser(t, prefix+"child", acctest.UserOptions{Groups: []string{"/Engineering/Platform"}})
	f.outsider, _ = acctest.LoggedInUser(t, prefix+"out", acctest.UserOptions{})
	acctest.CreateApp(t, f.owner, f.app)
	return f
}

// wantViewers checks, with the emulator's own oracle, who may open the app.
func (f accessFixture) wantViewers(t *testing.T, want map[string]bool) {
	t.Helper()
	for user, ok := range want {
		if got := acctest.CanView(t, f.app, user); got != ok {
			t.Errorf("can %s view %s? %v, want %v", user, f.app, got, ok)
		}
	}
}

// checkEffectiveViewers reads the app's effective viewers from the apps data
// source and checks each against the emulator's oracle, and the fixture's
// users left out of it too.
func (f accessFixture) checkEffectiveViewers(t *testing.T) {
	t.Helper()
	ws := acctest.NewWorkspace(t)
	ws.Write(fmt.Sprintf(`provider "dashenterprise" {}

data "dashenterprise_apps" "a" {
  owner                  = %q
  with_effective_viewers = true
}

output "access" { value = data.dashenterprise_apps.a.apps[0].viewer_access }
output "effective" { value = data.dashenterprise_apps.a.apps[0].effective_viewers }
`, f.owner))
	res := ws.MustApply()
	var effective []string
	if err := json.Unmarshal(res.Outputs["effective"], &effective); err != nil || string(res.Outputs["access"]) != `"restricted"` {
		t.Fatalf("effective_viewers %s (%v), access %s", res.Outputs["effective"], err, res.Outputs["access"])
	}
	for _, u := range effective {
		if !acctest.CanView(t, f.app, u) {
			t.Errorf("effective_viewers lists %s, whom the emulator does not let view %s", u, f.app)
		}
	}
	for _, u := range []string{f.owner, f.viewer, f.member, f.child, f.outsider} {
		if slices.Contains(effective, u) != acctest.CanView(t, f.app, u) {
			t.Errorf("%s: in effective_viewers %v, can view %v", u, slices.Contains(effective, u), acctest.CanView(t, f.app, u))
		}
	}
}

// Restricted: the listed user and the direct members of the listed group see
// the app; the child group's member and the outsider do not, and the plan
// says the child group does not inherit. A viewer added by hand shows up as a
// removal; import by app name plans clean.
func TestAccAppAccess_restricted(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "ar")
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer}, []string{"Engineering"}, true))
	res := ws.Plan()
	if len(res.Find("warning", "Child groups of /Engineering do not inherit viewer access to "+f.app, "/Engineering/Platform")) != 1 {
		t.Errorf("want the child-group warning: %v", res.Diagnostics)
	}
	ws.MustApply()
	st := acctest.FetchApp(t, f.app).Settings
	if st.ViewerAccess != "restricted" || !slices.Equal(st.Viewers, []string{f.viewer}) || !slices.Equal(st.ViewerGroups, []string{"Engineering"}) || !st.PortalVisible {
		t.Fatalf("settings after apply: %+v", st)
	}
	f.wantViewers(t, map[string]bool{f.owner: true, f.viewer: true, f.member: true, f.child: false, f.outsider: false})
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply (group spelled without slash): %v", res.Changes)
	}
	f.checkEffectiveViewers(t)

	imp := acctest.NewWorkspace(t)
	imp.Write(accessConfig(f.app, "restricted", []string{f.viewer}, []string{"/Engineering"}, true))
	if out, err := imp.Run("import", "-input=false", "-lock=false", accessAddr, f.app); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if res := imp.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after import: %v", res.Changes)
	}

	acctest.EmulatorEditAccess(t, f.app, func(s *emulator.Settings) { s.Viewers = append(s.Viewers, f.outsider) })
	if res := ws.Plan(); res.Changes[accessAddr] != "update" {
		t.Fatalf("a viewer added by hand must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	f.wantViewers(t, map[string]bool{f.outsider: false, f.viewer: true})
}

// Narrowing names who loses access and leaves out who keeps it another way;
// the apply removes exactly them.
func TestAccAppAccess_narrowingNamesWhoLosesAccess(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "an")
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer}, []string{"/Engineering"}, false))
	ws.MustApply()
	// The group goes; the member is listed by name, so only the other members lose access.
	other, _ := acctest.LoggedInUser(t, "anoth", acctest.UserOptions{Groups: []string{"/Engineering"}})
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer, f.member}, nil, false))
	res := ws.Plan()
	lost := res.Find("warning", "lose", "access to "+f.app)
	if len(lost) != 1 || !strings.Contains(lost[0].Detail, other+" (member of /Engineering)") || strings.Contains(lost[0].Detail, f.member) ||
		strings.Contains(lost[0].Detail, f.viewer) || strings.Contains(lost[0].Detail, f.owner) {
		t.Fatalf("want %s named, and not %s, %s or %s: %v", other, f.member, f.viewer, f.owner, res.Diagnostics)
	}
	ws.MustApply()
	f.wantViewers(t, map[string]bool{other: false, f.member: true, f.viewer: true})
}

// Unauthenticated warns in words; a server on which it is disabled refuses
// before anything changed; authenticated to restricted counts the realm's
// users who lose access, which the oracle confirms one by one.
func TestAccAppAccess_levels(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "al")
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "unauthenticated", nil, nil, true))
	res := ws.Plan()
	if len(res.Find("warning", f.app+" becomes reachable without login")) != 1 {
		t.Fatalf("want the unauthenticated warning: %v", res.Diagnostics)
	}
	acctest.DisableUnauthenticated(t)
	res = ws.Apply()
	if len(res.Find("error", "Unauthenticated viewer access is disabled on this server", "Nothing was changed")) != 1 {
		t.Fatalf("want the disabled-level error: %v", res.Diagnostics)
	}
	if st := acctest.FetchApp(t, f.app).Settings; st.ViewerAccess != "restricted" || st.PortalVisible {
		t.Fatalf("a refused apply changed the app: %+v", st)
	}

	ws.Write(accessConfig(f.app, "authenticated", nil, nil, true))
	ws.MustApply()
	f.wantViewers(t, map[string]bool{f.outsider: true, f.child: true})
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer}, nil, true))
	res = ws.Plan()
	lost := res.Find("warning", "users lose access to "+f.app)
	if len(lost) != 1 {
		t.Fatalf("want the count of users who lose access: %v", res.Diagnostics)
	}
	n, _ := strconv.Atoi(regexp.MustCompile(`^(\d+) users`).FindStringSubmatch(lost[0].Summary)[1])
	ws.MustApply()
	losers := 0
	realm, err := acctest.ListUsernames("")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range realm {
		if !acctest.CanView(t, f.app, u) {
			losers++
		}
	}
	if n != losers {
		t.Fatalf("the plan said %d users lose access; the emulator says %d of the realm's users cannot view %s now", n, losers, f.app)
	}
}

// A change made in the App Manager after the plan: the apply refuses, naming
// it, and changes nothing.
func TestAccAppAccess_changedSinceThePlanIsRefused(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "ac")
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer}, nil, false))
	ws.MustApply()
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer, f.member}, nil, false))
	ws.Plan("-out=add.tfplan")
	acctest.EmulatorEditAccess(t, f.app, func(s *emulator.Settings) { s.ViewerAccess = "authenticated" })
	res := ws.Apply("add.tfplan")
	if len(res.Find("error", "viewer_access = authenticated was set on "+f.app+" outside Terraform")) != 1 ||
		len(res.Find("error", "The viewer access of "+f.app+" was not changed")) != 1 {
		t.Fatalf("want a refusal naming the level set by hand: %v", res.Diagnostics)
	}
	if st := acctest.FetchApp(t, f.app).Settings; slices.Contains(st.Viewers, f.member) || st.ViewerAccess != "authenticated" {
		t.Fatalf("the refused apply changed the app: %+v", st)
	}
}

// Destroying the resource leaves the app's settings as they are, and says so
// at plan and at apply.
func TestAccAppAccess_destroyChangesNothing(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "ad")
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "restricted", []string{f.viewer}, []string{"/Engineering"}, true))
	ws.MustApply()
	before := acctest.FetchApp(t, f.app).Settings
	res := ws.Destroy()
	if res.Err != nil || len(res.Find("warning", "The viewer access of "+f.app+" is left as it is", "nothing is reset")) == 0 {
		t.Fatalf("want the warning and a successful destroy: %v %v", res.Err, res.Diagnostics)
	}
	after := acctest.FetchApp(t, f.app).Settings
	if after.ViewerAccess != before.ViewerAccess || !slices.Equal(after.Viewers, before.Viewers) || !slices.Equal(after.ViewerGroups, before.ViewerGroups) || !after.PortalVisible {
		t.Fatalf("destroy changed the app: before %+v after %+v", before, after)
	}
}

// A viewer who does not exist, and one who never logged in: warnings at plan
// naming them; the apply fails naming the one the platform does not know, and
// changes nothing.
func TestAccAppAccess_unknownViewers(t *testing.T) {
	acctest.PreCheck(t)
	f := newAccessFixture(t, "au")
	never, _ := acctest.CreateUser(t, "aunever", acctest.UserOptions{})
	ghost := acctest.RandomName("ghost")
	quiet, _ := acctest.BulkGroup(t, "acc-quiet", 0) // no member ever logged in
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(f.app, "restricted", []string{never, ghost}, []string{quiet}, false))
	res := ws.Plan()
	if len(res.Find("warning", never+" has not logged in to Dash Enterprise yet")) != 1 || len(res.Find("warning", fmt.Sprintf("User %q does not exist yet", ghost))) != 1 ||
		len(res.Find("warning", "Group "+quiet+" is not known to Dash Enterprise yet")) != 1 {
		t.Fatalf("want warnings naming %s, %s and %s: %v", never, ghost, quiet, res.Diagnostics)
	}
	// With a level change and a removal in the same apply: refused before any of them.
	ws.Write(accessConfig(f.app, "authenticated", []string{never, ghost}, []string{quiet}, true))
	res = ws.Apply()
	if len(res.Find("error", "Cannot add viewers to "+f.app, never, ghost, quiet, "Nothing was changed")) != 1 {
		t.Fatalf("want the apply to fail naming both unknown viewers: %v", res.Diagnostics)
	}
	if st := acctest.FetchApp(t, f.app).Settings; len(st.Viewers) != 0 || st.ViewerAccess != "restricted" || st.PortalVisible {
		t.Fatalf("a refused apply changed the app: %+v", st)
	}
}
