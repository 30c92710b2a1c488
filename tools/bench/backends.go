package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// The users data source measured the same way on each Keycloak backend
// (scripts/bench-users.sh runs it on dev-mode H2, then on production-mode
// PostgreSQL behind TLS); each run rewrites its own row of one section.
const (
	backendsBegin = "<!-- users data source by backend: begin (scripts/bench-users.sh rewrites this section) -->"
	backendsEnd   = "<!-- users data source by backend: end -->"
	backendsHead  = "| Keycloak | users | LOGIN events | seeding | plans | median plan | range | warm-up plan | provider peak memory | Keycloak requests, one plan |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
)

type seriesResult struct {
	Backend        string
	Users, Events  int
	Seeding        time.Duration
	Plans          []time.Duration
	WarmUp         time.Duration
	PeakRSSMiB     float64
	KeycloakPerRun int
}

// benchUsersSeries seeds the realm like the users data source's section, restarts
// Keycloak (keeping its data) so that no earlier sweep has warmed or filled it,
// plans once to warm up, then plans runs times with the provider talking to
// Keycloak directly (TLS when Keycloak serves it); one more plan goes through a
// counting proxy for the request count.
func benchUsersSeries(binDir, backend string, users, logins, sessions, runs int) seriesResult {
	res := seriesResult{Backend: backend}
	var cleanup func()
	res.Seeding, cleanup = seedUsers(backend, "benchbk", users, logins, sessions)
	defer cleanup()
	res.Events = storedLoginEvents()
	all, err := acctest.ListUsernames("")
	check(err)
	res.Users = len(all)

	log.Printf("%s: restarting Keycloak (data kept)", backend)
	restart := exec.Command("scripts/keycloak.sh", "restart")
	restart.Stdout, restart.Stderr = os.Stderr, os.Stderr
	check(restart.Run())

	env := []string{"DASHENTERPRISE_KEYCLOAK_URL=" + acctest.KeycloakURL, "DASHENTERPRISE_URL=http://127.0.0.1:1", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET="}
	if acctest.KeycloakPath != "" {
		env = append(env, "DASHENTERPRISE_KEYCLOAK_BASE_PATH="+acctest.KeycloakPath)
	}
	if ca := os.Getenv("KC_CA_FILE"); ca != "" {
		pem, err := os.ReadFile(ca)
		check(err)
		env = append(env, "DASHENTERPRISE_CA_CERT_PEM="+string(pem))
	}
	ws := newWorkspace(binDir, env...)
	defer func() { _ = os.RemoveAll(ws.dir) }()
	ws.write(usersConfig)
	log.Printf("%s: warm-up plan", backend)
	res.WarmUp = ws.run("plan", "-input=false", "-lock=false", "-no-color")
	peakKiB.Store(0)
	for i := 0; i < runs; i++ {
		log.Printf("%s: terraform plan %d/%d", backend, i+1, runs)
		res.Plans = append(res.Plans, ws.run("plan", "-input=false", "-lock=false", "-no-color"))
	}
	res.PeakRSSMiB = float64(peakKiB.Load()) / 1024

	kc, stop, err := acctest.StartFaultProxy(acctest.KeycloakURL)
	check(err)
	defer stop()
	counted := newWorkspace(binDir, append(env, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL)...)
	defer func() { _ = os.RemoveAll(counted.dir) }()
	counted.write(usersConfig)
	counted.run("plan", "-input=false", "-lock=false", "-no-color")
	res.KeycloakPerRun = int(kc.Requests.Load())
	return res
}

// row renders one backend's line of the section.
func (r seriesResult) row() string {
	p := spreadOf(durations(r.Plans))
	return fmt.Sprintf("| %s | %d | %d | %s | %d | %.2f s | %.2f s – %.2f s | %s | %.0f MiB | %d |\n", r.Backend, r.Users, r.Events,
		secs(r.Seeding), len(r.Plans), p.med, p.lo, p.hi, secs(r.WarmUp), r.PeakRSSMiB, r.KeycloakPerRun)
}

// spliceBackendRow puts row into the report's backends section, replacing the
// row of the same backend and keeping the others (creating the section when
// the report has none).
func spliceBackendRow(report, backend, row string) string {
	var rows []string
	for _, line := range strings.Split(backendsMarks.of(report), "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Keycloak |") && !strings.HasPrefix(line, "| "+backend+" |") {
			rows = append(rows, line+"\n")
		}
	}
	rows = append(rows, row)
	return backendsMarks.splice(report, backendsBegin+"\n## Users data source on each Keycloak backend\n\n"+
		"`scripts/bench-users.sh` (not CI): the same realm contents and configuration on Keycloak in dev mode (H2) and in\n"+
		"production mode on PostgreSQL 15 behind TLS (the provider trusting the run's CA through `ca_cert_pem`). Each\n"+
		"series runs on a Keycloak restarted after seeding (data kept), after one warm-up plan; the plans talk to Keycloak\n"+
		"directly, and one more plan through a counting proxy gives the request count.\n\n"+
		backendsHead+strings.Join(rows, "")+backendsEnd+"\n")
}
