package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// The no-change plan of a dashenterprise_license_seats of N usernames in
// rounds against Terraform's floor (one terraform_data holding the same set),
// for this tree's provider and, when -seat-set-baseline names a git revision,
// for that revision's provider too, so the two builds are measured in the same
// rounds on the same Keycloak: each round plans the builds and the floor once,
// in an order that rotates from round to round.
const (
	setPairedBegin = "<!-- seat set in rounds: begin (tools/bench -seat-set-rounds rewrites this section) -->"
	setPairedEnd   = "<!-- seat set in rounds: end -->"
)

var setPairedMarks = marked{setPairedBegin, setPairedEnd}

// build is one provider binary measured in the rounds.
type build struct {
	label string
	dir   string // holds terraform-provider-dashenterprise
	plans []timed
	ws    *workspace
}

// buildAt builds the provider of a git revision into a temporary directory.
func buildAt(rev string) (dir string, cleanup func()) {
	src, err := os.MkdirTemp("", "bench-baseline-src-")
	check(err)
	dir, err = os.MkdirTemp("", "bench-baseline-bin-")
	check(err)
	for _, args := range [][]string{{"git", "worktree", "add", "--detach", src, rev}, {"go", "build", "-o", filepath.Join(dir, "terraform-provider-dashenterprise"), "."}} {
		cmd := exec.Command(args[0], args[1:]...)
		if args[0] == "go" {
			cmd.Dir = src
		}
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		check(cmd.Run())
	}
	return dir, func() {
		_ = exec.Command("git", "worktree", "remove", "--force", src).Run()
		_ = os.RemoveAll(dir)
	}
}

func benchSeatSetRounds(binDir, baseline, profile string, n, rounds int) string {
	builds := []*build{{label: "this tree", dir: binDir}}
	if baseline != "" {
		dir, cleanup := buildAt(baseline)
		defer cleanup()
		builds = append(builds, &build{label: "baseline " + baseline, dir: dir})
	}
	prefix := fmt.Sprintf("benchrounds-%d", time.Now().Unix()%100000)
	others, err := acctest.ListUsernames("licensed_user")
	check(err)
	log.Printf("seat set rounds N=%d: creating %d users holding licensed_user directly", n, n)
	held, err := acctest.BulkImport(prefix, n, []string{"licensed_user"})
	check(err)
	defer func() { log.Printf("seat set rounds: deleting users"); acctest.DeleteUsersByPrefix(prefix) }()
	desired := append(slices.Clone(others), held...)
	config := seatsConfig(desired, "resource \"dashenterprise_license_seats\" \"all\" {\n  usernames = local.seats\n}\n")

	plan := []string{"plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"}
	for _, b := range builds {
		b.ws = newWorkspace(b.dir, "DASHENTERPRISE_KEYCLOAK_URL="+acctest.KeycloakURL, "DASHENTERPRISE_KEYCLOAK_BASE_PATH="+acctest.KeycloakPath,
			"DASHENTERPRISE_URL=http://127.0.0.1:1", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET=")
		defer func(w *workspace) { _ = os.RemoveAll(w.dir) }(b.ws)
		b.ws.write(config)
		log.Printf("seat set rounds N=%d: terraform import (%s)", n, b.label)
		b.ws.run("import", "-input=false", "-lock=false", "-no-color", "dashenterprise_license_seats.all", "licensed_user")
		log.Printf("seat set rounds N=%d: warm-up plan (%s)", n, b.label)
		b.ws.run(plan...)
	}
	floor := &build{label: "floor", ws: setFloorWorkspace(binDir, desired)}
	defer func() { _ = os.RemoveAll(floor.ws.dir) }()
	floor.ws.run(plan...)
	for i := 0; i < rounds; i++ {
		order := append([]*build{floor}, builds...)
		for k := 0; k < i%len(order); k++ {
			order = append(order[1:], order[0])
		}
		for _, b := range order {
			log.Printf("seat set rounds N=%d: round %d/%d, %s", n, i+1, rounds, b.label)
			b.plans = append(b.plans, b.ws.runTimed(plan...))
		}
	}
	if profile != "" {
		// One more plan of this tree's provider, profiled (not in the rounds).
		check(os.MkdirAll(profile, 0o755))
		w := builds[0].ws
		env := w.env
		w.env = append(slices.Clone(env), "DASHENTERPRISE_CPU_PROFILE="+filepath.Join(profile, "plan"))
		log.Printf("seat set rounds N=%d: one profiled plan into %s", n, profile)
		w.run(plan...)
		w.env = env
	}
	return renderSeatSetRounds(n, len(desired), rounds, builds, floor.plans)
}

func renderSeatSetRounds(n, holders, rounds int, builds []*build, floors []timed) string {
	var b strings.Builder
	b.WriteString(setPairedBegin + "\n## Ten thousand seats in rounds: the set's no-change plan against Terraform's floor\n\n")
	fmt.Fprintf(&b, "Measured by `go run ./tools/bench -seat-set-rounds %d` on %s: `dashenterprise_license_seats` holding %d usernames "+
		"(imported, then one warm-up plan), and Terraform's floor, its own no-change plan of one `terraform_data` whose `input` is the same "+
		"set. Each of %d rounds plans every build and the floor once, the order rotating from round to round; times are the median of the "+
		"rounds with their range, each ratio is taken within a round and the median of the ratios reported. CPU: median seconds of terraform "+
		"(its own, the provider's subtracted) / the provider / Keycloak during the plan.\n\n", n, time.Now().UTC().Format("2006-01-02"), holders, rounds)
	b.WriteString("| build | plan | floor | ratio | CPU: terraform / provider / Keycloak |\n|---|---:|---:|---:|---|\n")
	for _, bd := range builds {
		ratios := make([]float64, len(bd.plans))
		for i := range bd.plans {
			ratios[i] = bd.plans[i].wall.Seconds() / floors[i].wall.Seconds()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s / %s / %s s |\n", bd.label, spreadOf(walls(bd.plans)).secs(), spreadOf(walls(floors)).secs(),
			spreadOf(ratios).ratio(), cpuOf(bd.plans, func(c cpu) float64 { return c.terraform }), cpuOf(bd.plans, func(c cpu) float64 { return c.provider }),
			cpuOf(bd.plans, func(c cpu) float64 { return c.keycloak }))
	}
	fmt.Fprintf(&b, "| floor (`terraform_data`) | %s | | | %s / – / – s |\n", spreadOf(walls(floors)).secs(), cpuOf(floors, func(c cpu) float64 { return c.terraform }))
	b.WriteString(setPairedEnd + "\n")
	return b.String()
}
