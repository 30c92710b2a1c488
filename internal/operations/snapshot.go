package operations

// The snapshot: what Keycloak and the platform hold, read once per run, and
// the questions the rules ask of it.

import (
	"slices"
	"sort"
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
	// Absent holds the users asked about that the realm does not have.
	Absent map[string]bool
	// Purchased is the license's seat count, 0 when it was not read;
	// LicenseUnread is why it could not be (the plan then only warns).
	Purchased     int
	LicenseUnread error
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
