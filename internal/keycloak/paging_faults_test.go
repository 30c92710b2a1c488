package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// listingServer serves a token and a users listing whose pages hook may
// replace (n is the 1-based number of the listing request).
func listingServer(t *testing.T, users func() []User, hook func(w http.ResponseWriter, n int) bool) *Client {
	t.Helper()
	var mu sync.Mutex
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok", "expires_in": 300})
	})
	mux.HandleFunc("/admin/realms/dash/users", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		call := n
		mu.Unlock()
		if hook != nil && hook(w, call) {
			return
		}
		all := users()
		first, _ := strconv.Atoi(r.URL.Query().Get("first"))
		size, _ := strconv.Atoi(r.URL.Query().Get("max"))
		page := []User{}
		for i := first; i < len(all) && i < first+size; i++ {
			page = append(page, all[i])
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 5 * time.Second, MaxRetries: 1, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{BaseURL: srv.URL, Realm: "dash", RolesClientID: "dash", AdminRealm: "master", AdminClientID: "admin-cli",
		Username: "admin", Password: "admin", HTTP: hc, UserPageSize: 10})
}

func numbered(n int) []User {
	out := make([]User, n)
	for i := range out {
		out[i] = User{ID: fmt.Sprintf("id%04d", i), Username: fmt.Sprintf("user%04d", i)}
	}
	return out
}

// A second page that is not a 200 JSON array is an error, never an empty last page.
func TestPageThatIsNotAJSONListIsAnError(t *testing.T) {
	for name, bad := range map[string]func(w http.ResponseWriter){
		"html": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>maintenance</html>"))
		},
		"204": func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) },
		"truncated": func(w http.ResponseWriter) {
			_, _ = w.Write([]byte(`[{"id":"id0009","username":"user0009"},{"id":"id00`))
		},
		"object": func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"error":"x"}`)) },
	} {
		t.Run(name, func(t *testing.T) {
			c := listingServer(t, func() []User { return numbered(25) }, func(w http.ResponseWriter, n int) bool {
				if n == 2 {
					bad(w)
					return true
				}
				return false
			})
			users, err := c.Users(context.Background(), "")
			if err == nil {
				t.Fatalf("want an error, got %d users", len(users))
			}
		})
	}
}

// A user deleted (or added) before the offset while the listing runs shifts
// the pages; the overlap detects it instead of returning a list with a hole.
func TestUserDeletedMidListingIsDetected(t *testing.T) {
	for name, change := range map[string]func([]User) []User{
		"deleted": func(u []User) []User { return append(append([]User{}, u[:3]...), u[4:]...) },
		"added":   func(u []User) []User { return append([]User{{ID: "aaaa", Username: "aaaa"}}, u...) },
	} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			current := numbered(25)
			calls := 0
			c := listingServer(t, func() []User {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == 2 { // after the first page was served
					current = change(current)
				}
				return current
			}, nil)
			users, err := c.Users(context.Background(), "")
			if err == nil || !strings.Contains(err.Error(), "changed while it was being read") {
				t.Fatalf("want the change detected, got %v (%d users)", err, len(users))
			}
		})
	}
}
