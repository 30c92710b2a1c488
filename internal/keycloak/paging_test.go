package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// fakeKeycloak serves a token and a users listing of n users that honours first/max.
func fakeKeycloak(t *testing.T, n int) (*Client, *atomic.Int32, *atomic.Int32) {
	t.Helper()
	var listings, tokens atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok", "expires_in": 300})
	})
	mux.HandleFunc("/admin/realms/dash/users/count", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(n)
	})
	mux.HandleFunc("/admin/realms/dash/users", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		listings.Add(1)
		first, _ := strconv.Atoi(r.URL.Query().Get("first"))
		size, _ := strconv.Atoi(r.URL.Query().Get("max"))
		page := []User{}
		for i := first; i < n && i < first+size; i++ {
			page = append(page, User{ID: fmt.Sprint(i), Username: fmt.Sprintf("user%04d", i)})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{BaseURL: srv.URL, Realm: "dash", RolesClientID: "dash", AdminRealm: "master", AdminClientID: "admin-cli",
		Username: "admin", Password: "admin", HTTP: hc}), &listings, &tokens
}

func TestListingsArePagedToTheEnd(t *testing.T) {
	for _, tc := range []struct{ users, wantRequests int }{{0, 1}, {99, 1}, {100, 2}, {199, 2}, {200, 3}, {250, 3}} {
		c, listings, tokens := fakeKeycloak(t, tc.users)
		c.cfg.UserPageSize = 100
		users, err := c.Users(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != tc.users || int(listings.Load()) != tc.wantRequests {
			t.Errorf("%d users: got %d in %d requests, want all in %d", tc.users, len(users), listings.Load(), tc.wantRequests)
		}
		if tokens.Load() != 1 {
			t.Errorf("%d token requests for one listing", tokens.Load())
		}
		seen := map[string]bool{}
		for _, u := range users {
			if seen[u.ID] {
				t.Fatalf("user %s listed twice", u.ID)
			}
			seen[u.ID] = true
		}
	}
}

func TestAgainstRealKeycloak(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak (make test starts it)")
	}
	hc, _ := transport.New(transport.Options{Timeout: 10 * time.Second})
	newClientPaged := func(pageSize int) *Client {
		return New(Config{BaseURL: diffKeycloak, Realm: "dash", RolesClientID: "dash", AdminRealm: "master",
			AdminClientID: "admin-cli", Username: "admin", Password: "admin", HTTP: hc, PageSize: pageSize})
	}
	newClient := func() *Client { return newClientPaged(0) }
	ctx := context.Background()
	full, err := newClient().RoleHolders(ctx, "licensed_user")
	if err != nil {
		t.Fatal(err)
	}
	// The same snapshot with pages of 2: every listing must be followed to its end.
	small, err := newClientPaged(2).RoleHolders(ctx, "licensed_user")
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Direct) != len(full.Direct) || small.EffectiveCount() != full.EffectiveCount() || len(full.Direct) < 3 {
		t.Fatalf("paged by 2: %d direct / %d effective; by 100: %d / %d", len(small.Direct), small.EffectiveCount(), len(full.Direct), full.EffectiveCount())
	}
	for id, via := range full.Via {
		if fmt.Sprint(small.Via[id]) != fmt.Sprint(via) {
			t.Errorf("user %s: via %v paged, %v unpaged", id, small.Via[id], via)
		}
	}
	// Fixture facts: bob through the group, carol through the composite, frank through a sub-group.
	want := map[string]string{"bob": "[group:/Licensed Developers]", "carol": "[composite:dash/developer]", "frank": "[group:/Licensed Developers]"}
	for name, via := range want {
		u, ok := full.UserByUsername(name)
		if !ok || fmt.Sprint(full.Via[u.ID]) != via {
			t.Errorf("%s: via %v, want %s", name, full.Via[u.ID], via)
		}
	}
	// An admin account without manage-realm cannot export the realm: the fallback
	// (listing groups per role and scanning composites) must find the same holders.
	scan := New(Config{BaseURL: diffKeycloak, Realm: "dash", RolesClientID: "dash", AdminRealm: "dash",
		AdminClientID: "terraform", ClientSecret: "terraform-secret", HTTP: hc, noExport: exportNeedsViewRealmOnly()})
	scanned, err := scan.RoleHolders(ctx, "licensed_user")
	if err != nil {
		t.Fatal(err)
	}
	if ex, _ := scan.export(ctx); ex != nil {
		t.Fatal("the terraform client should not be allowed to export the realm")
	}
	if len(scanned.Direct) != len(full.Direct) || scanned.EffectiveCount() != full.EffectiveCount() || fmt.Sprint(scanned.Groups) != fmt.Sprint(full.Groups) {
		t.Fatalf("scan: %d direct / %d effective / %v; export: %d / %d / %v", len(scanned.Direct), scanned.EffectiveCount(), scanned.Groups, len(full.Direct), full.EffectiveCount(), full.Groups)
	}
	for id, via := range full.Via {
		if fmt.Sprint(scanned.Via[id]) != fmt.Sprint(via) {
			t.Errorf("user %s: via %v by scan, %v by export", id, scanned.Via[id], via)
		}
	}
	treeA, _ := scan.GroupTree(ctx)
	treeB, _ := newClient().GroupTree(ctx)
	if pathsOf(treeA) != pathsOf(treeB) || !strings.Contains(pathsOf(treeB), "/Data Science/Forecasting") {
		t.Errorf("group trees differ:\n%s\n%s", pathsOf(treeA), pathsOf(treeB))
	}

	// Wrong realm and wrong credentials give errors that say what to check.
	bad := New(Config{BaseURL: diffKeycloak, Realm: "dash", RolesClientID: "dash", AdminRealm: "nope",
		AdminClientID: "admin-cli", Username: "admin", Password: "admin", HTTP: hc})
	if _, err := bad.Users(ctx, ""); err == nil || !contains(err.Error(), `no realm "nope"`, "keycloak_base_path") {
		t.Errorf("wrong admin realm: %v", err)
	}
	bad = New(Config{BaseURL: diffKeycloak, Realm: "dash", RolesClientID: "dash", AdminRealm: "master",
		AdminClientID: "admin-cli", Username: "admin", Password: "wrong", HTTP: hc})
	if _, err := bad.Users(ctx, ""); err == nil || !contains(err.Error(), "rejected the admin login", "admin_password") {
		t.Errorf("wrong password: %v", err)
	}
	wrongBase := kcOrigin + "/auth" // the other layout than the server's
	if os.Getenv("KC_PATH") != "" {
		wrongBase = kcOrigin
	}
	bad = New(Config{BaseURL: wrongBase, Realm: "dash", RolesClientID: "dash", AdminRealm: "master",
		AdminClientID: "admin-cli", Username: "admin", Password: "admin", HTTP: hc})
	if _, err := bad.Users(ctx, ""); err == nil || !contains(err.Error(), "keycloak_base_path") {
		t.Errorf("base path %s on a server with the other layout: %v", wrongBase, err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !stringsContains(s, sub) {
			return false
		}
	}
	return true
}

func stringsContains(s, sub string) bool { return strings.Contains(s, sub) }

func pathsOf(forest []*Group) string {
	var paths []string
	for _, g := range Flatten(forest) {
		paths = append(paths, g.Path)
	}
	return strings.Join(paths, ",")
}
