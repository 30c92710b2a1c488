package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// The blast radius is data in the plan, for policy as code: a seat's destroy
// names the apps in `before`, the authoritative set maps each revoked user to
// the apps they own, and a second plan is empty.
func TestAccPolicyData_blastRadiusInThePlan(t *testing.T) {
	acctest.PreCheck(t)
	owner, _, apps, _ := appOwnerWithSeat(t) // apps[0], apps[1] owned; apps[2] co-owned
	ws := seatedWorkspace(t, "", owner)
	if res := ws.Plan(); len(res.Changes) != 0 {
		t.Fatalf("plan after apply must be empty: %v", res.Changes)
	}
	ws.Write(seatsConfig(""))
	ws.Plan("-out=destroy.tfplan")
	var seat acctest.PlannedChange
	for addr, ch := range ws.ShowPlan("destroy.tfplan") {
		if strings.HasPrefix(addr, "dashenterprise_license_seat.") {
			seat = ch
		}
	}
	if got := acctest.Strings(seat.Before, "owned_apps"); !slices.Equal(got, []string{apps[0], apps[1]}) {
		t.Errorf("before.owned_apps = %v, want %v", got, apps[:2])
	}
	if got := acctest.Strings(seat.Before, "coowned_apps"); !slices.Equal(got, []string{apps[2]}) {
		t.Errorf("before.coowned_apps = %v, want %v", got, apps[2:])
	}

	// The authoritative set: revocations maps the dropped owner to the apps.
	const addr = "dashenterprise_license_seats.all"
	set, everyone := appliedSeatsSet(t, "warn")
	if res := set.Plan(); len(res.Changes) != 0 {
		t.Fatalf("second plan must be empty (revocations is reset by refresh): %v", res.Changes)
	}
	set.Write(seatsSetConfig("warn", without(everyone, owner)))
	set.Plan("-out=drop.tfplan")
	after := set.ShowPlan("drop.tfplan")[addr].After
	rev, _ := after["revocations"].(map[string]any)
	if got := acctest.Strings(rev, owner); len(rev) != 1 || !slices.Equal(got, []string{apps[0], apps[1]}) {
		t.Fatalf("after.revocations = %v, want {%s: %v}", rev, owner, apps[:2])
	}
}

// opaBinary is the OPA that make test installs (DASHENTERPRISE_OPA), or one on the PATH.
func opaBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DASHENTERPRISE_OPA"); p != "" {
		return p
	}
	if p, err := exec.LookPath("opa"); err == nil {
		return p
	}
	t.Fatal("OPA is needed to test examples/policy: run `make opa` (make test installs it) or set DASHENTERPRISE_OPA")
	return ""
}

// denials runs the example policy on a saved plan and returns its deny set;
// data are more documents for the policy (-d).
func denials(t *testing.T, ws *acctest.Workspace, planFile string, data ...string) []string {
	t.Helper()
	show := exec.Command(acctest.TerraformPath(), "show", "-json", planFile)
	show.Dir, show.Env = ws.Dir, ws.Env
	plan, err := show.Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	input := filepath.Join(ws.Dir, planFile+".json")
	if err := os.WriteFile(input, plan, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"eval", "--format=json", "-d", filepath.Join(acctest.RepoRoot(), "examples", "policy")}
	for _, d := range data {
		args = append(args, "-d", d)
	}
	out, err := exec.Command(opaBinary(t), append(args, "-i", input, "data.dashenterprise.deny")...).CombinedOutput()
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, out)
	}
	var res struct {
		Result []struct {
			Expressions []struct {
				Value []string `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res.Result) != 1 || len(res.Result[0].Expressions) != 1 {
		t.Fatalf("opa eval output: %v\n%s", err, out)
	}
	return res.Result[0].Expressions[0].Value
}

// The example policy denies and allows real plans of the provider.
func TestAccPolicy_exampleDeniesAndAllowsRealPlans(t *testing.T) {
	acctest.PreCheck(t)
	owner, _, apps, heir := appOwnerWithSeat(t)
	newcomer, _ := acctest.LoggedInUser(t, "pnew", acctest.UserOptions{})

	// Denied: destroying the seat of an app owner.
	ws := seatedWorkspace(t, "", owner)
	ws.Write(seatsConfig(""))
	ws.Plan("-out=revoke.tfplan")
	if d := denials(t, ws, "revoke.tfplan"); len(d) != 1 || !strings.Contains(d[0], "revoking the seat of "+owner+" would orphan "+apps[0]+", "+apps[1]) {
		t.Fatalf("want one denial naming %s and its apps, got %v", owner, d)
	}

	// Denied: a transfer to a user without a seat.
	tr := acctest.NewWorkspace(t)
	tr.Write(providerBlock("") + offboardingTransfer(owner, newcomer))
	tr.Plan("-out=transfer.tfplan")
	if d := denials(t, tr, "transfer.tfplan"); len(d) != 1 || !strings.Contains(d[0], newcomer+" holds no license seat") {
		t.Fatalf("want one denial naming %s, got %v", newcomer, d)
	}

	// Allowed: the same transfer when the plan grants the seat.
	tr.Write(providerBlock("") + fmt.Sprintf(`
resource "dashenterprise_license_seat" "newcomer" {
  username = %q
}

resource "dashenterprise_app_transfer" "offboard" {
  from_username = %q
  to_username   = dashenterprise_license_seat.newcomer.id
}
`, newcomer, owner))
	tr.Plan("-out=granted.tfplan")
	if d := denials(t, tr, "granted.tfplan"); len(d) != 0 {
		t.Fatalf("a transfer to a seat granted in the same plan must be allowed, got %v", d)
	}

	// Allowed: the seat set drops the owner while a transfer moves every app away.
	set, everyone := appliedSeatsSet(t, "warn")
	set.Write(revokeAfterTransfer("", without(everyone, owner), owner, heir))
	set.Plan("-out=offboard.tfplan")
	if d := denials(t, set, "offboard.tfplan"); len(d) != 0 {
		t.Fatalf("revoking after a transfer of every app must be allowed, got %v", d)
	}
	// Denied: the same revocation without the transfer.
	set.Write(seatsSetConfig("warn", without(everyone, owner)))
	set.Plan("-out=drop.tfplan")
	if d := denials(t, set, "drop.tfplan"); len(d) != 1 || !strings.Contains(d[0], "revoking the seat of "+owner) {
		t.Fatalf("want one denial naming %s, got %v", owner, d)
	}
}

// appliedSeatsSet applies dashenterprise_license_seats over the realm's current
// direct seat holders (removed from the state, not destroyed, when the test ends).
func appliedSeatsSet(t *testing.T, protection string) (*acctest.Workspace, []string) {
	t.Helper()
	everyone := acctest.DirectSeatHolders(t)
	ws := acctest.NewWorkspace(t)
	forget(t, ws, "dashenterprise_license_seats.all")
	ws.Write(seatsSetConfig(protection, everyone))
	ws.MustApply()
	return ws, everyone
}

// revokeAfterTransfer is the seat set keeping usernames, planned after a
// transfer of from's apps to to (depends_on).
func revokeAfterTransfer(protection string, usernames []string, from, to string) string {
	quoted := make([]string, len(usernames))
	for i, u := range usernames {
		quoted[i] = fmt.Sprintf("%q", u)
	}
	return providerBlock(protection) + offboardingTransfer(from, to) + fmt.Sprintf(`
resource "dashenterprise_license_seats" "all" {
  usernames  = [%s]
  depends_on = [dashenterprise_app_transfer.offboard]
}
`, strings.Join(quoted, ", "))
}

// The example policy denies making an app reachable without login unless the
// app is on the allow-list, on real plans.
func TestAccPolicy_unauthenticatedAppsNeedTheAllowList(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "punauth", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("punapp")
	acctest.CreateApp(t, owner, app)
	ws := acctest.NewWorkspace(t)
	ws.Write(accessConfig(app, "unauthenticated", nil, nil, true))
	ws.Plan("-out=open.tfplan")
	if d := denials(t, ws, "open.tfplan"); len(d) != 1 || !strings.Contains(d[0], app+" would be reachable without login") {
		t.Fatalf("want one denial naming %s, got %v", app, d)
	}
	allow := filepath.Join(ws.Dir, "allow.json")
	if err := os.WriteFile(allow, []byte(fmt.Sprintf(`{"dashenterprise_allow": {"unauthenticated": [%q]}}`, app)), 0o600); err != nil {
		t.Fatal(err)
	}
	if d := denials(t, ws, "open.tfplan", allow); len(d) != 0 {
		t.Fatalf("an allow-listed app must pass, got %v", d)
	}
	ws.Write(accessConfig(app, "authenticated", nil, nil, true))
	ws.Plan("-out=auth.tfplan")
	if d := denials(t, ws, "auth.tfplan"); len(d) != 0 {
		t.Fatalf("authenticated must pass, got %v", d)
	}
}
