package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Secrets and tokens never reach the logs, even at TRACE: a whole scenario
// (client-credentials admin login, password-grant platform login, seats and a
// co-owner) runs with TF_LOG=TRACE and the log is searched for them.
func TestAccSecretsNeverLogged(t *testing.T) {
	acctest.PreCheck(t)
	owner, _ := acctest.LoggedInUser(t, "slog", acctest.UserOptions{Roles: []string{"licensed_user"}})
	co, _ := acctest.LoggedInUser(t, "slogco", acctest.UserOptions{Roles: []string{"licensed_user"}})
	app := acctest.RandomName("slogapp")
	acctest.CreateApp(t, owner, app)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	ws := acctest.NewWorkspace(t, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile,
		"DASHENTERPRISE_ADMIN_USERNAME=", "DASHENTERPRISE_ADMIN_PASSWORD=",
		"DASHENTERPRISE_PLATFORM_CLIENT_ID=dash", "DASHENTERPRISE_PLATFORM_CLIENT_SECRET=")
	ws.Cleanup()
	ws.Write(fmt.Sprintf(`
provider "dashenterprise" {
  admin_realm         = "dash"
  admin_client_id     = "terraform"
  admin_client_secret = "terraform-secret"
  platform_username   = "dashadmin"
  platform_password   = "dashadmin-password"
}

resource "dashenterprise_license_seat" "co" {
  username = %q
}

resource "dashenterprise_app_coowner" "co" {
  app      = %q
  username = dashenterprise_license_seat.co.username
}

data "dashenterprise_users" "all" {
  search = %q
}
`, co, app, co))
	ws.MustApply()
	if !acctest.FetchApp(t, app).HasCoOwnerUser(co) {
		t.Fatal("scenario did not run")
	}
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	if len(log) < 10000 || !strings.Contains(log, "dashenterprise") {
		t.Fatalf("the trace log is suspiciously small (%d bytes)", len(log))
	}
	for _, secret := range []string{"terraform-secret", "dashadmin-password", "dash-platform-secret"} {
		if strings.Contains(log, secret) {
			t.Errorf("the trace log contains the secret %q", secret)
		}
	}
	if jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}`).FindString(log); jwt != "" {
		t.Errorf("the trace log contains a bearer token: %s…", jwt[:20])
	}
	for _, want := range []string{"/admin/realms/dash/", "duration_ms", "response body", "request body", `\"***\"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the trace log lacks %q (requests at DEBUG, masked bodies at TRACE)", want)
		}
	}
}

func TestAccKeycloakUnreachable(t *testing.T) {
	acctest.PreCheck(t)
	u, _ := acctest.CreateUser(t, "unreach", acctest.UserOptions{})
	ws := acctest.NewWorkspace(t, "DASHENTERPRISE_MAX_RETRIES=1", "DASHENTERPRISE_REQUEST_TIMEOUT=2s")
	ws.Write(seatsConfig("", u))
	ws.MustApply()
	stateBefore, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	// Keycloak "stopped": nothing listens on this loopback port.
	ws.Env = append(ws.Env, "DASHENTERPRISE_KEYCLOAK_URL=http://127.0.0.1:1")
	res := ws.Plan()
	if len(res.Find("error", "Cannot read the license seat of "+u, "http://127.0.0.1:1", "connection refused")) != 1 {
		t.Fatalf("want an error naming the unreachable Keycloak, got %v", res.Diagnostics)
	}
	stateAfter, _ := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if string(stateBefore) != string(stateAfter) {
		t.Fatal("a failed plan changed the state")
	}
}

func TestAccInsecureSkipVerifyWarns(t *testing.T) {
	acctest.PreCheck(t)
	ws := acctest.NewWorkspace(t)
	ws.Write("provider \"dashenterprise\" {\n  insecure_skip_verify = true\n}\n\ndata \"dashenterprise_license\" \"x\" {}\n")
	res := ws.Plan()
	if len(res.Find("warning", "TLS verification is disabled", "ca_cert_file")) == 0 {
		t.Fatalf("want a loud warning, got %v", res.Diagnostics)
	}
}

func TestAccWrongCredentialsAndRealm(t *testing.T) {
	acctest.PreCheck(t)
	for _, tc := range []struct {
		env  []string
		want []string
	}{
		{[]string{"DASHENTERPRISE_ADMIN_PASSWORD=wrong"}, []string{"rejected the admin login", "admin_password"}},
		{[]string{"DASHENTERPRISE_ADMIN_REALM=nope"}, []string{`no realm "nope"`, "keycloak_base_path"}},
		{[]string{"DASHENTERPRISE_REALM=nope"}, []string{"nope"}},
		{[]string{"DASHENTERPRISE_KEYCLOAK_BASE_PATH=/auth"}, []string{"keycloak_base_path"}},
		{[]string{"DASHENTERPRISE_KEYCLOAK_URL=127.0.0.1:18080"}, []string{"not an absolute http(s) URL", "DASHENTERPRISE_KEYCLOAK_URL"}},
	} {
		ws := acctest.NewWorkspace(t, tc.env...)
		ws.Write("provider \"dashenterprise\" {}\n\ndata \"dashenterprise_users\" \"x\" {\n  search = \"alice\"\n}\n")
		res := ws.Plan()
		if len(res.Find("error", tc.want...)) == 0 {
			t.Errorf("%v: want an error mentioning %q, got %v", tc.env, tc.want, res.Diagnostics)
		}
	}
}
