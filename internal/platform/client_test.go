package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// fakeAPI is a minimal platform API on httptest: apps with owners, the
// transferApps, addCoOwners and apps operations, and hooks that decide how
// each request is answered. It shares no code with the client.
type fakeAPI struct {
	mu        sync.Mutex
	owners    map[string]string   // app -> owner
	coOwners  map[string][]string // app -> users
	mutations atomic.Int32
	queries   atomic.Int32
	tokens    []string // Authorization headers seen
	pageSizes []any    // pageSize variables seen
	// answer may replace the answer to a request (after the operation ran, for
	// mutations); it returns false to let the normal answer through.
	answer func(w http.ResponseWriter, op string, n int32) bool
	// before may answer a request instead of running it.
	before func(w http.ResponseWriter, op string, n int32) bool
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	f.tokens = append(f.tokens, r.Header.Get("Authorization"))
	if ps, ok := req.Variables["pageSize"]; ok {
		f.pageSizes = append(f.pageSizes, ps)
	}
	f.mu.Unlock()
	op, n := "", int32(0)
	switch {
	case strings.Contains(req.Query, "transferApps("):
		op, n = "transferApps", f.mutations.Add(1)
	case strings.Contains(req.Query, "addCoOwners("):
		op, n = "addCoOwners", f.mutations.Add(1)
	case strings.Contains(req.Query, "apps("):
		op, n = "apps", f.queries.Add(1)
	case strings.Contains(req.Query, "app("):
		op, n = "app", f.queries.Add(1)
	default:
		op, n = "other", f.queries.Add(1)
	}
	if f.before != nil && f.before(w, op, n) {
		return
	}
	var data any
	f.mu.Lock()
	switch op {
	case "transferApps":
		src, dst := req.Variables["source"].(string), req.Variables["target"].(string)
		moved := []string{}
		for app, o := range f.owners {
			if o == src {
				f.owners[app] = dst
				moved = append(moved, app)
			}
		}
		data = map[string]any{"transferApps": map[string]any{"sourceUsername": src, "targetUsername": dst, "movedApps": moved}}
	case "addCoOwners":
		app := req.Variables["app"].(string)
		for _, u := range req.Variables["users"].([]any) {
			if !slices.Contains(f.coOwners[app], u.(string)) {
				f.coOwners[app] = append(f.coOwners[app], u.(string))
			}
		}
		data = map[string]any{"addCoOwners": f.appJSON(app)}
	case "apps":
		owner, _ := req.Variables["owner"].(string)
		apps := []any{}
		for app, o := range f.owners {
			if owner == "" || o == owner {
				apps = append(apps, f.appJSON(app))
			}
		}
		data = map[string]any{"apps": map[string]any{"page": 0, "totalPages": 1, "totalCount": len(apps), "apps": apps}}
	case "app":
		data = map[string]any{"app": f.appJSON(req.Variables["name"].(string))}
	}
	f.mu.Unlock()
	if f.answer != nil && f.answer(w, op, n) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func (f *fakeAPI) appJSON(app string) map[string]any {
	users := []any{}
	for _, u := range f.coOwners[app] {
		users = append(users, map[string]any{"username": u, "active": true})
	}
	return map[string]any{"name": app, "owner": f.owners[app], "coOwners": users, "coOwnerGroups": []any{}, "settings": map[string]any{"viewerAccess": "RESTRICTED"}}
}

type countingTokens struct{ fetched, invalidated atomic.Int32 }

func (c *countingTokens) Token(context.Context) (string, error) {
	return fmt.Sprintf("token-%d", c.fetched.Add(1)), nil
}
func (c *countingTokens) Invalidate() { c.invalidated.Add(1) }

func newFake(t *testing.T, f *fakeAPI) (*Client, *countingTokens) {
	t.Helper()
	if f.owners == nil {
		f.owners = map[string]string{}
	}
	if f.coOwners == nil {
		f.coOwners = map[string][]string{}
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 2 * time.Second, MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tokens := &countingTokens{}
	return New(srv.URL+"/Manager/graphql", hc, tokens), tokens
}

func status(w http.ResponseWriter, code int, body string) bool {
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
	return true
}

// A gateway timeout after the transfer happened: the client reads back, finds
// the source empty and reports the planned apps as moved, sending the mutation once.
func TestTransferGatewayTimeoutAfterTheTransferHappened(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave", "a2": "dave", "x": "erin"}}
	f.answer = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "transferApps" && status(w, http.StatusGatewayTimeout, "<html>504 Gateway Time-out</html>")
	}
	c, _ := newFake(t, f)
	res, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a2", "a1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.MovedApps, []string{"a1", "a2"}) {
		t.Fatalf("state must hold the apps that moved, got %v", res.MovedApps)
	}
	if got := f.mutations.Load(); got != 1 {
		t.Fatalf("the transfer was sent %d times, want 1", got)
	}
}

// 502, a truncated body and undecodable data are "outcome unknown" too, never a plain failure.
func TestMutationAnswersThatAreNotVerdictsAreReadBack(t *testing.T) {
	for name, bad := range map[string]func(http.ResponseWriter) bool{
		"502":          func(w http.ResponseWriter) bool { return status(w, http.StatusBadGateway, "bad gateway") },
		"truncated":    func(w http.ResponseWriter) bool { return status(w, http.StatusOK, `{"data":{"addCoOwn`) },
		"wrong shape":  func(w http.ResponseWriter) bool { return status(w, http.StatusOK, `{"data":{"addCoOwners":"yes"}}`) },
		"empty object": func(w http.ResponseWriter) bool { return status(w, http.StatusOK, `{}`) },
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeAPI{owners: map[string]string{"app": "owner"}}
			f.answer = func(w http.ResponseWriter, op string, n int32) bool { return op == "addCoOwners" && bad(w) }
			c, _ := newFake(t, f)
			a, err := c.AddCoOwners(t.Context(), "app", []string{"bob"}, nil)
			if err != nil {
				t.Fatalf("the co-owner was added; the read-back must say so: %v", err)
			}
			if !a.HasCoOwnerUser("bob") || f.mutations.Load() != 1 {
				t.Fatalf("want bob confirmed by one mutation, got %+v after %d", a, f.mutations.Load())
			}
		})
	}
}

// A lost answer and a read-back that keeps failing: exactly one mutation is
// sent, and the error says the outcome is unknown and how to check it.
func TestLostAnswerAndFailingReadBackSendsOneMutation(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		if op == "apps" || op == "app" {
			return status(w, http.StatusBadGateway, "down")
		}
		return false
	}
	f.answer = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "transferApps" && status(w, http.StatusGatewayTimeout, "timeout")
	}
	c, _ := newFake(t, f)
	_, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a1"})
	if err == nil || !isOutcomeUnknown(err) {
		t.Fatalf("want an outcome-unknown error, got %v", err)
	}
	for _, want := range []string{"outcome is unknown", "did not send it again", "App Manager"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := f.mutations.Load(); got != 1 {
		t.Fatalf("the transfer was sent %d times, want exactly 1", got)
	}
}

// A lost answer where the read-back shows nothing happened: sent again.
func TestLostAnswerNotAppliedIsSentAgain(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "transferApps" && n == 1 && status(w, http.StatusGatewayTimeout, "timeout") // not applied
	}
	c, _ := newFake(t, f)
	res, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a1"})
	if err != nil || !slices.Equal(res.MovedApps, []string{"a1"}) || f.mutations.Load() != 2 {
		t.Fatalf("want a second send after a read-back showed nothing moved: %v %+v %d", err, res, f.mutations.Load())
	}
}

// A 401 without a GraphQL body (a gateway) refreshes the token once.
func TestUnauthorizedWithoutGraphQLBodyRefreshesTheTokenOnce(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		return n == 1 && status(w, http.StatusUnauthorized, "<html>401</html>")
	}
	c, tokens := newFake(t, f)
	if _, err := c.FetchApp(t.Context(), "a1"); err != nil {
		t.Fatal(err)
	}
	if tokens.invalidated.Load() != 1 || tokens.fetched.Load() != 2 {
		t.Fatalf("want one invalidation and two token fetches, got %d and %d", tokens.invalidated.Load(), tokens.fetched.Load())
	}
	// Always 401: one refresh, then the error.
	f.before = func(w http.ResponseWriter, op string, n int32) bool { return status(w, http.StatusUnauthorized, "") }
	if _, err := c.FetchApp(t.Context(), "a1"); CodeOf(err) != CodeUnauthenticated {
		t.Fatalf("want UNAUTHENTICATED, got %v", err)
	}
	if tokens.invalidated.Load() != 2 {
		t.Fatalf("want exactly one more refresh, got %d", tokens.invalidated.Load())
	}
}

// A listing whose pages end before totalCount is an error, not a shorter list.
func TestListingCutShortIsAnError(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		if op != "apps" {
			return false
		}
		return status(w, http.StatusOK, `{"data":{"apps":{"page":0,"totalPages":1,"totalCount":3,"apps":[{"name":"a1","owner":"dave"}]}}}`)
	}
	c, _ := newFake(t, f)
	if _, err := c.OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "ended after 1 of 3") {
		t.Fatalf("want a cut-short error, got %v", err)
	}
	// Pages that end early (an empty page before totalPages) are cut short too.
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		if op != "apps" {
			return false
		}
		return status(w, http.StatusOK, `{"data":{"apps":{"page":0,"totalPages":3,"totalCount":2,"apps":[]}}}`)
	}
	if _, err := c.OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "ended after 0 of 2") {
		t.Fatalf("want a cut-short error, got %v", err)
	}
	// A page without totalCount is an error.
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "apps" && status(w, http.StatusOK, `{"data":{"apps":{"page":0,"totalPages":1,"apps":[]}}}`)
	}
	if _, err := c.OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "no totalCount") {
		t.Fatalf("want a missing-totalCount error, got %v", err)
	}
}

// Listings are paged with the client's page size, to the end: 3 pages of 2 for
// 5 apps, each page after the first followed by a second read of the page
// before it (the shift check), so 5 requests.
func TestListingsArePagedWithTheClientsPageSize(t *testing.T) {
	p := &pagedApps{names: []string{"a0", "a1", "a2", "a3", "a4"}}
	apps, err := pagedClient(t, p, 2).OwnedApps(t.Context(), "dave")
	if err != nil || !slices.Equal(appNames(apps), p.names) || p.pages != 5 {
		t.Fatalf("want 5 apps in 3 pages of 2 (5 requests): %v, %d requests, %v", appNames(apps), p.pages, err)
	}
	for _, ps := range p.sizes {
		if ps != 2 {
			t.Fatalf("pageSize sent: %v, want 2", p.sizes)
		}
	}
}
