package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// seatSetResult is dashenterprise_license_seats holding N usernames: brought
// under management by import, refreshed and planned, then changed by adding
// Churn users and removing Churn others in one apply.
type seatSetResult struct {
	N, Churn int
	// Import is `terraform import` of the set, Plan the median whole
	// `terraform plan` (refresh) with no change, PlanKC its Keycloak requests.
	Import, Plan time.Duration
	PlanKC       int
	// Update is the apply of the change, UpdateKC its Keycloak requests
	// (plan and apply walk), Writes the role writes among them.
	Update             time.Duration
	UpdateKC, Writes   int
	Holders, RealmUser int
	// Exact reports that Keycloak's direct holders equal the configured set
	// after the update (read with plain admin calls, not the provider's code).
	Exact bool
	// FloorPlan is Terraform's own plan (refresh, no change) of one
	// terraform_data holding the same set of usernames: the floor of Plan.
	FloorPlan time.Duration
}

// updateLimit is the fewest Keycloak requests the update can make: its role
// writes, the holders' pages (100 each) and the realm's user pages (500 each)
// once, and the admin token, the roles client and the role.
func (r seatSetResult) updateLimit() int {
	return 2*r.Churn + (r.Holders+99)/100 + (r.RealmUser+499)/500 + 3
}

// planLimit is the fewest Keycloak requests of refreshing and planning the set.
func (r seatSetResult) planLimit() int { return (r.Holders+99)/100 + 3 }

func benchSeatSet(binDir string, n, churn, runs int) seatSetResult {
	prefix := fmt.Sprintf("benchset-%d", time.Now().Unix()%100000)
	others, err := acctest.ListUsernames("licensed_user") // the test realm's own direct holders stay in the set
	check(err)
	log.Printf("seat set N=%d: creating %d users, %d of them holding licensed_user directly", n, n+churn, n)
	held, err := acctest.BulkImport(prefix+"-held", n, []string{"licensed_user"})
	check(err)
	fresh, err := acctest.BulkImport(prefix+"-new", churn, nil)
	check(err)
	defer func() { log.Printf("seat set N=%d: deleting users", n); acctest.DeleteUsersByPrefix(prefix) }()

	kc, stopKC, err := acctest.StartFaultProxy(acctest.KeycloakURL)
	check(err)
	defer stopKC()
	ws := newWorkspace(binDir, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_URL=http://127.0.0.1:1", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET=")
	defer func() { _ = os.RemoveAll(ws.dir) }()
	write := func(usernames []string) {
		ws.write(seatsConfig(usernames, "resource \"dashenterprise_license_seats\" \"all\" {\n  usernames = local.seats\n}\n"))
	}
	desired := append(slices.Clone(others), held...)
	write(desired)

	res := seatSetResult{N: n, Churn: churn}
	log.Printf("seat set N=%d: terraform import", n)
	res.Import = ws.run("import", "-input=false", "-lock=false", "-no-color", "dashenterprise_license_seats.all", "licensed_user")
	var plans []time.Duration
	for i := 0; i < runs; i++ {
		kc.ResetCounts()
		log.Printf("seat set N=%d: terraform plan (refresh) %d/%d", n, i+1, runs)
		plans = append(plans, ws.run("plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"))
		if i == 0 {
			res.PlanKC = int(kc.Requests.Load())
		}
	}
	res.Plan = median(plans)
	res.FloorPlan = setFloor(binDir, desired, runs)

	// The change: the first churn bench holders leave, churn new users come.
	desired = append(append(slices.Clone(others), held[churn:]...), fresh...)
	write(desired)
	all, err := acctest.ListUsernames("")
	check(err)
	res.RealmUser, res.Holders = len(all), len(others)+n
	kc.ResetCounts()
	log.Printf("seat set N=%d: terraform apply adding %d and removing %d", n, churn, churn)
	res.Update = ws.run("apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
	res.UpdateKC = int(kc.Requests.Load())
	paths := kc.Paths()
	for p, c := range paths {
		if strings.Contains(p, "/role-mappings/clients/") {
			res.Writes += c
		}
	}
	live, err := acctest.ListUsernames("licensed_user")
	check(err)
	slices.Sort(live)
	slices.Sort(desired)
	res.Exact = slices.Equal(live, desired)
	if !res.Exact {
		log.Printf("seat set N=%d: Keycloak's direct holders (%d) differ from the configuration (%d)", n, len(live), len(desired))
	}
	return res
}

// setFloor times Terraform's own no-change plan (refresh) of one
// terraform_data whose input is the same set of usernames. Its state is
// written directly, as an apply would leave it: Terraform's own apply of a
// new set of 10,000 elements takes about 4 minutes of its CPU (measured with
// -json, so not its rendering), and is no part of the plan's floor.
func setFloor(binDir string, usernames []string, runs int) time.Duration {
	ws := setFloorWorkspace(binDir, usernames)
	defer func() { _ = os.RemoveAll(ws.dir) }()
	var plans []time.Duration
	for i := 0; i < runs; i++ {
		log.Printf("seat set floor N=%d: terraform plan %d/%d", len(usernames), i+1, runs)
		plans = append(plans, ws.run("plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"))
	}
	return median(plans)
}

// setFloorWorkspace is a workspace holding one terraform_data whose input is
// the set of usernames, with the state an apply would leave.
func setFloorWorkspace(binDir string, usernames []string) *workspace {
	ws := newWorkspace(binDir)
	ws.write(seatsConfig(usernames, "resource \"terraform_data\" \"all\" {\n  input = toset(local.seats)\n}\n"))
	set := map[string]any{"value": usernames, "type": []string{"set", "string"}}
	state := map[string]any{
		"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "0b6e2c52-bench-4c6f-9a3e-000000000001", "outputs": map[string]any{},
		"resources": []any{map[string]any{
			"mode": "managed", "type": "terraform_data", "name": "all", "provider": `provider["terraform.io/builtin/terraform"]`,
			"instances": []any{map[string]any{"schema_version": 0, "sensitive_attributes": []any{},
				"attributes": map[string]any{"id": "bench-seat-set", "input": set, "output": set, "triggers_replace": nil}}},
		}},
		"check_results": nil,
	}
	b, err := json.Marshal(state)
	check(err)
	check(os.WriteFile(filepath.Join(ws.dir, "terraform.tfstate"), b, 0o600))
	return ws
}

// seatsConfig is local.seats listing the usernames, followed by resource.
func seatsConfig(usernames []string, resource string) string {
	var cfg strings.Builder
	cfg.WriteString("locals {\n  seats = [\n")
	for _, u := range usernames {
		fmt.Fprintf(&cfg, "    %q,\n", u)
	}
	cfg.WriteString("  ]\n}\n\n" + resource)
	return cfg.String()
}

func renderSeatSet(rs []seatSetResult) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n## Ten thousand seats: the authoritative set\n\n")
	b.WriteString("`dashenterprise_license_seats` holding N usernames, brought under management with `terraform import`, then planned with no change " +
		"(refresh + plan, the whole `terraform plan`), then changed in one apply that adds and removes as many users. Terraform's floor of the plan is its own " +
		"no-change plan of one `terraform_data` whose `input` is the same set (no provider of ours involved). The physical limit of the plan is one page per 100 " +
		"direct holders and 3 lookups; of the update, its role writes, the holders' pages, the realm's user pages (500 a page) and 3 lookups. " +
		"After the update the bench lists the direct holders of `licensed_user` with plain admin calls and compares them with the configuration.\n\n")
	b.WriteString("| N | import | plan (no change) | Terraform's floor | ratio | Keycloak requests, plan | physical limit | ratio | update (+churn, −churn) | Keycloak requests, update | role writes | physical limit | ratio | holders equal the configuration |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %.2f× | %d | %d | %.2f× | %s (+%d, −%d) | %d | %d | %d | %.2f× | %s |\n", r.N, secs(r.Import), secs(r.Plan), secs(r.FloorPlan), float64(r.Plan)/float64(r.FloorPlan),
			r.PlanKC, r.planLimit(), float64(r.PlanKC)/float64(r.planLimit()), secs(r.Update), r.Churn, r.Churn, r.UpdateKC, r.Writes, r.updateLimit(),
			float64(r.UpdateKC)/float64(r.updateLimit()), yesNo(r.Exact))
	}
	return b.String()
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}
