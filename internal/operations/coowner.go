package operations

import (
	"fmt"
	"strings"
)

// Codes of the co-owner rules.
const (
	CodeCoOwnerIsOwner       Code = "coowner.is_owner"
	CodeCoOwnerNotLoggedIn   Code = "coowner.not_logged_in"
	CodeCoOwnerNoSeat        Code = "coowner.no_seat"
	CodeGroupUnknown         Code = "group.unknown"
	CodeGroupNotOnPlatform   Code = "coowner.group_not_known"
	CodeCoOwnerChildGroups   Code = "coowner.child_groups_do_not_inherit"
	CodeCoOwnerMembersNoSeat Code = "coowner.members_without_seats"
	CodeCoOwnerCannotCheck   Code = "coowner.cannot_check"
)

// CoOwnerUser is a user about to become a co-owner, as the plan step sees it.
type CoOwnerUser struct {
	Party
	// LoggedIn is whether the platform knows the user; nil when it could not be read.
	LoggedIn *bool
}

// PlanCoOwnerUser checks a user about to become a co-owner of app: not its
// owner, exists, has logged in once, holds a seat (or gets one earlier in this
// plan). seatsKnown is false when the snapshot could not be read.
func PlanCoOwnerUser(run *Run, s Snapshot, seatsKnown bool, app App, u CoOwnerUser, realm string) Findings {
	name := u.Username
	if app.Owner == name {
		return Findings{finding(CodeCoOwnerIsOwner, Warning, name, []string{app.Name}, fmt.Sprintf("%s owns %s", name, app.Name),
			fmt.Sprintf("%s is the owner of %s and cannot also be its co-owner;", name, app.Name), "the apply will fail unless the app is transferred first.").At(u.Attribute)}
	}
	if !u.Exists {
		return Findings{UnknownUser(u.Party, realm, "The apply will fail unless the user is created first, and they must then log in to Dash Enterprise once.")}
	}
	var fs Findings
	if u.LoggedIn != nil && !*u.LoggedIn {
		fs = append(fs, finding(CodeCoOwnerNotLoggedIn, Warning, name, nil, fmt.Sprintf("%s has not logged in to Dash Enterprise yet", name),
			"Dash Enterprise only knows users who have logged in once.", fmt.Sprintf("Ask %s to log in before applying, or the apply will fail.", name)).At(u.Attribute))
	}
	if seatsKnown && !s.HasSeat(name) && !run.Intents.Granted(name) {
		fs = append(fs, finding(CodeCoOwnerNoSeat, Warning, name, nil, fmt.Sprintf("%s holds no license seat", name),
			fmt.Sprintf("Co-owners need a seat. The apply will fail unless %s gets one first:", name),
			fmt.Sprintf("add a dashenterprise_license_seat for %s and reference it (or use depends_on) so it is granted before this co-owner is added.", name)).At(u.Attribute))
	}
	return fs
}

// GroupUnknown is the plan warning about a group the realm does not have (yet).
func GroupUnknown(group, realm, attr string) Finding {
	return finding(CodeGroupUnknown, Warning, "", nil, fmt.Sprintf("Group %s does not exist yet", group),
		fmt.Sprintf("Realm %q has no group %s.", realm, group),
		"The apply will fail unless the group is created first and one of its members logs in to Dash Enterprise.").At(attr)
}

// CoOwnerCannotCheck is the plan warning when a planned co-owner cannot be checked.
func CoOwnerCannotCheck(principal, app string, err error) Finding {
	return finding(CodeCoOwnerCannotCheck, Warning, principal, []string{app}, fmt.Sprintf("Cannot check the planned group co-owner %s of %s", principal, app), err.Error(), "")
}

// PlanCoOwnerGroup checks a group about to become a co-owner of app: whether
// the platform knows it, which child groups do not inherit co-ownership and
// which members hold no seat. s holds the group's descendants and members.
func PlanCoOwnerGroup(s Snapshot, app App, group, attr string, knownToPlatform bool) Findings {
	var fs Findings
	if !knownToPlatform {
		fs = append(fs, finding(CodeGroupNotOnPlatform, Warning, "", nil, fmt.Sprintf("Group %s is not known to Dash Enterprise yet", group),
			"Dash Enterprise learns a group when one of its direct members logs in.",
			fmt.Sprintf("Ask a member of %s to log in before applying, or the apply will fail.", group)).At(attr))
	}
	if children := s.ChildGroupsWithoutCoOwnership(app, group); len(children) > 0 {
		fs = append(fs, finding(CodeCoOwnerChildGroups, Warning, "", []string{app.Name}, fmt.Sprintf("Child groups of %s do not inherit co-ownership of %s", group, app.Name),
			fmt.Sprintf("Co-ownership given to %s does not reach its child groups. Members of these groups will not co-own %s unless each is added as its own co-owner:\n  - %s",
				group, app.Name, strings.Join(children, "\n  - ")), "").At(attr))
	}
	if without := s.MembersWithoutSeats(group); len(without) > 0 {
		fs = append(fs, finding(CodeCoOwnerMembersNoSeat, Warning, list(without), []string{app.Name}, fmt.Sprintf("Members of %s without a license seat", group),
			fmt.Sprintf("Co-owners need a seat. These members of %s hold none, so they will not be able to manage %s: %s.", group, app.Name, list(without)),
			"Grant them seats with dashenterprise_license_seat.").At(attr))
	}
	return fs
}
