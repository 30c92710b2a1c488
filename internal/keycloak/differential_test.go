package keycloak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// The differential test: random realm structures built through the admin API
// (nested groups, users in several groups, composite roles nested in each
// other and in realm roles, direct grants, disabled users, more than one page
// of holders). For every user, the provider's snapshot, by the partial-export
// path and by the scan fallback, must agree with Keycloak's own effective role
// computation (the user's composite client role mappings), and every grant it
// names in Via must exist and explain the seat. The oracle is Keycloak; this
// file builds and reads realms with plain HTTP, never with the code under test.

// The local Keycloak (scripts/keycloak.sh): KC_PORT and KC_PATH ("/auth" on
// the legacy layout) are the script's settings.
var (
	kcOrigin     = envOr("KC_SCHEME", "http") + "://127.0.0.1:" + envOr("KC_PORT", "18080")
	diffKeycloak = kcOrigin + os.Getenv("KC_PATH")
)

// exportNeedsViewRealmOnly reports a Keycloak before 24, where an account
// with view-realm may export the realm: the scan path must then be forced.
func exportNeedsViewRealmOnly() bool {
	major, _, _ := strings.Cut(os.Getenv("KC_VERSION"), ".")
	n, err := strconv.Atoi(major)
	return err == nil && n < 24
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// realmShape is one random realm: what it holds, printed when the test fails.
type realmShape struct {
	Seed       uint64
	Groups     []string            // paths, parents first
	GroupRoles map[string][]string // path -> roles ("dash/x" or realm "R")
	Composites map[string][]string // role -> roles it contains
	Users      map[string]diffUser
}

type diffUser struct {
	Groups  []string
	Roles   []string
	Enabled bool
}

func (s realmShape) String() string {
	b, _ := json.MarshalIndent(s, "", "  ")
	return string(b)
}

// randomStructure draws a realm: up to 4 levels of groups, 6 client and 3
// realm roles with random composites (a DAG: a role only contains roles drawn
// before it), grants to groups and users.
func randomStructure(seed uint64, users int) realmShape {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := realmShape{Seed: seed, GroupRoles: map[string][]string{}, Composites: map[string][]string{}, Users: map[string]diffUser{}}
	roles := []string{"dash/licensed_user"}
	for i := range 6 {
		roles = append(roles, fmt.Sprintf("dash/r%d", i))
	}
	for i := range 3 {
		roles = append(roles, fmt.Sprintf("R%d", i))
	}
	for i := 1; i < len(roles); i++ {
		for _, c := range roles[:i] {
			if r.IntN(4) == 0 {
				s.Composites[roles[i]] = append(s.Composites[roles[i]], c)
			}
		}
	}
	var grow func(parent string, depth int)
	grow = func(parent string, depth int) {
		n := r.IntN(3)
		if depth == 1 {
			n = 2 + r.IntN(2)
		}
		for i := range n {
			p := fmt.Sprintf("%s/g%d-%d", parent, depth, i)
			s.Groups = append(s.Groups, p)
			if r.IntN(3) == 0 {
				s.GroupRoles[p] = append(s.GroupRoles[p], roles[r.IntN(len(roles))])
			}
			if depth < 4 {
				grow(p, depth+1)
			}
		}
	}
	grow("", 1)
	for i := range users {
		u := diffUser{Enabled: r.IntN(6) != 0}
		for range r.IntN(3) {
			if g := s.Groups[r.IntN(len(s.Groups))]; !slices.Contains(u.Groups, g) {
				u.Groups = append(u.Groups, g)
			}
		}
		for range r.IntN(3) {
			if ro := roles[r.IntN(len(roles))]; r.IntN(2) == 0 && !slices.Contains(u.Roles, ro) {
				u.Roles = append(u.Roles, ro)
			}
		}
		if r.IntN(3) == 0 && !slices.Contains(u.Roles, "dash/licensed_user") {
			u.Roles = append(u.Roles, "dash/licensed_user")
		}
		s.Users[fmt.Sprintf("u%03d", i)] = u
	}
	return s
}

// realmJSON is the realm representation that imports s in one request, with a
// confidential client "scanner" whose service account may read but not export.
func (s realmShape) realmJSON(realm string) []byte {
	split := func(roles []string) (client, realmRoles []string) {
		client, realmRoles = []string{}, []string{} // Keycloak's import rejects null role lists
		for _, ro := range roles {
			if n, ok := strings.CutPrefix(ro, "dash/"); ok {
				client = append(client, n)
			} else {
				realmRoles = append(realmRoles, ro)
			}
		}
		return client, realmRoles
	}
	roleRep := func(name string) map[string]any {
		rep := map[string]any{"name": name}
		if cs := s.Composites[name]; len(cs) > 0 {
			c, rr := split(cs)
			comp := map[string]any{}
			if len(c) > 0 {
				comp["client"] = map[string]any{"dash": c}
			}
			if len(rr) > 0 {
				comp["realm"] = rr
			}
			rep["composite"], rep["composites"] = true, comp
		}
		return rep
	}
	var clientRoles, realmRoles []map[string]any
	clientRoles = append(clientRoles, roleRep("dash/licensed_user"))
	for i := range 6 {
		clientRoles = append(clientRoles, roleRep(fmt.Sprintf("dash/r%d", i)))
	}
	for i := range 3 {
		realmRoles = append(realmRoles, roleRep(fmt.Sprintf("R%d", i)))
	}
	for _, rep := range clientRoles {
		rep["name"] = strings.TrimPrefix(rep["name"].(string), "dash/")
	}
	var groupRep func(path string) map[string]any
	groupRep = func(path string) map[string]any {
		c, rr := split(s.GroupRoles[path])
		g := map[string]any{"name": path[strings.LastIndex(path, "/")+1:], "clientRoles": map[string]any{"dash": c}, "realmRoles": rr}
		subs := []map[string]any{}
		for _, p := range s.Groups {
			if strings.HasPrefix(p, path+"/") && !strings.Contains(p[len(path)+1:], "/") {
				subs = append(subs, groupRep(p))
			}
		}
		g["subGroups"] = subs
		return g
	}
	var top []map[string]any
	for _, p := range s.Groups {
		if strings.Count(p, "/") == 1 {
			top = append(top, groupRep(p))
		}
	}
	var users []map[string]any
	for name, u := range s.Users {
		c, rr := split(u.Roles)
		groups := append([]string{}, u.Groups...)
		users = append(users, map[string]any{"username": name, "enabled": u.Enabled, "groups": groups,
			"clientRoles": map[string]any{"dash": c}, "realmRoles": rr})
	}
	users = append(users, map[string]any{"username": "service-account-scanner", "enabled": true, "serviceAccountClientId": "scanner",
		"clientRoles": map[string]any{"realm-management": []string{"view-users", "query-users", "query-groups", "view-clients", "view-realm"}}})
	b, _ := json.Marshal(map[string]any{
		"realm": realm, "enabled": true,
		"roles": map[string]any{"realm": realmRoles, "client": map[string]any{"dash": clientRoles}},
		"clients": []map[string]any{
			{"clientId": "dash", "publicClient": true, "enabled": true},
			{"clientId": "scanner", "publicClient": false, "secret": "scanner-secret", "serviceAccountsEnabled": true, "enabled": true, "standardFlowEnabled": false},
		},
		"groups": top, "users": users,
	})
	return b
}

// adminHTTP calls the master admin API with plain HTTP.
type adminHTTP struct {
	t     testing.TB
	token string
}

func newAdminHTTP(t testing.TB) *adminHTTP {
	t.Helper()
	resp, err := http.PostForm(diffKeycloak+"/realms/master/protocol/openid-connect/token",
		url.Values{"grant_type": {"password"}, "client_id": {"admin-cli"}, "username": {"admin"}, "password": {"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("admin login: %v", err)
	}
	return &adminHTTP{t: t, token: tok.AccessToken}
}

func (a *adminHTTP) do(method, path string, body []byte, out any) int {
	a.t.Helper()
	req, _ := http.NewRequest(method, diffKeycloak+"/admin/realms"+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		a.t.Fatalf("%s %s: %s %s", method, path, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// readPath is one way the client reads a realm: by its export (the master
// admin) or by listing (the realm's scanner client, without manage-realm).
type readPath struct {
	name string
	cfg  Config
}

// readPaths are the two read paths for realm of the local Keycloak.
func readPaths(realm string) []readPath {
	hc, _ := transport.New(transport.Options{Timeout: 20 * time.Second})
	paths := []readPath{
		{"export", Config{AdminRealm: "master", AdminClientID: "admin-cli", Username: "admin", Password: "admin"}},
		{"scan", Config{AdminRealm: realm, AdminClientID: "scanner", ClientSecret: "scanner-secret", noExport: exportNeedsViewRealmOnly()}},
	}
	for i := range paths {
		paths[i].cfg.BaseURL, paths[i].cfg.Realm, paths[i].cfg.RolesClientID, paths[i].cfg.HTTP = diffKeycloak, realm, "dash", hc
	}
	return paths
}

func TestDifferentialRoleHoldersAgainstKeycloak(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak (make test starts it)")
	}
	budget := 60 * time.Second
	if v := os.Getenv("DIFF_BUDGET"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			budget = d
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("DIFF_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
		budget = 0 // one structure, the one asked for
	}
	start, runs := time.Now(), 0
	for runs == 0 || time.Since(start) < budget {
		s := randomStructure(seed+uint64(runs), 24)
		t.Run(fmt.Sprintf("seed=%d", s.Seed), func(t *testing.T) { checkStructure(t, s) })
		runs++
		if t.Failed() || budget == 0 {
			break
		}
	}
	t.Logf("%d random realm structures checked in %v (DIFF_SEED=<seed> repeats one)", runs, time.Since(start).Round(time.Second))
}

func checkStructure(t *testing.T, s realmShape) {
	admin := newAdminHTTP(t)
	realm := fmt.Sprintf("diff%d", s.Seed%1_000_000_007)
	admin.do(http.MethodPost, "", s.realmJSON(realm), nil)
	defer admin.do(http.MethodDelete, "/"+realm, nil, nil)

	// The oracle: Keycloak's effective client roles of every user.
	var clients []struct{ ID string }
	admin.do(http.MethodGet, "/"+realm+"/clients?clientId=dash", nil, &clients)
	var users []struct{ ID, Username string }
	admin.do(http.MethodGet, "/"+realm+"/users?briefRepresentation=true&max=1000", nil, &users)
	// Effective (composite) and direct client role mappings of every user.
	want, wantDirect := map[string]bool{}, map[string]bool{}
	isSeat := func(r struct{ Name string }) bool { return r.Name == "licensed_user" }
	for _, u := range users {
		var roles, direct []struct{ Name string }
		admin.do(http.MethodGet, "/"+realm+"/users/"+u.ID+"/role-mappings/clients/"+clients[0].ID+"/composite", nil, &roles)
		admin.do(http.MethodGet, "/"+realm+"/users/"+u.ID+"/role-mappings/clients/"+clients[0].ID, nil, &direct)
		want[u.ID], wantDirect[u.ID] = slices.ContainsFunc(roles, isSeat), slices.ContainsFunc(direct, isSeat)
	}

	for _, path := range readPaths(realm) {
		cfg := path.cfg
		cfg.PageSize = 3 // several pages everywhere
		c := New(cfg)
		h, err := c.RoleHolders(context.Background(), "licensed_user")
		if err != nil {
			t.Fatalf("%s path: %v", path.name, err)
		}
		if ex, _ := c.export(context.Background()); (ex != nil) != (path.name == "export") {
			t.Fatalf("%s path: the export was %v", path.name, ex != nil)
		}
		for _, u := range users {
			if got := h.Effective(u.ID); got != want[u.ID] {
				t.Errorf("%s path: %s holds the seat: provider %v, Keycloak %v (via %v)", path.name, u.Username, got, want[u.ID], h.Via[u.ID])
			}
			if _, got := h.Direct[u.ID]; got != wantDirect[u.ID] {
				t.Errorf("%s path: %s holds the seat directly: provider %v, Keycloak %v", path.name, u.Username, got, wantDirect[u.ID])
			}
			for _, via := range h.Via[u.ID] {
				if msg := explains(s, u.Username, via); msg != "" {
					t.Errorf("%s path: %s: granted_via %q: %s", path.name, u.Username, via, msg)
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("structure (repeat with DIFF_SEED=%d):\n%s", s.Seed, s)
	}
}

// explains checks a grant the provider names: the group exists, holds the
// role through its mappings, and the user is a member of it or of a
// sub-group; or the composite role exists and contains the role.
func explains(s realmShape, username, via string) string {
	contains := func(role string) bool {
		seen := map[string]bool{}
		var walk func(r string) bool
		walk = func(r string) bool {
			if r == "dash/licensed_user" {
				return true
			}
			if seen[r] {
				return false
			}
			seen[r] = true
			return slices.ContainsFunc(s.Composites[r], walk)
		}
		return walk(role)
	}
	if g, ok := strings.CutPrefix(via, "group:"); ok {
		if !slices.Contains(s.Groups, g) {
			return "no such group"
		}
		if !slices.ContainsFunc(s.GroupRoles[g], contains) {
			return "the group holds no role that grants the seat"
		}
		if !slices.ContainsFunc(s.Users[username].Groups, func(m string) bool { return m == g || strings.HasPrefix(m, g+"/") }) {
			return "the user is not a member of the group or of a sub-group"
		}
		return ""
	}
	if c, ok := strings.CutPrefix(via, "composite:"); ok {
		if c == "dash/licensed_user" || !contains(c) {
			return "no composite role of that name contains licensed_user"
		}
		return ""
	}
	return "unknown grant kind"
}
