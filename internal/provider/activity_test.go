package provider_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

type activityUser struct {
	Username       string  `json:"username"`
	LastLogin      *string `json:"last_login"`
	LastActivity   *string `json:"last_activity"`
	ActivitySource *string `json:"activity_source"`
}

func rfc(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }

// Activity comes from Keycloak's stored LOGIN events and live sessions; the
// expected values are read from Keycloak's own admin API, not computed by the
// provider's code.
func TestAccUsersDataSource_activity(t *testing.T) {
	acctest.PreCheck(t)
	tag := acctest.RandomName("act")
	active, activeID := tag+"-a-active", ""
	never := tag + "-b-never"
	activeID = acctest.CreateNamedUser(t, active, acctest.UserOptions{Password: "pw-" + active})
	acctest.CreateNamedUser(t, never, acctest.UserOptions{})
	acctest.LogIn(t, active) // a password grant: a LOGIN event and a session
	time.Sleep(3 * time.Second)
	lastLogin, lastAccess := acctest.LoginActivity(t, activeID)
	if lastLogin.IsZero() || lastAccess.IsZero() {
		t.Fatalf("Keycloak recorded no LOGIN event (%v) or session (%v) for %s: is the realm storing events?", lastLogin, lastAccess, active)
	}
	wantSource, wantLast := "event", lastLogin
	if lastAccess.After(lastLogin) {
		wantSource, wantLast = "session", lastAccess
	}
	horizon := acctest.OldestLoginEvent(t)

	w := acctest.NewWorkspace(t)
	w.Write(fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_users" "all" {
  search = %[1]q
}

# Both users have been inactive for 2 s: the active one by their last login,
# the other because the stored events reach back further and the account is older.
data "dashenterprise_users" "idle_2s" {
  search       = %[1]q
  inactive_for = "2s"
}

# The realm's events reach back minutes, not 90 days: no data is not idleness.
data "dashenterprise_users" "idle_90d" {
  search       = %[1]q
  inactive_for = "90d"
}

output "all"     { value = data.dashenterprise_users.all.users }
output "horizon" { value = data.dashenterprise_users.all.activity_horizon }
output "idle_2s" { value = data.dashenterprise_users.idle_2s.users[*].username }
output "idle_90d" { value = data.dashenterprise_users.idle_90d.users[*].username }
`, tag))
	res := w.MustApply()
	out := res.Outputs

	var all []activityUser
	if err := json.Unmarshal(out["all"], &all); err != nil || len(all) != 2 {
		t.Fatalf("users: %v %s", err, out["all"])
	}
	a, b := all[0], all[1]
	if a.LastLogin == nil || *a.LastLogin != rfc(lastLogin) || *a.LastActivity != rfc(wantLast) || *a.ActivitySource != wantSource {
		t.Errorf("%s: last_login %v, last_activity %v, source %v; Keycloak says login %s, last %s (%s)",
			active, deref(a.LastLogin), deref(a.LastActivity), deref(a.ActivitySource), rfc(lastLogin), rfc(wantLast), wantSource)
	}
	if b.LastLogin != nil || b.LastActivity != nil || b.ActivitySource == nil || *b.ActivitySource != "none" {
		t.Errorf("%s never logged in: last_login %v, last_activity %v, source %v", never, deref(b.LastLogin), deref(b.LastActivity), deref(b.ActivitySource))
	}
	var gotHorizon string
	_ = json.Unmarshal(out["horizon"], &gotHorizon)
	if gotHorizon != rfc(horizon) {
		t.Errorf("activity_horizon %q, Keycloak's oldest stored LOGIN event %s", gotHorizon, rfc(horizon))
	}
	var idle2, idle90 []string
	_ = json.Unmarshal(out["idle_2s"], &idle2)
	_ = json.Unmarshal(out["idle_90d"], &idle90)
	if !slices.Equal(idle2, []string{active, never}) {
		t.Errorf("inactive_for = 2s: %v, want both users", idle2)
	}
	if len(idle90) != 0 {
		t.Errorf("inactive_for = 90d with events reaching back minutes: %v, want nobody", idle90)
	}
	if len(res.Find("warning", "Activity history shorter than inactive_for", "inactive_for is 90d", rfc(horizon))) != 1 {
		t.Errorf("want one warning that the history (%s) is shorter than 90d, got %v", rfc(horizon), res.Warnings())
	}

	// A realm that stores no LOGIN events: a warning that says how to enable them.
	acctest.StoreLoginEvents(t, false)
	res = w.Plan()
	if len(res.Find("warning", "The realm stores no LOGIN events", "User events settings", "keycloak_realm_events")) != 1 {
		t.Errorf("want the warning on how to enable LOGIN events, got %v", res.Warnings())
	}

	// A malformed window is an error on the attribute.
	w.Write(fmt.Sprintf(`
provider "dashenterprise" {}

data "dashenterprise_users" "bad" {
  search       = %q
  inactive_for = "ninety days"
}
`, tag))
	if res := w.Plan(); len(res.Find("error", "Invalid inactive_for", `"90d"`)) != 1 {
		t.Errorf("want an error for the malformed window, got %v", res.Errors())
	}
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

// The reclaim-idle-seats guide as written: seats of direct holders idle for the
// window who own no app go; an idle owner keeps the seat and is listed with the
// app; an active user and a seat through a group stay. Every revocation is
// checked against Keycloak's own records and the emulator's state.
func TestAccExample_reclaimIdleSeats(t *testing.T) {
	acctest.PreCheck(t)
	const window = 15 * time.Second
	seat := acctest.UserOptions{Roles: []string{"licensed_user"}}
	owner, _ := acctest.LoggedInUser(t, "reclaim-owner", seat)
	app := acctest.RandomName("reclaimapp")
	acctest.CreateApp(t, owner, app)
	idle, _ := acctest.CreateUser(t, "reclaim-idle", seat)
	viaGroup, viaGroupID := acctest.CreateUser(t, "reclaim-group", acctest.UserOptions{Groups: []string{"/Licensed Developers"}})
	active := acctest.RandomName("reclaim-active")
	activeID := acctest.CreateNamedUser(t, active, acctest.UserOptions{Roles: []string{"licensed_user"}, Password: "pw-" + active})
	time.Sleep(window + time.Second)
	acctest.LogIn(t, active)
	start := time.Now()

	before := acctest.DirectSeatHolders(t)
	ws := acctest.NewWorkspace(t)
	ws.CopyExample("examples/guides/reclaim-idle-seats", map[string]any{"idle_window": "15s"})
	t.Cleanup(func() {
		// Give back every seat the example reclaimed (the realm's fixture users
		// are among them) and leave the set's state behind, not the seats.
		ws.ForgetAll()
		after := acctest.DirectSeatHolders(t)
		for _, u := range before {
			if !slices.Contains(after, u) {
				acctest.GrantRole(t, acctest.UserID(t, u), "licensed_user")
			}
		}
	})
	res := ws.MustApply()
	after := acctest.DirectSeatHolders(t)

	slices.Sort(before)
	var revoked []string
	for _, u := range before {
		if !slices.Contains(after, u) {
			revoked = append(revoked, u)
		}
	}
	if !slices.Contains(revoked, idle) {
		t.Errorf("%s (direct seat, never logged in, no app) kept the seat; revoked: %v", idle, revoked)
	}
	for _, kept := range []string{owner, active} {
		if slices.Contains(revoked, kept) {
			t.Errorf("%s lost the seat", kept)
		}
	}
	if !acctest.HoldsSeat(t, viaGroupID) {
		t.Errorf("%s lost the seat held through /Licensed Developers", viaGroup)
	}
	if !acctest.HoldsSeat(t, activeID) {
		t.Errorf("%s (logged in just before the apply) lost the seat", active)
	}
	// Independent eyes on every revocation: no app in the emulator's state, and
	// no activity in Keycloak's own records within the window before the apply.
	owned := map[string][]string{}
	for _, a := range acctest.Emulator.State().Apps {
		owned[a.Owner] = append(owned[a.Owner], a.Name)
	}
	for _, u := range revoked {
		if len(owned[u]) > 0 {
			t.Errorf("%s lost the seat but owns %v", u, owned[u])
		}
		login, access := acctest.LoginActivity(t, acctest.UserID(t, u))
		if login.After(start.Add(-window)) || access.After(start.Add(-window)) {
			t.Errorf("%s lost the seat but was active within the window (login %s, session %s)", u, login, access)
		}
	}
	var reclaimed []string
	var idleOwners map[string][]string
	_ = json.Unmarshal(res.Outputs["reclaimed"], &reclaimed)
	_ = json.Unmarshal(res.Outputs["idle_owners"], &idleOwners)
	slices.Sort(reclaimed)
	if !slices.Equal(reclaimed, revoked) {
		t.Errorf("output reclaimed %v, but Keycloak shows %v revoked", reclaimed, revoked)
	}
	if !slices.Contains(idleOwners[owner], app) {
		t.Errorf("idle_owners %v does not list %s with %s", idleOwners, owner, app)
	}
	if len(res.Find("warning", "Idle for 15s but still owning apps", owner, app)) != 1 {
		t.Errorf("want the idle_owners check to warn naming %s and %s, got %v", owner, app, res.Warnings())
	}

	// The same configuration offboards the idle owner to the active user: the
	// app moves, then the owner's seat goes (the set waits for the offboarding)
	// and the account is disabled; the heir keeps the seat although idle by now.
	ws.CopyExample("examples/guides/reclaim-idle-seats", map[string]any{"idle_window": "15s",
		"offboard": map[string]any{owner: map[string]any{"to": active, "user_action": "disable"}}})
	res = ws.MustApply()
	if got := acctest.AppOwner(t, app); got != active {
		t.Errorf("%s owned by %s after the offboarding, want %s", app, got, active)
	}
	ownerID := acctest.UserID(t, owner)
	if acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Errorf("%s still holds a direct seat after the offboarding", owner)
	}
	if _, enabled := userEnabled(t, ownerID); enabled {
		t.Errorf("%s is still enabled", owner)
	}
	if !acctest.HoldsSeat(t, activeID) {
		t.Errorf("the heir %s lost the seat", active)
	}
	idleOwners = nil
	_ = json.Unmarshal(res.Outputs["idle_owners"], &idleOwners)
	if _, listed := idleOwners[owner]; listed {
		t.Errorf("idle_owners still lists the offboarded %s: %v", owner, idleOwners)
	}
}
