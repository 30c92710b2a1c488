package framework

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// RefreshedAtKey is the private state key holding when a resource was last
// read or written: Terraform does not say when the previous refresh was, and
// the seat history of a refresh starts there.
const RefreshedAtKey = "refreshed_at"

// DefaultLookback is how far back the history of a refresh reaches when the
// resource does not know its last refresh (imported, or written by a provider
// version that did not keep it).
const DefaultLookback = 7 * 24 * time.Hour

// PrivateGetter and PrivateSetter are the private state of a request and a response.
type (
	PrivateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	PrivateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// RefreshedAt is when the resource was last read or written, or now minus
// DefaultLookback when its private state does not say.
func RefreshedAt(ctx context.Context, p PrivateGetter, now time.Time) time.Time {
	if p != nil {
		if raw, _ := p.GetKey(ctx, RefreshedAtKey); len(raw) > 0 {
			var t time.Time
			if json.Unmarshal(raw, &t) == nil && !t.IsZero() {
				return t
			}
		}
	}
	return now.Add(-DefaultLookback)
}

// MarkRefreshed records in the private state that the resource was read or written at now.
func MarkRefreshed(ctx context.Context, p PrivateSetter, now time.Time, diags *diag.Diagnostics) {
	raw, _ := json.Marshal(now.UTC())
	diags.Append(p.SetKey(ctx, RefreshedAtKey, raw)...)
}

// SeatHistory reads what Keycloak recorded about seats since the minute of
// since: direct grants and revocations of the seat role, and joins and leaves
// of the groups that grant it. It is read once per run and minute, however
// many resources ask (a thousand seats refreshed together share one).
func (c *Clients) SeatHistory(ctx context.Context, since time.Time) (operations.SeatHistory, error) {
	minute := since.UTC().Truncate(time.Minute)
	if c.histories == nil { // clients of a configuration known only at apply read nothing
		return c.readSeatHistory(ctx, minute)
	}
	return c.histories.Get(minute.Format(time.RFC3339), func() (operations.SeatHistory, error) { return c.readSeatHistory(ctx, minute) })
}

func (c *Clients) readSeatHistory(ctx context.Context, since time.Time) (operations.SeatHistory, error) {
	kc := c.Keycloak
	ev, err := kc.AdminEvents(ctx, since, time.Now())
	if err != nil || ev.Unavailable != "" {
		return operations.SeatHistory{From: since, Unavailable: unavailable(ev)}, err
	}
	rolesClient, err := kc.ClientUUID(ctx, kc.RolesClientID())
	if err != nil {
		return operations.SeatHistory{From: since}, err
	}
	holders, err := kc.RoleHolders(ctx, SeatRole)
	if err != nil {
		return operations.SeatHistory{From: since}, err
	}
	paths, err := groupPaths(ctx, kc)
	if err != nil {
		return operations.SeatHistory{From: since}, err
	}
	var recorded []operations.RecordedChange
	var userIDs []string // of each recorded change, in order
	for _, e := range ev.Events {
		r := operations.RecordedChange{Added: e.Added(), Time: e.Time()}
		userID, client, roles, isRole := e.UserClientRoles()
		userInGroup, groupID, path, isGroup := e.UserGroup()
		deletedID, deletedName, isDeletion := e.DeletedUser()
		switch {
		case isDeletion:
			userID, r.UserDeleted, r.Username = deletedID, true, deletedName
		case isRole && client == rolesClient:
			r.Roles = roles
		case isGroup:
			userID, r.Group = userInGroup, path
			if r.Group == "" {
				r.Group = paths[groupID]
			}
		default:
			continue
		}
		if !r.IsSeatChange(SeatRole, holders.Groups) {
			continue // only the actors of seat changes are looked up
		}
		if u, ok := holders.Users[userID]; ok && r.Username == "" {
			r.Username = u.Username
		}
		r.By = actorOf(kc.Actor(ctx, e.Auth))
		recorded, userIDs = append(recorded, r), append(userIDs, userID)
	}
	if err := c.nameUsers(ctx, recorded, userIDs); err != nil {
		return operations.SeatHistory{From: since}, err
	}
	return operations.NewSeatHistory(since, recorded, SeatRole, holders.Groups), nil
}

func unavailable(ev *keycloak.AdminEvents) string {
	if ev == nil {
		return ""
	}
	return ev.Unavailable
}

// groupPaths maps every group's ID to its path.
func groupPaths(ctx context.Context, kc *keycloak.Client) (map[string]string, error) {
	forest, err := kc.GroupTree(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, g := range keycloak.Flatten(forest) {
		out[g.ID] = g.Path
	}
	return out, nil
}

// nameUsers names the users of the recorded changes the seat snapshot did
// not (no longer holders), in one read; a user deleted since keeps its ID.
func (c *Clients) nameUsers(ctx context.Context, recorded []operations.RecordedChange, userIDs []string) error {
	var unknown []string
	for i, r := range recorded {
		if r.Username == "" {
			unknown = append(unknown, userIDs[i])
		}
	}
	names, err := c.Keycloak.UsernamesOf(ctx, slices.Compact(slices.Sorted(slices.Values(unknown))))
	if err != nil {
		return err
	}
	for i := range recorded {
		if recorded[i].Username == "" {
			recorded[i].Username = cmp.Or(names[userIDs[i]], userIDs[i])
		}
	}
	return nil
}

func actorOf(a keycloak.Actor) operations.Actor {
	return operations.Actor{Username: a.Username, UserID: a.UserID, Realm: a.Realm, Client: a.Client, IP: a.IP, Terraform: a.Self}
}

// NoteHistory warns, once per run, that Keycloak cannot say who changed seats.
func (c *Clients) NoteHistory(h operations.SeatHistory, diags *diag.Diagnostics) {
	if h.Unavailable != "" && c.historyNoted.CompareAndSwap(false, true) {
		AddFindings(diags, operations.HistoryUnavailable(h.Unavailable))
	}
}

// AttributeDrift reads the seat history since the resource's last refresh
// and renders who made each drift; a history that cannot be read is a warning,
// never an error (the refresh itself is what matters).
func (c *Clients) AttributeDrift(ctx context.Context, since time.Time, drifts []operations.SeatDrift, diags *diag.Diagnostics) {
	if len(drifts) == 0 {
		return
	}
	h, err := c.SeatHistory(ctx, since)
	if err != nil {
		h.Unavailable = err.Error()
	}
	c.NoteHistory(h, diags)
	for _, d := range drifts {
		if f, ok := h.Attribute(d); ok {
			AddFindings(diags, f)
		}
	}
}

// ExplainRefusal adds to the refusals of a seat set's apply who made each
// change since the resource's last refresh (since), as Keycloak recorded it;
// without a history the refusals stand as they are.
func (c *Clients) ExplainRefusal(ctx context.Context, since time.Time, fs operations.Findings) operations.Findings {
	if since.IsZero() {
		return fs
	}
	h, err := c.SeatHistory(ctx, since)
	if err != nil || h.Unavailable != "" {
		return fs
	}
	return h.Explain(fs)
}
