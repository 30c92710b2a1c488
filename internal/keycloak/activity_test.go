package keycloak

import (
	"testing"
	"time"
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
