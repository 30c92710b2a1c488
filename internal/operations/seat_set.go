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
	Realm     string
}

// Dropped are the usernames of the state that the plan leaves out.
func (in SeatSet) Dropped() []string { return Minus(in.Prior, in.Desired) }

// Arriving are the usernames of the plan that the state does not hold.
func (in SeatSet) Arriving() []string { return Minus(in.Desired, in.Prior) }

// NeedsLicense reports whether the plan step checks the license (when the set keeps or gives any seat).
func (in SeatSet) NeedsLicense() bool { return len(in.Desired) > 0 }

// Minus returns the members of a that b lacks, in a's order.
func Minus(a, b []string) []string {
	in := setOf(b)
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
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

// PlanSeatSetRead is the seat set's whole plan step: what the configuration
// alone says (usernames known only after apply make the dropped members'
// revocations unknowable; a provider configuration known only at apply leaves
// them unchecked), then PlanSeatSet on the run's snapshot, or why the plan
// could not read one (readErr).
func PlanSeatSetRead(run *Run, in SeatSet, s Snapshot, readErr error) Findings {
	dropped := in.Dropped()
	maybe := in.Unknown > 0 && len(dropped) > 0
	var fs Findings
	switch {
	case maybe:
		fs = append(fs, UnknowableRevocations(run, dropped, in.Unknown))
	case run.ConfigUnknown:
		fs = append(fs, RevocationsNotChecked(dropped)...)
	}
	switch {
	case run.ConfigUnknown:
		return fs
	case readErr != nil && len(dropped) > 0 && !maybe:
		return append(fs, CannotCheckRevocations(run, dropped, readErr))
	case readErr != nil:
		return append(fs, SeatsNotChecked(readErr))
	}
	return append(fs, PlanSeatSet(run, s, in).Findings...)
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
	if s.LicenseUnread != nil {
		d.Findings = append(d.Findings, CapacityNotChecked(newcomers, s.LicenseUnread).At("usernames"))
	}
	if f, ok := (Capacity{Purchased: s.Purchased, Assigned: len(s.Seats)}).Exceeded(len(after), newcomers); ok {
		d.Findings = append(d.Findings, f.At("usernames"))
	}
	return d
}
