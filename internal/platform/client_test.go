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
// moveAppsAndServices, addCoOwners and apps operations, and hooks that decide how
// each request is answered. It shares no code with the client.
type fakeAPI struct {
	mu        sync.Mutex
	owners    map[string]string   // app -> owner
	coOwners  map[string][]string // app -> users
	mutations atomic.Int32
	queries   atomic.Int32
	tokens    []string // Authorization headers seen
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
	if refuseIntrospection(w, req.Query) {
		return
	}
	f.mu.Lock()
	f.tokens = append(f.tokens, r.Header.Get("Authorization"))
	f.mu.Unlock()
	op, n := "", int32(0)
	switch {
	case strings.Contains(req.Query, "moveAppsAndServices("):
		op, n = "moveAppsAndServices", f.mutations.Add(1)
	case strings.Contains(req.Query, "addCoOwners("):
		op, n = "addCoOwners", f.mutations.Add(1)
	case strings.Contains(req.Query, "apps(name:"):
		op, n = "app", f.queries.Add(1)
	case strings.Contains(req.Query, "apps("):
		op, n = "apps", f.queries.Add(1)
	default:
		op, n = "other", f.queries.Add(1)
	}
	if f.before != nil && f.before(w, op, n) {
		return
	}
	var data any
	f.mu.Lock()
	switch op {
	case "moveAppsAndServices":
		src, dst := req.Variables["source"].(string), req.Variables["target"].(string)
		for app, o := range f.owners {
			if o == src {
				f.owners[app] = dst
			}
		}
		data = map[string]any{"moveAppsAndServices": map[string]any{"ok": true, "error": nil}}
	case "addCoOwners":
		app := req.Variables["app"].(string)
		for _, u := range req.Variables["users"].([]any) {
			if !slices.Contains(f.coOwners[app], u.(string)) {
				f.coOwners[app] = append(f.coOwners[app], u.(string))
			}
		}
		data = map[string]any{"addCoOwners": map[string]any{"app": f.appJSON(app), "error": nil}}
	case "apps":
		apps := []any{}
		for app := range f.owners {
			apps = append(apps, f.appJSON(app))
		}
		data = map[string]any{"apps": map[string]any{"nextPage": nil, "apps": apps}}
	case "app":
		data = map[string]any{"apps": map[string]any{"apps": []any{f.appJSON(req.Variables["name"].(string))}}}
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
	return map[string]any{"name": app, "owner": map[string]any{"username": f.owners[app]},
		"coOwners": map[string]any{"users": users, "groups": []any{}}, "metadata": map[string]any{"permissionLevel": "restricted"}}
}

// refuseIntrospection answers the schema check the way a server with
// introspection disabled does, so that these tests see only the operations.
func refuseIntrospection(w http.ResponseWriter, query string) bool {
	if !strings.Contains(query, "__schema") {
		return false
	}
	_, _ = w.Write([]byte(`{"errors":[{"message":"introspection is disabled"}]}`))
	return true
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
		return op == "moveAppsAndServices" && status(w, http.StatusGatewayTimeout, "<html>504 Gateway Time-out</html>")
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
		return op == "moveAppsAndServices" && status(w, http.StatusGatewayTimeout, "timeout")
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
		return op == "moveAppsAndServices" && n == 1 && status(w, http.StatusGatewayTimeout, "timeout") // not applied
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
	// One token for the schema check, one refused, one fresh.
	if tokens.invalidated.Load() != 1 || tokens.fetched.Load() != 3 {
		t.Fatalf("want one invalidation and three token fetches, got %d and %d", tokens.invalidated.Load(), tokens.fetched.Load())
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

// A page without nextPage, and a nextPage that leads back, are errors, not a
// shorter or endless list (the published listing has no total to check).
func TestListingWithoutAnEndIsAnError(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "apps" && status(w, http.StatusOK, `{"data":{"apps":{"apps":[]}}}`)
	}
	c, _ := newFake(t, f)
	if _, err := c.OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "has no nextPage") {
		t.Fatalf("want a missing-nextPage error, got %v", err)
	}
	f.before = func(w http.ResponseWriter, op string, n int32) bool {
		return op == "apps" && status(w, http.StatusOK, `{"data":{"apps":{"nextPage":1,"apps":[]}}}`)
	}
	if _, err := c.OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "does not lead to an end") {
		t.Fatalf("want a listing-without-end error, got %v", err)
	}
}

// Errors inside a result (the published way) end the operation with the
// server's words, and are not read back as lost answers.
func TestErrorsInsideResultsAreFailures(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave"}}
	f.answer = func(w http.ResponseWriter, op string, n int32) bool {
		switch op {
		case "addCoOwners":
			return status(w, http.StatusOK, `{"data":{"addCoOwners":{"app":null,"error":"bob has not logged in"}}}`)
		case "moveAppsAndServices":
			return status(w, http.StatusOK, `{"data":{"moveAppsAndServices":{"ok":false,"error":"erin holds no seat"}}}`)
		}
		return false
	}
	c, _ := newFake(t, f)
	if _, err := c.AddCoOwners(t.Context(), "a1", []string{"bob"}, nil); err == nil || !strings.Contains(err.Error(), "bob has not logged in") || isOutcomeUnknown(err) {
		t.Fatalf("want the server's error, got %v", err)
	}
	if _, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a1"}); err == nil || !strings.Contains(err.Error(), "erin holds no seat") || isOutcomeUnknown(err) {
		t.Fatalf("want the server's error, got %v", err)
	}
	if got := f.mutations.Load(); got != 2 {
		t.Fatalf("%d mutations sent, want 2 (none sent again)", got)
	}
}

// The transfer answers only { ok }: the client reads back, and an "ok" after
// which the source still owns an app, or an expected app is not the
// target's, is an error naming it.
func TestTransferReportedDoneIsReadBack(t *testing.T) {
	f := &fakeAPI{owners: map[string]string{"a1": "dave", "late": "dave"}}
	f.answer = func(w http.ResponseWriter, op string, n int32) bool {
		if op == "moveAppsAndServices" {
			f.mu.Lock()
			f.owners["late"] = "dave" // a deploy right after the move
			f.mu.Unlock()
		}
		return false
	}
	c, _ := newFake(t, f)
	if _, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a1"}); err == nil || !strings.Contains(err.Error(), "dave still owns late") {
		t.Fatalf("want an error naming the app the source still owns, got %v", err)
	}
	f.answer = nil
	f.owners = map[string]string{"a1": "dave"}
	if _, err := c.TransferApps(t.Context(), "dave", "erin", []string{"a1", "gone"}); err == nil || !strings.Contains(err.Error(), "gone is owned by \"\"") {
		t.Fatalf("want an error naming the expected app erin does not own, got %v", err)
	}
}

// Listings follow nextPage to the end: 3 pages for 5 apps in pages of 2, each
// page after the first followed by a second read of the page before it (the
// shift check), so 5 requests; the first page is asked for without a number.
func TestListingsFollowNextPage(t *testing.T) {
	p := &pagedApps{names: []string{"a0", "a1", "a2", "a3", "a4"}, size: 2}
	apps, err := pagedClient(t, p).OwnedApps(t.Context(), "dave")
	if err != nil || !slices.Equal(appNames(apps), p.names) || p.pages != 5 {
		t.Fatalf("want 5 apps in 3 pages of 2 (5 requests): %v, %d requests, %v", appNames(apps), p.pages, err)
	}
	if want := []any{nil, float64(2), nil, float64(3), float64(2)}; !slices.Equal(p.asked, want) {
		t.Fatalf("pages asked for %v, want %v", p.asked, want)
	}
}
