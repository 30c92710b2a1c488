package provider_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

func TestAccLicenseSeats_authoritative(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID := acctest.LoggedInUser(t, "aown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	added, addedID := acctest.CreateUser(t, "aadd", acctest.UserOptions{})
	byHand, byHandID := acctest.CreateUser(t, "ahand", acctest.UserOptions{})
	app := acctest.RandomName("aapp")
	acctest.CreateApp(t, owner, app)
	const addr = "dashenterprise_license_seats.all"
	everyone := union(acctest.DirectSeatHolders(t), added)

	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("error", everyone))
	ws.MustApply()
	if !acctest.DirectRoles(t, addedID)["licensed_user"] {
		t.Fatalf("%s not granted", added)
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply: %v", res.Changes)
	}

	// Import into a fresh state: the plan is empty.
	imp := acctest.NewWorkspace(t)
	imp.Write(seatsSetConfig("error", everyone))
	if out, err := imp.Run("import", "-input=false", "-lock=false", addr, "licensed_user"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	forget(t, imp, addr)
	if res := imp.Plan(); len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("plan after import: %v %v", res.Changes, res.Errors())
	}

	// A seat granted by hand shows up as a removal, and apply removes it.
	acctest.GrantRole(t, byHandID, "licensed_user")
	res := ws.Plan()
	if res.Changes[addr] != "update" {
		t.Fatalf("a hand-made grant must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, byHandID)["licensed_user"] {
		t.Fatalf("the hand-made seat of %s survived the apply", byHand)
	}

	// A seat removed by hand is restored.
	acctest.RevokeRole(t, addedID, "licensed_user")
	if res := ws.Plan(); res.Changes[addr] != "update" {
		t.Fatalf("an out-of-band removal must show in the plan: %v", res.Changes)
	}
	ws.MustApply()
	if !acctest.DirectRoles(t, addedID)["licensed_user"] {
		t.Fatalf("%s not restored", added)
	}

	// Dropping an app owner with orphan_protection = "error": the plan fails naming
	// the user and the app, and nothing changes (byHand would have been granted too).
	ws.Write(seatsSetConfig("error", union(without(everyone, owner), byHand)))
	res = ws.Plan()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan "+app)) != 1 {
		t.Fatalf("want the plan to fail naming %s: %v", app, res.Diagnostics)
	}
	res = ws.Apply()
	if res.Err == nil || len(res.Find("error", "Revoking the seat of "+owner+" would orphan "+app)) != 1 {
		t.Fatalf("want a refusal that changes nothing: %v", res.Diagnostics)
	}
	if !acctest.DirectRoles(t, ownerID)["licensed_user"] || acctest.DirectRoles(t, byHandID)["licensed_user"] {
		t.Fatal("a refused apply changed seats")
	}
	// In warn mode the plan warns, naming the app.
	ws.Write(seatsSetConfig("warn", union(without(everyone, owner), byHand)))
	if res := ws.Plan(); len(res.Find("warning", "Revoking the seat of "+owner, app+" (owner)")) != 1 || len(res.Errors()) > 0 {
		t.Fatalf("want the orphan warning naming %s: %v", app, res.Diagnostics)
	}

	// Capacity is checked exactly against the whole planned set.
	acctest.SetSeatsPurchased(t, len(everyone)-1)
	ws.Write(seatsSetConfig("error", everyone))
	if res := ws.Plan(); len(res.Find("warning", "License seats exceeded")) != 1 {
		t.Fatalf("want the capacity warning: %v", res.Diagnostics)
	}
}

// One username known only after apply: every known member stays, so the plan
// revokes nobody (strict mode passes) and the apply grants the newcomer; when
// the unknown element could be any of the members dropped, the plan says it
// cannot tell and strict mode fails it, naming them.
func TestAccLicenseSeats_usernameKnownOnlyAfterApply(t *testing.T) {
	acctest.PreCheck(t)
	owner, ownerID := acctest.LoggedInUser(t, "ukown", acctest.UserOptions{Roles: []string{"licensed_user"}})
	acctest.CreateApp(t, owner, acctest.RandomName("ukapp"))
	newcomer, newcomerID := acctest.CreateUser(t, "uknew", acctest.UserOptions{})
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)
	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("error", everyone))
	ws.MustApply()

	ws.Write(seatsSetWithUnknown("error", everyone, "newcomer", newcomer))
	res := ws.Plan()
	if len(res.Errors()) > 0 {
		t.Fatalf("strict plan with every holder known and one newcomer unknown: %v", res.Errors())
	}
	if w := res.Find("warning", owner); len(w) > 0 {
		t.Errorf("the plan warns about %s, who stays: %v", owner, w)
	}
	if res := ws.Apply(); len(res.Errors()) > 0 {
		t.Fatalf("apply: %v", res.Errors())
	}
	if !acctest.DirectRoles(t, newcomerID)["licensed_user"] || !acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatalf("want %s granted and %s kept", newcomer, owner)
	}

	// The owner is left out of the known members and one more username is unknown.
	ws.Write(seatsSetWithUnknown("error", without(union(everyone, newcomer), owner), "later", newcomer))
	res = ws.Plan()
	if len(res.Find("error", "cannot tell whether", owner)) != 1 {
		t.Fatalf("want the strict plan to fail, saying it cannot tell whether %s keeps the seat: %v", owner, res.Diagnostics)
	}
	if !acctest.DirectRoles(t, ownerID)["licensed_user"] {
		t.Fatal("a failed plan revoked a seat")
	}
}

func TestAccLicenseSeats_savedPlanRefusesChangesSincePlan(t *testing.T) {
	acctest.PreCheck(t)
	carol, carolID := acctest.CreateUser(t, "fcarol", acctest.UserOptions{})
	dave, daveID := acctest.CreateUser(t, "fdave", acctest.UserOptions{})
	erin, erinID := acctest.CreateUser(t, "ferin", acctest.UserOptions{})
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)

	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("warn", everyone))
	ws.MustApply()

	// The plan shows + carol; dave is granted a seat directly in Keycloak after it.
	ws.Write(seatsSetConfig("warn", union(everyone, carol)))
	if res := ws.Plan("-out=add-carol.tfplan"); res.Changes[addr] != "update" || len(res.Errors()) > 0 {
		t.Fatalf("plan adding %s: %v %v", carol, res.Changes, res.Diagnostics)
	}
	helpdesk := acctest.DashAdmin(t) // a second administrator of the realm: the refusal names them (Keycloak's admin events)
	helpdesk.GrantRole(t, daveID, "licensed_user")
	res := ws.Apply("add-carol.tfplan")
	if len(res.Find("error", "Changed since the plan: "+dave, dave+" was granted a license seat outside Terraform", "run terraform plan again",
		"Keycloak recorded: a seat granted directly to "+dave+", by "+helpdesk.Username+" (realm dash) through admin-cli")) != 1 ||
		len(res.Find("error", "No seat was changed")) != 1 {
		t.Fatalf("want a refusal naming %s and who granted the seat: %v\n%s", dave, res.Diagnostics, res.Log)
	}
	if acctest.DirectRoles(t, carolID)["licensed_user"] || !acctest.DirectRoles(t, daveID)["licensed_user"] {
		t.Fatalf("the refused apply changed seats: %s granted=%v, %s kept=%v", carol, acctest.DirectRoles(t, carolID)["licensed_user"],
			dave, acctest.DirectRoles(t, daveID)["licensed_user"])
	}

	// A fresh plan shows - dave (and still + carol); applied as saved, it does exactly that.
	ws.Plan("-out=fresh.tfplan")
	ch := ws.ShowPlan("fresh.tfplan")[addr]
	before, after := acctest.Strings(ch.Before, "usernames"), acctest.Strings(ch.After, "usernames")
	if !slices.Contains(before, dave) || slices.Contains(after, dave) || !slices.Contains(after, carol) {
		t.Fatalf("the fresh plan must show - %s and + %s: before %v, after %v", dave, carol, before, after)
	}
	ws.MustApply("fresh.tfplan")
	if !acctest.DirectRoles(t, carolID)["licensed_user"] || acctest.DirectRoles(t, daveID)["licensed_user"] {
		t.Fatalf("the fresh plan was not applied as shown")
	}
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply must be empty (observed_digest is reset by refresh): %v", res.Changes)
	}

	// The plan keeps carol and adds erin; carol's seat is revoked (an offboarding) after it:
	// refused, carol is not granted back silently and erin is not granted.
	ws.Write(seatsSetConfig("warn", union(everyone, carol, erin)))
	ws.Plan("-out=add-erin.tfplan")
	acctest.RevokeRole(t, carolID, "licensed_user")
	res = ws.Apply("add-erin.tfplan")
	if len(res.Find("error", "Changed since the plan: "+carol, "the license seat of "+carol+" was revoked outside Terraform")) != 1 {
		t.Fatalf("want a refusal naming %s: %v", carol, res.Diagnostics)
	}
	if acctest.DirectRoles(t, carolID)["licensed_user"] || acctest.DirectRoles(t, erinID)["licensed_user"] {
		t.Fatal("the refused apply changed seats")
	}
}

func TestAccLicenseSeats_createOverUnlistedSeatsRefuses(t *testing.T) {
	acctest.PreCheck(t)
	frank, frankID := acctest.CreateUser(t, "ffrank", acctest.UserOptions{Roles: []string{"licensed_user"}})
	const addr = "dashenterprise_license_seats.all"
	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)
	ws.Write(seatsSetConfig("warn", without(acctest.DirectSeatHolders(t), frank)))
	res := ws.Plan()
	if len(res.Find("warning", frank+" holds a license seat that this plan does not show", "terraform import")) != 1 {
		t.Fatalf("want a plan warning naming %s: %v", frank, res.Diagnostics)
	}
	res = ws.Apply()
	if len(res.Find("error", "Not in the plan: "+frank, "terraform import dashenterprise_license_seats")) != 1 {
		t.Fatalf("want the create to refuse and point to import: %v", res.Diagnostics)
	}
	if !acctest.DirectRoles(t, frankID)["licensed_user"] {
		t.Fatalf("the refused create revoked the seat of %s", frank)
	}
}

// The authoritative set over 1,000 seats refreshes with one paged listing.
func TestAccLicenseSeats_refresh1000(t *testing.T) {
	acctest.PreCheck(t)
	acctest.BulkUsers(t, acctest.RandomName("k"), 1000, "licensed_user")
	proxy, ws, everyone := importedSeatsSet(t)
	run := countRefresh(t, ws, proxy)
	pages := len(everyone)/keycloak.DefaultPageSize + 1
	// Issue 6's physical limit: one page per 100 direct holders plus 3 lookups
	// (admin token, roles client, role); the target is at most 1.2 times that.
	// The provider reads pages of keycloak.DefaultPageSize, fewer than that.
	seatRequests, limit := run.total-run.platformTokens, len(everyone)/100+1+3
	t.Logf("refresh of %d seats: %d Keycloak requests for the seats (+%d platform token), physical limit %d (%.2f×), %d role-member pages, %d per-user",
		len(everyone), seatRequests, run.platformTokens, limit, float64(seatRequests)/float64(limit), run.roleUserPages, run.perUser)
	if run.perUser != 0 || run.roleUserPages != pages {
		t.Fatalf("want %d pages and no per-user request, got %d pages and %d per-user", pages, run.roleUserPages, run.perUser)
	}
	if float64(seatRequests) > 1.2*float64(limit) {
		t.Errorf("%d requests to refresh the seats, more than 1.2 × the physical limit of %d", seatRequests, limit)
	}
}

// Granting 200 seats in one apply of the authoritative set looks users up
// through one run-scoped listing, not one request per user.
func TestAccLicenseSeats_apply200LooksUsersUpByListing(t *testing.T) {
	acctest.PreCheck(t)
	prefix := acctest.RandomName("g")
	newcomers := acctest.BulkUsers(t, prefix, 200)
	proxy, ws, everyone := importedSeatsSet(t)
	ws.Write(seatsSetConfig("", union(everyone, newcomers...)))
	proxy.ResetCounts()
	ws.MustApply()
	perUser, total := proxy.PerUser.Load(), proxy.Requests.Load()
	t.Logf("apply granting %d seats: %d Keycloak requests, %d per-user (lookups by username and role-mapping writes): %v", len(newcomers), total, perUser, proxy.Paths())
	// 200 role-mapping writes are per-user by nature; the lookups must not be.
	if lookups := perUser - int64(len(newcomers)); lookups > 2*16 {
		t.Errorf("%d per-user lookups for %d new seats; want them served by one listing (at most %d)", lookups, len(newcomers), 2*16)
	}
	for _, u := range newcomers[:3] {
		if !acctest.DirectRoles(t, acctest.UserID(t, u))["licensed_user"] {
			t.Fatalf("%s not granted", u)
		}
	}
	// Revoke them again (so other tests see the realm as before): the plan's
	// orphan check needs each revoked user's groups, and those must come from
	// one listing per group, not one request per user.
	ws.Write(seatsSetConfig("", everyone))
	proxy.ResetCounts()
	ws.MustApply()
	perUser, total = proxy.PerUser.Load(), proxy.Requests.Load()
	t.Logf("apply revoking %d seats: %d Keycloak requests, %d per-user: %v", len(newcomers), total, perUser, proxy.Paths())
	if lookups := perUser - int64(len(newcomers)); lookups > 4*16 {
		t.Errorf("%d per-user requests besides the %d role-mapping deletes; want user and group lookups served by listings (at most %d)", lookups, len(newcomers), 4*16)
	}
	for _, u := range newcomers[:3] {
		if acctest.DirectRoles(t, acctest.UserID(t, u))["licensed_user"] {
			t.Fatalf("%s not revoked", u)
		}
	}
}

// A state written before observed_digest (schema version 0, as `terraform
// import` left it in testdata/state/license_seats_v0.tfstate, written by the
// provider of that time) upgrades by itself: a plan that does not refresh shows
// no change, a saved plan made from the upgraded state still refuses, naming
// him, a seat granted by hand after the plan, and the next apply writes version 1.
func TestAccLicenseSeats_upgradesSchemaVersion0State(t *testing.T) {
	acctest.PreCheck(t)
	carol, carolID := acctest.CreateUser(t, "ugcarol", acctest.UserOptions{})
	dave, daveID := acctest.CreateUser(t, "ugdave", acctest.UserOptions{})
	const addr = "dashenterprise_license_seats.all"
	everyone := acctest.DirectSeatHolders(t)
	ws := acctest.NewWorkspace(t)
	forget(t, ws, addr)

	// The captured state, with the realm's direct holders of now in place of those of the capture.
	var raw map[string]any
	if err := json.Unmarshal(seatsStateV0(t), &raw); err != nil {
		t.Fatal(err)
	}
	inst := raw["resources"].([]any)[0].(map[string]any)["instances"].([]any)[0].(map[string]any)
	if inst["schema_version"].(float64) != 0 {
		t.Fatalf("the captured state is not of schema version 0: %v", inst["schema_version"])
	}
	attrs := inst["attributes"].(map[string]any)
	attrs["usernames"], attrs["observed_usernames"] = everyone, everyone
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws.Dir, "terraform.tfstate"), b, 0o600); err != nil {
		t.Fatal(err)
	}

	ws.Write(seatsSetConfig("warn", everyone))
	if res := ws.Plan("-refresh=false"); len(res.Changes) != 0 || len(res.Errors()) > 0 {
		t.Fatalf("the upgraded state must plan clean without a refresh: %v %v", res.Changes, res.Diagnostics)
	}
	ws.Write(seatsSetConfig("warn", union(everyone, carol)))
	if res := ws.Plan("-refresh=false", "-out=add-carol.tfplan"); res.Changes[addr] != "update" {
		t.Fatalf("plan adding %s from the upgraded state: %v %v", carol, res.Changes, res.Diagnostics)
	}
	acctest.GrantRole(t, daveID, "licensed_user")
	res := ws.Apply("add-carol.tfplan")
	if len(res.Find("error", "Changed since the plan: "+dave, dave+" was granted a license seat outside Terraform")) != 1 {
		t.Fatalf("want the refusal to name %s from the upgraded state's digest: %v", dave, res.Diagnostics)
	}
	if acctest.DirectRoles(t, carolID)["licensed_user"] {
		t.Fatalf("the refused apply granted %s", carol)
	}

	acctest.RevokeRole(t, daveID, "licensed_user")
	ws.MustApply()
	if !acctest.DirectRoles(t, carolID)["licensed_user"] {
		t.Fatalf("%s was not granted", carol)
	}
	got := ws.StateInstances()[addr]
	digest, _ := got.Attributes["observed_digest"].(string)
	if got.SchemaVersion != 1 || !strings.HasPrefix(digest, "sha256:") || got.Attributes["observed_usernames"] != nil {
		t.Fatalf("want schema version 1 with observed_digest and no observed_usernames: version %d, %v", got.SchemaVersion, got.Attributes)
	}
}
