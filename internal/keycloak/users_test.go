package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// usersServer is a realm of users answering lookups by username, the count
// and the paged listing, and counting each kind of request.
type usersServer struct {
	mu                     sync.Mutex
	users                  []User
	lookups, counts, pages int
}

func (s *usersServer) add(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, User{ID: "id-" + name, Username: name})
}

func (s *usersServer) serve(t *testing.T) *Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok", "expires_in": 300})
	})
	mux.HandleFunc("/admin/realms/dash/users/count", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.counts++
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(len(s.users))
	})
	mux.HandleFunc("/admin/realms/dash/users", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		out := []User{}
		if name := r.URL.Query().Get("username"); name != "" {
			s.lookups++
			for _, u := range s.users {
				if u.Username == name {
					out = append(out, u)
				}
			}
		} else {
			s.pages++
			first, _ := strconv.Atoi(r.URL.Query().Get("first"))
			size, _ := strconv.Atoi(r.URL.Query().Get("max"))
			for i := first; i < len(s.users) && i < first+size; i++ {
				out = append(out, s.users[i])
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc, _ := transport.New(transport.Options{Timeout: 5 * time.Second})
	return New(Config{BaseURL: srv.URL, Realm: "dash", RolesClientID: "dash", AdminRealm: "master", AdminClientID: "admin-cli",
		Username: "admin", Password: "admin", HTTP: hc, UserPageSize: 50})
}

// Looking up many users in one run costs a few dozen lookups and one listing,
// not one request per user; users created during the run are still found and
// a user that does not exist is never remembered as missing.
func TestUserLookupsTurnIntoOneListing(t *testing.T) {
	s := &usersServer{}
	for i := range 200 {
		s.add(fmt.Sprintf("user%03d", i))
	}
	c := s.serve(t)
	ctx := context.Background()
	for round := range 2 { // the second round is served from the index
		for i := range 150 {
			u, err := c.UserByUsername(ctx, fmt.Sprintf("user%03d", i))
			if err != nil || u.ID != fmt.Sprintf("id-user%03d", i) {
				t.Fatalf("round %d, user%03d: %+v %v", round, i, u, err)
			}
		}
	}
	// The 32nd lookup lists instead: 31 lookups, the count, 5 pages (200 users in
	// overlapping pages of 50) serve 300 lookups.
	if s.lookups != listUsersAfter-1 || s.counts != 1 || s.pages != 5 {
		t.Fatalf("150 users twice: %d lookups, %d counts, %d pages; want %d, 1, 5", s.lookups, s.counts, s.pages, listUsersAfter-1)
	}
	if _, err := c.UserByUsername(ctx, "ghost"); !IsNotFound(err) {
		t.Fatalf("ghost: %v", err)
	}
	s.add("ghost") // created during the run, after the listing
	if u, err := c.UserByUsername(ctx, "ghost"); err != nil || u.ID != "id-ghost" {
		t.Fatalf("a user created during the run must be found: %+v %v", u, err)
	}
}

// A few lookups never list the realm.
func TestFewLookupsNeverList(t *testing.T) {
	s := &usersServer{}
	for i := range 2000 {
		s.add(fmt.Sprintf("user%04d", i))
	}
	c := s.serve(t)
	for i := range 10 {
		if _, err := c.UserByUsername(context.Background(), fmt.Sprintf("user%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if s.lookups != 10 || s.pages != 0 || s.counts != 0 {
		t.Fatalf("10 lookups: %d lookups, %d pages, %d counts", s.lookups, s.pages, s.counts)
	}
}
