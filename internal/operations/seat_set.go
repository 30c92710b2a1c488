package operations

import "slices"

// SeatSet is what the configuration asks of a dashenterprise_license_seats.
type SeatSet struct {
	// Prior are the usernames in the state, Desired the known ones of the plan.
	Prior, Desired []string
	// Unknown counts usernames known only after apply.
	Unknown int
	// Destroy is set when the set is being destroyed.
	Destroy bool
	// AppsKnown is false when the platform API is not configured.
	AppsKnown bool
	// Purchased is the license's seat count (0 when unknown or not read).
	Purchased int
	Realm     string
}

// SeatSetDecision is what the seat set's apply will do, and what the plan says about it.
type SeatSetDecision struct {
	Change   Change
	Findings Findings
}

// DirectHolders returns the users holding the seat directly, sorted.
func (s Snapshot) DirectHolders() []string {
	var out []string
	for u, seat := range s.Seats {
		if seat.Direct {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// PlanSeatSet is the plan step of an authoritative set of seats on the run's
// snapshot: the grants and revocations (recorded in the run's intents), the
// holders the plan cannot show, the users the realm lacks, what each
// revocation costs, and the seat count against the license. Revocations that
// unknown usernames make unknowable are said by UnknowableRevocations instead.
func PlanSeatSet(run *Run, s Snapshot, in SeatSet) SeatSetDecision {
	live := s.DirectHolders()
	d := SeatSetDecision{Change: PlanChange(in.Prior, in.Desired, live, true, live)}
	if !in.Destroy && in.Unknown == 0 {
		for _, name := range d.Change.Unshown {
			d.Findings = append(d.Findings, UnlistedSeat(name))
		}
	}
	for _, name := range d.Change.Add {
		run.Intents.Grant(name)
		if s.Absent[name] {
			d.Findings = append(d.Findings, UnknownUser(Party{Username: name, Attribute: "usernames"}, in.Realm,
				"The apply will fail, before changing any seat, unless the user is created first."))
		}
	}
	if in.Unknown == 0 || len(d.Change.Remove) == 0 {
		d.Findings = append(d.Findings, PlanRevocations(run, s, d.Change.Remove, in.AppsKnown)...)
	}
	if len(in.Desired) == 0 {
		return d
	}
	after := map[string]bool{}
	var newcomers []string
	for _, n := range in.Desired {
		after[n] = true
		if !s.HasSeat(n) {
			newcomers = append(newcomers, n)
		}
	}
	for u, seat := range s.Seats {
		if len(seat.Via) > 0 {
			after[u] = true
		}
	}
	if f, ok := (Capacity{Purchased: in.Purchased, Assigned: len(s.Seats)}).Exceeded(len(after), newcomers); ok {
		d.Findings = append(d.Findings, f.At("usernames"))
	}
	return d
}
