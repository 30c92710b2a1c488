package operations

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Drift with a name: who changed a seat outside Terraform, from what Keycloak
// recorded in its admin events.

// Codes of drift attribution.
const (
	CodeDriftSeatChanged Code = "drift.seat_changed"
	CodeDriftNotRecorded Code = "drift.not_recorded"
	CodeDriftUnavailable Code = "drift.history_unavailable"
)

// Actor is who made a recorded change, as far as the provider's account can
// tell: what it cannot read is named by realm and user ID.
type Actor struct {
	Username, UserID, Realm string
	// Client is the clientId of their login; security-admin-console is the admin console.
	Client string
	IP     string
	// Terraform is set for the provider's own login (the same realm, user and client).
	Terraform bool
}

// String names the actor for a reviewer: "alice (realm dash) in the admin
// console from 10.0.0.7", "user 5c1e… of realm master through admin-cli from …",
// or "Terraform (this provider's own login, admin of realm master through admin-cli)".
func (a Actor) String() string {
	who := a.byID()
	if a.Username != "" {
		who = fmt.Sprintf("%s (realm %s)", a.Username, a.Realm)
	}
	via := "through " + a.Client
	if a.Client == "security-admin-console" {
		via = "in the admin console"
	}
	if a.IP != "" {
		via += " from " + a.IP
	}
	if a.Terraform {
		return fmt.Sprintf("Terraform (this provider's own login: %s %s)", who, via)
	}
	return who + " " + via
}

// SeatChange is one recorded change of a user's seat: the direct mapping
// granted or revoked, or a group that grants the seat joined or left.
type SeatChange struct {
	Username string
	Granted  bool
	// Deleted is set when the seat went with the user's account.
	Deleted bool
	// Group is the group joined or left; empty for the direct mapping.
	Group string
	Time  time.Time
	By    Actor
}

// What says what changed, without who: "a seat granted directly to carol",
// "the direct seat of carol revoked", "carol left /Licensed Developers (which grants a seat)".
func (c SeatChange) What() string {
	switch {
	case c.Deleted:
		return "the account of " + c.Username + " deleted, and with it the seat"
	case c.Group == "" && c.Granted:
		return "a seat granted directly to " + c.Username
	case c.Group == "":
		return "the direct seat of " + c.Username + " revoked"
	case c.Granted:
		return c.Username + " joined " + c.Group + " (which grants a seat)"
	default:
		return c.Username + " left " + c.Group + " (which grants a seat)"
	}
}

// String is the change for a reviewer: what, by whom, when.
func (c SeatChange) String() string {
	return fmt.Sprintf("%s, by %s at %s", c.What(), c.By, c.Time.UTC().Format(time.RFC3339))
}

// RecordedChange is one admin event about a user, as the clients read it:
// a change of the user's mappings of the roles client (Roles), or of a direct
// group membership (Group, its path).
type RecordedChange struct {
	Username string
	Roles    []string
	Group    string
	// UserDeleted is set for the deletion of the user's account.
	UserDeleted bool
	Added       bool
	Time        time.Time
	By          Actor
}

// SeatHistory is what Keycloak recorded about seats since From, oldest first.
type SeatHistory struct {
	From    time.Time
	Changes []SeatChange
	// Unavailable says why Keycloak cannot say (admin events off, stored
	// without details, expired, not readable); Changes is empty then.
	Unavailable string
}

// NewSeatHistory keeps, of the recorded changes, those that change a seat: a
// mapping of role seatRole, and joining or leaving a group of seatGroups (the
// groups the role is mapped to) or one of their sub-groups, which inherit it.
func NewSeatHistory(from time.Time, recorded []RecordedChange, seatRole string, seatGroups []string) SeatHistory {
	h := SeatHistory{From: from}
	for _, r := range recorded {
		if r.IsSeatChange(seatRole, seatGroups) {
			h.Changes = append(h.Changes, SeatChange{Username: r.Username, Granted: r.Added && !r.UserDeleted, Deleted: r.UserDeleted, Group: r.Group, Time: r.Time, By: r.By})
		}
	}
	slices.SortStableFunc(h.Changes, func(a, b SeatChange) int { return a.Time.Compare(b.Time) })
	return h
}

// IsSeatChange reports whether a recorded change changes a seat: a mapping of
// seatRole, joining or leaving a group of seatGroups or one of their
// sub-groups, or the deletion of an account.
func (r RecordedChange) IsSeatChange(seatRole string, seatGroups []string) bool {
	grants := r.Group != "" && slices.ContainsFunc(seatGroups, func(g string) bool { return r.Group == g || strings.HasPrefix(r.Group, g+"/") })
	return (r.Group == "" && slices.Contains(r.Roles, seatRole)) || grants || r.UserDeleted
}

// Of lists the recorded changes of username, oldest first.
func (h SeatHistory) Of(username string) []SeatChange {
	var out []SeatChange
	for _, c := range h.Changes {
		if c.Username == username {
			out = append(out, c)
		}
	}
	return out
}

// SeatDrift is what a refresh found changed for a managed user: the direct
// seat (Group empty) or a grant through a group, gained or lost.
type SeatDrift struct {
	Username string
	Granted  bool
	Group    string
}

func (d SeatDrift) what() string {
	return SeatChange{Username: d.Username, Granted: d.Granted, Group: d.Group}.What()
}

// Attribute is the refresh warning about a managed seat changed outside
// Terraform: it names the recorded change that produced what is live now (the
// latest change of that kind, when several hit the user in the window), or
// says that Keycloak recorded none. With no history (Unavailable) it says
// nothing: HistoryUnavailable says so once per run.
func (h SeatHistory) Attribute(d SeatDrift) (Finding, bool) {
	if h.Unavailable != "" {
		return Finding{}, false
	}
	all := h.Of(d.Username)
	for i := len(all) - 1; i >= 0; i-- {
		c := all[i]
		if c.Granted != d.Granted || c.Group != d.Group {
			continue
		}
		more := ""
		if len(all) > 1 {
			more = fmt.Sprintf(" Keycloak recorded %d changes of this user's seat since %s; the data source dashenterprise_seat_history lists them.", len(all), h.From.UTC().Format(time.RFC3339))
		}
		return finding(CodeDriftSeatChanged, Warning, d.Username, nil,
			fmt.Sprintf("Changed outside Terraform by %s: %s", c.By.name(), c.What()),
			fmt.Sprintf("Keycloak recorded it at %s: %s.%s", c.Time.UTC().Format(time.RFC3339), c, more),
			"If it was intended, change the configuration to match; otherwise the next apply restores what the configuration says."), true
	}
	return finding(CodeDriftNotRecorded, Warning, d.Username, nil,
		"Changed outside Terraform, not recorded by Keycloak: "+d.what(),
		fmt.Sprintf("No admin event since %s records it: Keycloak made it itself (an identity provider's mapper at login, a user federation sync), which it does not record as an admin event, or it happened before.", h.From.UTC().Format(time.RFC3339)),
		""), true
}

// name is the actor as a summary names it: their username, or the realm and ID.
func (a Actor) name() string {
	switch {
	case a.Terraform:
		return "Terraform (this provider's own login)"
	case a.Username != "":
		return a.Username
	default:
		return a.byID()
	}
}

// byID names an actor the provider's account could not read.
func (a Actor) byID() string { return fmt.Sprintf("user %s of realm %s", a.UserID, a.Realm) }

// Explain adds to the refusals of a seat set's apply ("changed since the
// plan") who made each change, as Keycloak recorded it.
func (h SeatHistory) Explain(fs Findings) Findings {
	out := slices.Clone(fs)
	for i, f := range out {
		if f.Code != CodeChangedSince {
			continue
		}
		changes := h.Of(f.User)
		for j := len(changes) - 1; j >= 0; j-- {
			if changes[j].Group == "" {
				out[i].Detail += fmt.Sprintf(" Keycloak recorded: %s.", changes[j])
				break
			}
		}
	}
	return out
}

// HistoryUnavailable is the warning, once per run, that Keycloak cannot say
// who changed the seats, and why.
func HistoryUnavailable(reason string) Finding {
	return finding(CodeDriftUnavailable, Warning, "", nil, "Keycloak cannot say who changed the seats",
		"Seats changed outside Terraform are shown without who changed them: "+reason, "")
}

// SetDrift is what a refresh of a set of direct seats found changed outside
// Terraform: members that appeared were granted a seat, members that vanished
// lost it. prior is the set in the state; nil (an import) finds nothing.
func SetDrift(prior, live []string) []SeatDrift {
	if prior == nil {
		return nil
	}
	var out []SeatDrift
	for _, u := range Minus(live, prior) {
		out = append(out, SeatDrift{Username: u, Granted: true})
	}
	for _, u := range Minus(prior, live) {
		out = append(out, SeatDrift{Username: u})
	}
	return out
}

// SeatDrifts is what a refresh of one managed seat found changed outside
// Terraform: the direct seat lost, or a grant through a group gained or lost
// (grants are "group:/Parent/child", as granted_via lists them; viaBefore nil,
// an import, finds no group change).
func SeatDrifts(username string, lost bool, viaBefore, viaNow []string) []SeatDrift {
	if lost {
		return []SeatDrift{{Username: username}}
	}
	if viaBefore == nil {
		return nil
	}
	var out []SeatDrift
	groups := func(via []string) []string {
		var gs []string
		for _, v := range via {
			if g, ok := strings.CutPrefix(v, "group:"); ok {
				gs = append(gs, g)
			}
		}
		return gs
	}
	before, now := groups(viaBefore), groups(viaNow)
	for _, g := range Minus(now, before) {
		out = append(out, SeatDrift{Username: username, Granted: true, Group: g})
	}
	for _, g := range Minus(before, now) {
		out = append(out, SeatDrift{Username: username, Group: g})
	}
	return out
}
