package provider_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// The offboarding guide's two steps, applied as written.
func TestAccExample_offboardingGuide(t *testing.T) {
	acctest.PreCheck(t)
	leaver, leaverID := acctest.LoggedInUser(t, "leaver", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "heir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	apps := []string{acctest.RandomName("ob1"), acctest.RandomName("ob2")}
	for _, a := range apps {
		acctest.CreateApp(t, leaver, a)
	}
	vars := map[string]any{"leaver": leaver, "heir": heir}
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()

	ws.CopyExample("examples/guides/offboarding/1-transfer", vars)
	ws.MustApply()
	for _, a := range apps {
		if o := acctest.AppOwner(t, a); o != heir {
			t.Fatalf("%s owned by %s after step 1", a, o)
		}
	}

	ws.CopyExample("examples/guides/offboarding/2-revoke", vars)
	res := ws.Plan()
	if len(res.Find("warning", "orphaned")) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("step 2 plan should be clean of orphan warnings: %v", res.Diagnostics)
	}
	if res.Changes["dashenterprise_license_seat.leaver"] != "delete" {
		t.Fatalf("step 2 should revoke the leaver's seat: %v", res.Changes)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, leaverID)["licensed_user"] {
		t.Fatal("leaver still holds the seat after step 2")
	}
}

// Step 2 applied without step 1 is refused by orphan_protection = "error".
func TestAccExample_offboardingGuideOutOfOrder(t *testing.T) {
	acctest.PreCheck(t)
	leaver, leaverID := acctest.LoggedInUser(t, "early", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ := acctest.LoggedInUser(t, "heir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("oo1")
	acctest.CreateApp(t, leaver, app)
	ws := acctest.NewWorkspace(t)
	ws.Write(seatsConfig("error", leaver))
	ws.MustApply()
	// Jump to step 2 with a state that still holds the seat and no transfer yet: the
	// transfer and the revocation land in one apply; nothing may be orphaned.
	ws.CopyExample("examples/guides/offboarding/2-revoke", map[string]any{"leaver": leaver, "heir": heir})
	_ = ws.Apply("-parallelism=1")
	if o := acctest.AppOwner(t, app); o == leaver && !acctest.DirectRoles(t, leaverID)["licensed_user"] {
		t.Fatalf("%s orphaned", app)
	}
}

// The organisation example (seats from a CSV, group co-owners, an offboarding),
// applied against an emulator seeded with the demo fixture and the realm's users.
func TestAccExample_organisation(t *testing.T) {
	acctest.PreCheck(t)
	url := acctest.FixtureEmulator(t, "testdata/emulator/demo-fixture.json")
	team := []string{"alice", "bob", "carol", "erin", "grace", "henry", "kevin"}
	ids := map[string]string{}
	before := map[string]bool{}
	for _, u := range team {
		ids[u] = acctest.UserID(t, u)
		before[u] = acctest.DirectRoles(t, ids[u])["licensed_user"]
	}
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_URL="+url)
	ws.CopyExample("examples/organisation", nil)
	t.Cleanup(func() {
		// Leave the realm's fixture users as they were (a destroy would revoke their seats).
		ws.ForgetAll()
		for _, u := range team {
			if !before[u] {
				acctest.RevokeRole(t, ids[u], "licensed_user")
			}
		}
	})
	res := ws.MustApply()
	var moved []string
	if err := json.Unmarshal(res.Outputs["apps_moved_from_henry"], &moved); err != nil || strings.Join(moved, ",") != "demand-planning,weekly-forecast-report" {
		t.Fatalf("apps moved from henry: %s (%v)", res.Outputs["apps_moved_from_henry"], err)
	}
	for _, u := range team {
		if !acctest.DirectRoles(t, ids[u])["licensed_user"] {
			t.Errorf("%s has no direct seat", u)
		}
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after applying the organisation: %v", res.Changes)
	}
	// Removing grace from the CSV without a transfer: the strict plan fails naming her apps.
	if err := os.WriteFile(filepath.Join(ws.Dir, "team.csv"), []byte("username,team\nalice,Data Science\nbob,Data Science\ncarol,Engineering\nerin,Engineering\nhenry,Data Science\nkevin,Engineering\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = ws.Plan()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of grace would orphan defect-explorer, vision-qa")) != 1 {
		t.Fatalf("want the strict plan to fail naming grace's apps: %v", res.Diagnostics)
	}
}

// The license example's check block warns during the last 30 days, naming the
// days left, and says nothing before.
func TestAccExample_licenseExpiryCheck(t *testing.T) {
	acctest.PreCheck(t)
	before := acctest.Emulator.State().LicenseExpiresAt
	t.Cleanup(func() { acctest.Emulator.SetLicenseExpiry(before) })
	ws := acctest.NewWorkspace(t)
	ws.CopyExample("examples/data-sources/dashenterprise_license", nil)

	acctest.Emulator.SetLicenseExpiry(time.Now().Add(10*24*time.Hour + time.Hour).UTC().Format(time.RFC3339))
	res := ws.Plan()
	if len(res.Find("warning", "The Dash Enterprise license expires in 10 day(s)")) != 1 {
		t.Fatalf("want the expiry warning 10 days ahead: %v", res.Diagnostics)
	}
	acctest.Emulator.SetLicenseExpiry(time.Now().Add(90 * 24 * time.Hour).UTC().Format(time.RFC3339))
	if res := ws.Plan(); len(res.Find("warning", "license expires in")) != 0 {
		t.Fatalf("no warning 90 days ahead: %v", res.Diagnostics)
	}
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
