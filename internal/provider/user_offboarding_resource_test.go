package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func offboardingConfig(leaver, heir, action string) string {
	return providerBlock("error") + offboardingResource(leaver, heir, action)
}

func offboardingResource(leaver, heir, action string) string {
	heirLine := ""
	if heir != "" {
		heirLine = fmt.Sprintf("  transfer_apps_to = %q\n", heir)
	}
	return fmt.Sprintf(`
resource "dashenterprise_user_offboarding" "leaver" {
  username    = %q
%s  user_action = %q
}
`, leaver, heirLine, action)
}

func userEnabled(t *testing.T, id string) (exists, enabled bool) {
	t.Helper()
	u, err := acctest.Admin(t).GetUserByID(context.Background(), acctest.Token(t), acctest.Realm, id)
	if err != nil {
		if strings.Contains(err.Error(), "404") {
			return false, false
		}
		t.Fatalf("user %s: %v", id, err)
	}
	return true, *u.Enabled
}

// leaverAndHeir creates two users who hold seats and have logged in (so they
// have sessions and the platform knows them); the leaver owns one new app.
func leaverAndHeir(t *testing.T, prefix string) (leaver, leaverID, heir, app string) {
	t.Helper()
	seat := acctest.UserOptions{Roles: []string{"licensed_user"}}
	leaver, leaverID = acctest.LoggedInUser(t, prefix+"dave", seat)
	heir, _ = acctest.LoggedInUser(t, prefix+"erin", seat)
	app = acctest.RandomName(prefix + "app")
	acctest.CreateApp(t, leaver, app)
	return leaver, leaverID, heir, app
}

// requireOffboarded checks, in the emulator's state and in Keycloak, that the
// app moved to heir and the leaver's direct seat is gone, and that the next
// plan is empty.
func requireOffboarded(t *testing.T, ws *acctest.Workspace, app, heir, leaverID string) {
	t.Helper()
	if owner := acctest.AppOwner(t, app); owner != heir {
		t.Errorf("%s owned by %s, want %s", app, owner, heir)
	}
	if acctest.DirectRoles(t, leaverID)["licensed_user"] {
		t.Error("the leaver still holds the seat")
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) > 0 {
		t.Fatalf("second plan: %v %v", res.Changes, res.Errors())
	}
}

// seatSetAfterOffboarding is the seat set of usernames, planned and applied
// after the offboarding.
func seatSetAfterOffboarding(mode string, usernames []string) string {
	return strings.Replace(seatsSetConfig(mode, usernames), "  usernames", "  depends_on = [dashenterprise_user_offboarding.leaver]\n  usernames", 1)
}

// One plan shows everything; the apply does it in the guide's order; every
// outcome is checked in Keycloak and in the emulator's own state.
func TestAccUserOffboarding_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	seat := acctest.UserOptions{Roles: []string{"licensed_user"}}
	dave, daveID := acctest.LoggedInUser(t, "offdave", seat) // logged in: a live session
	erin, _ := acctest.LoggedInUser(t, "offerin", seat)
	other, _ := acctest.LoggedInUser(t, "offother", seat)
	app1, app2, shared := acctest.RandomName("offapp1"), acctest.RandomName("offapp2"), acctest.RandomName("offshared")
	acctest.CreateApp(t, dave, app1)
	acctest.CreateApp(t, dave, app2)
	acctest.CreateApp(t, other, shared)
	acctest.EmulatorAddCoOwner(t, shared, dave)
	if acctest.SessionCount(t, daveID) == 0 {
		t.Fatal("fixture: dave has no session to end")
	}

	ws := acctest.NewWorkspace(t)
	ws.Write(offboardingConfig(dave, erin, "disable"))
	plan := ws.Plan("-out=offboard.tfplan")
	if len(plan.Errors()) > 0 {
		t.Fatalf("plan: %v", plan.Errors())
	}
	ch := ws.ShowPlan("offboard.tfplan")["dashenterprise_user_offboarding.leaver"]
	apps := []string{app1, app2}
	slices.Sort(apps)
	if got := acctest.Strings(ch.After, "apps_to_transfer"); !slices.Equal(got, apps) {
		t.Errorf("planned apps_to_transfer %v, want %v", got, apps)
	}
	// What dave loses besides is named in a warning (its value is the apply's: see DESIGN.md).
	if len(plan.Find("warning", dave+" loses co-ownership of "+shared)) != 1 {
		t.Errorf("want a warning naming the co-owned app %s that dave loses: %v", shared, plan.Warnings())
	}
	if ch.After["revokes_direct_seat"] != true {
		t.Errorf("planned revokes_direct_seat %v, want true", ch.After["revokes_direct_seat"])
	}
	res := ws.Apply("offboard.tfplan")
	if res.Err != nil || len(res.Errors()) > 0 {
		t.Fatalf("apply: %v %v", res.Err, res.Errors())
	}
	if got := acctest.Strings(ws.StateInstances()["dashenterprise_user_offboarding.leaver"].Attributes, "coowned_apps_lost"); !slices.Equal(got, []string{shared}) {
		t.Errorf("recorded coowned_apps_lost %v, want [%s]", got, shared)
	}
	for _, a := range apps {
		if owner := acctest.AppOwner(t, a); owner != erin {
			t.Errorf("%s is owned by %s, want %s", a, owner, erin)
		}
	}
	if acctest.DirectRoles(t, daveID)["licensed_user"] {
		t.Error("dave still holds a direct seat")
	}
	if n := acctest.SessionCount(t, daveID); n != 0 {
		t.Errorf("dave still has %d session(s)", n)
	}
	if exists, enabled := userEnabled(t, daveID); !exists || enabled {
		t.Errorf("dave: exists %v, enabled %v; want a disabled account", exists, enabled)
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) > 0 {
		t.Fatalf("second plan not empty: %v %v", res.Changes, res.Errors())
	}

	// Deleting: an in-place update; afterwards refresh keeps the resource.
	ws.Write(offboardingConfig(dave, erin, "delete"))
	ws.MustApply()
	if exists, _ := userEnabled(t, daveID); exists {
		t.Error("dave still exists after user_action = delete")
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) > 0 {
		t.Fatalf("plan after the deletion: %v %v (the resource must stay, nothing re-created)", res.Changes, res.Errors())
	}
	// Import by username still works after the account is gone.
	if out, err := ws.Run("state", "rm", "dashenterprise_user_offboarding.leaver"); err != nil {
		t.Fatal(out)
	}
	if out, err := ws.Run("import", "-input=false", "dashenterprise_user_offboarding.leaver", dave); err != nil {
		t.Fatalf("import: %s", out)
	}
	ws.MustApply() // the imported record takes the configuration's settings; the outcomes already hold
	// Destroying changes nothing, and says so.
	res = ws.Destroy()
	if len(res.Find("warning", "changes nothing")) != 1 {
		t.Errorf("destroy: want the warning that nothing changes, got %v", res.Warnings())
	}
	for _, a := range apps {
		if owner := acctest.AppOwner(t, a); owner != erin {
			t.Errorf("after destroy %s is owned by %s", a, owner)
		}
	}
}

// An owner without transfer_apps_to: the plan fails naming the apps.
func TestAccUserOffboarding_ownerNeedsAnHeir(t *testing.T) {
	acctest.PreCheck(t)
	dave, _ := acctest.LoggedInUser(t, "offowner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("offownapp")
	acctest.CreateApp(t, dave, app)
	ws := acctest.NewWorkspace(t)
	ws.Write(offboardingConfig(dave, "", "delete"))
	res := ws.Plan()
	if len(res.Find("error", "set transfer_apps_to", app)) != 1 {
		t.Fatalf("want a plan error naming %s, got %v", app, res.Diagnostics)
	}
}

// An apply interrupted after each step resumes on the next apply with nothing
// done twice: the platform sees one transfer, Keycloak one seat revocation,
// one logout and one disable.
func TestAccUserOffboarding_resumesAfterInterruption(t *testing.T) {
	acctest.PreCheck(t)
	for _, c := range []struct {
		after string
		fail  func(r *acctest.Request, daveID string) bool
	}{
		{"transfer", func(r *acctest.Request, id string) bool {
			return r.Method == "DELETE" && strings.Contains(r.Path, "/users/"+id+"/role-mappings/")
		}},
		{"revoke_seat", func(r *acctest.Request, id string) bool {
			return r.Method == "POST" && strings.HasSuffix(r.Path, "/users/"+id+"/logout")
		}},
		{"logout", func(r *acctest.Request, id string) bool {
			return r.Method == "PUT" && strings.HasSuffix(r.Path, "/users/"+id)
		}},
	} {
		t.Run("after_"+c.after, func(t *testing.T) {
			dave, daveID, erin, app := leaverAndHeir(t, "res")

			kc := acctest.NewFaultProxy(t, acctest.KeycloakURL)
			em := acctest.NewFaultProxy(t, acctest.EmulatorURL)
			ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_URL="+em.URL, "DASHENTERPRISE_MAX_RETRIES=0")
			ws.Write(offboardingConfig(dave, erin, "disable"))
			var mu sync.Mutex
			failing, transfers := true, 0
			writes := map[string]int{} // Keycloak writes about dave after the interruption
			user := "/users/" + daveID
			kc.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
				mu.Lock()
				defer mu.Unlock()
				if failing && c.fail(r, daveID) {
					return acctest.Fault{Status: 500}
				}
				if !failing && r.Method != "GET" && strings.Contains(r.Path, user) {
					step := map[bool]string{true: "revoke_seat", false: "other"}[strings.Contains(r.Path, user+"/role-mappings/")]
					if strings.HasSuffix(r.Path, user+"/logout") {
						step = "logout"
					}
					writes[step]++
				}
				return acctest.Fault{}
			})
			em.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
				mu.Lock()
				defer mu.Unlock()
				if strings.Contains(r.Body, "moveAppsAndServices(") {
					transfers++
				}
				return acctest.Fault{}
			})
			res := ws.Apply()
			if len(res.Errors()) == 0 {
				t.Fatalf("the injected failure after %s did not stop the apply", c.after)
			}
			if len(res.Find("error", "Done so far", c.after)) != 1 {
				t.Errorf("the error should say what is done (through %s): %v", c.after, res.Errors())
			}
			mu.Lock()
			failing = false
			mu.Unlock()
			res = ws.Apply()
			if res.Err != nil || len(res.Errors()) > 0 {
				t.Fatalf("resuming: %v %v", res.Err, res.Errors())
			}
			mu.Lock()
			defer mu.Unlock()
			if transfers != 1 {
				t.Errorf("moveAppsAndServices sent %d times over both applies, want 1", transfers)
			}
			// Steps done before the interruption are not repeated; the failed one and those after it run once.
			done := map[string][]string{"transfer": nil, "revoke_seat": {"revoke_seat"}, "logout": {"revoke_seat", "logout"}}[c.after]
			for _, step := range done {
				if writes[step] != 0 {
					t.Errorf("the resumed apply repeated %s (%d write(s))", step, writes[step])
				}
			}
			if want := map[string]int{"transfer": 1, "revoke_seat": 0, "logout": 0}[c.after]; writes["revoke_seat"] != want {
				t.Errorf("role revocations in the resumed apply: %d, want %d", writes["revoke_seat"], want)
			}
			if owner := acctest.AppOwner(t, app); owner != erin {
				t.Errorf("%s owned by %s", app, owner)
			}
			if acctest.DirectRoles(t, daveID)["licensed_user"] || acctest.SessionCount(t, daveID) != 0 {
				t.Error("dave still holds a direct seat or a session")
			}
			if _, enabled := userEnabled(t, daveID); enabled {
				t.Error("dave is still enabled")
			}
		})
	}
}

// The offboarding meets the resources that manage the same user's seat, in
// strict mode: a single seat is forgotten with a removed block (destroy =
// false) and the offboarding revokes it after the transfer; the seat set drops
// the user in the same change and depends on the offboarding, so its plan sees
// the apps moving and its apply comes after the transfer. No app is orphaned.
func TestAccUserOffboarding_withSeatResources(t *testing.T) {
	acctest.PreCheck(t)
	for _, mode := range []string{"warn", "error"} {
		t.Run(mode, func(t *testing.T) { offboardingWithSeatResources(t, mode) })
	}
}

func offboardingWithSeatResources(t *testing.T, mode string) {
	t.Run("single_seat_removed_block", func(t *testing.T) {
		dave, daveID, erin, app := leaverAndHeir(t, "obs")
		ws := acctest.NewWorkspace(t)
		seats := fmt.Sprintf("resource \"dashenterprise_license_seat\" \"erin\" {\n  username = %q\n}\n", erin)
		ws.Write(providerBlock(mode) + seats + fmt.Sprintf("resource \"dashenterprise_license_seat\" \"dave\" {\n  username = %q\n}\n", dave))
		ws.MustApply()
		ws.Write(providerBlock(mode) + offboardingResource(dave, erin, "disable") + seats +
			"removed {\n  from = dashenterprise_license_seat.dave\n  lifecycle {\n    destroy = false\n  }\n}\n")
		if res := ws.Plan(); len(res.Errors()) > 0 {
			t.Fatalf("plan (%s): %v", mode, res.Errors())
		}
		ws.MustApply()
		requireOffboarded(t, ws, app, erin, daveID)
	})

	t.Run("seat_set_in_the_same_change", func(t *testing.T) {
		dave, daveID, erin, app := leaverAndHeir(t, "obt")
		const addr = "dashenterprise_license_seats.all"
		everyone := acctest.DirectSeatHolders(t)
		ws := acctest.NewWorkspace(t)
		forget(t, ws, addr)
		ws.Write(seatsSetConfig(mode, everyone))
		ws.MustApply()
		ws.Write(seatSetAfterOffboarding(mode, without(everyone, dave)) + offboardingResource(dave, erin, "disable"))
		plan := ws.Plan()
		if len(plan.Errors()) > 0 {
			t.Fatalf("plan (%s) with the set depending on the offboarding: %v", mode, plan.Errors())
		}
		if len(plan.Find("warning", "would be orphaned")) > 0 || len(plan.Find("warning", "after this plan's transfer", dave)) != 1 {
			t.Errorf("want the warning that the revocation follows the transfer, not an orphan warning: %v", plan.Warnings())
		}
		ws.MustApply()
		requireOffboarded(t, ws, app, erin, daveID)
	})
}

// An in-place update that fails part-way (user_action none → disable, the
// disable answered 500) is finished by the next plan and apply: the state
// Terraform keeps after a failed update (new settings, completed_steps short of
// them, the shape today's release writes) plans the steps still to do.
func TestAccUserOffboarding_failedUpdateIsFinished(t *testing.T) {
	acctest.PreCheck(t)
	dave, daveID, erin, app := leaverAndHeir(t, "upd")
	kc := acctest.NewFaultProxy(t, acctest.KeycloakURL)
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_MAX_RETRIES=0")
	ws.Write(offboardingConfig(dave, erin, "none"))
	ws.MustApply()

	var mu sync.Mutex
	failing := true
	kc.SetFaults(func(_ int64, r *acctest.Request) acctest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if failing && r.Method == "PUT" && strings.HasSuffix(r.Path, "/users/"+daveID) {
			return acctest.Fault{Status: 500}
		}
		return acctest.Fault{}
	})
	ws.Write(offboardingConfig(dave, erin, "disable"))
	if res := ws.Apply(); len(res.Find("error", "Cannot disable "+dave)) != 1 {
		t.Fatalf("want the disable to fail: %v", res.Diagnostics)
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	if _, enabled := userEnabled(t, daveID); !enabled {
		t.Fatal("dave was disabled although the disable failed")
	}
	res := ws.Plan()
	if len(res.Changes) != 1 {
		t.Fatalf("the plan after the failed update must show the unfinished offboarding, got changes %v", res.Changes)
	}
	ws.MustApply()
	if _, enabled := userEnabled(t, daveID); enabled {
		t.Error("dave is still enabled after the resumed apply")
	}
	requireOffboarded(t, ws, app, erin, daveID)
}

// An imported offboarding is read from what holds live: a leaver who still
// holds a direct seat and a session plans the steps left, and the apply does them.
func TestAccUserOffboarding_importedUnfinishedPlansTheRest(t *testing.T) {
	acctest.PreCheck(t)
	dave, daveID := acctest.LoggedInUser(t, "impdave", acctest.UserOptions{Roles: []string{"licensed_user"}})
	ws := acctest.NewWorkspace(t)
	ws.Write(offboardingConfig(dave, "", "none"))
	if out, err := ws.Run("import", "-input=false", "-lock=false", "dashenterprise_user_offboarding.leaver", dave); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	res := ws.Plan()
	if len(res.Changes) != 1 {
		t.Fatalf("an imported offboarding whose seat and session are live must plan the rest, got changes %v", res.Changes)
	}
	ws.MustApply()
	if acctest.DirectRoles(t, daveID)["licensed_user"] || acctest.SessionCount(t, daveID) != 0 {
		t.Error("dave still holds a direct seat or a session after the apply")
	}
	if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) != 0 {
		t.Fatalf("plan after finishing the imported offboarding: %v %v", res.Changes, res.Errors())
	}
}

// The offboarding's logout ends offline sessions too: an offline refresh
// token no longer refreshes after the apply, with and without an online
// session beside it.
func TestAccUserOffboarding_logoutEndsOfflineSessions(t *testing.T) {
	acctest.PreCheck(t)
	for _, online := range []bool{true, false} {
		t.Run(map[bool]string{true: "beside_an_online_session", false: "offline_only"}[online], func(t *testing.T) {
			dave, daveID := acctest.LoggedInUser(t, "offdave", acctest.UserOptions{Roles: []string{"licensed_user"}})
			offline := acctest.OfflineToken(t, dave)
			if !online {
				acctest.LogoutOnline(t, daveID)
			}
			if err := acctest.RefreshOffline(offline); err != nil {
				t.Fatalf("the offline token does not refresh before the offboarding: %v", err)
			}
			ws := acctest.NewWorkspace(t)
			ws.Write(offboardingConfig(dave, "", "none"))
			ws.MustApply()
			if err := acctest.RefreshOffline(offline); err == nil {
				t.Fatal("the offline token still refreshes after the offboarding's logout")
			}
		})
	}
}

// A change between plan and apply that does not change what the offboarding
// does (dave's group gets co-owner rights on another app; dave joins a
// seat-granting group) lets the saved plan apply: no "inconsistent final plan".
func TestAccUserOffboarding_unrelatedChangeSincePlan(t *testing.T) {
	acctest.PreCheck(t)
	dave, daveID, erin, app := leaverAndHeir(t, "unr")
	acctest.JoinGroup(t, daveID, "/Data Science")
	acctest.LogIn(t, dave)
	other := acctest.RandomName("unrother")
	acctest.CreateApp(t, erin, other)
	ws := acctest.NewWorkspace(t)
	ws.Write(offboardingConfig(dave, erin, "none"))
	if out, err := ws.Run("plan", "-out=tfplan", "-input=false", "-lock=false"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	acctest.EmulatorAddCoOwners(t, other, nil, []string{"Data Science"})
	acctest.JoinGroup(t, daveID, "/Licensed Developers")
	res := ws.Apply("tfplan")
	if core := res.Find("error", "inconsistent final plan"); len(core) > 0 {
		t.Fatalf("Terraform's internal error reached the user: %v", core)
	}
	if len(res.Errors()) > 0 {
		t.Fatalf("apply of the saved plan: %v", res.Errors())
	}
	if owner := acctest.AppOwner(t, app); owner != erin {
		t.Errorf("%s owned by %s, want %s", app, owner, erin)
	}
}
