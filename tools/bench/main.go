// Command bench measures the provider at organisation scale against the local
// Keycloak and an in-process platform emulator, through the real terraform CLI,
// and writes BENCHMARKS.md. Run it with `make bench` (which starts Keycloak).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

type seatResult struct {
	N, CoOwners                      int
	DirectHolders                    int
	Apply                            time.Duration
	ApplyKC, ApplyEm                 int64
	PlanRefresh, PlanNoRefresh       time.Duration
	RefreshKC, RefreshEm, PhysicalKC int
	RefreshPerUser                   int
	// RefreshPlatformTokens counts the platform API's token requests (realm
	// dash) within RefreshKC: the co-owner reads need one, the seats none.
	RefreshPlatformTokens int
	// FloorApply and FloorPlan are Terraform's own apply and plan (refresh) of
	// the same configuration with terraform_data in place of every resource
	// (the same for_each over the same usernames, the same references), in the
	// same run: the floor a provider cannot beat. CountApply and CountPlan are
	// as many terraform_data instances made with count and no references.
	FloorApply, FloorPlan, CountApply, CountPlan time.Duration
	// Destroy is terraform destroy of the whole configuration, DestroyKC its
	// Keycloak requests.
	Destroy   time.Duration
	DestroyKC int64
	// ApplyLatency and PlanLatency are the apply and plan (refresh) again
	// with every Keycloak and platform answer delayed by 25 ms.
	ApplyLatency, PlanLatency time.Duration
	// RealmUsers is the realm's user count after the apply (for the listing pages).
	RealmUsers int
	// KCGrant and KCRevoke are Keycloak's own time for the N role writes of
	// the apply and of the destroy, made directly (keycloakWriteFloor).
	KCGrant, KCRevoke time.Duration
}

type dsResult struct {
	Users    int
	Logins   int
	Events   int
	Sessions int
	Seeding  time.Duration
	// Groups is the realm's group count (one member listing each).
	Groups int
	// PlanLatency is the plan with every Keycloak answer delayed by 25 ms.
	PlanLatency     time.Duration
	Plan, EmptyPlan time.Duration
	KC, Physical    int
	PeakRSSMiB      float64
	// Plan192 and Peak192MiB are the plan and peak memory with GOMEMLIMIT=192MiB
	// instead of main.go's default soft limit (128 MiB): how much of the plan is
	// the garbage collector working against that limit.
	Plan192    time.Duration
	Peak192MiB float64
}

var peakKiB atomic.Int64

func main() {
	sizes := flag.String("seats", "100,1000", "seat counts to measure (one dashenterprise_license_seat each, and up to 200 co-owners)")
	seatsOnly := flag.String("seats-only", "1000", "seat counts to measure again with no co-owners (the write path's own configuration)")
	setSizes := flag.String("seat-set", "10000", "sizes of dashenterprise_license_seats to measure (an update adds and removes a tenth)")
	dsUsers := flag.Int("datasource-users", 10000, "users created for the users data source measurement (0 skips it)")
	logins := flag.Int("logins", 20000, "real logins of those users before the measurement (LOGIN events)")
	sessions := flag.Int("sessions", 2000, "of those logins, how many leave a live session")
	runs := flag.Int("runs", 3, "plans per measurement (the median is reported)")
	out := flag.String("out", "BENCHMARKS.md", "report file")
	paired := flag.Int("paired", 0, "run only the paired measurements of the seat write path, with this many pairs (0: the full benchmark)")
	pairedSizes := flag.String("paired-seats", "1000", "seat counts of the paired measurements")
	setRounds := flag.Int("seat-set-rounds", 0, "run only the seat set's no-change plan of this many usernames in rounds against Terraform's floor (0: the full benchmark)")
	rounds := flag.Int("rounds", 5, "rounds of -seat-set-rounds")
	baseline := flag.String("seat-set-baseline", "", "a git revision whose provider -seat-set-rounds measures in the same rounds")
	profile := flag.String("profile", "", "a directory: after the rounds, one more plan of this tree's provider writes its CPU profile there (plan.1, plan.2, …)")
	backend := flag.String("users-backend", "", "run only the users data source's series on the running Keycloak, as this backend's row (scripts/bench-users.sh)")
	flag.Parse()
	log.SetFlags(log.Ltime)

	root, _ := os.Getwd()
	binDir, err := os.MkdirTemp("", "bench-provider-")
	check(err)
	defer func() { _ = os.RemoveAll(binDir) }()
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-dashenterprise"), ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	check(build.Run())
	stopPoll := pollMemory(filepath.Join(binDir, "terraform-provider-dashenterprise"))
	defer stopPoll()

	if *setRounds > 0 {
		section := benchSeatSetRounds(binDir, *baseline, *profile, *setRounds, *rounds)
		fmt.Print(section)
		old, _ := os.ReadFile(*out)
		check(os.WriteFile(*out, []byte(setPairedMarks.splice(string(old), section)), 0o644))
		log.Printf("wrote the seat set's rounds to %s", *out)
		return
	}
	if *backend != "" {
		row := benchUsersSeries(binDir, *backend, *dsUsers, *logins, *sessions, *runs).row()
		fmt.Print(row)
		old, _ := os.ReadFile(*out)
		check(os.WriteFile(*out, []byte(spliceBackendRow(string(old), *backend, row)), 0o644))
		log.Printf("wrote the %s row of %s", *backend, *out)
		return
	}
	if *paired > 0 {
		var rs []pairedResult
		for _, n := range counts(*pairedSizes) {
			rs = append(rs, benchPaired(binDir, n, *paired))
		}
		section := renderPaired(rs)
		fmt.Print(section)
		old, _ := os.ReadFile(*out)
		check(os.WriteFile(*out, []byte(pairedMarks.splice(string(old), section)), 0o644))
		log.Printf("wrote the paired section of %s", *out)
		return
	}
	var seats []seatResult
	var sets []seatSetResult
	var ds *dsResult
	// save writes the report of what has been measured so far, so that a
	// failure in a later section keeps the earlier ones; the sections measured
	// on their own (paired, backends, seat set in rounds) are carried over.
	ownRuns := []marked{pairedMarks, backendsMarks, setPairedMarks, platformMarks, driftMarks}
	kept := map[marked]string{}
	for _, m := range ownRuns {
		kept[m] = m.inFile(*out)
	}
	full := func() string {
		report := render(seats, sets, ds)
		for _, m := range ownRuns {
			report = m.splice(report, kept[m])
		}
		return report
	}
	save := func() { check(os.WriteFile(*out, []byte(full()), 0o644)) }
	for _, n := range counts(*sizes) {
		seats = append(seats, benchSeats(binDir, n, 200, *runs))
		save()
	}
	for _, n := range counts(*seatsOnly) {
		seats = append(seats, benchSeats(binDir, n, 0, *runs))
		save()
	}
	for _, n := range counts(*setSizes) {
		sets = append(sets, benchSeatSet(binDir, n, n/10, *runs))
		save()
	}
	if *dsUsers > 0 {
		r := benchUsersDataSource(binDir, *dsUsers, *runs, *logins, *sessions)
		ds = &r
	}
	report := full()
	fmt.Print(report)
	check(os.WriteFile(*out, []byte(report), 0o644))
	log.Printf("wrote %s", *out)
}

// counts reads a comma-separated list of sizes ("100,1000"; empty: none).
func counts(list string) []int {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		out = append(out, n)
	}
	return out
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

type workspace struct {
	dir string
	env []string
}

func newWorkspace(binDir string, env ...string) *workspace {
	dir, err := os.MkdirTemp("", "bench-ws-")
	check(err)
	rc := filepath.Join(dir, ".terraformrc")
	check(os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", acctest.ProviderSource, binDir)), 0o600))
	base := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"DASHENTERPRISE_ADMIN_USERNAME="+acctest.AdminUsername, "DASHENTERPRISE_ADMIN_PASSWORD="+acctest.AdminPassword,
		"DASHENTERPRISE_PLATFORM_CLIENT_ID="+acctest.PlatformClientID, "DASHENTERPRISE_PLATFORM_CLIENT_SECRET="+acctest.PlatformClientSecret)
	return &workspace{dir: dir, env: append(base, env...)}
}

func (w *workspace) write(config string) {
	header := fmt.Sprintf("terraform {\n  required_providers {\n    dashenterprise = { source = %q }\n  }\n}\n\nprovider \"dashenterprise\" {}\n\n", acctest.ProviderSource)
	check(os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(header+config), 0o600))
}

func (w *workspace) run(args ...string) time.Duration {
	cmd := exec.Command("terraform", args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	start := time.Now()
	outp, err := cmd.CombinedOutput()
	if err != nil {
		log.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(string(outp), 3000))
	}
	return time.Since(start)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

func benchSeats(binDir string, n, maxCoOwners, runs int) seatResult {
	prefix := fmt.Sprintf("bench%d-%d", n, time.Now().Unix()%100000)
	names, initial, emURL, cleanup := seatUsers("seats", prefix, n)
	defer cleanup()
	coOwners := min(maxCoOwners, n-seatApps)
	kc, stopKC, err := acctest.StartFaultProxy(acctest.KeycloakURL)
	check(err)
	defer stopKC()
	em, stopEmProxy, err := acctest.StartFaultProxy(emURL)
	check(err)
	defer stopEmProxy()

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "locals {\n  users = toset([\n")
	for _, u := range names {
		fmt.Fprintf(&cfg, "    %q,\n", u)
	}
	cfg.WriteString("  ])\n}\n\nresource \"dashenterprise_license_seat\" \"s\" {\n  for_each = local.users\n  username = each.key\n}\n")
	for j := 0; j < coOwners; j++ {
		fmt.Fprintf(&cfg, "\nresource \"dashenterprise_app_coowner\" \"c%d\" {\n  app      = %q\n  username = dashenterprise_license_seat.s[%q].username\n}\n",
			j, initial.Apps[j%seatApps].Name, names[seatApps+j])
	}
	ws := newWorkspace(binDir, "DASHENTERPRISE_URL="+em.URL, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL)
	defer func() { _ = os.RemoveAll(ws.dir) }()
	ws.write(cfg.String())

	res := seatResult{N: n, CoOwners: coOwners}
	log.Printf("seats N=%d: terraform apply (%d seats, %d co-owners)", n, n, coOwners)
	kc.ResetCounts()
	em.ResetCounts()
	res.Apply = ws.run("apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
	res.ApplyKC, res.ApplyEm = kc.Requests.Load(), em.Requests.Load()

	var refresh, noRefresh []time.Duration
	for i := 0; i < runs; i++ {
		kc.ResetCounts()
		em.ResetCounts()
		log.Printf("seats N=%d: terraform plan (refresh) %d/%d", n, i+1, runs)
		refresh = append(refresh, ws.run("plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"))
		if i == 0 {
			res.RefreshKC, res.RefreshEm, res.RefreshPerUser = int(kc.Requests.Load()), int(em.Requests.Load()), int(kc.PerUser.Load())
			res.RefreshPlatformTokens = int(kc.PlatformTokens.Load())
		}
		log.Printf("seats N=%d: terraform plan -refresh=false %d/%d", n, i+1, runs)
		noRefresh = append(noRefresh, ws.run("plan", "-refresh=false", "-input=false", "-lock=false", "-no-color"))
	}
	res.PlanRefresh, res.PlanNoRefresh = median(refresh), median(noRefresh)
	res.DirectHolders = countDirect()
	res.PhysicalKC = (res.DirectHolders+99)/100 + 3
	all, err := acctest.ListUsernames("")
	check(err)
	res.RealmUsers = len(all)

	kc.ResetCounts()
	log.Printf("seats N=%d: terraform destroy", n)
	res.Destroy = ws.run("destroy", "-auto-approve", "-input=false", "-lock=false", "-no-color")
	res.DestroyKC = kc.Requests.Load()
	res.KCGrant, res.KCRevoke = keycloakWriteFloor(names)
	if n >= 1000 && coOwners > 0 {
		kc.SetLatency(latency)
		em.SetLatency(latency)
		log.Printf("seats N=%d: terraform apply with %s per answer", n, latency)
		res.ApplyLatency = ws.run("apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
		var delayed []time.Duration
		for i := 0; i < runs; i++ {
			log.Printf("seats N=%d: terraform plan (refresh) with %s per answer %d/%d", n, latency, i+1, runs)
			delayed = append(delayed, ws.run("plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"))
		}
		res.PlanLatency = median(delayed)
		kc.SetLatency(0)
		em.SetLatency(0)
	}

	// Terraform's floor: the same configuration, terraform_data in place of every resource.
	floor := strings.ReplaceAll(strings.ReplaceAll(cfg.String(), "dashenterprise_license_seat", "terraform_data"), "dashenterprise_app_coowner", "terraform_data")
	floor = strings.ReplaceAll(strings.ReplaceAll(floor, "  username = each.key", "  input = each.key"), "].username", "].input")
	floor = regexp.MustCompile(`(?m)^  (app|username) += `).ReplaceAllString(floor, "  input = ")
	floor = regexp.MustCompile(`(?m)^  input = "[^"]*"\n`).ReplaceAllString(floor, "") // a co-owner's app: one input is enough
	res.FloorApply, res.FloorPlan = terraformFloor(binDir, "same configuration", floor, runs)
	res.CountApply, res.CountPlan = terraformFloor(binDir, "count", fmt.Sprintf("resource \"terraform_data\" \"x\" {\n  count = %d\n  input = count.index\n}\n", n+coOwners), runs)
	return res
}

// seatApps is how many of the seat measurements' users own an app.
const seatApps = 20

// seatUsers creates n users named after prefix and an emulator that knows them,
// in which the first seatApps own an app each; cleanup stops the emulator and
// deletes the users.
func seatUsers(what, prefix string, n int) (names []string, initial *emulator.State, emURL string, cleanup func()) {
	log.Printf("%s N=%d: creating %d users", what, n, n)
	names, err := acctest.BulkImport(prefix, n, nil)
	check(err)
	initial = &emulator.State{SeatsPurchased: 100000, KnownUsers: names}
	for i := 0; i < seatApps; i++ {
		initial.Apps = append(initial.Apps, &emulator.App{Name: fmt.Sprintf("%s-app-%02d", prefix, i), Owner: names[i]})
	}
	_, emURL, stopEm, err := acctest.ServeEmulator(initial)
	check(err)
	return names, initial, emURL, func() {
		stopEm()
		log.Printf("%s N=%d: deleting users", what, n)
		acctest.DeleteUsersByPrefix(prefix)
	}
}

// latency is what a real network adds to every answer in the delayed rows.
const latency = 25 * time.Millisecond

// terraformFloor times Terraform's own apply and plan of a configuration of
// terraform_data (no provider of ours involved).
func terraformFloor(binDir, what, config string, runs int) (apply, plan time.Duration) {
	ws := newWorkspace(binDir)
	defer func() { _ = os.RemoveAll(ws.dir) }()
	check(os.WriteFile(filepath.Join(ws.dir, "main.tf"), []byte(config), 0o600))
	log.Printf("floor (%s): terraform apply", what)
	apply = ws.run("apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
	var plans []time.Duration
	for i := 0; i < runs; i++ {
		plans = append(plans, ws.run("plan", "-input=false", "-lock=false", "-no-color"))
	}
	return apply, median(plans)
}

// applyLimit is the fewest Keycloak requests an apply granting r.N seats can
// make: the N role writes, the realm's user pages (500 each) to find the user
// IDs, the holders' pages (100 each) and the admin token, roles client and role.
func applyLimit(r seatResult) int {
	return r.N + (r.RealmUsers+499)/500 + (r.DirectHolders+99)/100 + 3
}

func countDirect() int {
	names, err := acctest.ListUsernames("licensed_user")
	check(err)
	return len(names)
}

func benchUsersDataSource(binDir string, users, runs, logins, sessions int) dsResult {
	res := dsResult{Logins: logins}
	var cleanup func()
	res.Seeding, cleanup = seedUsers("users data source", "benchds", users, logins, sessions)
	defer cleanup()
	res.Events, res.Sessions = storedLoginEvents(), sessions
	kc, stopKC, err := acctest.StartFaultProxy(acctest.KeycloakURL)
	check(err)
	defer stopKC()
	ws := newWorkspace(binDir, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_URL=http://127.0.0.1:1", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET=")
	defer func() { _ = os.RemoveAll(ws.dir) }()
	var empty, plans []time.Duration
	for i := 0; i < runs; i++ {
		ws.write("")
		empty = append(empty, ws.run("plan", "-input=false", "-lock=false", "-no-color"))
		ws.write(usersConfig)
		kc.ResetCounts()
		peakKiB.Store(0)
		log.Printf("users data source: terraform plan %d/%d", i+1, runs)
		plans = append(plans, ws.run("plan", "-input=false", "-lock=false", "-no-color"))
		if i == 0 {
			res.KC = int(kc.Requests.Load())
			res.PeakRSSMiB = float64(peakKiB.Load()) / 1024
		}
	}
	wide := newWorkspace(binDir, "DASHENTERPRISE_KEYCLOAK_URL="+kc.URL, "DASHENTERPRISE_URL=http://127.0.0.1:1", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET=", "GOMEMLIMIT=192MiB")
	defer func() { _ = os.RemoveAll(wide.dir) }()
	wide.write(usersConfig)
	var wider []time.Duration
	for i := 0; i < runs; i++ {
		peakKiB.Store(0)
		log.Printf("users data source: terraform plan with GOMEMLIMIT=192MiB %d/%d", i+1, runs)
		wider = append(wider, wide.run("plan", "-input=false", "-lock=false", "-no-color"))
		if i == 0 {
			res.Peak192MiB = float64(peakKiB.Load()) / 1024
		}
	}
	res.Plan192 = median(wider)
	kc.SetLatency(25 * time.Millisecond)
	var delayed []time.Duration
	for i := 0; i < runs; i++ {
		log.Printf("users data source: terraform plan with 25 ms per Keycloak answer %d/%d", i+1, runs)
		delayed = append(delayed, ws.run("plan", "-input=false", "-lock=false", "-no-color"))
	}
	kc.SetLatency(0)
	res.PlanLatency = median(delayed)
	all, err := acctest.ListUsernames("")
	check(err)
	res.Users = len(all)
	res.Plan, res.EmptyPlan = median(plans), median(empty)
	// The pages its listings need: users (500 a page) and LOGIN events (10,000
	// a page); one member listing per group (the groups attribute); the direct
	// holders of licensed_user and admin (100 a page); and the admin token, the
	// users count, the partial export, the events settings, the sessions, and
	// the holders of the one composite containing the seat (dash/developer).
	seats, err := acctest.ListUsernames("licensed_user")
	check(err)
	admins, err := acctest.ListUsernames("admin")
	check(err)
	res.Groups = countGroups()
	res.Physical = (res.Users+keycloak.DefaultUserPageSize-1)/keycloak.DefaultUserPageSize + (res.Events+keycloak.EventPageSize-1)/keycloak.EventPageSize +
		res.Groups + (len(seats)+99)/100 + (len(admins)+99)/100 + 6
	return res
}

// pollMemory records the high-water mark (VmHWM) of every provider process.
func pollMemory(binary string) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
			for _, c := range procs {
				b, err := os.ReadFile(c)
				if err != nil || !strings.HasPrefix(string(b), binary) {
					continue
				}
				f, err := os.Open(filepath.Join(filepath.Dir(c), "status"))
				if err != nil {
					continue
				}
				sc := bufio.NewScanner(f)
				for sc.Scan() {
					if fields := strings.Fields(sc.Text()); len(fields) >= 2 && fields[0] == "VmHWM:" {
						if kib, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
							for {
								cur := peakKiB.Load()
								if kib <= cur || peakKiB.CompareAndSwap(cur, kib) {
									break
								}
							}
						}
					}
				}
				_ = f.Close()
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}

func render(seats []seatResult, sets []seatSetResult, ds *dsResult) string {
	var b strings.Builder
	tfv, _ := exec.Command("terraform", "version").Output()
	fmt.Fprintf(&b, "# Benchmarks\n\nMeasured by `make bench` (tools/bench) on %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %d CPUs (GOMAXPROCS), %s, %s/%s. %s, %s, Keycloak 26.7.3 (dev mode, H2, heap ≤ 1 GiB) on OpenJDK 17, platform API emulator in-process. Everything on loopback.\n\n",
		runtime.NumCPU(), memTotal(), runtime.GOOS, runtime.GOARCH, runtime.Version(), strings.SplitN(strings.TrimSpace(string(tfv)), "\n", 2)[0])
	b.WriteString("Requests are counted by loopback proxies in front of Keycloak and the emulator. The physical limit of refreshing the seats is " +
		"one page per 100 direct holders of `licensed_user` plus 3 lookups (admin token, roles client, role); the co-owners add one " +
		"request to Keycloak, the platform API's token (realm `dash`), and their own listing at the emulator. \"Seats\" columns leave that " +
		"platform token out, \"whole refresh\" columns count it on both sides. Plan times are medians.\n\n")
	b.WriteString("## Seats and co-owners\n\n")
	b.WriteString("| N seats | co-owners | apply | plan (refresh) | plan -refresh=false | ratio | Keycloak requests, seats | physical limit, seats | ratio | Keycloak requests, whole refresh | physical limit | ratio | per-user requests | emulator requests (refresh) |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range seats {
		seatsKC, wholeLimit := r.RefreshKC-r.RefreshPlatformTokens, r.PhysicalKC+r.RefreshPlatformTokens
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %s | %.2f× | %d | %d | %.2f× | %d | %d | %.2f× | %d | %d |\n", r.N, r.CoOwners, secs(r.Apply), secs(r.PlanRefresh), secs(r.PlanNoRefresh),
			float64(r.PlanRefresh)/float64(r.PlanNoRefresh), seatsKC, r.PhysicalKC, float64(seatsKC)/float64(r.PhysicalKC),
			r.RefreshKC, wholeLimit, float64(r.RefreshKC)/float64(wholeLimit), r.RefreshPerUser, r.RefreshEm)
	}
	b.WriteString("\n### Against Terraform's floor and the write path's physical limit\n\n")
	b.WriteString("The floor is Terraform's own apply and plan of the same configuration with `terraform_data` in place of every resource " +
		"(the same `for_each` over the same usernames, the co-owners referencing the seats the same way), measured in the same run. " +
		"Beside it, as many `terraform_data` instances made with `count` and no references: the difference between the two is Terraform's own cost of " +
		"`for_each` over a large set, which no provider can remove (see below). " +
		"The apply's physical limit is the N role writes plus the pages of the listings it needs (realm users, 500 a page; holders, 100 a page) and 3 lookups; " +
		"the co-owners' platform calls go to the emulator and are listed beside it. " +
		"\"Keycloak alone\" is Keycloak's own time for the apply's N role writes, made directly with plain admin calls from 10 workers " +
		"(Terraform's default parallelism) and no Terraform: the second floor, since Keycloak and Terraform share this machine's processors. " +
		"An apply cannot take less than the larger of the two floors, and on a machine whose processors both of them fill, not less than their sum.\n\n")
	b.WriteString("| N seats | co-owners | apply | floor apply | ratio | Keycloak alone | ratio to floor + Keycloak alone | `count` apply | plan (refresh) | plan -refresh=false | floor plan | ratio | `count` plan | Keycloak requests, apply | physical limit | ratio | emulator requests, apply |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range seats {
		limit := applyLimit(r)
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %.2f× | %s | %.2f× | %s | %s | %s | %s | %.2f× | %s | %d | %d | %.2f× | %d |\n", r.N, r.CoOwners, secs(r.Apply), secs(r.FloorApply), float64(r.Apply)/float64(r.FloorApply),
			secs(r.KCGrant), float64(r.Apply)/float64(r.FloorApply+r.KCGrant),
			secs(r.CountApply), secs(r.PlanRefresh), secs(r.PlanNoRefresh), secs(r.FloorPlan), float64(r.PlanRefresh)/float64(r.FloorPlan), secs(r.CountPlan),
			r.ApplyKC, limit, float64(r.ApplyKC)/float64(limit), r.ApplyEm)
	}
	b.WriteString("\nEvery apply above ran at terraform's default parallelism (10) and succeeded: no 409 or lost update. " +
		"Apply time includes the emulator, which reads seats from Keycloak afresh for each of the co-owner mutations; the rows with no co-owners are the write path alone (the configuration of issue 17).\n")
	b.WriteString("\n### Destroy, and the same rows with 25 ms per answer\n\n")
	b.WriteString("`terraform destroy` of the whole configuration; then the apply and the plan (refresh) again, through the same loopback proxies " +
		"delaying every Keycloak and every platform API answer by 25 ms.\n\n")
	b.WriteString("| N seats | co-owners | destroy | Keycloak alone, N revocations | Keycloak requests, destroy | physical limit | ratio | apply, 25 ms | ratio to apply | plan (refresh), 25 ms | ratio to plan |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range seats {
		limit := applyLimit(r)
		row := fmt.Sprintf("| %d | %d | %s | %s | %d | %d | %.2f× |", r.N, r.CoOwners, secs(r.Destroy), secs(r.KCRevoke), r.DestroyKC, limit, float64(r.DestroyKC)/float64(limit))
		if r.ApplyLatency > 0 {
			row += fmt.Sprintf(" %s | %.2f× | %s | %.2f× |", secs(r.ApplyLatency), float64(r.ApplyLatency)/float64(r.Apply), secs(r.PlanLatency), float64(r.PlanLatency)/float64(r.PlanRefresh))
		} else {
			row += " — | — | — | — |"
		}
		b.WriteString(row + "\n")
	}
	if ds != nil {
		b.WriteString("\n## Users data source\n\n| users in the realm | plan | plan, 25 ms per Keycloak answer | empty plan | Keycloak requests | physical limit | provider peak memory |\n|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %d | %d | %.0f MiB |\n", ds.Users, secs(ds.Plan), secs(ds.PlanLatency), secs(ds.EmptyPlan), ds.KC, ds.Physical, ds.PeakRSSMiB)
		fmt.Fprintf(&b, "\nThe same plan with `GOMEMLIMIT=192MiB` instead of the provider's default soft limit of 128 MiB: %s, peak %.0f MiB.\n", secs(ds.Plan192), ds.Peak192MiB)
		if note := activityNote(*ds); note != "" {
			b.WriteString("\n" + note + "\n")
		}
	}
	b.WriteString(renderSeatSet(sets))
	b.WriteString(targets(seats, sets, ds))
	return b.String()
}

// targets compares the measurements with the goals of issue 6.
func targets(seats []seatResult, sets []seatSetResult, ds *dsResult) string {
	var b strings.Builder
	b.WriteString("\n## Targets\n\n| target | measured | met |\n|---|---|---|\n")
	verdict := yesNo
	for _, r := range seats {
		if r.N != 1000 {
			continue
		}
		what := fmt.Sprintf("1,000 seats and %d co-owners", r.CoOwners)
		if r.CoOwners == 0 { // the write path's own configuration: seats only
			what = "1,000 seats (no co-owners)"
		} else {
			seatsKC, wholeLimit := r.RefreshKC-r.RefreshPlatformTokens, r.PhysicalKC+r.RefreshPlatformTokens
			ratio := float64(seatsKC) / float64(r.PhysicalKC)
			fmt.Fprintf(&b, "| Keycloak requests of refreshing 1,000 seats ≤ 1.2 × the physical limit | %d vs %d (%.2f×) | %s |\n", seatsKC, r.PhysicalKC, ratio, verdict(ratio <= 1.2))
			whole := float64(r.RefreshKC) / float64(wholeLimit)
			fmt.Fprintf(&b, "| the same for the whole refresh (1,000 seats and %d co-owners) | %d vs %d (%.2f×) | %s |\n", r.CoOwners, r.RefreshKC, wholeLimit, whole, verdict(whole <= 1.2))
		}
		ar := float64(r.ApplyKC) / float64(applyLimit(r))
		fmt.Fprintf(&b, "| Keycloak requests of applying %s ≤ 1.2 × (writes + listing pages) | %d vs %d (%.2f×) | %s |\n", what, r.ApplyKC, applyLimit(r), ar, verdict(ar <= 1.2))
		fr := float64(r.Apply) / float64(r.FloorApply)
		fmt.Fprintf(&b, "| apply of %s ≤ 1.2 × Terraform's apply of the same configuration of `terraform_data` | %s vs %s (%.2f×; Keycloak alone took %s for the role writes) | %s |\n",
			what, secs(r.Apply), secs(r.FloorApply), fr, secs(r.KCGrant), verdict(fr <= 1.2))
		dr := float64(r.DestroyKC) / float64(applyLimit(r))
		fmt.Fprintf(&b, "| Keycloak requests of destroying them ≤ 1.2 × (writes + listing pages) | %d vs %d (%.2f×) | %s |\n", r.DestroyKC, applyLimit(r), dr, verdict(dr <= 1.2))
		if r.CoOwners == 0 {
			continue
		}
		if r.PlanLatency > 0 {
			lr := float64(r.PlanLatency) / float64(r.PlanRefresh)
			fmt.Fprintf(&b, "| with 25 ms per answer, the plan of 1,000 seats ≤ 1.3 × the plan without delay | %s vs %s (%.2f×) | %s |\n", secs(r.PlanLatency), secs(r.PlanRefresh), lr, verdict(lr <= 1.3))
		}
		pr := float64(r.PlanRefresh) / float64(r.PlanNoRefresh)
		fmt.Fprintf(&b, "| plan with refresh ≤ 1.5 × `plan -refresh=false` at N = 1,000 | %s vs %s (%.2f×) | %s |\n", secs(r.PlanRefresh), secs(r.PlanNoRefresh), pr, verdict(pr <= 1.5))
	}
	for _, r := range sets {
		fmt.Fprintf(&b, "| `dashenterprise_license_seats` of %d usernames: refresh + plan ≤ 3 s | %s (Terraform's own plan of one `terraform_data` holding the same set: %s) | %s |\n",
			r.N, secs(r.Plan), secs(r.FloorPlan), verdict(r.Plan <= 3*time.Second))
		ur := float64(r.UpdateKC) / float64(r.updateLimit())
		fmt.Fprintf(&b, "| its update adding %d and removing %d ≤ 1.2 × the physical limit | %d vs %d (%.2f×) | %s |\n", r.Churn, r.Churn, r.UpdateKC, r.updateLimit(), ur, verdict(ur <= 1.2))
		fmt.Fprintf(&b, "| no lost update: after it, Keycloak's direct holders equal the configured set | %s | %s |\n", yesNo(r.Exact), verdict(r.Exact))
	}
	if ds != nil {
		fmt.Fprintf(&b, "| users data source over 10,000 users with %d LOGIN events and %d sessions ≤ 10 s (whole `terraform plan`) | %s | %s |\n", ds.Events, ds.Sessions, secs(ds.Plan), verdict(ds.Plan <= 10*time.Second))
		dr := float64(ds.KC) / float64(ds.Physical)
		fmt.Fprintf(&b, "| its Keycloak requests ≤ 1.2 × the pages its listings need | %d vs %d (%.2f×) | %s |\n", ds.KC, ds.Physical, dr, verdict(dr <= 1.2))
		fmt.Fprintf(&b, "| provider peak memory < 250 MiB while reading it | %.0f MiB | %s |\n", ds.PeakRSSMiB, verdict(ds.PeakRSSMiB < 250))
		lr := float64(ds.PlanLatency) / float64(ds.Plan)
		fmt.Fprintf(&b, "| with 25 ms per Keycloak answer, its plan ≤ 1.3 × the plan without delay | %s vs %s (%.2f×) | %s |\n", secs(ds.PlanLatency), secs(ds.Plan), lr, verdict(lr <= 1.3))
	}
	b.WriteString("\nWhere the request count exceeds the physical limit, the difference is fixed, not per seat: one partial export " +
		"(groups, roles, composites; it replaces the roles-client and role lookups) and the live listings of the groups and composite roles that hold `licensed_user` " +
		"(here `/Licensed Developers`, its sub-group `/Contractors`, and `dash/developer`). The limit counts only the direct " +
		"holders, but a seat held through a group or a composite role is a seat too, so these listings cannot be skipped. " +
		"With an admin account that may not export the realm (no `manage-realm`), the provider falls back to listing groups " +
		"and scanning composite roles, about 25 more requests on the test realm.\n")
	return b.String()
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kib, _ := strconv.Atoi(f[1])
			return fmt.Sprintf("%.0f GiB", float64(kib)/1024/1024)
		}
	}
	return "memory unknown"
}
