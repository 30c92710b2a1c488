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
// listingServer serves a user listing of users() (count: the number /users/count answers).
func listingServer(t *testing.T, count int, users func() []User, hook func(w http.ResponseWriter, n int) bool) *Client {
	t.Helper()
	var mu sync.Mutex
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok", "expires_in": 300})
	})
	mux.HandleFunc("/admin/realms/dash/users/count", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(count)
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
			c := listingServer(t, 25, func() []User { return numbered(25) }, func(w http.ResponseWriter, n int) bool {
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
			c := listingServer(t, 25, func() []User {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == 2 { // after one page was served (pages are fetched concurrently, in any order)
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

// A listing whose size is known is read several pages at a time (never more
// than parallelPages), and a count that is off either way still yields exactly
// the listing: it read on when the listing grew, and stops where it ends.
func TestKnownSizeListingIsConcurrentAndExact(t *testing.T) {
	for _, count := range []int{40, 95, 200} {
		var mu sync.Mutex
		inFlight, peak := 0, 0
		c := listingServer(t, count, func() []User { return numbered(95) }, func(w http.ResponseWriter, n int) bool {
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return false
		})
		users, err := c.Users(context.Background(), "")
		if err != nil {
			t.Fatalf("count %d: %v", count, err)
		}
		if len(users) != 95 || users[0].ID != "id0000" || users[94].ID != "id0094" {
			t.Errorf("count %d: %d users (%v … %v), want id0000…id0094", count, len(users), users[0].ID, users[len(users)-1].ID)
		}
		for i := 1; i < len(users); i++ {
			if users[i].ID <= users[i-1].ID {
				t.Fatalf("count %d: users out of order or repeated at %d: %s after %s", count, i, users[i].ID, users[i-1].ID)
			}
		}
		if peak > parallelPages || (count >= 40 && peak < 2) {
			t.Errorf("count %d: %d pages in flight at most, want 2..%d", count, peak, parallelPages)
		}
	}
}

// A listing of unknown size (role holders, group members) is read to its end.
func TestUnknownSizeListingIsReadToTheEnd(t *testing.T) {
	for _, n := range []int{0, 9, 10, 25, 30} {
		items := make([]json.RawMessage, n)
		for i := range items {
			items[i] = json.RawMessage(fmt.Sprintf(`{"id":"%04d"}`, i))
		}
		requests := 0
		got, err := pageAll(context.Background(), 10, func(_ context.Context, first, limit int) ([]json.RawMessage, error) {
			requests++
			return items[min(first, n):min(first+limit, n)], nil
		})
		if err != nil || len(got) != n {
			t.Errorf("%d items: got %d (%v)", n, len(got), err)
		}
		if want := n/10 + 1; requests != want {
			t.Errorf("%d items: %d requests, want %d", n, requests, want)
		}
	}
}
