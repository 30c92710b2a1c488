package provider_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// A model-based test of whole workflows: a seeded, bounded random sequence of
// configuration changes (grant and revoke seats, add and remove co-owners) and
// of the same kind of changes made out of band in Keycloak or the emulator,
// each applied through the real terraform CLI. A small reference model says
// after every step what must hold, checked through independent eyes (Keycloak's
// admin API, the emulator's state):
//
//   - reality equals the configuration after the apply, and a second plan is empty;
//   - a plan revoking the seat of an app owner warned about it by name;
//   - an out-of-band change shows in the next plan as the change that undoes it.
//
// MODEL_SEED repeats a sequence; MODEL_STEPS sets its length (default 8).
func TestAccModel_randomWorkflows(t *testing.T) {
	acctest.PreCheck(t)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("MODEL_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	steps := 8
	if v := os.Getenv("MODEL_STEPS"); v != "" {
		steps, _ = strconv.Atoi(v)
	}
	r := rand.New(rand.NewPCG(seed, seed>>1|1))
	t.Logf("MODEL_SEED=%d MODEL_STEPS=%d", seed, steps)

	// The world: five users who have logged in (two hold seats outside the
	// configuration's control at first), one app owned by the first.
	var users, ids []string
	for i := range 5 {
		u, id := acctest.LoggedInUser(t, fmt.Sprintf("m%d", i), acctest.UserOptions{})
		users, ids = append(users, u), append(ids, id)
	}
	app := acctest.RandomName("mapp")
	acctest.GrantRole(t, ids[0], "licensed_user")
	acctest.CreateApp(t, users[0], app)

	// The model: who the configuration seats, and who it makes co-owner of app.
	seats := map[string]bool{users[0]: true}
	coowners := map[string]bool{}
	config := func() string {
		var b strings.Builder
		b.WriteString(providerBlock("warn"))
		for _, u := range sortedKeys(seats) {
			fmt.Fprintf(&b, "\nresource \"dashenterprise_license_seat\" %q {\n  username = %q\n}\n", u, u)
		}
		for _, u := range sortedKeys(coowners) {
			// Referencing the seat orders the grant before the co-ownership.
			fmt.Fprintf(&b, "\nresource \"dashenterprise_app_coowner\" %q {\n  app      = %q\n  username = dashenterprise_license_seat.%s.username\n}\n", u, app, u)
		}
		return b.String()
	}
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(config())
	ws.MustApply()

	idOf := func(u string) string { return ids[slices.Index(users, u)] }
	check := func(step string) {
		t.Helper()
		for _, u := range users[1:] { // users[0] keeps the seat the world gave them
			if got := acctest.DirectRoles(t, idOf(u))["licensed_user"]; got != seats[u] {
				t.Fatalf("seed %d, after %s: %s holds a direct seat %v, the model says %v", seed, step, u, got, seats[u])
			}
		}
		live := acctest.FetchApp(t, app).CoOwners
		for _, u := range users {
			if slices.Contains(live, u) != coowners[u] {
				t.Fatalf("seed %d, after %s: %s co-owns %s %v, the model says %v (live %v)", seed, step, u, app, slices.Contains(live, u), coowners[u], live)
			}
		}
		if res := ws.Plan(); len(res.Changes) != 0 || len(res.Errors()) > 0 {
			t.Fatalf("seed %d, after %s: the second plan is not empty: %v %v", seed, step, res.Changes, res.Errors())
		}
	}
	check("setup")

	for i := range steps {
		u := users[1+r.IntN(len(users)-1)]
		var step string
		switch k := r.IntN(6); {
		case k == 0 && !seats[u]:
			step = "grant a seat to " + u
			seats[u] = true
		case k == 1 && seats[u] && !coowners[u]:
			step = "revoke the seat of " + u
			delete(seats, u)
		case k == 2 && seats[u] && !coowners[u]:
			step = "make " + u + " a co-owner"
			coowners[u] = true
		case k == 3 && coowners[u]:
			step = "remove " + u + " as co-owner"
			delete(coowners, u)
		case k == 4 && seats[u]:
			// Out of band: the seat is revoked in Keycloak; the plan grants it again.
			step = "revoke the seat of " + u + " in Keycloak"
			acctest.RevokeRole(t, idOf(u), "licensed_user")
			if res := ws.Plan(); res.Changes["dashenterprise_license_seat."+u] != "create" {
				t.Fatalf("seed %d, step %d (%s): the plan must grant it again: %v", seed, i, step, res.Changes)
			}
		case k == 5 && coowners[u]:
			// Out of band: the co-owner is removed in the App Manager; the plan adds it again.
			step = "remove " + u + " as co-owner in the App Manager"
			acctest.EmulatorRemoveCoOwner(t, app, u)
			if res := ws.Plan(); res.Changes["dashenterprise_app_coowner."+u] != "create" {
				t.Fatalf("seed %d, step %d (%s): the plan must add it again: %v", seed, i, step, res.Changes)
			}
		default:
			step = "no change"
		}
		ws.Write(config())
		res := ws.Apply()
		if res.Err != nil || len(res.Errors()) > 0 {
			t.Fatalf("seed %d, step %d (%s): apply failed: %v", seed, i, step, res.Errors())
		}
		check(fmt.Sprintf("step %d (%s)", i, step))
	}

	// Finally revoking the app owner's seat: the plan names the app.
	delete(seats, users[0])
	ws.Write(config())
	if res := ws.Plan(); len(res.Find("warning", "Revoking the seat of "+users[0], app+" (owner)")) != 1 {
		t.Fatalf("seed %d: the plan revoking %s must name %s: %v", seed, users[0], app, res.Diagnostics)
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
