package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

func TestActivityLastAndIdle(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	old := now.Add(-400 * day)
	a := &Activity{
		Stored:  true,
		Horizon: now.Add(-100 * day),
		LastLogin: map[string]time.Time{
			"recent": now.Add(-2 * day), "stale": now.Add(-95 * day), "both": now.Add(-50 * day),
		},
		LastAccess: map[string]time.Time{"both": now.Add(-1 * day), "session-only": now.Add(-3 * time.Hour)},
	}
	for _, c := range []struct {
		user    string
		created time.Time
		window  time.Duration
		source  string
		idle    bool
	}{
		{"recent", old, 90 * day, "event", false},
		{"stale", old, 90 * day, "event", true},
		{"stale", old, 99 * day, "event", false},                // active within the longer window
		{"both", old, 30 * day, "session", false},               // the session is later than the login
		{"session-only", old, 90 * day, "session", false},       // a live session is activity
		{"nobody", old, 90 * day, "none", true},                 // no data, and the history covers the window
		{"nobody", old, 120 * day, "none", false},               // no data, history shorter than the window
		{"nobody", now.Add(-10 * day), 90 * day, "none", false}, // created within the window
		{"stale", now.Add(-10 * day), 90 * day, "event", false},
	} {
		if _, src := a.Last(c.user); src != c.source {
			t.Errorf("%s: source %q, want %q", c.user, src, c.source)
		}
		if got := a.Idle(c.user, c.created, now, c.window); got != c.idle {
			t.Errorf("%s created %s, window %s: idle %v, want %v", c.user, c.created.Format(time.DateOnly), c.window, got, c.idle)
		}
	}
	if last, _ := a.Last("both"); !last.Equal(now.Add(-day)) {
		t.Errorf("last activity of both: %s", last)
	}
	// A realm that stores no events: no data never means idle, however long the window.
	none := &Activity{LastLogin: map[string]time.Time{}, LastAccess: map[string]time.Time{}}
	if none.Idle("nobody", old, now, 90*day) || none.Covers(now, time.Hour) {
		t.Error("no stored events, yet a user without data counts as idle or the history covers a window")
	}
}

// The LOGIN sweep reads every stored event, page by page until a short page,
// and keeps each user's latest login and the oldest event.
func TestSweepLoginsReadsEveryEvent(t *testing.T) {
	const n = EventPageSize*2 + EventPageSize/2 // two full pages and a short one
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var requests atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok", "expires_in": 300})
	})
	mux.HandleFunc("/admin/realms/dash/events", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		first, _ := strconv.Atoi(r.URL.Query().Get("first"))
		size, _ := strconv.Atoi(r.URL.Query().Get("max"))
		page := []map[string]any{}
		for i := first; i < n && i < first+size; i++ { // newest first: event i is n-i minutes after base
			page = append(page, map[string]any{"time": base.Add(time.Duration(n-i) * time.Minute).UnixMilli(), "userId": fmt.Sprintf("u%d", i%7), "type": "LOGIN"})
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := New(Config{BaseURL: srv.URL, Realm: "dash", RolesClientID: "dash", AdminRealm: "master", AdminClientID: "admin-cli", Username: "admin", Password: "admin", HTTP: hc})
	last := map[string]time.Time{}
	oldest, err := c.sweepLogins(context.Background(), last)
	if err != nil {
		t.Fatal(err)
	}
	if want := base.Add(time.Minute); !oldest.Equal(want) {
		t.Errorf("oldest %s, want %s (the last event listed)", oldest, want)
	}
	for u := 0; u < 7; u++ { // user u's newest event is event u
		if want := base.Add(time.Duration(n-u) * time.Minute); !last[fmt.Sprintf("u%d", u)].Equal(want) {
			t.Errorf("u%d: last login %s, want %s", u, last[fmt.Sprintf("u%d", u)], want)
		}
	}
	if got := requests.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (pages of %d)", got, EventPageSize)
	}
}

// activityServer is a Keycloak of stored LOGIN events, one roles client and
// its online and offline sessions, on httptest.
type activityServer struct {
	events   func(first, size int, request int32) []map[string]any
	online   []map[string]any
	offline  []map[string]any
	requests atomic.Int32
}

func (a *activityServer) client(t *testing.T) *Client {
	t.Helper()
	mux := http.NewServeMux()
	answer := answerJSON
	mux.HandleFunc("/admin/realms/dash/events/config", func(w http.ResponseWriter, r *http.Request) {
		answer(w, map[string]any{"eventsEnabled": true, "enabledEventTypes": []string{"LOGIN"}})
	})
	mux.HandleFunc("/admin/realms/dash/events", func(w http.ResponseWriter, r *http.Request) {
		first, _ := strconv.Atoi(r.URL.Query().Get("first"))
		size, _ := strconv.Atoi(r.URL.Query().Get("max"))
		answer(w, a.events(first, size, a.requests.Add(1)))
	})
	mux.HandleFunc("/admin/realms/dash/clients", func(w http.ResponseWriter, r *http.Request) {
		answer(w, []map[string]any{{"id": "dash-uuid", "clientId": "dash"}})
	})
	mux.HandleFunc("/admin/realms/dash/clients/dash-uuid/user-sessions", func(w http.ResponseWriter, r *http.Request) {
		answer(w, a.online)
	})
	mux.HandleFunc("/admin/realms/dash/clients/dash-uuid/offline-sessions", func(w http.ResponseWriter, r *http.Request) {
		answer(w, a.offline)
	})
	return serveKeycloak(t, mux)
}

// Events in the same millisecond straddle a page boundary, and the database
// orders them differently on every query (the sort is not unique): offset
// pages would skip some. Every user of the tie keeps a last login.
func TestSweepLoginsTieAtAPageBoundaryIsNotSkipped(t *testing.T) {
	const n = EventPageSize + 10
	const tieFrom, tieTo = EventPageSize - 3, EventPageSize + 3 // six events, one millisecond
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	tieTime := base.Add(time.Duration(n-tieFrom) * time.Minute)
	a := &activityServer{events: func(first, size int, request int32) []map[string]any {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		if request%2 == 0 { // every other query lists the tie in reverse
			for i, j := tieFrom, tieTo-1; i < j; i, j = i+1, j-1 {
				order[i], order[j] = order[j], order[i]
			}
		}
		page := []map[string]any{}
		for p := first; p < n && p < first+size; p++ {
			i := order[p]
			at, user := base.Add(time.Duration(n-i)*time.Minute), fmt.Sprintf("u%d", i%7)
			if i >= tieFrom && i < tieTo {
				at, user = tieTime, fmt.Sprintf("tie%d", i-tieFrom)
			}
			page = append(page, map[string]any{"time": at.UnixMilli(), "userId": user, "type": "LOGIN"})
		}
		return page
	}}
	last := map[string]time.Time{}
	if _, err := a.client(t).sweepLogins(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < tieTo-tieFrom; i++ {
		if u := fmt.Sprintf("tie%d", i); !last[u].Equal(tieTime) {
			t.Errorf("%s: last login %v, want %s (its only LOGIN event was skipped)", u, last[u], tieTime)
		}
	}
}

// A user active only through an offline session (a script refreshing its
// offline token) is active: the offline session's last access counts.
func TestActivityCountsOfflineSessions(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	a := &activityServer{
		events:  func(int, int, int32) []map[string]any { return []map[string]any{} },
		online:  []map[string]any{{"userId": "online", "lastAccess": now.Add(-time.Hour).UnixMilli()}},
		offline: []map[string]any{{"userId": "script", "lastAccess": now.Add(-2 * time.Hour).UnixMilli()}},
	}
	act, err := a.client(t).Activity(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]time.Time{"online": now.Add(-time.Hour), "script": now.Add(-2 * time.Hour)} {
		if last, source := act.Last(user); !last.Equal(want) || source != "session" {
			t.Errorf("%s: last activity %v (%s), want %s from a session", user, last, source, want)
		}
	}
}
