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
	pages int   // pages served
	sizes []int // pageSize of each request
	// afterPage runs after each page is served, with the number of pages served so far.
	afterPage func(served int, names []string) []string
}

func (p *pagedApps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Variables struct {
			Page     int `json:"page"`
			PageSize int `json:"pageSize"`
		} `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	p.mu.Lock()
	defer p.mu.Unlock()
	size, page := req.Variables.PageSize, req.Variables.Page
	p.sizes = append(p.sizes, size)
	apps := []map[string]any{}
	for i := page * size; i < len(p.names) && i < (page+1)*size; i++ {
		apps = append(apps, map[string]any{"name": p.names[i], "owner": "dave", "coOwners": []any{}, "coOwnerGroups": []any{}})
	}
	total := len(p.names)
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"apps": map[string]any{
		"page": page, "totalPages": (total + size - 1) / size, "totalCount": total, "apps": apps}}})
	p.pages++
	if p.afterPage != nil {
		p.names = p.afterPage(p.pages, p.names)
	}
}

func pagedClient(t *testing.T, p *pagedApps, size int) *Client {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 2 * time.Second, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	c := New(srv.URL+"/Manager/graphql", hc, &countingTokens{})
	c.SetPageSize(size)
	return c
}

func appNames(apps []App) []string {
	out := make([]string, len(apps))
	for i, a := range apps {
		out[i] = a.Name
	}
	return out
}

// [a0 a1 a2 a3] becomes [a1 a2 a3] after page 0 was read: offset paging would
// return [a0 a1 a3], whose length matches the last totalCount, and a2 would
// vanish. The shift is detected and the listing read again: every app that
// exists throughout is listed.
func TestAppDeletedOnAnEarlierPageIsNotLost(t *testing.T) {
	p := &pagedApps{names: []string{"a0", "a1", "a2", "a3"}}
	p.afterPage = func(served int, names []string) []string {
		if served == 1 {
			return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "a0" })
		}
		return names
	}
	apps, err := pagedClient(t, p, 2).OwnedApps(t.Context(), "dave")
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
	p := &pagedApps{names: []string{"b", "c", "d", "e"}}
	p.afterPage = func(served int, names []string) []string {
		if served == 1 {
			return append([]string{"a"}, names...)
		}
		return names
	}
	apps, err := pagedClient(t, p, 2).OwnedApps(t.Context(), "dave")
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
	p := &pagedApps{names: []string{"a00", "a01", "a02", "a03", "a04", "a05"}}
	p.afterPage = func(served int, names []string) []string {
		// after every page an app on the first page disappears and a new one is added at the end
		return append(slices.Clone(names[1:]), fmt.Sprintf("z%03d", served))
	}
	_, err := pagedClient(t, p, 2).OwnedApps(t.Context(), "dave")
	if err == nil || !strings.Contains(err.Error(), "changed while it was being read") {
		t.Fatalf("want an error saying the listing changed while being read, got %v", err)
	}
}
