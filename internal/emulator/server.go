// Package emulator is a local Dash Enterprise platform API: a GraphQL server
// on the provider's schema that validates real Keycloak tokens, reads seats
// from Keycloak at call time and enforces the product's rules on apps,
// co-owners and transfers. Tests run it in-process; the demo runs it standalone.
package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/relay"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// Config configures a Server.
type Config struct {
	// KeycloakURL is the Keycloak root that issues tokens (issuer prefix).
	KeycloakURL string
	// Realm is the Dash Enterprise realm (default dash).
	Realm string
	// RolesClientID owns the admin role (default dash).
	RolesClientID string
	// Directory reads seats, users and groups.
	Directory Directory
	// Initial is the seed fixture (may be nil).
	Initial *State
	// StateFile, if set, is written after every change.
	StateFile string
	// HTTPClient fetches the JWKS (default http.DefaultClient).
	HTTPClient *http.Client
	// Variant, if set, makes introspection describe a server that differs
	// from the contract (tests of the provider's compatibility check).
	Variant *SchemaVariant
	// PageSize is how many apps or users a page of a listing holds (default
	// DefaultPageSize); the published API lets the server choose it.
	PageSize int
	// TrustedClients are the clients whose access tokens the API accepts
	// (the token's azp); default RolesClientID only.
	TrustedClients []string
}

// Server is the emulator. It implements http.Handler.
type Server struct {
	cfg      Config
	schema   *graphql.Schema
	handler  http.Handler
	verifier *verifier

	mu    sync.Mutex
	store *store
	// seen holds users whose login this process has recorded (their groups may have changed since the state was saved).
	seen map[string]bool

	// Requests counts GraphQL requests (for tests and benchmarks).
	Requests atomic.Int64
	// faults lets tests make the server drop answers.
	faults faults
}

type faults struct {
	mu sync.Mutex
	// dropAfterApply makes the next n mutations apply but close the connection without answering.
	dropAfterApply int
}

// DefaultPageSize is the page size of listings unless Config.PageSize says otherwise.
const DefaultPageSize = 100

func (s *Server) pageSize() int {
	if s.cfg.PageSize > 0 {
		return s.cfg.PageSize
	}
	return DefaultPageSize
}

// New returns a Server; it makes no network call.
func New(cfg Config) (*Server, error) {
	if cfg.Realm == "" {
		cfg.Realm = "dash"
	}
	if cfg.RolesClientID == "" {
		cfg.RolesClientID = "dash"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	s := &Server{cfg: cfg, store: newStore(cfg.Initial), seen: map[string]bool{}}
	if len(cfg.TrustedClients) == 0 {
		cfg.TrustedClients = []string{cfg.RolesClientID}
	}
	s.verifier = newVerifier(cfg.KeycloakURL, cfg.Realm, cfg.RolesClientID, cfg.HTTPClient)
	s.verifier.trusted = cfg.TrustedClients
	schema, err := graphql.ParseSchema(platform.Schema, &resolver{s: s}, graphql.UseFieldResolvers())
	if err != nil {
		return nil, err
	}
	s.schema = schema
	s.handler = &relay.Handler{Schema: schema}
	return s, nil
}

// DropNextAnswers makes the next n mutations take effect but lose their answer
// (the connection is closed), to test read-back before retry.
func (s *Server) DropNextAnswers(n int) {
	s.faults.mu.Lock()
	s.faults.dropAfterApply = n
	s.faults.mu.Unlock()
}

type ctxKey int

const (
	principalKey ctxKey = iota
	requestKey
)

// requestState memoises the seat snapshot within one request.
type requestState struct {
	once  sync.Once
	seats Seats
	err   error
}

func (s *Server) seats(ctx context.Context) (Seats, error) {
	rs, _ := ctx.Value(requestKey).(*requestState)
	if rs == nil {
		return s.cfg.Directory.Seats(ctx)
	}
	rs.once.Do(func() { rs.seats, rs.err = s.cfg.Directory.Seats(ctx) })
	return rs.seats, rs.err
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	if r.Method != http.MethodPost {
		http.Error(w, "POST a GraphQL request", http.StatusMethodNotAllowed)
		return
	}
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		writeError(w, http.StatusUnauthorized, platform.CodeUnauthenticated, "missing Bearer token")
		return
	}
	p, err := s.verifier.verify(r.Context(), raw)
	if err != nil {
		writeError(w, http.StatusUnauthorized, platform.CodeUnauthenticated, "invalid token: "+err.Error())
		return
	}
	ctx := context.WithValue(r.Context(), principalKey, p)
	ctx = context.WithValue(ctx, requestKey, &requestState{})
	if !p.ServiceAccount {
		if err := s.login(ctx, p.Username); err != nil {
			writeError(w, http.StatusBadGateway, "DIRECTORY_UNAVAILABLE", "reading the user from Keycloak: "+err.Error())
			return
		}
	}
	if s.shouldDrop(r) {
		// Apply, then lose the answer.
		rec := &discardWriter{header: http.Header{}}
		s.handler.ServeHTTP(rec, r.WithContext(ctx))
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	r = r.WithContext(ctx)
	if s.serveIntrospection(w, r, s.handler.ServeHTTP) { // may read the body, and restores it on r
		return
	}
	s.handler.ServeHTTP(w, r)
}

func (s *Server) shouldDrop(r *http.Request) bool {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.dropAfterApply == 0 {
		return false
	}
	// Only mutations: peek at the body without consuming it for the handler.
	body, err := readAndRestore(r)
	if err != nil || !strings.Contains(body, "mutation") {
		return false
	}
	s.faults.dropAfterApply--
	return true
}

// login records the user and their groups as known, as the first login to Dash Enterprise does.
func (s *Server) login(ctx context.Context, username string) error {
	s.mu.Lock()
	seen := s.seen[username]
	s.mu.Unlock()
	if seen {
		return nil
	}
	groups, err := s.cfg.Directory.UserGroups(ctx, username)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[username] = true
	s.store.knownUsers[username] = true
	for _, g := range groups {
		s.store.knownGroups[g] = true
	}
	return s.persist()
}

// persist writes the state file; callers hold s.mu.
func (s *Server) persist() error { return save(s.cfg.StateFile, s.store.snapshot()) }

// State returns a copy of the current state (for tests).
func (s *Server) State() *State {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(s.store.snapshot())
	var out State
	_ = json.Unmarshal(b, &out)
	return &out
}

// AddKnown marks users and groups as known, as if one of their members had logged in.
func (s *Server) AddKnown(users, groups []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		s.store.knownUsers[u] = true
	}
	for _, g := range groups {
		s.store.knownGroups[strings.TrimPrefix(g, "/")] = true
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// SeatsPurchased returns the license's purchased seats.
func (s *Server) SeatsPurchased() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.seatsPurchased
}

// SetSeatsPurchased changes the license (as applying a new license file does).
func (s *Server) SetSeatsPurchased(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.seatsPurchased = n
}

// EditApp changes an app's stored record directly, as a change made in the App
// Manager outside the API would (for tests): edit receives the live record.
func (s *Server) EditApp(name string, edit func(*App)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.store.apps[name]
	if !ok {
		return fmt.Errorf("emulator: no app %q", name)
	}
	edit(a)
	return s.persist()
}

// SetLicenseExpiry changes the license's expiry (RFC 3339), as a new license file would.
func (s *Server) SetLicenseExpiry(expiresAt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.expiresAt = expiresAt
}
