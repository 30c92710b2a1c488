package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// adminEventsServer is a Keycloak whose dash realm stores the given admin
// events (newest first) under the given settings, on httptest.
func adminEventsServer(t *testing.T, cfg map[string]any, events []map[string]any, pages *atomic.Int32) *Client {
	t.Helper()
	mux := http.NewServeMux()
	answer := answerJSON
	// The realm's representation carries its admin event settings.
	mux.HandleFunc("/admin/realms/dash", func(w http.ResponseWriter, r *http.Request) { answer(w, cfg) })
	mux.HandleFunc("/admin/realms/dash/admin-events", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		q := r.URL.Query()
		if q.Get("dateFrom") == "" || len(q["resourceTypes"]) == 0 {
			http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		var listed []map[string]any // the events of the types asked for
		for _, e := range events {
			if slices.Contains(q["resourceTypes"], e["resourceType"].(string)) {
				listed = append(listed, e)
			}
		}
		first, _ := strconv.Atoi(q.Get("first"))
		size, _ := strconv.Atoi(q.Get("max"))
		page := []map[string]any{}
		for i := first; i < len(listed) && i < first+size; i++ {
			page = append(page, listed[i])
		}
		answer(w, page)
	})
	return serveKeycloak(t, mux)
}

func roleEvent(id string, at time.Time, op, user string) map[string]any {
	return map[string]any{"id": id, "time": at.UnixMilli(), "operationType": op, "resourceType": "CLIENT_ROLE_MAPPING",
		"resourcePath": "users/" + user + "/role-mappings/clients/dash-uuid", "representation": `[{"name":"licensed_user"}]`,
		"authDetails": map[string]any{"realmId": "r", "clientId": "c", "userId": "a", "ipAddress": "127.0.0.1"}}
}

// The sweep reads the events of the window whole, newest first: a page's last
// millisecond is read again with the next page and each event is kept once;
// the body-less twin of a role mapping and users' updates are dropped; and it
// ends with the page that reaches the window's start.
func TestAdminEventsReadsTheWindowOnce(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	since := now.Add(-2 * time.Hour)
	var events []map[string]any
	n := AdminEventPageSize + AdminEventPageSize/2
	for i := 0; i < n; i++ { // event i is i seconds before now, except a tie of three at the first page's end
		at := now.Add(-time.Duration(i) * time.Second)
		if i >= AdminEventPageSize-2 && i <= AdminEventPageSize {
			at = now.Add(-time.Duration(AdminEventPageSize-2) * time.Second)
		}
		events = append(events, roleEvent(fmt.Sprintf("e%d", i), at, "CREATE", fmt.Sprintf("u%d", i)))
	}
	twin := roleEvent("", now.Add(-10*time.Second), "CREATE", "u10")
	twin["representation"] = ""
	update := map[string]any{"id": "upd", "time": now.Add(-11 * time.Second).UnixMilli(), "operationType": "UPDATE", "resourceType": "USER", "resourcePath": "users/u11"}
	events = append(events[:12], append([]map[string]any{twin, update}, events[12:]...)...)
	// Older than the window: a whole page more, which the sweep must not ask for.
	for i := 0; i < AdminEventPageSize; i++ {
		events = append(events, roleEvent(fmt.Sprintf("old%d", i), since.Add(-time.Duration(i+1)*time.Minute), "DELETE", "x"))
	}
	var pages atomic.Int32
	c := adminEventsServer(t, map[string]any{"adminEventsEnabled": true, "adminEventsDetailsEnabled": true}, events, &pages)
	got, err := c.AdminEvents(context.Background(), since, now)
	if err != nil || got.Unavailable != "" {
		t.Fatal(err, got.Unavailable)
	}
	if len(got.Events) != n {
		t.Fatalf("%d events, want %d", len(got.Events), n)
	}
	seen := map[string]bool{}
	for _, e := range got.Events {
		if seen[e.ID] || e.ID == "" || e.ID == "upd" {
			t.Fatalf("event %q kept twice, or a twin or an update kept", e.ID)
		}
		seen[e.ID] = true
	}
	// 2,502 events in all: a sweep to the end would take 3 pages; the second
	// reaches past the window's start, so the sweep ends there.
	if p := pages.Load(); p != 2 {
		t.Errorf("%d pages, want 2", p)
	}
	// A second resource of the same run, refreshed in the same minute, reads nothing more.
	if _, err := c.AdminEvents(context.Background(), since.Add(10*time.Second), now); err != nil || pages.Load() != 2 {
		t.Errorf("a second reader swept again (%d pages): %v", pages.Load(), err)
	}
}

// When Keycloak cannot say, the read says why and how to turn admin events on.
func TestAdminEventsUnavailable(t *testing.T) {
	for cfg, want := range map[string]string{
		`{"adminEventsEnabled": false}`:                                    "does not store admin events",
		`{"adminEventsEnabled": true, "adminEventsDetailsEnabled": false}`: "without their representation",
		`{"adminEventsEnabled": true, "adminEventsDetailsEnabled": true, "attributes": {"adminEventsExpiration": "1800"}}`: "keeps admin events only since",
	} {
		var m map[string]any
		_ = json.Unmarshal([]byte(cfg), &m)
		var pages atomic.Int32
		got, err := adminEventsServer(t, m, nil, &pages).AdminEvents(context.Background(), time.Now().Add(-time.Hour), time.Now())
		if err != nil || !contains(got.Unavailable, want) || pages.Load() != 0 {
			t.Errorf("%s: %v %q (%d pages)", cfg, err, got.Unavailable, pages.Load())
		}
	}
}

func TestAdminEventParsing(t *testing.T) {
	e := AdminEvent{ResourceType: "GROUP_MEMBERSHIP", ResourcePath: "users/u1/groups/g1", Representation: `{"path":"/Licensed Developers"}`, OperationType: "DELETE"}
	if user, group, path, ok := e.UserGroup(); !ok || user != "u1" || group != "g1" || path != "/Licensed Developers" || e.Added() {
		t.Errorf("group membership: %s %s %s %v", user, group, path, ok)
	}
	d := AdminEvent{ResourceType: "USER", ResourcePath: "users/u2", OperationType: "DELETE", Details: map[string]string{"username": "carol"}}
	if id, name, ok := d.DeletedUser(); !ok || id != "u2" || name != "carol" {
		t.Errorf("deletion: %s %s %v", id, name, ok)
	}
	r := AdminEvent{ResourceType: "CLIENT_ROLE_MAPPING", ResourcePath: "users/u3/role-mappings/clients/c9"}
	if _, _, _, ok := r.UserClientRoles(); ok {
		t.Error("a role mapping without its representation was read as one")
	}
}

// Turning LOGIN events off and on again inside the history is a gap: the
// latest one is found, from its first "off" to the "on" that ended it.
func TestLoginGap(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	realm := func(id string, at time.Time, path string, enabled bool, types ...string) map[string]any {
		rep, _ := json.Marshal(map[string]any{"eventsEnabled": enabled, "enabledEventTypes": types})
		return map[string]any{"id": id, "time": at.UnixMilli(), "operationType": "UPDATE", "resourceType": "REALM", "resourcePath": path, "representation": string(rep)}
	}
	events := []map[string]any{ // newest first
		realm("on2", now.Add(-1*time.Hour), "events/config", true, "LOGIN"),
		realm("off2b", now.Add(-2*time.Hour), "", true, "LOGOUT"), // the realm's own update, storing no LOGIN
		realm("off2a", now.Add(-3*time.Hour), "events/config", false),
		realm("on1", now.Add(-10*time.Hour), "events/config", true),
		realm("off1", now.Add(-11*time.Hour), "events/config", false),
	}
	var pages atomic.Int32
	c := adminEventsServer(t, map[string]any{"adminEventsEnabled": true, "adminEventsDetailsEnabled": true}, events, &pages)
	gap, err := c.LoginGap(context.Background(), now.Add(-24*time.Hour))
	if err != nil || gap == nil {
		t.Fatalf("gap %v, %v", gap, err)
	}
	if !gap.Off.Equal(now.Add(-3*time.Hour)) || !gap.On.Equal(now.Add(-time.Hour)) {
		t.Errorf("gap from %s to %s; want the latest, from its first off", gap.Off, gap.On)
	}
	if gap, _ := c.LoginGap(context.Background(), now.Add(-90*time.Minute)); gap != nil {
		t.Errorf("a gap that began before the history was found: %+v", gap)
	}
}
