package acctest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// ProviderSource is the registry address the harness configurations use.
const ProviderSource = "plotly-community/dashenterprise"

// Diagnostic is one diagnostic from terraform's -json output.
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
}

func (d Diagnostic) String() string { return d.Severity + ": " + d.Summary + ": " + d.Detail }

// Result is the outcome of one terraform command.
type Result struct {
	Diagnostics []Diagnostic
	// Changes maps resource address to planned action (create, delete, update, replace, ...).
	Changes map[string]string
	// Outputs holds values printed by apply (-json "outputs" message).
	Outputs map[string]json.RawMessage
	Err     error
	Log     string
}

// Warnings returns the warning diagnostics.
func (r Result) Warnings() []Diagnostic { return r.bySeverity("warning") }

// Errors returns the error diagnostics.
func (r Result) Errors() []Diagnostic { return r.bySeverity("error") }

func (r Result) bySeverity(s string) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Find returns the diagnostics of a severity whose summary or detail contains every substring.
func (r Result) Find(severity string, substrings ...string) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.bySeverity(severity) {
		text := d.Summary + "\n" + d.Detail
		ok := true
		for _, s := range substrings {
			if !strings.Contains(text, s) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// providerDir builds the provider binary once per test process.
func providerDir(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// Shared by every test of the process, so not t.TempDir().
		buildDir, buildErr = os.MkdirTemp("", "dashenterprise-provider-") //nolint:usetesting
		if buildErr != nil {
			return
		}
		root := repoRoot()
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "terraform-provider-dashenterprise"), ".")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Workspace is a terraform working directory using the provider built from
// this repository through dev_overrides, for tests that need terraform's
// diagnostics (terraform-plugin-testing cannot assert warnings).
type Workspace struct {
	t   *testing.T
	Dir string
	Env []string
}

// NewWorkspace returns an empty working directory; env adds variables for terraform and the provider.
func NewWorkspace(t *testing.T, env ...string) *Workspace {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir(t))
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var base []string
	for _, kv := range os.Environ() {
		// With a CA for Keycloak's TLS in ca_cert_pem, the provider under
		// terraform must trust it through that setting alone.
		if strings.HasPrefix(kv, "SSL_CERT_FILE=") && os.Getenv("DASHENTERPRISE_CA_CERT_PEM") != "" {
			continue
		}
		base = append(base, kv)
	}
	base = append(base, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &Workspace{t: t, Dir: dir, Env: append(base, env...)}
}

// Write replaces the configuration with main.tf = config (a required_providers block is added).
func (w *Workspace) Write(config string) {
	w.t.Helper()
	header := fmt.Sprintf("terraform {\n  required_providers {\n    dashenterprise = { source = %q }\n  }\n}\n\n", ProviderSource)
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(header+config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Plan runs terraform plan -json and returns diagnostics and planned changes.
func (w *Workspace) Plan(extra ...string) Result {
	return w.run(append([]string{"plan", "-json", "-input=false", "-lock=false"}, extra...)...)
}

// Apply runs terraform apply -auto-approve -json.
func (w *Workspace) Apply(extra ...string) Result {
	return w.run(append([]string{"apply", "-json", "-input=false", "-auto-approve", "-lock=false"}, extra...)...)
}

// Destroy runs terraform destroy -auto-approve -json.
func (w *Workspace) Destroy(extra ...string) Result {
	return w.run(append([]string{"destroy", "-json", "-input=false", "-auto-approve", "-lock=false"}, extra...)...)
}

// MustApply applies and fails the test on any error.
func (w *Workspace) MustApply(extra ...string) Result {
	w.t.Helper()
	r := w.Apply(extra...)
	if r.Err != nil || len(r.Errors()) > 0 {
		w.t.Fatalf("terraform apply failed: %v %v\n%s", r.Err, r.Errors(), r.Log)
	}
	return r
}

// Cleanup destroys everything at the end of the test.
func (w *Workspace) Cleanup() {
	w.t.Cleanup(func() { w.Destroy() })
}

// Run runs any terraform command and returns its combined output.
func (w *Workspace) Run(args ...string) (string, error) {
	cmd := exec.Command(terraformPath(), args...)
	cmd.Dir, cmd.Env = w.Dir, w.Env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return terraformBinary()
}

func (w *Workspace) run(args ...string) Result {
	cmd := exec.Command(terraformPath(), args...)
	cmd.Dir, cmd.Env = w.Dir, w.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Changes: map[string]string{}, Outputs: map[string]json.RawMessage{}, Err: err, Log: stdout.String() + stderr.String()}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var msg struct {
			Type       string      `json:"type"`
			Diagnostic *Diagnostic `json:"diagnostic"`
			Change     *struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
			Outputs map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"outputs"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil {
			continue
		}
		switch msg.Type {
		case "diagnostic":
			res.Diagnostics = append(res.Diagnostics, *msg.Diagnostic)
		case "planned_change":
			res.Changes[msg.Change.Resource.Addr] = msg.Change.Action
		case "outputs":
			for k, v := range msg.Outputs {
				res.Outputs[k] = v.Value
			}
		}
	}
	return res
}

// CopyExample replaces the configuration with the .tf files of an example
// directory (relative to the repository root) and writes vars as terraform.tfvars.json.
func (w *Workspace) CopyExample(dir string, vars map[string]any) {
	w.t.Helper()
	old, _ := filepath.Glob(filepath.Join(w.Dir, "*.tf"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot(), dir, "*"))
	if err != nil || len(files) == 0 {
		w.t.Fatalf("example %s has no files (%v)", dir, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.Dir, filepath.Base(f)), b, 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
	if vars == nil {
		return
	}
	b, _ := json.Marshal(vars)
	if err := os.WriteFile(filepath.Join(w.Dir, "terraform.tfvars.json"), b, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// PlannedChange is one resource's change in a saved plan, as terraform show -json reports it.
type PlannedChange struct {
	Actions []string       `json:"actions"`
	Before  map[string]any `json:"before"`
	After   map[string]any `json:"after"`
}

// ShowPlan runs terraform show -json on a saved plan file and returns its resource changes by address.
func (w *Workspace) ShowPlan(planFile string) map[string]PlannedChange {
	w.t.Helper()
	cmd := exec.Command(terraformPath(), "show", "-json", planFile)
	cmd.Dir, cmd.Env = w.Dir, w.Env
	out, err := cmd.Output()
	if err != nil {
		w.t.Fatalf("terraform show -json %s: %v", planFile, err)
	}
	var doc struct {
		ResourceChanges []struct {
			Address string        `json:"address"`
			Change  PlannedChange `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		w.t.Fatalf("terraform show -json %s: %v", planFile, err)
	}
	changes := map[string]PlannedChange{}
	for _, rc := range doc.ResourceChanges {
		changes[rc.Address] = rc.Change
	}
	return changes
}

// Strings returns a list attribute of a planned object as strings (nil when absent or unknown).
func Strings(obj map[string]any, attr string) []string {
	list, _ := obj[attr].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TerraformPath is the terraform (or tofu) binary the harness runs.
func TerraformPath() string { return terraformPath() }

// RepoRoot is the repository's root directory.
func RepoRoot() string { return repoRoot() }

// StateInstance is one resource instance of a state file, as written by the CLI.
type StateInstance struct {
	SchemaVersion int            `json:"schema_version"`
	Attributes    map[string]any `json:"attributes"`
	// Identity is the resource identity the CLI stored (Terraform and OpenTofu 1.12+).
	Identity map[string]any `json:"identity"`
}

// StateInstances reads the workspace's state file (not through the provider,
// nor through `show`), by resource address. Instances of for_each or count
// resources are left out.
func (w *Workspace) StateInstances() map[string]StateInstance {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		w.t.Fatal(err)
	}
	var doc struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey any `json:"index_key"`
				StateInstance
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		w.t.Fatal(err)
	}
	out := map[string]StateInstance{}
	for _, r := range doc.Resources {
		for _, inst := range r.Instances {
			if r.Mode == "managed" && inst.IndexKey == nil {
				out[r.Type+"."+r.Name] = inst.StateInstance
			}
		}
	}
	return out
}

// cliVersion returns the major and minor version of the CLI the harness runs.
func cliVersion() (major, minor int, name string, err error) {
	out, err := exec.Command(terraformPath(), "version", "-json").Output()
	if err != nil {
		return 0, 0, "", err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return 0, 0, "", err
	}
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		return 0, 0, "", fmt.Errorf("version %q: %w", v.Version, err)
	}
	return major, minor, filepath.Base(terraformPath()) + " " + v.Version, nil
}

// SkipUnlessIdentity skips a test of resource identity under a CLI older than
// 1.12 (Terraform and OpenTofu added identity in 1.12).
func SkipUnlessIdentity(t *testing.T) {
	t.Helper()
	major, minor, name, err := cliVersion()
	if err != nil {
		t.Fatalf("reading the CLI version: %v", err)
	}
	if major == 1 && minor < 12 {
		t.Skipf("%s has no resource identity (1.12+); make testtofu runs this under OpenTofu 1.12", name)
	}
}

// ForgetAll removes every resource from the workspace's state (terraform state
// rm), so the test leaves the objects in Keycloak and the emulator as they are
// instead of destroying them.
func (w *Workspace) ForgetAll() {
	out, _ := w.Run("state", "list")
	if addrs := strings.Fields(out); len(addrs) > 0 {
		_, _ = w.Run(append([]string{"state", "rm"}, addrs...)...)
	}
}

// ClearEnvironment leaves terraform only PATH, HOME (the workspace) and the
// workspace's CLI configuration: no DASHENTERPRISE_* variable, URL or
// credential, as a pull-request job without secrets runs.
func (w *Workspace) ClearEnvironment() {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + w.Dir, "CHECKPOINT_DISABLE=1"}
	for _, kv := range w.Env {
		if strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			env = append(env, kv)
		}
	}
	w.Env = env
}
