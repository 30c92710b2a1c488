package main

// Paired measurements of the seat write path: our apply, plan and destroy of
// N dashenterprise_license_seat interleaved with Terraform's floor (the same
// configuration of terraform_data), after a warm-up of Keycloak, with the CPU
// seconds of terraform, the provider and Keycloak beside each wall time. On a
// 2-core machine the three share the processors, so one run against one floor
// is not a measurement; the median of the pairs' ratios and their range is.

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times.
const clockTicks = 100

// cpu is the CPU seconds each process spent during one command; emulator is
// this process's own (it serves the platform API emulator in-process).
type cpu struct{ terraform, provider, keycloak, emulator float64 }

// selfCPU is this process's CPU seconds so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// timed is one command's wall time and CPU.
type timed struct {
	wall time.Duration
	cpu  cpu
}

// procCPU returns utime+stime, in seconds, of every process whose command line
// matches, by PID (a scan of /proc: a few milliseconds).
func procCPU(match func(cmdline string) bool) map[int]float64 {
	out := map[int]float64{}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		b, err := os.ReadFile(c)
		if err != nil || !match(strings.ReplaceAll(string(b), "\x00", " ")) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(c)))
		if s, ok := pidCPU(pid); ok {
			out[pid] = s
		}
	}
	return out
}

// pidCPU returns utime+stime of one process, in seconds.
func pidCPU(pid int) (float64, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which may hold spaces) start after ")".
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / clockTicks, true
}

func isKeycloak(cmdline string) bool {
	return strings.Contains(cmdline, "java") && strings.Contains(cmdline, "keycloak")
}

func sum(m map[int]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

// runTimed runs terraform in the workspace and measures its wall time, the
// CPU of the provider processes (terraform's children, read every 10 ms while
// they live from /proc: the last read of each may miss up to 10 ms),
// terraform's own CPU (its rusage, which includes the providers it waited
// for, less theirs) and Keycloak's. Only /proc/<pid> files of terraform and
// its children are read while it runs, so the measuring costs next to nothing.
func (w *workspace) runTimed(args ...string) timed {
	kcPIDs := procCPU(isKeycloak)
	kc0, self0 := sum(kcPIDs), selfCPU()
	cmd := exec.Command("terraform", args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	check(cmd.Start())
	provider := map[int]float64{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			for _, pid := range children(cmd.Process.Pid) {
				if s, ok := pidCPU(pid); ok {
					provider[pid] = max(provider[pid], s)
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		log.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out.String(), 3000))
	}
	prov := sum(provider)
	total := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	kc1 := 0.0
	for pid := range kcPIDs {
		if s, ok := pidCPU(pid); ok {
			kc1 += s
		}
	}
	return timed{wall: wall, cpu: cpu{terraform: max(0, total-prov), provider: prov, keycloak: kc1 - kc0, emulator: selfCPU() - self0}}
}

// children lists the child processes of pid (from /proc/<pid>/task/*/children).
func children(pid int) []int {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(field); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// pairedResult is the series of one size.
type pairedResult struct {
	N, Pairs int
	// ours and floor hold, per step ("apply", "plan", "destroy"), one entry per pair.
	ours, floor       map[string][]timed
	kcGrant, kcRevoke []time.Duration
	warmup            time.Duration
}

var pairedSteps = []struct{ name, label string }{{"apply", "apply"}, {"plan", "plan (refresh)"}, {"destroy", "destroy"}}

func benchPaired(binDir string, n, pairs int) pairedResult {
	prefix := fmt.Sprintf("pair%d-%d", n, time.Now().Unix()%100000)
	names, _, emURL, cleanup := seatUsers("paired", prefix, n)
	defer cleanup()

	var cfg strings.Builder
	cfg.WriteString("locals {\n  users = toset([\n")
	for _, u := range names {
		fmt.Fprintf(&cfg, "    %q,\n", u)
	}
	cfg.WriteString("  ])\n}\n\n")
	ours := cfg.String() + "resource \"dashenterprise_license_seat\" \"s\" {\n  for_each = local.users\n  username = each.key\n}\n"
	floorCfg := cfg.String() + "resource \"terraform_data\" \"s\" {\n  for_each = local.users\n  input = each.key\n}\n"

	ws := newWorkspace(binDir, "DASHENTERPRISE_URL="+emURL, "DASHENTERPRISE_KEYCLOAK_URL="+acctest.KeycloakURL, "DASHENTERPRISE_KEYCLOAK_BASE_PATH="+acctest.KeycloakPath)
	defer func() { _ = os.RemoveAll(ws.dir) }()
	ws.write(ours)
	fl := newWorkspace(binDir)
	defer func() { _ = os.RemoveAll(fl.dir) }()
	check(os.WriteFile(filepath.Join(fl.dir, "main.tf"), []byte(floorCfg), 0o600))

	apply := []string{"apply", "-auto-approve", "-input=false", "-lock=false", "-no-color"}
	plan := []string{"plan", "-input=false", "-lock=false", "-no-color"}
	destroy := []string{"destroy", "-auto-approve", "-input=false", "-lock=false", "-no-color"}

	res := pairedResult{N: n, Pairs: pairs, ours: map[string][]timed{}, floor: map[string][]timed{}}
	// Warm-up: a freshly started Keycloak compiles its hot paths during the first thousand writes.
	log.Printf("paired N=%d: warm-up (apply and destroy, not reported)", n)
	start := time.Now()
	ws.run(apply...)
	ws.run(destroy...)
	keycloakWriteFloor(names)
	res.warmup = time.Since(start)
	for i := 0; i < pairs; i++ {
		for _, side := range []struct {
			name string
			w    *workspace
			into map[string][]timed
		}{{"ours", ws, res.ours}, {"floor", fl, res.floor}} {
			log.Printf("paired N=%d: pair %d/%d, %s", n, i+1, pairs, side.name)
			side.into["apply"] = append(side.into["apply"], side.w.runTimed(apply...))
			side.into["plan"] = append(side.into["plan"], side.w.runTimed(plan...))
			side.into["destroy"] = append(side.into["destroy"], side.w.runTimed(destroy...))
		}
		log.Printf("paired N=%d: pair %d/%d, Keycloak alone", n, i+1, pairs)
		g, r := keycloakWriteFloor(names)
		res.kcGrant, res.kcRevoke = append(res.kcGrant, g), append(res.kcRevoke, r)
	}
	return res
}

// spread is the median and the range of a series.
type spread struct{ med, lo, hi float64 }

func spreadOf(xs []float64) spread {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return spread{med: s[len(s)/2], lo: s[0], hi: s[len(s)-1]}
}

func (s spread) secs() string  { return fmt.Sprintf("%.2f s (%.2f–%.2f)", s.med, s.lo, s.hi) }
func (s spread) ratio() string { return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.med, s.lo, s.hi) }

func walls(ts []timed) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = t.wall.Seconds()
	}
	return out
}

func durations(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

func cpuOf(ts []timed, part func(cpu) float64) string {
	xs := make([]float64, len(ts))
	for i, t := range ts {
		xs[i] = part(t.cpu)
	}
	return fmt.Sprintf("%.1f", spreadOf(xs).med)
}

func renderPaired(rs []pairedResult) string {
	var b strings.Builder
	b.WriteString(pairedBegin + "\n## Paired measurements: the seat write path against Terraform's floor\n\n")
	fmt.Fprintf(&b, "Measured by `make bench-paired` (tools/bench `-paired`) on %s. After a warm-up (one apply and destroy of ours, and the "+
		"direct writes once: a freshly started Keycloak is still compiling its hot paths during the first thousand writes), each pair runs "+
		"our apply, plan (refresh) and destroy of N `dashenterprise_license_seat` (no co-owners; 20 of the users own an app), then the same "+
		"three steps of the floor — the same configuration with `terraform_data` — then Keycloak's own N role writes and revocations from "+
		"10 workers (\"Keycloak alone\"). Wall times and ratios are the median of the pairs with their range (lowest–highest); each ratio "+
		"is taken within a pair, then the median of the ratios reported. CPU columns are median CPU seconds of terraform (its own, the "+
		"provider's subtracted), the provider, Keycloak, and the platform API emulator (served by the measuring process, whose "+
		"own CPU it is: the measuring itself reads only terraform's children's /proc files) during the command.\n\n", time.Now().UTC().Format("2006-01-02"))
	for _, r := range rs {
		fmt.Fprintf(&b, "### %d seats, %d pairs\n\n", r.N, r.Pairs)
		b.WriteString("| step | ours | floor | ratio | CPU ours: terraform / provider / Keycloak / emulator | CPU floor: terraform / Keycloak |\n|---|---:|---:|---:|---|---|\n")
		for _, st := range pairedSteps {
			o, f := r.ours[st.name], r.floor[st.name]
			ratios := make([]float64, len(o))
			for i := range o {
				ratios[i] = o[i].wall.Seconds() / f[i].wall.Seconds()
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s / %s / %s / %s s | %s / %s s |\n", st.label, spreadOf(walls(o)).secs(), spreadOf(walls(f)).secs(), spreadOf(ratios).ratio(),
				cpuOf(o, func(c cpu) float64 { return c.terraform }), cpuOf(o, func(c cpu) float64 { return c.provider }), cpuOf(o, func(c cpu) float64 { return c.keycloak }),
				cpuOf(o, func(c cpu) float64 { return c.emulator }),
				cpuOf(f, func(c cpu) float64 { return c.terraform }), cpuOf(f, func(c cpu) float64 { return c.keycloak }))
		}
		grant, revoke := spreadOf(durations(r.kcGrant)), spreadOf(durations(r.kcRevoke))
		target := make([]float64, len(r.ours["apply"]))
		for i := range target {
			target[i] = r.ours["apply"][i].wall.Seconds() / (r.floor["apply"][i].wall.Seconds() + r.kcGrant[i].Seconds())
		}
		t := spreadOf(target)
		fmt.Fprintf(&b, "\nKeycloak alone: grants %s, revocations %s. Apply against floor + Keycloak alone (target ≤ 1.2×): **%s** — %s.\n\n",
			grant.secs(), revoke.secs(), t.ratio(), map[bool]string{true: "met", false: "not met"}[t.med <= 1.2])
	}
	b.WriteString(pairedEnd + "\n")
	return b.String()
}

const (
	pairedBegin = "<!-- paired measurements: begin (tools/bench -paired rewrites this section) -->"
	pairedEnd   = "<!-- paired measurements: end -->"
)

// A marked section of the report, rewritten by a run of its own and carried
// over by the others.
type marked struct{ begin, end string }

var (
	pairedMarks   = marked{pairedBegin, pairedEnd}
	backendsMarks = marked{backendsBegin, backendsEnd}
	// platformMarks is the platform API's request counts, measured by the
	// request-count tests (TestAccPlatformRequestCount_*) and kept by hand.
	platformMarks = marked{"<!-- platform requests: begin (kept by make bench; measured by the TestAccPlatformRequestCount tests) -->",
		"<!-- platform requests: end -->"}
	// driftMarks is the cost of naming who changed seats, measured by
	// TestAccDriftRequestCount_1000SeatsAnd1000Events and kept by hand.
	driftMarks = marked{"<!-- drift attribution: begin (kept by make bench; measured by TestAccDriftRequestCount_1000SeatsAnd1000Events) -->",
		"<!-- drift attribution: end -->"}
)

// splice replaces the section of a report (or appends it; "" leaves the report as it is).
func (m marked) splice(report, section string) string {
	if section == "" {
		return report
	}
	i, j := strings.Index(report, m.begin), strings.Index(report, m.end)
	if i < 0 || j < i {
		return strings.TrimRight(report, "\n") + "\n\n" + section
	}
	return report[:i] + section + strings.TrimLeft(report[j+len(m.end):], "\n")
}

// inFile returns the section of a report file, or "".
func (m marked) inFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return m.of(string(b))
}

// of returns the section of a report, or "".
func (m marked) of(s string) string {
	i, j := strings.Index(s, m.begin), strings.Index(s, m.end)
	if i < 0 || j < i {
		return ""
	}
	return s[i:j+len(m.end)] + "\n"
}
