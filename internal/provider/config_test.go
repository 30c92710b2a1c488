package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func baseModel() providerModel {
	return providerModel{
		URL: types.StringValue("https://dash.example.com"), AdminUsername: types.StringValue("admin"), AdminPassword: types.StringValue("pw"),
	}
}

func clearEnv(t *testing.T) {
	for _, a := range []string{"url", "keycloak_url", "keycloak_base_path", "realm", "roles_client_id", "admin_realm", "admin_client_id",
		"admin_username", "admin_password", "admin_client_secret", "platform_api_path", "platform_client_id", "platform_client_secret",
		"platform_username", "platform_password", "ca_cert_file", "insecure_skip_verify", "request_timeout", "max_retries", "orphan_protection"} {
		t.Setenv(envVar(a), "")
	}
}

func TestResolveDefaults(t *testing.T) {
	clearEnv(t)
	s, unknown, diags := resolve(baseModel())
	if diags.HasError() || unknown {
		t.Fatal(diags)
	}
	want := settings{URL: "https://dash.example.com", KeycloakURL: "https://auth-dash.example.com", Realm: "dash", RolesClientID: "dash",
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
	m := providerModel{AdminUsername: types.StringValue("config-wins")}
	s, _, diags := resolve(m)
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
		mutate func(*providerModel)
		want   []string
	}{
		{"no url", func(m *providerModel) { m.URL = types.StringNull() }, []string{`"url"`, "DASHENTERPRISE_URL"}},
		{"url without scheme", func(m *providerModel) { m.URL = types.StringValue("dash.example.com") }, []string{"not an absolute http(s) URL", "https://dash.example.com", "DASHENTERPRISE_URL"}},
		{"keycloak url without scheme", func(m *providerModel) { m.KeycloakURL = types.StringValue("auth.example.com") }, []string{"DASHENTERPRISE_KEYCLOAK_URL"}},
		{"base path twice", func(m *providerModel) {
			m.KeycloakURL = types.StringValue("https://kc.example.com/auth")
			m.KeycloakBasePath = types.StringValue("/auth")
		}, []string{"already ends with", "DASHENTERPRISE_KEYCLOAK_BASE_PATH"}},
		{"no credentials", func(m *providerModel) { m.AdminUsername, m.AdminPassword = types.StringNull(), types.StringNull() }, []string{"DASHENTERPRISE_ADMIN_USERNAME"}},
		{"username without password", func(m *providerModel) { m.AdminPassword = types.StringNull() }, []string{"admin_password", "DASHENTERPRISE_ADMIN_PASSWORD"}},
		{"both logins", func(m *providerModel) { m.AdminClientSecret = types.StringValue("s") }, []string{"not both", "DASHENTERPRISE_ADMIN_CLIENT_SECRET"}},
		{"secret with admin-cli", func(m *providerModel) {
			m.AdminUsername, m.AdminPassword = types.StringNull(), types.StringNull()
			m.AdminClientSecret = types.StringValue("s")
		}, []string{"admin-cli is a public client", "DASHENTERPRISE_ADMIN_CLIENT_ID"}},
		{"upper-case admin", func(m *providerModel) { m.AdminUsername = types.StringValue("Admin") }, []string{"lower case", `"admin"`}},
		{"bad timeout", func(m *providerModel) { m.RequestTimeout = types.StringValue("30") }, []string{"duration", "DASHENTERPRISE_REQUEST_TIMEOUT"}},
		{"bad retries", func(m *providerModel) { m.MaxRetries = types.Int64Value(-1) }, []string{"DASHENTERPRISE_MAX_RETRIES"}},
		{"bad protection", func(m *providerModel) { m.OrphanProtection = types.StringValue("strict") }, []string{`"warn"`, `"error"`, "DASHENTERPRISE_ORPHAN_PROTECTION"}},
		{"platform user without password", func(m *providerModel) { m.PlatformUsername = types.StringValue("ops") }, []string{"DASHENTERPRISE_PLATFORM_PASSWORD"}},
		{"empty realm", func(m *providerModel) { m.Realm = types.StringValue("") }, []string{"DASHENTERPRISE_REALM"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			m := baseModel()
			tc.mutate(&m)
			_, _, diags := resolve(m)
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
	_, unknown, diags := resolve(m)
	if !unknown || diags.HasError() {
		t.Fatalf("unknown=%v diags=%v", unknown, diags)
	}
}

func TestParseCoOwnerID(t *testing.T) {
	for in, want := range map[string]coOwnerID{
		"sales:user:alice":                     {App: "sales", Username: "alice"},
		"sales:group:/Data Science":            {App: "sales", Group: "/Data Science"},
		"sales:group:Data Science/Forecasting": {App: "sales", Group: "/Data Science/Forecasting"},
		"sales:group:/A:B":                     {App: "sales", Group: "/A:B"},
	} {
		got, err := parseCoOwnerID(in)
		if err != nil || got != want {
			t.Errorf("ParseCoOwnerID(%q) = %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "sales", "sales:user:", ":user:alice", "sales:team:x", "sales:user:Alice", "sales:group:/A/", "sales:group://"} {
		if _, err := parseCoOwnerID(bad); err == nil {
			t.Errorf("ParseCoOwnerID(%q) accepted", bad)
		}
	}
}

func FuzzParseCoOwnerID(f *testing.F) {
	for _, s := range []string{"sales:user:alice", "sales:group:/Data Science/Forecasting", "a:b:c", "::", "x:group:y/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, err := parseCoOwnerID(in)
		if err != nil {
			return
		}
		if id.App == "" || (id.Username == "") == (id.Group == "") {
			t.Fatalf("%q parsed to %+v", in, id)
		}
		// The canonical ID parses back to the same co-owner.
		again, err := parseCoOwnerID(id.String())
		if err != nil || again != id {
			t.Fatalf("%q -> %q -> %+v (%v)", in, id.String(), again, err)
		}
	})
}

func TestParseTransferID(t *testing.T) {
	if from, to, err := parseTransferID("dave:erin"); err != nil || from != "dave" || to != "erin" {
		t.Fatalf("%s %s %v", from, to, err)
	}
	for _, bad := range []string{"dave", "dave:", ":erin", "Dave:erin", "dave:dave"} {
		if _, _, err := parseTransferID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Usernames, app names and group names may contain ":" (and "%"): every joined
// ID round-trips every legal name, and IDs of names without them read as before.
func TestJoinedIDsRoundTripNamesWithColons(t *testing.T) {
	names := []string{"dave", "d:ave", "dave:", "a:b:c", "50%", "%3a", "x%253ay", "ops:team%"}
	for _, from := range names {
		for _, to := range names {
			if from == to {
				continue
			}
			id := transferID(from, to)
			f, tt, err := parseTransferID(id)
			if err != nil || f != from || tt != to {
				t.Errorf("transfer %q -> %q: ID %q parses to %q -> %q (%v)", from, to, id, f, tt, err)
			}
		}
		for _, co := range []coOwnerID{{App: from, Username: "alice:ops"}, {App: from, Group: "/Ops:EU/team:1"}, {App: from, Username: "bob"}} {
			got, err := parseCoOwnerID(co.String())
			if err != nil || got != co {
				t.Errorf("co-owner %+v: ID %q parses to %+v (%v)", co, co.String(), got, err)
			}
		}
	}
	if id := transferID("dave", "erin"); id != "dave:erin" {
		t.Errorf("TransferID(dave, erin) = %q: names without \":\" or \"%%\" keep today's IDs", id)
	}
	if id := (coOwnerID{App: "sales", Group: "/A:B"}).String(); id != "sales:group:/A:B" {
		t.Errorf("co-owner ID of a group with a colon = %q, want sales:group:/A:B", id)
	}
}

func FuzzParseTransferID(f *testing.F) {
	f.Add("dave:erin")
	f.Add("a:b:c")
	f.Fuzz(func(t *testing.T, in string) {
		from, to, err := parseTransferID(in)
		if err != nil {
			return
		}
		if from == to || checkUsername(from) != "" || checkUsername(to) != "" {
			t.Fatalf("%q -> %q %q", in, from, to)
		}
		// The canonical ID parses back to the same pair.
		if f, tt, err := parseTransferID(transferID(from, to)); err != nil || f != from || tt != to {
			t.Fatalf("%q -> %q %q -> %q -> %q %q (%v)", in, from, to, transferID(from, to), f, tt, err)
		}
	})
}

// Every password and secret is sensitive (Terraform then keeps it out of plans
// and CLI output), and every setting documents its environment variable.
func TestProviderSchemaSecretsSensitiveAndEnvDocumented(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	secrets := 0
	for name, attr := range resp.Schema.Attributes {
		secret := strings.Contains(name, "password") || strings.Contains(name, "secret")
		if secret {
			secrets++
		}
		if attr.IsSensitive() != secret {
			t.Errorf("%s: sensitive = %v, want %v", name, attr.IsSensitive(), secret)
		}
		if !strings.Contains(attr.GetMarkdownDescription(), "`"+envVar(name)+"`") {
			t.Errorf("%s: description does not name %s", name, envVar(name))
		}
	}
	if secrets != 4 {
		t.Errorf("found %d password/secret settings, want 4 (admin_password, admin_client_secret, platform_client_secret, platform_password)", secrets)
	}
}

// A user name and password in url or keycloak_url are removed and never shown,
// not in the settings, not in any diagnostic; Configure warns that they were.
func TestResolveStripsUserInfoAndNeverEchoesIt(t *testing.T) {
	clearEnv(t)
	m := baseModel()
	m.URL = types.StringValue("https://bob:hunter2@dash.example.com")
	m.KeycloakURL = types.StringValue("https://kcadmin:s3cret@auth.example.com")
	s, _, diags := resolve(m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	all := fmt.Sprint(s.URL, s.KeycloakURL, s.PlatformURL, s.warnings(), diags)
	for _, secret := range []string{"hunter2", "s3cret", "bob:", "kcadmin"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q survives in the settings or diagnostics: %s", secret, all)
		}
	}
	if s.URL != "https://dash.example.com" || s.KeycloakURL != "https://auth.example.com" {
		t.Errorf("URLs not stripped: %s %s", s.URL, s.KeycloakURL)
	}
	if w := fmt.Sprint(s.warnings()); !strings.Contains(w, "Credentials removed from url") || !strings.Contains(w, "Credentials removed from keycloak_url") {
		t.Errorf("want a warning per stripped URL: %s", w)
	}
	// An invalid URL with credentials: the error shows the URL without them.
	m.URL, m.KeycloakURL = types.StringValue("bob:hunter2@dash.example.com"), types.StringNull()
	_, _, diags = resolve(m)
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
		s, _, diags := resolve(m)
		if diags.HasError() {
			t.Fatal(diags)
		}
		got := strings.Contains(fmt.Sprint(s.warnings()), "Credentials sent over plain HTTP to "+url)
		if got != want {
			t.Errorf("%s: plain-HTTP warning %v, want %v (%v)", url, got, want, s.warnings())
		}
	}
}

// terraform validate (ValidateConfig) passes with no settings at all, and
// still rejects a value that is present and wrong; Configure reports the
// missing ones with the same messages.
func TestValidateNeedsNoCredentialsButRejectsWrongValues(t *testing.T) {
	clearEnv(t)
	if diags := validateSettings(providerModel{}); diags.HasError() {
		t.Fatalf("an empty provider block must validate: %v", diags)
	}
	if _, _, diags := resolve(providerModel{}); !strings.Contains(fmt.Sprint(diags), "DASHENTERPRISE_URL") || !strings.Contains(fmt.Sprint(diags), "DASHENTERPRISE_ADMIN_USERNAME") {
		t.Fatalf("Configure must still name the missing url and admin login: %v", diags)
	}
	for name, mutate := range map[string]func(*providerModel){
		"url without scheme": func(m *providerModel) { m.URL = types.StringValue("dash.example.com") },
		"both logins": func(m *providerModel) {
			m.AdminUsername, m.AdminClientSecret = types.StringValue("admin"), types.StringValue("s")
		},
		"bad timeout":    func(m *providerModel) { m.RequestTimeout = types.StringValue("30") },
		"bad protection": func(m *providerModel) { m.OrphanProtection = types.StringValue("strict") },
		"upper-case":     func(m *providerModel) { m.AdminUsername = types.StringValue("Admin") },
	} {
		m := providerModel{}
		mutate(&m)
		if diags := validateSettings(m); !diags.HasError() {
			t.Errorf("%s: validate accepted a wrong value", name)
		}
	}
}
