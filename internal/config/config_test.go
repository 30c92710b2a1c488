package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func baseModel() Model {
	return Model{
		URL: types.StringValue("https://dash.example.com"), AdminUsername: types.StringValue("admin"), AdminPassword: types.StringValue("pw"),
	}
}

func clearEnv(t *testing.T) {
	for _, a := range []string{"url", "keycloak_url", "keycloak_base_path", "realm", "roles_client_id", "admin_realm", "admin_client_id",
		"admin_username", "admin_password", "admin_client_secret", "platform_api_path", "platform_client_id", "platform_client_secret",
		"platform_username", "platform_password", "ca_cert_file", "insecure_skip_verify", "request_timeout", "max_retries", "orphan_protection"} {
		t.Setenv(EnvVar(a), "")
	}
}

func TestResolveDefaults(t *testing.T) {
	clearEnv(t)
	s, unknown, diags := Resolve(baseModel())
	if diags.HasError() || unknown {
		t.Fatal(diags)
	}
	want := Settings{URL: "https://dash.example.com", KeycloakURL: "https://auth-dash.example.com", Realm: "dash", RolesClientID: "dash",
		AdminRealm: "master", AdminClientID: "admin-cli", AdminUsername: "admin", AdminPassword: "pw",
		PlatformURL: "https://dash.example.com/Manager/graphql", PlatformClientID: "dash", RequestTimeout: 30 * time.Second, MaxRetries: 4, OrphanProtection: "warn"}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
}

func TestResolveEnvironmentAndPrecedence(t *testing.T) {
	clearEnv(t)
	t.Setenv("DASHENTERPRISE_URL", "https://env.example.com")
	t.Setenv("DASHENTERPRISE_ADMIN_USERNAME", "envadmin")
	t.Setenv("DASHENTERPRISE_ADMIN_PASSWORD", "envpw")
	t.Setenv("DASHENTERPRISE_KEYCLOAK_BASE_PATH", "auth/")
	t.Setenv("DASHENTERPRISE_MAX_RETRIES", "7")
	t.Setenv("DASHENTERPRISE_INSECURE_SKIP_VERIFY", "true")
	m := Model{AdminUsername: types.StringValue("config-wins")}
	s, _, diags := Resolve(m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.URL != "https://env.example.com" || s.AdminUsername != "config-wins" || s.AdminPassword != "envpw" ||
		s.KeycloakURL != "https://auth-env.example.com/auth" || s.MaxRetries != 7 || !s.InsecureSkipVerify {
		t.Fatalf("%+v", s)
	}
}

func TestResolveRejectsWithAttributeAndEnvVar(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Model)
		want   []string
	}{
		{"no url", func(m *Model) { m.URL = types.StringNull() }, []string{`"url"`, "DASHENTERPRISE_URL"}},
		{"url without scheme", func(m *Model) { m.URL = types.StringValue("dash.example.com") }, []string{"not an absolute http(s) URL", "https://dash.example.com", "DASHENTERPRISE_URL"}},
		{"keycloak url without scheme", func(m *Model) { m.KeycloakURL = types.StringValue("auth.example.com") }, []string{"DASHENTERPRISE_KEYCLOAK_URL"}},
		{"base path twice", func(m *Model) {
			m.KeycloakURL = types.StringValue("https://kc.example.com/auth")
			m.KeycloakBasePath = types.StringValue("/auth")
		}, []string{"already ends with", "DASHENTERPRISE_KEYCLOAK_BASE_PATH"}},
		{"no credentials", func(m *Model) { m.AdminUsername, m.AdminPassword = types.StringNull(), types.StringNull() }, []string{"DASHENTERPRISE_ADMIN_USERNAME"}},
		{"username without password", func(m *Model) { m.AdminPassword = types.StringNull() }, []string{"admin_password", "DASHENTERPRISE_ADMIN_PASSWORD"}},
		{"both logins", func(m *Model) { m.AdminClientSecret = types.StringValue("s") }, []string{"not both", "DASHENTERPRISE_ADMIN_CLIENT_SECRET"}},
		{"secret with admin-cli", func(m *Model) {
			m.AdminUsername, m.AdminPassword = types.StringNull(), types.StringNull()
			m.AdminClientSecret = types.StringValue("s")
		}, []string{"admin-cli is a public client", "DASHENTERPRISE_ADMIN_CLIENT_ID"}},
		{"upper-case admin", func(m *Model) { m.AdminUsername = types.StringValue("Admin") }, []string{"lower case", `"admin"`}},
		{"bad timeout", func(m *Model) { m.RequestTimeout = types.StringValue("30") }, []string{"duration", "DASHENTERPRISE_REQUEST_TIMEOUT"}},
		{"bad retries", func(m *Model) { m.MaxRetries = types.Int64Value(-1) }, []string{"DASHENTERPRISE_MAX_RETRIES"}},
		{"bad protection", func(m *Model) { m.OrphanProtection = types.StringValue("strict") }, []string{`"warn"`, `"error"`, "DASHENTERPRISE_ORPHAN_PROTECTION"}},
		{"platform user without password", func(m *Model) { m.PlatformUsername = types.StringValue("ops") }, []string{"DASHENTERPRISE_PLATFORM_PASSWORD"}},
		{"empty realm", func(m *Model) { m.Realm = types.StringValue("") }, []string{"DASHENTERPRISE_REALM"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			m := baseModel()
			tc.mutate(&m)
			_, _, diags := Resolve(m)
			if !diags.HasError() {
				t.Fatal("accepted")
			}
			text := ""
			for _, d := range diags.Errors() {
				text += d.Summary() + " " + d.Detail() + "\n"
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestResolveUnknownValuesDeferChecks(t *testing.T) {
	clearEnv(t)
	m := baseModel()
	m.URL = types.StringUnknown()
	m.AdminPassword = types.StringNull() // would be an error if the check ran
	_, unknown, diags := Resolve(m)
	if !unknown || diags.HasError() {
		t.Fatalf("unknown=%v diags=%v", unknown, diags)
	}
}

// A user name and password in url or keycloak_url are removed and never shown,
// not in the settings, not in any diagnostic; Configure warns that they were.
func TestResolveStripsUserInfoAndNeverEchoesIt(t *testing.T) {
	clearEnv(t)
	m := baseModel()
	m.URL = types.StringValue("https://bob:hunter2@dash.example.com")
	m.KeycloakURL = types.StringValue("https://kcadmin:s3cret@auth.example.com")
	s, _, diags := Resolve(m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	all := fmt.Sprint(s.URL, s.KeycloakURL, s.PlatformURL, s.Warnings(), diags)
	for _, secret := range []string{"hunter2", "s3cret", "bob:", "kcadmin"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q survives in the settings or diagnostics: %s", secret, all)
		}
	}
	if s.URL != "https://dash.example.com" || s.KeycloakURL != "https://auth.example.com" {
		t.Errorf("URLs not stripped: %s %s", s.URL, s.KeycloakURL)
	}
	if w := fmt.Sprint(s.Warnings()); !strings.Contains(w, "Credentials removed from url") || !strings.Contains(w, "Credentials removed from keycloak_url") {
		t.Errorf("want a warning per stripped URL: %s", w)
	}
	// An invalid URL with credentials: the error shows the URL without them.
	m.URL, m.KeycloakURL = types.StringValue("bob:hunter2@dash.example.com"), types.StringNull()
	_, _, diags = Resolve(m)
	if !diags.HasError() || strings.Contains(fmt.Sprint(diags), "hunter2") || !strings.Contains(fmt.Sprint(diags), "https://dash.example.com") {
		t.Errorf("want an error that suggests https://dash.example.com and hides the password: %v", diags)
	}
}

// Plain http:// to a host other than loopback warns, like insecure_skip_verify.
func TestPlainHTTPWarns(t *testing.T) {
	clearEnv(t)
	for url, want := range map[string]bool{"http://dash.example.com": true, "https://dash.example.com": false, "http://127.0.0.1:18090": false, "http://localhost:8080": false} {
		m := baseModel()
		m.URL = types.StringValue(url)
		s, _, diags := Resolve(m)
		if diags.HasError() {
			t.Fatal(diags)
		}
		got := strings.Contains(fmt.Sprint(s.Warnings()), "Credentials sent over plain HTTP to "+url)
		if got != want {
			t.Errorf("%s: plain-HTTP warning %v, want %v (%v)", url, got, want, s.Warnings())
		}
	}
}

// terraform validate (ValidateConfig) passes with no settings at all, and
// still rejects a value that is present and wrong; Configure reports the
// missing ones with the same messages.
func TestValidateNeedsNoCredentialsButRejectsWrongValues(t *testing.T) {
	clearEnv(t)
	if diags := Validate(Model{}); diags.HasError() {
		t.Fatalf("an empty provider block must validate: %v", diags)
	}
	if _, _, diags := Resolve(Model{}); !strings.Contains(fmt.Sprint(diags), "DASHENTERPRISE_URL") || !strings.Contains(fmt.Sprint(diags), "DASHENTERPRISE_ADMIN_USERNAME") {
		t.Fatalf("Configure must still name the missing url and admin login: %v", diags)
	}
	for name, mutate := range map[string]func(*Model){
		"url without scheme": func(m *Model) { m.URL = types.StringValue("dash.example.com") },
		"both logins": func(m *Model) {
			m.AdminUsername, m.AdminClientSecret = types.StringValue("admin"), types.StringValue("s")
		},
		"bad timeout":    func(m *Model) { m.RequestTimeout = types.StringValue("30") },
		"bad protection": func(m *Model) { m.OrphanProtection = types.StringValue("strict") },
		"upper-case":     func(m *Model) { m.AdminUsername = types.StringValue("Admin") },
	} {
		m := Model{}
		mutate(&m)
		if diags := Validate(m); !diags.HasError() {
			t.Errorf("%s: validate accepted a wrong value", name)
		}
	}
}
