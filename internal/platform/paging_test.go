package platform

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// pagedApps serves the apps query over a list of app names that a test may
// change between pages, the way another administrator's delete would. It pages
// by number like the contract says, and shares no code with the client.
type pagedApps struct {
	mu    sync.Mutex
	names []string
	size  int   // apps per page (the server chooses)
	pages int   // pages served
	asked []any // the page variable of each request (nil: none sent)
	// afterPage runs after each page is served, with the number of pages served so far.
	afterPage func(served int, names []string) []string
}

func (p *pagedApps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	if refuseIntrospection(w, req.Query) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	asked, sent := req.Variables["page"]
	p.asked = append(p.asked, asked)
	page := 1 // pages are numbered from 1; none sent is the first
	if sent {
		page = int(asked.(float64))
	}
	names := p.names
	if after, ok := req.Variables["after"].(string); ok { // listing by name: what follows after
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n <= after })
		page = 1
	}
	apps := []map[string]any{}
	for i := (page - 1) * p.size; i < len(names) && i < page*p.size; i++ {
		apps = append(apps, map[string]any{"name": names[i], "owner": map[string]any{"username": "dave"}})
	}
	var next any
	if page*p.size < len(names) {
		next = page + 1
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"apps": map[string]any{"nextPage": next, "apps": apps}}})
	p.pages++
	if p.afterPage != nil {
		p.names = p.afterPage(p.pages, p.names)
	}
}

func pagedClient(t *testing.T, p *pagedApps) *Client {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 2 * time.Second, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return New(srv.URL+"/Manager/graphql", hc, &countingTokens{})
}

func appNames(apps []App) []string {
	out := make([]string, len(apps))
	for i, a := range apps {
		out[i] = a.Name
	}
	return out
}

// [a0 a1 a2 a3] becomes [a1 a2 a3] after the first page was read: offset paging would
// return [a0 a1 a3], whose length matches the last totalCount, and a2 would
// vanish. The shift is detected and the listing read again: every app that
// exists throughout is listed.
func TestAppDeletedOnAnEarlierPageIsNotLost(t *testing.T) {
	p := &pagedApps{names: []string{"a0", "a1", "a2", "a3"}, size: 2}
	p.afterPage = func(served int, names []string) []string {
		if served == 1 {
			return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "a0" })
		}
		return names
	}
	apps, err := pagedClient(t, p).OwnedApps(t.Context(), "dave")
	if err != nil {
		t.Fatal(err)
	}
	if got := appNames(apps); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Fatalf("listed %v, want [a1 a2 a3] (a2 must not vanish)", got)
	}
}

// An app added on an earlier page while paging would be listed twice (or push
// one out); it is detected the same way.
func TestAppAddedOnAnEarlierPageIsDetected(t *testing.T) {
	p := &pagedApps{names: []string{"b", "c", "d", "e"}, size: 2}
	p.afterPage = func(served int, names []string) []string {
		if served == 1 {
			return append([]string{"a"}, names...)
		}
		return names
	}
	apps, err := pagedClient(t, p).OwnedApps(t.Context(), "dave")
	if err != nil {
		t.Fatal(err)
	}
	if got := appNames(apps); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Fatalf("listed %v, want [a b c d e]", got)
	}
}

// A listing that keeps changing under every read fails, saying why, rather
// than returning a list with a hole.
func TestListingThatKeepsChangingFails(t *testing.T) {
	p := &pagedApps{names: []string{"a00", "a01", "a02", "a03", "a04", "a05"}, size: 2}
	p.afterPage = func(served int, names []string) []string {
		// after every page an app on the first page disappears and a new one is added at the end
		return append(slices.Clone(names[1:]), fmt.Sprintf("z%03d", served))
	}
	_, err := pagedClient(t, p).OwnedApps(t.Context(), "dave")
	if err == nil || !strings.Contains(err.Error(), "changed while it was being read") {
		t.Fatalf("want an error saying the listing changed while being read, got %v", err)
	}
}

// byNameClient is a client that believes the server offers listing by name
// (as a compatibility check that found nothing missing would).
func byNameClient(t *testing.T, p *pagedApps) *Client {
	c := pagedClient(t, p)
	_, _ = c.compat.Get("", func() (*Compatibility, error) {
		return &Compatibility{Checked: true, Problems: map[string][]string{}}, nil
	})
	return c
}

// Listing by name: [a0 a1 a2 a3] loses a0 after the first page: the next page
// starts after a1, so a2 is not skipped, and no page is read twice: 2 requests.
func TestListingByNameIsNotShifted(t *testing.T) {
	p := &pagedApps{names: []string{"a0", "a1", "a2", "a3"}, size: 2}
	p.afterPage = func(served int, names []string) []string {
		if served == 1 {
			return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "a0" })
		}
		return names
	}
	apps, err := byNameClient(t, p).OwnedApps(t.Context(), "dave")
	if err != nil {
		t.Fatal(err)
	}
	if got := appNames(apps); !slices.Equal(got, []string{"a0", "a1", "a2", "a3"}) || p.pages != 2 {
		t.Fatalf("listed %v in %d requests, want [a0 a1 a2 a3] in 2 (a2 must not vanish; a0 was read before it went)", got, p.pages)
	}
}

// A server that answers pages by name out of order is an error, not a list
// with holes.
func TestListingByNameOutOfOrderFails(t *testing.T) {
	p := &pagedApps{names: []string{"b", "a", "c"}, size: 2}
	if _, err := byNameClient(t, p).OwnedApps(t.Context(), "dave"); err == nil || !strings.Contains(err.Error(), "does not list apps by name") {
		t.Fatalf("want an error, got %v", err)
	}
}
