package operations

import "fmt"

// Codes of the seat rules.
const (
	CodeSeatCapacity     Code = "seat.capacity"
	CodeSeatOrphanedNow  Code = "seat.revoked_outside_terraform"
	CodeSeatHeldAnother  Code = "seat.held_another_way"
	CodeSeatCannotVerify Code = "seat.cannot_check_capacity"
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
