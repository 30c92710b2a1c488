package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AdminEventPageSize is the page size of the admin event sweep.
const AdminEventPageSize = 1000

// AuthDetails says who made an admin change: the realm, client and user of
// their login (Keycloak's internal IDs) and the address the request came from.
type AuthDetails struct {
	RealmID  string `json:"realmId"`
	ClientID string `json:"clientId"`
	UserID   string `json:"userId"`
	IP       string `json:"ipAddress"`
}

// AdminEvent is one stored admin event about a user's role mappings or group
// memberships.
type AdminEvent struct {
	ID            string `json:"id"`
	Millis        int64  `json:"time"`
	OperationType string `json:"operationType"`
	ResourceType  string `json:"resourceType"`
	ResourcePath  string `json:"resourcePath"`
	// Representation is the JSON body of the change, stored only with
	// adminEventsDetailsEnabled: the roles mapped or unmapped, the group joined or left.
	Representation string      `json:"representation"`
	Auth           AuthDetails `json:"authDetails"`
	// Details carries, on Keycloak 26, the username of the user concerned.
	Details map[string]string `json:"details"`
}

// DeletedUser reads the deletion of a user: its ID and, when the event
// carries it, its username.
func (e AdminEvent) DeletedUser() (userID, username string, ok bool) {
	parts := strings.Split(e.ResourcePath, "/")
	if e.ResourceType != "USER" || e.OperationType != "DELETE" || len(parts) != 2 || parts[0] != "users" {
		return "", "", false
	}
	var u struct {
		Username string `json:"username"`
	}
	_ = json.Unmarshal([]byte(e.Representation), &u)
	if u.Username == "" {
		u.Username = e.Details["username"]
	}
	return parts[1], u.Username, true
}

// Time is when Keycloak recorded the change.
func (e AdminEvent) Time() time.Time { return time.UnixMilli(e.Millis).UTC() }

// Added reports whether the change adds (a role mapping, a membership) rather than removes.
func (e AdminEvent) Added() bool { return e.OperationType == "CREATE" }

// UserClientRoles reads a change of a user's mappings of one client's roles:
// the user, the client's internal ID and the roles' names. ok is false for
// any other event, and for one stored without its roles.
func (e AdminEvent) UserClientRoles() (userID, clientUUID string, roles []string, ok bool) {
	parts := strings.Split(e.ResourcePath, "/")
	if e.ResourceType != "CLIENT_ROLE_MAPPING" || len(parts) != 5 || parts[0] != "users" || parts[2] != "role-mappings" || parts[3] != "clients" {
		return "", "", nil, false
	}
	var rs []struct {
		Name string `json:"name"`
	}
	if json.Unmarshal([]byte(e.Representation), &rs) != nil || len(rs) == 0 {
		return "", "", nil, false
	}
	for _, r := range rs {
		roles = append(roles, r.Name)
	}
	return parts[1], parts[4], roles, true
}

// UserGroup reads a change of a user's direct membership of a group: the
// user, the group's ID and, when the event carries it, the group's path.
func (e AdminEvent) UserGroup() (userID, groupID, path string, ok bool) {
	parts := strings.Split(e.ResourcePath, "/")
	if e.ResourceType != "GROUP_MEMBERSHIP" || len(parts) != 4 || parts[0] != "users" || parts[2] != "groups" {
		return "", "", "", false
	}
	var g struct {
		Path string `json:"path"`
	}
	_ = json.Unmarshal([]byte(e.Representation), &g)
	return parts[1], parts[3], g.Path, true
}

// AdminEvents is what the realm's admin events say about users' role mappings
// and group memberships since a time.
type AdminEvents struct {
	// Events are the stored events, newest first, each once.
	Events []AdminEvent
	// Unavailable says why Keycloak cannot say who changed what (empty when it can):
	// admin events not stored, stored without their details, expired for part of
	// the window, or not readable by the admin account.
	Unavailable string
}

// adminEventsSettings are the realm's admin event settings, as its
// representation carries them (view-realm) or, without it, its events
// settings (view-events, which have no expiration).
type adminEventsSettings struct {
	ID         string            `json:"id"`
	Enabled    bool              `json:"adminEventsEnabled"`
	Details    bool              `json:"adminEventsDetailsEnabled"`
	Attributes map[string]string `json:"attributes"`
}

// floor is the oldest time the realm still keeps admin events for (zero when
// they are kept forever or the expiration is unknown).
func (s adminEventsSettings) floor(now time.Time) time.Time {
	secs, err := strconv.ParseInt(s.Attributes["adminEventsExpiration"], 10, 64)
	if err != nil || secs <= 0 {
		return time.Time{}
	}
	return now.Add(-time.Duration(secs) * time.Second)
}

// How to turn admin events on, said wherever Keycloak cannot say.
const enableAdminEventsHint = "Turn them on in the Keycloak admin console (realm settings → Events → Admin events settings: " +
	"save events and include representation), or with the keycloak provider's keycloak_realm_events " +
	"(admin_events_enabled and admin_events_details_enabled)."

// AdminEvents reads the stored admin events about users' client role mappings
// and group memberships, and users' deletions, from since to now: one sweep
// per run and minute of since (resources refreshed together share it), newest
// first, ending with the page that reaches that minute. The dateFrom filter is
// only a date on some supported Keycloaks, so it is a day early and the
// sweep's end bounds the pages. It needs view-events and, for the settings,
// view-realm; when Keycloak cannot say, Unavailable says why and how to turn them on.
func (c *Client) AdminEvents(ctx context.Context, since, now time.Time) (*AdminEvents, error) {
	minute := since.UTC().Truncate(time.Minute)
	all, err := c.adminEvents.Get(minute.Format(time.RFC3339), func() (*AdminEvents, error) { return c.readAdminEvents(ctx, minute, now) })
	if err != nil || all.Unavailable != "" {
		return all, err
	}
	out := &AdminEvents{}
	for _, e := range all.Events {
		if !e.Time().Before(since) {
			out.Events = append(out.Events, e)
		}
	}
	return out, nil
}

// adminEventSettings reads the realm's admin event settings; unavailable
// says why Keycloak cannot say who changed what (empty when it can).
func (c *Client) adminEventSettings(ctx context.Context) (cfg adminEventsSettings, unavailable string, err error) {
	err = c.getJSON(ctx, c.realmURL(), nil, &cfg)
	if statusOf(err) == http.StatusForbidden {
		err = c.getJSON(ctx, c.realmURL("events", "config"), nil, &cfg)
	}
	if cfg.ID != "" {
		c.actors.mu.Lock()
		c.actors.realmID = cfg.ID
		c.actors.mu.Unlock()
	}
	switch {
	case statusOf(err) == http.StatusForbidden:
		return cfg, c.noViewEvents(), nil
	case err != nil:
		return cfg, "", fmt.Errorf("reading the events settings of realm %q: %w", c.cfg.Realm, c.describe(err))
	case !cfg.Enabled:
		return cfg, fmt.Sprintf("realm %q does not store admin events. %s", c.cfg.Realm, enableAdminEventsHint), nil
	case !cfg.Details:
		return cfg, fmt.Sprintf("realm %q stores admin events without their representation, so an event does not say which role or group changed. %s", c.cfg.Realm, enableAdminEventsHint), nil
	}
	return cfg, "", nil
}

// noViewEvents says that the admin account may not read the admin events.
func (c *Client) noViewEvents() string {
	return fmt.Sprintf("the admin account may not read the admin events of realm %q: it needs the realm-management role view-events.", c.cfg.Realm)
}

func (c *Client) readAdminEvents(ctx context.Context, from, now time.Time) (*AdminEvents, error) {
	cfg, unavailable, err := c.adminEventSettings(ctx)
	if err != nil || unavailable != "" {
		return &AdminEvents{Unavailable: unavailable}, err
	}
	if floor := cfg.floor(now); floor.After(from) {
		return &AdminEvents{Unavailable: fmt.Sprintf("realm %q keeps admin events only since %s, which does not reach back to %s: raise the expiration in the realm's Admin events settings.", c.cfg.Realm, floor.Format(time.RFC3339), from.Format(time.RFC3339))}, nil
	}
	out := &AdminEvents{}
	seen := map[string]bool{}
	q := url.Values{"resourceTypes": {"CLIENT_ROLE_MAPPING", "GROUP_MEMBERSHIP", "USER"}, "operationTypes": {"CREATE", "DELETE"}}
	err = c.sweepAdminEvents(ctx, from, q, func(e AdminEvent) {
		// An event read twice (the sweep re-reads a page's last millisecond),
		// and the body-less twin some versions store beside a role mapping, are kept once.
		key := e.ID
		if key == "" {
			key = strings.Join([]string{strconv.FormatInt(e.Millis, 10), e.OperationType, e.ResourcePath, e.Auth.UserID}, " ")
		}
		_, _, deleted := e.DeletedUser()
		if !seen[key] && (e.ResourceType != "USER" || deleted) && (e.Representation != "" || e.ResourceType != "CLIENT_ROLE_MAPPING") {
			seen[key] = true
			out.Events = append(out.Events, e)
		}
	})
	if statusOf(err) == http.StatusForbidden {
		return &AdminEvents{Unavailable: c.noViewEvents()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the admin events of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	return out, nil
}

// LoginGap is a time the realm did not store LOGIN events: its events
// settings were changed to store none (Off), then to store them again (On).
type LoginGap struct {
	Off, On time.Time
}

// LoginGap finds, in the admin events since since, the latest time the realm
// stopped storing LOGIN events and started again (nil when there was none, or
// the admin events cannot say).
func (c *Client) LoginGap(ctx context.Context, since time.Time) (*LoginGap, error) {
	_, unavailable, err := c.adminEventSettings(ctx)
	if err != nil || unavailable != "" {
		return nil, err
	}
	type change struct {
		at     time.Time
		stores bool
	}
	var changes []change // newest first
	q := url.Values{"resourceTypes": {"REALM"}, "operationTypes": {"UPDATE"}}
	err = c.sweepAdminEvents(ctx, since, q, func(e AdminEvent) {
		var cfg eventsConfig
		if (e.ResourcePath == "events/config" || e.ResourcePath == "") && json.Unmarshal([]byte(e.Representation), &cfg) == nil && !e.Time().Before(since) {
			changes = append(changes, change{e.Time(), cfg.storesLogins()})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("reading the admin events of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	for i := 0; i+1 < len(changes); i++ { // the newest "on" right after an "off"
		if !changes[i].stores || changes[i+1].stores {
			continue
		}
		gap := &LoginGap{On: changes[i].at}
		for j := i + 1; j < len(changes) && !changes[j].stores; j++ {
			gap.Off = changes[j].at // the first of the "off" changes before it
		}
		return gap, nil
	}
	return nil, nil
}

// sweepAdminEvents sweeps the realm's admin events that query selects, newest
// first, back to from, calling visit with each (see sweep). dateFrom is sent
// a day early as a date: older Keycloaks take no time, and the server's day
// may start later than UTC's; the sweep's end bounds the pages.
func (c *Client) sweepAdminEvents(ctx context.Context, from time.Time, query url.Values, visit func(AdminEvent)) error {
	q := url.Values{"dateFrom": {from.UTC().AddDate(0, 0, -1).Format(time.DateOnly)}}
	maps.Copy(q, query)
	return c.sweep(ctx, c.realmURL("admin-events"), q, AdminEventPageSize, from.UnixMilli(), func(raw json.RawMessage) (int64, error) {
		var e AdminEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, err
		}
		visit(e)
		return e.Millis, nil
	})
}
