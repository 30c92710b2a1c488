package operations

import (
	"fmt"
	"strings"
)

// Codes of the seat rules.
const (
	CodeSeatCapacity           Code = "seat.capacity"
	CodeSeatOrphanedNow        Code = "seat.revoked_outside_terraform"
	CodeSeatHeldAnother        Code = "seat.held_another_way"
	CodeSeatUnlisted           Code = "seat.unlisted_holder"
	CodeSeatNotChecked         Code = "seat.not_checked"
	CodeSeatCapacityNotChecked Code = "seat.capacity_not_checked"
)

// HasSeat reports whether username holds a seat in the snapshot.
func (s Snapshot) HasSeat(username string) bool {
	_, ok := s.Seats[username]
	return ok
}

// Capacity is the seat count before a change.
type Capacity struct {
	Purchased int
	Assigned  int
}

// Exceeded is the plan warning when after users would hold a seat, more than
// purchased; newcomers are those this plan gives a seat. ok is false when the
// seats suffice or the purchased count is unknown (0).
func (c Capacity) Exceeded(after int, newcomers []string) (Finding, bool) {
	if c.Purchased <= 0 || after <= c.Purchased {
		return Finding{}, false
	}
	return finding(CodeSeatCapacity, Warning, list(newcomers), nil,
		fmt.Sprintf("License seats exceeded: %d planned, %d purchased", after, c.Purchased),
		fmt.Sprintf("After this apply %d users would hold a seat (new: %s), but the license has %d; %d are assigned now.", after, list(newcomers), c.Purchased, c.Assigned),
		"Revoke unused seats first or buy more seats from Plotly."), true
}

// CapacityNotChecked is the plan warning when the license could not be read,
// so the plan cannot say whether the seats of usernames fit in it.
func CapacityNotChecked(usernames []string, err error) Finding {
	summary := "Cannot check seat capacity"
	if len(usernames) > 0 {
		summary += " for " + list(usernames)
	}
	return finding(CodeSeatCapacityNotChecked, Warning, list(usernames), nil, summary, err.Error(), "")
}

// SeatsNotChecked is the plan warning when the seat holders could not be read,
// so the plan cannot check its seats at all (the apply still reads before writing).
func SeatsNotChecked(err error) Finding {
	return finding(CodeSeatNotChecked, Warning, "", nil, "Cannot check the planned seats", err.Error(), "")
}

// OrphanedNow is the refresh warning about a managed seat revoked outside
// Terraform while its holder still owns apps; ok is false when nothing is orphaned.
func (s Snapshot) OrphanedNow(username string) (Finding, bool) {
	owned := s.OwnedApps(username)
	if s.HasSeat(username) || len(owned) == 0 {
		return Finding{}, false
	}
	return finding(CodeSeatOrphanedNow, Warning, username, owned,
		fmt.Sprintf("The seat of %s was revoked outside Terraform: %d app(s) are orphaned now", username, len(owned)),
		fmt.Sprintf("%s no longer holds licensed_user but still owns %s. These apps have no licensed owner.", username, list(owned)),
		fmt.Sprintf("Apply to grant the seat again (the plan does), then transfer the apps with dashenterprise_app_transfer if %s is leaving.", username)), true
}

// HeldAnotherWay is the plan warning about a direct seat planned for a user
// who holds the seat through a group or composite role already.
func HeldAnotherWay(username string, via []string) Finding {
	return finding(CodeSeatHeldAnother, Warning, username, nil, fmt.Sprintf("%s already holds a seat through %s", username, describeGrants(via)),
		fmt.Sprintf("%s already holds licensed_user through %s. This resource adds a direct assignment, which Dash Enterprise recommends: "+
			"the seat then no longer depends on group membership or composite roles.", username, strings.Join(via, ", ")), "").At("username")
}

// UnlistedSeat is the plan warning about a direct seat holder that a seat set
// neither lists nor has in its state: the plan cannot show the revocation, so
// the apply will refuse.
func UnlistedSeat(username string) Finding {
	return finding(CodeSeatUnlisted, Warning, username, nil, fmt.Sprintf("%s holds a license seat that this plan does not show", username),
		fmt.Sprintf("%s holds the licensed_user role directly but is not in usernames, and the state does not list the seat, so this plan cannot show its revocation: the apply will refuse.", username),
		fmt.Sprintf("Import the existing seats first (terraform import dashenterprise_license_seats.<name> licensed_user), or add %s to usernames.", username)).At("usernames")
}
