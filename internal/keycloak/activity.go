package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// EventPageSize is the page size of the LOGIN event sweep. Events are small
// (about 570 bytes each) and a realm keeps tens of thousands; Keycloak sorts
// the realm's events for every page, so a page costs about the same whether it
// holds 1,000 or 10,000 (measured on Keycloak 26 with H2: 0.3-0.6 s either
// way). Pages of 10,000 halved the users data source's plan over 20,000 events.
const EventPageSize = 10000

// Activity is what the realm records about when users were last active, read
// with no request per user: one sweep of the stored LOGIN events and one
// listing each of the roles client's online and offline sessions.
type Activity struct {
	// Stored reports whether the realm stores LOGIN events at all.
	Stored bool
	// Horizon is how far back the stored LOGIN events reach: the later of the
	// oldest stored event and now minus the events expiration. Zero when no
	// event is stored.
	Horizon time.Time
	// LastLogin is the time of each user's latest stored LOGIN event, by user ID.
	LastLogin map[string]time.Time
	// LastAccess is the latest access of each user's live sessions of the
	// roles client, online or offline, by user ID.
	LastAccess map[string]time.Time
	// Gap is the latest time within the stored events that the realm did not
	// store LOGIN events, as its admin events say (nil when none, or they cannot
	// say); Horizon then starts where it ended.
	Gap *LoginGap
}

// Last is the user's latest known activity and where it comes from: "event"
// (a LOGIN event), "session" (a live session's last access) or "none".
func (a *Activity) Last(userID string) (time.Time, string) {
	login, access := a.LastLogin[userID], a.LastAccess[userID]
	switch {
	case login.IsZero() && access.IsZero():
		return time.Time{}, "none"
	case access.After(login):
		return access, "session"
	default:
		return login, "event"
	}
}

// Idle reports whether the user was inactive for the whole window ending at
// now. No data means idle only when the stored events cover the window and the
// account existed for all of it: a short horizon never makes anyone idle.
func (a *Activity) Idle(userID string, created, now time.Time, window time.Duration) bool {
	start := now.Add(-window)
	if created.After(start) {
		return false
	}
	last, source := a.Last(userID)
	if source != "none" {
		return last.Before(start)
	}
	return a.Stored && !a.Horizon.IsZero() && !a.Horizon.After(start)
}

// Covers reports whether the stored events reach back over the whole window.
func (a *Activity) Covers(now time.Time, window time.Duration) bool {
	return a.Stored && !a.Horizon.IsZero() && !a.Horizon.After(now.Add(-window))
}

type eventsConfig struct {
	EventsEnabled     bool     `json:"eventsEnabled"`
	EventsExpiration  int64    `json:"eventsExpiration"` // seconds, 0: kept forever
	EnabledEventTypes []string `json:"enabledEventTypes"`
}

// storesLogins: an empty type list stores every default type, LOGIN included.
func (e eventsConfig) storesLogins() bool {
	return e.EventsEnabled && (len(e.EnabledEventTypes) == 0 || slices.Contains(e.EnabledEventTypes, "LOGIN"))
}

// Activity reads the realm's login activity. It needs view-events (for the
// events and their settings) and view-users (for the sessions).
func (c *Client) Activity(ctx context.Context, now time.Time) (*Activity, error) {
	var cfg eventsConfig
	if err := c.getJSON(ctx, c.realmURL("events", "config"), nil, &cfg); err != nil {
		return nil, fmt.Errorf("reading the events settings of realm %q (the admin account needs view-events): %w", c.cfg.Realm, c.describe(err))
	}
	a := &Activity{Stored: cfg.storesLogins(), LastLogin: map[string]time.Time{}, LastAccess: map[string]time.Time{}}
	if a.Stored {
		oldest, err := c.sweepLogins(ctx, a.LastLogin)
		if err != nil {
			return nil, err
		}
		a.Horizon = oldest
		if cfg.EventsExpiration > 0 && !oldest.IsZero() {
			if floor := now.Add(-time.Duration(cfg.EventsExpiration) * time.Second); floor.After(oldest) {
				a.Horizon = floor
			}
		}
		// A break in the storing of LOGIN events inside the history: logins of
		// the break were never stored, so the history starts after it. Without
		// admin events nothing says so (see the users data source's docs).
		if gap, err := c.LoginGap(ctx, a.Horizon); !a.Horizon.IsZero() && err == nil && gap != nil && gap.On.After(a.Horizon) {
			a.Horizon, a.Gap = gap.On, gap
		}
	}
	clientUUID, err := c.ClientUUID(ctx, c.cfg.RolesClientID)
	if err != nil {
		return nil, err
	}
	// Online and offline sessions (a script refreshing an offline token is
	// activity too), each in one request: sessions come from Keycloak's session
	// cache in no stable order, so offset pages could skip one.
	for _, kind := range []string{"user-sessions", "offline-sessions"} {
		sessions, err := pagedGetSize[struct {
			UserID     string `json:"userId"`
			LastAccess int64  `json:"lastAccess"`
		}](ctx, c, c.realmURL("clients", clientUUID, kind), nil, unpagedSize)
		if err != nil {
			return nil, fmt.Errorf("listing the %s of client %q: %w", kind, c.cfg.RolesClientID, c.describe(err))
		}
		for _, s := range sessions {
			if t := time.UnixMilli(s.LastAccess).UTC(); t.After(a.LastAccess[s.UserID]) {
				a.LastAccess[s.UserID] = t
			}
		}
	}
	return a, nil
}

// sweepLogins reads every stored LOGIN event, newest first, into last, and
// returns the time of the oldest; a latest-login computation needs no event
// once, only none skipped (see sweep).
func (c *Client) sweepLogins(ctx context.Context, last map[string]time.Time) (time.Time, error) {
	var oldest time.Time
	err := c.sweep(ctx, c.realmURL("events"), url.Values{"type": {"LOGIN"}}, EventPageSize, 0, func(raw json.RawMessage) (int64, error) {
		var e struct {
			Time   int64  `json:"time"`
			UserID string `json:"userId"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, err
		}
		t := time.UnixMilli(e.Time).UTC()
		if t.After(last[e.UserID]) {
			last[e.UserID] = t
		}
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
		return e.Time, nil
	})
	if statusOf(err) == http.StatusForbidden {
		return time.Time{}, fmt.Errorf("reading the LOGIN events of realm %q: the admin account needs the realm-management role view-events: %w", c.cfg.Realm, err)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the LOGIN events of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	return oldest, nil
}

// sweep reads a newest-first event listing whole, page by page, calling visit
// with each event (visit returns its time in milliseconds). Keycloak sorts
// events by time alone, so the events of one millisecond come in any order,
// and a different one on every query: each page after the first starts again
// at the first event of the previous page's last millisecond, so a tie that
// straddles a page boundary is read whole. Events arriving during the sweep
// push older ones to later pages, so an event may be visited twice but none
// is skipped. The sweep ends after the page that reaches an event older than
// stopBefore (Unix milliseconds; 0 reads every event).
func (c *Client) sweep(ctx context.Context, listURL string, query url.Values, size int, stopBefore int64, visit func(json.RawMessage) (int64, error)) error {
	for first, limit := 0, size; ; {
		q := url.Values{"first": {strconv.Itoa(first)}, "max": {strconv.Itoa(limit)}}
		for k, v := range query {
			q[k] = v
		}
		page, err := c.getPage(ctx, listURL, q)
		if err != nil {
			return err
		}
		var tieTime int64
		tie := 0 // events at the end of the page in its last millisecond
		for _, raw := range page {
			t, err := visit(raw)
			if err != nil {
				return fmt.Errorf("reading %s: %w", listURL, err)
			}
			if t == tieTime {
				tie++
			} else {
				tieTime, tie = t, 1
			}
		}
		if len(page) < limit || tieTime < stopBefore {
			return nil
		}
		// Read the last millisecond again with the next page (a page that is
		// one millisecond throughout asks for more, so the sweep moves on).
		first, limit = first+len(page)-tie, size+tie
	}
}
