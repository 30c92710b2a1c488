// Package governance holds the rules the provider checks at plan time, as pure
// functions over a snapshot of seats, groups and apps: who would be orphaned,
// which seats are held some other way, which child groups lack co-ownership,
// what a transfer needs. No I/O; the provider fills the snapshot.
package governance

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Snapshot is what the rules look at. Group paths are /Parent/child.
type Snapshot struct {
	// Seats maps a username to how they hold licensed_user; users without a seat are absent.
	Seats map[string]Seat
	// Apps are all apps with owner and co-owners.
	Apps []App
	// UserGroups maps a username to the groups they are a direct member of.
	UserGroups map[string][]string
	// GroupChildren maps a group to its direct child groups.
	GroupChildren map[string][]string
	// GroupMembers maps a group to its direct members.
	GroupMembers map[string][]string
}

// Seat says how a user holds a seat.
type Seat struct {
	Direct bool
	// Via lists other grants: "group:/Parent/child", "composite:<client>/<role>".
	Via []string
}

// App is an app as the rules need it.
type App struct {
	Name          string
	Owner         string
	CoOwnerUsers  []string
	CoOwnerGroups []string // /Parent/child
}

// Holding is one app a user holds a role on.
type Holding struct {
	App string
	// Role is "owner", "co-owner", or "co-owner through group /X".
	Role string
}

func (h Holding) String() string { return h.App + " (" + h.Role + ")" }

// Holdings returns the apps the user owns or co-owns (directly or through a
// group they are a direct member of; child groups do not inherit), sorted by app.
func (s Snapshot) Holdings(username string) []Holding {
	groups := map[string]bool{}
	for _, g := range s.UserGroups[username] {
		groups[g] = true
	}
	var out []Holding
	for _, a := range s.Apps {
		switch {
		case a.Owner == username:
			out = append(out, Holding{App: a.Name, Role: "owner"})
		case slices.Contains(a.CoOwnerUsers, username):
			out = append(out, Holding{App: a.Name, Role: "co-owner"})
		default:
			for _, g := range a.CoOwnerGroups {
				if groups[g] {
					out = append(out, Holding{App: a.Name, Role: "co-owner through group " + g})
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].App < out[j].App })
	return out
}

// OwnedApps returns the names of the apps the user owns, sorted.
func (s Snapshot) OwnedApps(username string) []string {
	var out []string
	for _, a := range s.Apps {
		if a.Owner == username {
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Revocation is what removing a user's direct seat would do.
type Revocation struct {
	Username string
	// KeepsSeatVia is non-empty when a group or composite role keeps the seat.
	KeepsSeatVia []string
	// Holdings are the apps the user would lose (empty when the seat is kept).
	Holdings []Holding
	// Owned are the apps that would be orphaned.
	Owned []string
}

// LosesSeat reports whether the user would really lose the seat.
func (r Revocation) LosesSeat() bool { return len(r.KeepsSeatVia) == 0 }

// Orphans reports whether the revocation orphans apps the user owns.
func (r Revocation) Orphans() bool { return r.LosesSeat() && len(r.Owned) > 0 }

// RevokeDirectSeat evaluates removing the direct seat of username.
func (s Snapshot) RevokeDirectSeat(username string) Revocation {
	r := Revocation{Username: username, KeepsSeatVia: append([]string(nil), s.Seats[username].Via...)}
	if !r.LosesSeat() {
		return r
	}
	r.Holdings = s.Holdings(username)
	r.Owned = s.OwnedApps(username)
	return r
}

// DescribeGrants writes grants ("group:/X", "composite:dash/developer") as a
// person reads them: "/X, dash/developer".
func DescribeGrants(grants []string) string {
	out := make([]string, len(grants))
	for i, g := range grants {
		out[i] = strings.TrimPrefix(strings.TrimPrefix(g, "group:"), "composite:")
	}
	return strings.Join(out, ", ")
}

// Warning returns the plan warning for a revocation, or ok=false when there is
// nothing to say; strict says whether orphan protection will refuse it.
func (r Revocation) Warning(strict bool) (summary, detail string, ok bool) {
	if !r.LosesSeat() {
		return fmt.Sprintf("%s keeps a seat through %s", r.Username, DescribeGrants(r.KeepsSeatVia)),
			fmt.Sprintf("Removing the direct licensed_user assignment of %s does not revoke the seat: %s keeps a seat through %s, so no app loses its owner or co-owner.",
				r.Username, r.Username, strings.Join(r.KeepsSeatVia, ", ")), true
	}
	if len(r.Holdings) == 0 {
		return "", "", false
	}
	lines := make([]string, len(r.Holdings))
	for i, h := range r.Holdings {
		lines[i] = "  - " + h.String()
	}
	summary = fmt.Sprintf("Revoking the seat of %s removes them from %d app(s)", r.Username, len(r.Holdings))
	detail = fmt.Sprintf("%s holds a role on these apps and loses it with the seat:\n%s\n", r.Username, strings.Join(lines, "\n"))
	if len(r.Owned) > 0 {
		detail += fmt.Sprintf("\nThe apps %s owns (%s) would be orphaned. Transfer them first with dashenterprise_app_transfer, in an earlier apply: "+
			"Terraform may revoke a removed seat before it creates a new transfer in the same apply, and a transfer needs both users to hold seats.", r.Username, strings.Join(r.Owned, ", "))
		if strict {
			detail += fmt.Sprintf("\n\norphan_protection is \"error\": the apply will refuse this revocation while %s still owns apps.", r.Username)
		} else {
			detail += " Set orphan_protection = \"error\" to make the provider refuse such a revocation."
		}
	} else {
		detail += fmt.Sprintf("\nRemove %s as co-owner, or keep the seat.", r.Username)
	}
	return summary, detail, true
}

// StillOwned returns the apps the revocation would orphan that no transfer
// planned before it moves away (movedAway: apps a transfer of this plan takes
// from the user), sorted.
func (r Revocation) StillOwned(movedAway []string) []string {
	if !r.LosesSeat() {
		return nil
	}
	var out []string
	for _, a := range r.Owned {
		if !slices.Contains(movedAway, a) {
			out = append(out, a)
		}
	}
	return out
}

// StrictPlanError is the plan error of a revocation that orphan_protection =
// "error" refuses: it names the user and the apps left, and the two remedies
// that work (Terraform cannot order a transfer before an unrelated revocation
// in one apply).
func (r Revocation) StrictPlanError(stillOwned []string) (summary, detail string) {
	return fmt.Sprintf("Revoking the seat of %s would orphan %s", r.Username, strings.Join(stillOwned, ", ")),
		fmt.Sprintf("orphan_protection is \"error\" and %s owns %s, which no transfer in this plan moves away first. "+
			"Transfer them in an earlier apply (dashenterprise_app_transfer), or in this one with depends_on on the transfer so the provider plans it first, "+
			"or keep the seat until the apps have moved. See the offboarding guide.",
			r.Username, strings.Join(stillOwned, ", "))
}

// Capacity is the seat count before a change.
type Capacity struct {
	Purchased int
	Assigned  int
}

// OverAllocated reports whether adding n more seats exceeds what was purchased.
func (c Capacity) OverAllocated(adding int) bool {
	return c.Purchased > 0 && c.Assigned+adding > c.Purchased
}

// Warning describes an over-allocation.
func (c Capacity) Warning(adding int, usernames []string) (summary, detail string) {
	return fmt.Sprintf("License seats exhausted: %d of %d assigned", c.Assigned, c.Purchased),
		fmt.Sprintf("Your license has %d seats and %d are assigned; granting %d more (%s) makes %d. Revoke unused seats first or buy more seats from Plotly.",
			c.Purchased, c.Assigned, adding, strings.Join(usernames, ", "), c.Assigned+adding)
}

// ChildGroupsWithoutCoOwnership returns the descendants of group that are not
// co-owners of the app themselves (child groups do not inherit co-ownership).
func (s Snapshot) ChildGroupsWithoutCoOwnership(app App, group string) []string {
	var out []string
	var walk func(g string)
	walk = func(g string) {
		for _, ch := range s.GroupChildren[g] {
			if !slices.Contains(app.CoOwnerGroups, ch) {
				out = append(out, ch)
			}
			walk(ch)
		}
	}
	walk(group)
	sort.Strings(out)
	return out
}

// MembersWithoutSeats returns the direct members of group without a seat.
func (s Snapshot) MembersWithoutSeats(group string) []string {
	var out []string
	for _, u := range s.GroupMembers[group] {
		if _, ok := s.Seats[u]; !ok {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// Transfer is what a planned transfer would do and what it needs.
type Transfer struct {
	From, To string
	// Apps are the apps that would move.
	Apps []string
	// ToAlreadyOwns are apps the new owner owns already (the transfer cannot be exactly reversed).
	ToAlreadyOwns []string
	FromHasSeat   bool
	ToHasSeat     bool
}

// PlanTransfer evaluates transferring every app of from to to.
func (s Snapshot) PlanTransfer(from, to string) Transfer {
	_, fromSeat := s.Seats[from]
	_, toSeat := s.Seats[to]
	return Transfer{From: from, To: to, Apps: s.OwnedApps(from), ToAlreadyOwns: s.OwnedApps(to), FromHasSeat: fromSeat, ToHasSeat: toSeat}
}

// OrphanedApps returns the apps whose owner holds no seat, sorted.
func (s Snapshot) OrphanedApps() []App {
	var out []App
	for _, a := range s.Apps {
		if _, ok := s.Seats[a.Owner]; !ok {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
