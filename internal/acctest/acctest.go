// Package acctest is shared by the acceptance tests: environment for the real
// terraform CLI and the local Keycloak, fixtures created through the Keycloak
// admin API, and a harness that runs terraform and returns its diagnostics.
package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sync"

	"github.com/Nerzal/gocloak/v13"
)

// The local Keycloak started by scripts/keycloak.sh, which takes KC_PORT and
// KC_PATH ("/auth" on the legacy layout) as settings; the tests read them too.
var (
	// KeycloakURL is the server's origin, the provider's keycloak_url (and what proxies forward to).
	KeycloakURL = envOr("KC_SCHEME", "http") + "://127.0.0.1:" + envOr("KC_PORT", "18080")
	// KeycloakPath is the provider's keycloak_base_path.
	KeycloakPath = os.Getenv("KC_PATH")
	// KeycloakBase is where the admin API and the realms are: origin and path.
	KeycloakBase = KeycloakURL + KeycloakPath
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// Fixed settings of the test realm.
const (
	AdminUsername = "admin"
	AdminPassword = "admin"
	Realm         = "dash"
	// PlatformClientID and PlatformClientSecret are the confidential client of the test realm whose service account holds admin.
	PlatformClientID     = "dash-platform"
	PlatformClientSecret = "dash-platform-secret"
)

// Setup prepares the process environment for acceptance tests: the real
// terraform CLI, a CLI configuration of our own (the machine's points at a
// missing file) and provider settings for the local Keycloak. Call it from TestMain.
func Setup() (cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "dashenterprise-acc-")
	if err != nil {
		return nil, err
	}
	cli := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cli, []byte("# acceptance tests: no provider installation overrides\n"), 0o600); err != nil {
		return nil, err
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cli)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if p, err := exec.LookPath(terraformBinary()); err == nil {
			os.Setenv("TF_ACC_TERRAFORM_PATH", p)
		}
	}
	setDefault("DASHENTERPRISE_KEYCLOAK_URL", KeycloakURL)
	if KeycloakPath != "" {
		setDefault("DASHENTERPRISE_KEYCLOAK_BASE_PATH", KeycloakPath)
	}
	// Keycloak in production mode (scripts/keycloak.sh KC_PRODUCTION=1) serves
	// TLS with a certificate of a CA generated for the run: the provider trusts
	// it through ca_cert_pem; this process's own clients through SSL_CERT_FILE.
	if ca := os.Getenv("KC_CA_FILE"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("KC_CA_FILE: %w", err)
		}
		setDefault("DASHENTERPRISE_CA_CERT_PEM", string(pem))
	}
	setDefault("DASHENTERPRISE_ADMIN_USERNAME", AdminUsername)
	setDefault("DASHENTERPRISE_ADMIN_PASSWORD", AdminPassword)
	setDefault("DASHENTERPRISE_MAX_RETRIES", "2")
	return func() { _ = os.RemoveAll(dir) }, nil
}

// terraformBinary is terraform, or tofu when TF_ACC_PROVIDER_HOST is set to run under OpenTofu.
func terraformBinary() string {
	if b := os.Getenv("ACC_TERRAFORM_BINARY"); b != "" {
		return b
	}
	return "terraform"
}

func setDefault(k, v string) {
	if os.Getenv(k) == "" {
		os.Setenv(k, v)
	}
}

// PreCheck skips unless TF_ACC is set and fails if Keycloak is not reachable.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc starts Keycloak)")
	}
	if _, err := Admin(t).GetServerInfo(context.Background(), token(t)); err != nil {
		t.Fatalf("keycloak at %s is not usable (%v); start it with `make keycloak-up`", KeycloakBase, err)
	}
}

var adminClient *gocloak.GoCloak

// Admin returns a gocloak client for fixtures and out-of-band changes.
func Admin(t *testing.T) *gocloak.GoCloak {
	t.Helper()
	if adminClient == nil {
		adminClient = gocloak.NewClient(KeycloakBase)
	}
	return adminClient
}

func token(t *testing.T) string {
	t.Helper()
	jwt, err := Admin(t).LoginAdmin(context.Background(), AdminUsername, AdminPassword, "master")
	if err != nil {
		t.Fatalf("admin login to %s: %v", KeycloakBase, err)
	}
	return jwt.AccessToken
}

// Token returns a fresh admin token of the master realm.
func Token(t *testing.T) string { return token(t) }

// RandomName returns a lower-case unique name with the given prefix.
func RandomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("acc-%s-%s", prefix, hex.EncodeToString(b))
}

// UserOptions describes a fixture user.
type UserOptions struct {
	// Roles are client roles of the dash client mapped directly.
	Roles []string
	// Groups are group paths the user joins.
	Groups []string
	// Password, if set, lets the user log in.
	Password string
}

// CreateUser creates a user in realm dash and deletes it when the test ends.
func CreateUser(t *testing.T, prefix string, opts UserOptions) (username, id string) {
	t.Helper()
	username = RandomName(prefix)
	return username, CreateNamedUser(t, username, opts)
}

// CreateNamedUser creates a user with an exact username and deletes it when the test ends.
func CreateNamedUser(t *testing.T, username string, opts UserOptions) (id string) {
	t.Helper()
	ctx := context.Background()
	gc, tok := Admin(t), token(t)
	prefix := "user"
	u := gocloak.User{Username: gocloak.StringP(username), Enabled: gocloak.BoolP(true), Email: gocloak.StringP(username + "@example.com"),
		FirstName: gocloak.StringP(strings.ToUpper(prefix[:1]) + prefix[1:]), LastName: gocloak.StringP("Test"), EmailVerified: gocloak.BoolP(true)}
	id, err := gc.CreateUser(ctx, tok, Realm, u)
	if err != nil {
		t.Fatalf("creating user %s: %v", username, err)
	}
	t.Cleanup(func() { DeleteUser(t, id) })
	if opts.Password != "" {
		if err := gc.SetPassword(ctx, tok, id, Realm, opts.Password, false); err != nil {
			t.Fatalf("setting password of %s: %v", username, err)
		}
	}
	for _, r := range opts.Roles {
		GrantRole(t, id, r)
	}
	for _, p := range opts.Groups {
		if err := gc.AddUserToGroup(ctx, tok, Realm, id, groupID(t, p)); err != nil {
			t.Fatalf("adding %s to %s: %v", username, p, err)
		}
	}
	return id
}

// DeleteUser deletes a user; a user already gone is fine.
func DeleteUser(t *testing.T, id string) {
	_ = Admin(t).DeleteUser(context.Background(), token(t), Realm, id)
}

func dashClientUUID(t *testing.T) string {
	t.Helper()
	clients, err := Admin(t).GetClients(context.Background(), token(t), Realm, gocloak.GetClientsParams{ClientID: gocloak.StringP("dash")})
	if err != nil || len(clients) == 0 {
		t.Fatalf("dash client: %v", err)
	}
	return *clients[0].ID
}

func dashRole(t *testing.T, name string) gocloak.Role {
	t.Helper()
	r, err := Admin(t).GetClientRole(context.Background(), token(t), Realm, dashClientUUID(t), name)
	if err != nil {
		t.Fatalf("role %s: %v", name, err)
	}
	return *r
}

// GrantRole maps a dash client role directly to a user (an out-of-band change).
func GrantRole(t *testing.T, userID, role string) {
	t.Helper()
	grantRole(t, token(t), "", userID, role)
}

// RevokeRole removes a direct dash client role mapping (an out-of-band change).
func RevokeRole(t *testing.T, userID, role string) {
	t.Helper()
	revokeRole(t, token(t), "", userID, role)
}

// grantRole and revokeRole change a user's dash client roles with tok, the
// token of who (named in a failure; empty for the fixtures' administrator).
func grantRole(t *testing.T, tok, who, userID, role string) {
	t.Helper()
	if err := Admin(t).AddClientRolesToUser(context.Background(), tok, Realm, dashClientUUID(t), userID, []gocloak.Role{dashRole(t, role)}); err != nil {
		t.Fatalf("%sgranting %s: %v", who, role, err)
	}
}

func revokeRole(t *testing.T, tok, who, userID, role string) {
	t.Helper()
	if err := Admin(t).DeleteClientRolesFromUser(context.Background(), tok, Realm, dashClientUUID(t), userID, []gocloak.Role{dashRole(t, role)}); err != nil {
		t.Fatalf("%srevoking %s: %v", who, role, err)
	}
}

// DirectRoles returns the names of the dash client roles mapped directly to a user.
func DirectRoles(t *testing.T, userID string) map[string]bool {
	t.Helper()
	roles, err := Admin(t).GetClientRolesByUserID(context.Background(), token(t), Realm, dashClientUUID(t), userID)
	if err != nil {
		t.Fatalf("roles of %s: %v", userID, err)
	}
	out := map[string]bool{}
	for _, r := range roles {
		out[*r.Name] = true
	}
	return out
}

// groupID returns the ID of a group by path (/Parent/child).
func groupID(t *testing.T, path string) string {
	t.Helper()
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	var g gocloak.Group
	resp, err := Admin(t).GetRequestWithBearerAuth(context.Background(), token(t)).SetResult(&g).
		Get(KeycloakBase + "/admin/realms/" + Realm + "/group-by-path/" + strings.Join(segs, "/"))
	if err != nil || resp.IsError() || g.ID == nil {
		t.Fatalf("group %s: %v %v", path, err, resp)
	}
	return *g.ID
}

// SessionCount returns how many Keycloak sessions a user has.
func SessionCount(t *testing.T, userID string) int {
	t.Helper()
	sessions, err := Admin(t).GetUserSessions(context.Background(), token(t), Realm, userID)
	if err != nil {
		t.Fatalf("sessions of %s: %v", userID, err)
	}
	return len(sessions)
}

// SetTokenLifespan sets the access-token lifespan of a realm until the test ends.
func SetTokenLifespan(t *testing.T, realm string, seconds int) {
	t.Helper()
	ctx := context.Background()
	r, err := Admin(t).GetRealm(ctx, token(t), realm)
	if err != nil {
		t.Fatalf("realm %s: %v", realm, err)
	}
	before := *r.AccessTokenLifespan
	r.AccessTokenLifespan = gocloak.IntP(seconds)
	if err := Admin(t).UpdateRealm(ctx, token(t), *r); err != nil {
		t.Fatalf("updating realm %s: %v", realm, err)
	}
	t.Cleanup(func() {
		r.AccessTokenLifespan = gocloak.IntP(before)
		_ = Admin(t).UpdateRealm(context.Background(), token(t), *r)
	})
}

// RestartKeycloak restarts the Keycloak that scripts/keycloak.sh started, keeping its data.
func RestartKeycloak(t *testing.T) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(), "scripts", "keycloak.sh"), "restart")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restarting keycloak: %v\n%s", err, out)
	}
}

// KeycloakRestartable reports whether scripts/keycloak.sh manages the running Keycloak.
func KeycloakRestartable() bool {
	out, err := exec.Command(filepath.Join(repoRoot(), "scripts", "keycloak.sh"), "pidfile").Output()
	if err != nil {
		return false
	}
	_, err = os.Stat(strings.TrimSpace(string(out)))
	return err == nil
}

// BulkUsers creates n users named <prefix>-00000… in one partial import (with the
// given dash client roles) and deletes them when the test ends.
func BulkUsers(t testing.TB, prefix string, n int, roles ...string) []string {
	t.Helper()
	names, err := BulkImport(prefix, n, roles)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { DeleteUsersByPrefix(prefix) })
	return names
}

// BulkImport creates n users named <prefix>-00000… through partial imports of 1,000.
func BulkImport(prefix string, n int, roles []string) ([]string, error) {
	return BulkImportWithPassword(prefix, n, roles, "")
}

// BulkImportWithPassword is BulkImport with a password for every user (so
// they can log in), hashed by the realm's password policy.
func BulkImportWithPassword(prefix string, n int, roles []string, password string) ([]string, error) {
	return bulkImport(prefix, n, roles, password, nil)
}

// BulkGroup creates a top-level group whose direct members are n new users
// (imported, not logged in); both are deleted when the test ends. It returns
// the group's path and the usernames.
func BulkGroup(t *testing.T, prefix string, n int) (string, []string) {
	t.Helper()
	name := RandomName(prefix)
	ctx := context.Background()
	if _, err := Admin(t).CreateGroup(ctx, token(t), Realm, gocloak.Group{Name: gocloak.StringP(name)}); err != nil {
		t.Fatal(err)
	}
	path := "/" + name
	t.Cleanup(func() {
		DeleteUsersByPrefix(name)
		_ = Admin(t).DeleteGroup(ctx, token(t), Realm, groupID(t, path))
	})
	names, err := bulkImport(name, n, nil, "", []string{path})
	if err != nil {
		t.Fatal(err)
	}
	return path, names
}

func bulkImport(prefix string, n int, roles []string, password string, groups []string) ([]string, error) {
	ctx := context.Background()
	gc := gocloak.NewClient(KeycloakBase)
	names := make([]string, n)
	for start := 0; start < n; start += 1000 {
		jwt, err := gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master")
		if err != nil {
			return nil, err
		}
		var users []map[string]any
		for i := start; i < n && i < start+1000; i++ {
			names[i] = fmt.Sprintf("%s-%05d", prefix, i)
			u := map[string]any{"username": names[i], "enabled": true, "email": names[i] + "@example.com", "firstName": "Bulk", "lastName": fmt.Sprint(i)}
			if len(roles) > 0 {
				u["clientRoles"] = map[string][]string{"dash": roles}
			}
			if len(groups) > 0 {
				u["groups"] = groups
			}
			if password != "" {
				u["credentials"] = []map[string]any{{"type": "password", "value": password, "temporary": false}}
			}
			users = append(users, u)
		}
		resp, err := gc.GetRequestWithBearerAuth(ctx, jwt.AccessToken).
			SetBody(map[string]any{"ifResourceExists": "SKIP", "users": users}).
			Post(KeycloakBase + "/admin/realms/" + Realm + "/partialImport")
		if err != nil {
			return nil, err
		}
		if resp.IsError() {
			return nil, fmt.Errorf("partial import: %s %s", resp.Status(), resp.String())
		}
	}
	return names, nil
}

// DeleteUsersByPrefix deletes every user whose username starts with prefix.
func DeleteUsersByPrefix(prefix string) {
	ctx := context.Background()
	gc := gocloak.NewClient(KeycloakBase)
	jwt, err := gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master")
	if err != nil {
		return
	}
	for {
		users, err := gc.GetUsers(ctx, jwt.AccessToken, Realm, gocloak.GetUsersParams{Search: gocloak.StringP(prefix), Max: gocloak.IntP(500), BriefRepresentation: gocloak.BoolP(true)})
		if err != nil || len(users) == 0 {
			return
		}
		ids := make(chan string)
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range ids {
					_ = gc.DeleteUser(ctx, jwt.AccessToken, Realm, id)
				}
			}()
		}
		for _, u := range users {
			if strings.HasPrefix(*u.Username, prefix) {
				ids <- *u.ID
			}
		}
		close(ids)
		wg.Wait()
		if jwt, err = gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master"); err != nil {
			return
		}
	}
}

// DirectSeatHolders lists the usernames holding licensed_user directly.
func DirectSeatHolders(t *testing.T) []string {
	t.Helper()
	names, err := ListUsernames("licensed_user")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// UserID returns the ID of an existing user.
func UserID(t *testing.T, username string) string {
	t.Helper()
	users, err := Admin(t).GetUsers(context.Background(), token(t), Realm, gocloak.GetUsersParams{Username: gocloak.StringP(username), Exact: gocloak.BoolP(true)})
	if err != nil || len(users) != 1 {
		t.Fatalf("user %s: %v", username, err)
	}
	return *users[0].ID
}

// ListUsernames lists the usernames of the realm, or of the direct holders of a dash client role.
func ListUsernames(role string) ([]string, error) {
	users, err := ListUsers(role)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, *u.Username)
	}
	return out, nil
}

// ListUsers lists the users (brief: ID and username) of the realm, or the
// direct holders of a dash client role, with plain admin calls, 500 a page.
func ListUsers(role string) ([]*gocloak.User, error) {
	ctx := context.Background()
	gc := gocloak.NewClient(KeycloakBase)
	jwt, err := gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master")
	if err != nil {
		return nil, err
	}
	var clientUUID string
	if role != "" {
		clients, err := gc.GetClients(ctx, jwt.AccessToken, Realm, gocloak.GetClientsParams{ClientID: gocloak.StringP("dash")})
		if err != nil || len(clients) == 0 {
			return nil, fmt.Errorf("dash client: %v", err)
		}
		clientUUID = *clients[0].ID
	}
	var out []*gocloak.User
	for first := 0; ; first += 500 {
		if first > 0 { // a fresh token for every page: a slow Keycloak can outlast the 60 s of one
			if jwt, err = gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master"); err != nil {
				return nil, err
			}
		}
		var users []*gocloak.User
		if role == "" {
			users, err = gc.GetUsers(ctx, jwt.AccessToken, Realm, gocloak.GetUsersParams{First: gocloak.IntP(first), Max: gocloak.IntP(500), BriefRepresentation: gocloak.BoolP(true)})
		} else {
			users, err = gc.GetUsersByClientRoleName(ctx, jwt.AccessToken, Realm, clientUUID, role, gocloak.GetUsersByRoleParams{First: gocloak.IntP(first), Max: gocloak.IntP(500)})
		}
		if err != nil {
			return nil, err
		}
		out = append(out, users...)
		if len(users) < 500 {
			return out, nil
		}
	}
}

// LoginActivity is what Keycloak itself records about a user's activity, read
// with plain admin calls: the time of the latest stored LOGIN event and the
// latest access of the user's sessions (zero when none).
func LoginActivity(t *testing.T, userID string) (lastLogin, lastAccess time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, e := range loginEvents(t, map[string]string{"user": userID, "max": "1000"}) {
		if tm := time.UnixMilli(e.Time).UTC(); tm.After(lastLogin) {
			lastLogin = tm
		}
	}
	sessions, err := Admin(t).GetUserSessions(ctx, token(t), Realm, userID)
	if err != nil {
		t.Fatalf("sessions of %s: %v", userID, err)
	}
	for _, s := range sessions {
		if tm := time.UnixMilli(*s.LastAccess).UTC(); tm.After(lastAccess) {
			lastAccess = tm
		}
	}
	return lastLogin, lastAccess
}

// LoginEvent is one stored LOGIN event as Keycloak's admin API lists it.
type LoginEvent struct {
	Time   int64  `json:"time"`
	UserID string `json:"userId"`
}

// LoginEvents reads stored LOGIN events with a plain admin call (query adds
// user, first, max); AllLoginEvents reads every one, 1,000 a page.
func LoginEvents(query map[string]string) ([]LoginEvent, error) {
	ctx := context.Background()
	gc := gocloak.NewClient(KeycloakBase)
	jwt, err := gc.LoginAdmin(ctx, AdminUsername, AdminPassword, "master")
	if err != nil {
		return nil, err
	}
	var events []LoginEvent
	resp, err := gc.GetRequestWithBearerAuth(ctx, jwt.AccessToken).SetQueryParams(query).SetQueryParam("type", "LOGIN").
		SetResult(&events).Get(KeycloakBase + "/admin/realms/" + Realm + "/events")
	if err == nil && resp.IsError() {
		err = fmt.Errorf("LOGIN events: %s", resp.Status())
	}
	return events, err
}

// AllLoginEvents reads every stored LOGIN event of the realm.
func AllLoginEvents() ([]LoginEvent, error) {
	var all []LoginEvent
	for first := 0; ; first += 1000 {
		events, err := LoginEvents(map[string]string{"first": fmt.Sprint(first), "max": "1000"})
		if err != nil {
			return nil, err
		}
		all = append(all, events...)
		if len(events) < 1000 {
			return all, nil
		}
	}
}

func loginEvents(t *testing.T, query map[string]string) []LoginEvent {
	t.Helper()
	events, err := LoginEvents(query)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// OldestLoginEvent is the time of the oldest LOGIN event the realm stores.
func OldestLoginEvent(t *testing.T) time.Time {
	t.Helper()
	events, err := AllLoginEvents()
	if err != nil {
		t.Fatal(err)
	}
	var oldest time.Time
	for _, e := range events {
		if tm := time.UnixMilli(e.Time).UTC(); oldest.IsZero() || tm.Before(oldest) {
			oldest = tm
		}
	}
	return oldest
}

// StoreLoginEvents switches the storing of the realm's user events until the test ends.
func StoreLoginEvents(t *testing.T, enabled bool) {
	t.Helper()
	EventsConfig(t, map[string]any{"eventsEnabled": enabled})
}

// StoreAdminEvents switches the storing of the realm's admin events, and of
// their representation, until the test ends.
func StoreAdminEvents(t *testing.T, enabled, details bool) {
	t.Helper()
	EventsConfig(t, map[string]any{"adminEventsEnabled": enabled, "adminEventsDetailsEnabled": details})
}

// EventsConfig changes the realm's events settings until the test ends.
func EventsConfig(t *testing.T, changes map[string]any) {
	t.Helper()
	url := KeycloakBase + "/admin/realms/" + Realm + "/events/config"
	var cfg map[string]any
	resp, err := Admin(t).RestyClient().R().SetAuthToken(token(t)).SetResult(&cfg).Get(url)
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("events config: %v %v", err, resp)
	}
	was := map[string]any{}
	for k := range changes {
		was[k] = cfg[k]
	}
	set := func(values map[string]any) error {
		for k, v := range values {
			cfg[k] = v
		}
		resp, err := Admin(t).RestyClient().R().SetAuthToken(token(t)).SetBody(cfg).Put(url)
		if err == nil && resp.StatusCode() != 204 {
			err = fmt.Errorf("PUT %s: %s", url, resp.Status())
		}
		return err
	}
	if err := set(changes); err != nil {
		t.Fatalf("events config: %v", err)
	}
	t.Cleanup(func() {
		if err := set(was); err != nil {
			t.Errorf("restoring the events config: %v", err)
		}
	})
}

// AdminEvent is one admin event as Keycloak's own admin API lists it.
type AdminEvent struct {
	Time          int64  `json:"time"`
	OperationType string `json:"operationType"`
	ResourceType  string `json:"resourceType"`
	ResourcePath  string `json:"resourcePath"`
	// Representation is the body of the change (stored with the realm's details setting).
	Representation string `json:"representation"`
	AuthDetails    struct {
		UserID    string `json:"userId"`
		IPAddress string `json:"ipAddress"`
	} `json:"authDetails"`
}

// adminEvents lists the realm's stored admin events, newest first, through
// Keycloak's own admin API.
func adminEvents(t *testing.T, query url.Values) []AdminEvent {
	t.Helper()
	var all []AdminEvent
	resp, err := Admin(t).RestyClient().R().SetAuthToken(token(t)).SetResult(&all).
		SetQueryParamsFromValues(query).Get(KeycloakBase + "/admin/realms/" + Realm + "/admin-events")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("admin events: %v %v", err, resp)
	}
	return all
}

// AdminEventCount counts the realm's stored admin events about users' role
// mappings, group memberships and accounts made since since.
func AdminEventCount(t *testing.T, since time.Time) int {
	t.Helper()
	all := adminEvents(t, url.Values{"max": {"100000"}, "resourceTypes": {"CLIENT_ROLE_MAPPING", "GROUP_MEMBERSHIP", "USER"},
		"operationTypes": {"CREATE", "DELETE"}, "dateFrom": {since.UTC().AddDate(0, 0, -1).Format(time.DateOnly)}})
	n := 0
	for _, e := range all {
		if e.Time >= since.UnixMilli() {
			n++
		}
	}
	return n
}

// UserCount is the number of users of the realm.
func UserCount(t *testing.T) int {
	t.Helper()
	n, err := Admin(t).GetUserCount(context.Background(), token(t), Realm, gocloak.GetUsersParams{})
	if err != nil {
		t.Fatalf("user count: %v", err)
	}
	return n
}

// LoginEventsResumed is when, per Keycloak's admin events, the realm last
// started storing LOGIN events again after a change that stopped it (zero
// when its admin events record no such break).
func LoginEventsResumed(t *testing.T) time.Time {
	t.Helper()
	events := adminEvents(t, url.Values{"max": {"100000"}, "resourceTypes": {"REALM"}, "operationTypes": {"UPDATE"}})
	stored := func(rep string) (bool, bool) {
		var cfg struct {
			EventsEnabled     *bool    `json:"eventsEnabled"`
			EnabledEventTypes []string `json:"enabledEventTypes"`
		}
		if json.Unmarshal([]byte(rep), &cfg) != nil || cfg.EventsEnabled == nil {
			return false, false
		}
		return *cfg.EventsEnabled && (len(cfg.EnabledEventTypes) == 0 || slices.Contains(cfg.EnabledEventTypes, "LOGIN")), true
	}
	var resumed time.Time
	wasOff := false
	for i := len(events) - 1; i >= 0; i-- { // oldest first
		on, ok := stored(events[i].Representation)
		switch {
		case !ok || (events[i].ResourcePath != "events/config" && events[i].ResourcePath != ""):
		case !on:
			wasOff = true
		case wasOff:
			resumed, wasOff = time.UnixMilli(events[i].Time).UTC(), false
		}
	}
	return resumed
}

// AdminEventsAbout lists, newest first, the realm's stored admin events whose
// resource path starts with users/{userID}/.
func AdminEventsAbout(t *testing.T, userID string) []AdminEvent {
	t.Helper()
	var out []AdminEvent
	for _, e := range adminEvents(t, url.Values{"max": {"10000"}}) {
		if strings.HasPrefix(e.ResourcePath, "users/"+userID+"/") {
			out = append(out, e)
		}
	}
	return out
}

// HoldsSeat reports whether Keycloak's own effective role computation (groups,
// parent groups and composites included) gives the user the seat role.
func HoldsSeat(t *testing.T, userID string) bool {
	t.Helper()
	roles, err := Admin(t).GetCompositeClientRolesByUserID(context.Background(), token(t), Realm, dashClientUUID(t), userID)
	if err != nil {
		t.Fatalf("effective roles of %s: %v", userID, err)
	}
	for _, r := range roles {
		if *r.Name == "licensed_user" {
			return true
		}
	}
	return false
}

// OfflineToken logs the user in with the password grant and scope
// offline_access, as a long-running script would, and returns the offline
// refresh token (the user was created by LoggedInUser: password pw-<username>).
func OfflineToken(t *testing.T, username string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "client_id": {"dash"}, "username": {username},
		"password": {"pw-" + username}, "scope": {"openid offline_access"}}
	tok, err := tokenRequest(form)
	if err != nil {
		t.Fatalf("offline login of %s: %v", username, err)
	}
	return tok
}

// RefreshOffline uses an offline refresh token once; it fails when Keycloak no
// longer holds the offline session behind it.
func RefreshOffline(refreshToken string) error {
	_, err := tokenRequest(url.Values{"grant_type": {"refresh_token"}, "client_id": {"dash"}, "refresh_token": {refreshToken}})
	return err
}

// tokenRequest posts to the realm's token endpoint with plain HTTP (not the
// provider's client) and returns the refresh token of the answer.
func tokenRequest(form url.Values) (string, error) {
	resp, err := http.PostForm(KeycloakBase+"/realms/"+Realm+"/protocol/openid-connect/token", form)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token endpoint answered %d: %s %s", resp.StatusCode, out.Error, out.Description)
	}
	return out.RefreshToken, nil
}

// JoinGroup adds a user to a group (/Parent/child), as a change made in the admin console would.
func JoinGroup(t *testing.T, userID, path string) {
	t.Helper()
	joinGroup(t, token(t), "", userID, path)
}

// joinGroup adds a user to a group with tok, the token of who (see grantRole).
func joinGroup(t *testing.T, tok, who, userID, path string) {
	t.Helper()
	if err := Admin(t).AddUserToGroup(context.Background(), tok, Realm, userID, groupID(t, path)); err != nil {
		t.Fatalf("%sadding %s to %s: %v", who, userID, path, err)
	}
}

// LogoutOnline ends the user's online sessions one by one (DELETE
// /sessions/{id}), leaving any offline session in place.
func LogoutOnline(t *testing.T, userID string) {
	t.Helper()
	ctx := context.Background()
	sessions, err := Admin(t).GetUserSessions(ctx, token(t), Realm, userID)
	if err != nil {
		t.Fatalf("sessions of %s: %v", userID, err)
	}
	for _, s := range sessions {
		if err := Admin(t).LogoutUserSession(ctx, token(t), Realm, *s.ID); err != nil {
			t.Fatalf("ending session %s: %v", *s.ID, err)
		}
	}
}

// Username returns the username of a user ID, read from Keycloak.
func Username(t *testing.T, userID string) string {
	t.Helper()
	u, err := Admin(t).GetUserByID(context.Background(), token(t), Realm, userID)
	if err != nil || u.Username == nil {
		t.Fatalf("user %s: %v", userID, err)
	}
	return *u.Username
}
