package operations

import (
	"fmt"
	"slices"
)

// Codes of the offboarding rules.
const (
	CodeOffboardNeedsHeir  Code = "offboard.needs_heir"
	CodeOffboardLosesCoOwn Code = "offboard.loses_coownership"
	CodeOffboardKeepsSeat  Code = "offboard.keeps_seat"
)

// Offboarding is what the configuration asks of one dashenterprise_user_offboarding.
type Offboarding struct {
	// User is the leaving user (Attribute "username").
	User Party
	// Heir receives the apps (Attribute "transfer_apps_to"); Username empty when not set.
	Heir Party
	// RevokeSeat, Delete: revoke_seat and user_action = "delete".
	RevokeSeat, Delete bool
}

// OffboardingDecision is what the offboarding will do and what it costs.
type OffboardingDecision struct {
	// Apps are the apps that move to the heir, sorted: those the user owns
	// that no transfer planned earlier in this plan moves away.
	Apps []string
	// RevokesDirect: the user holds a direct seat that the offboarding revokes.
	RevokesDirect bool
	// CoOwned are the apps the user co-owns (directly or through a group).
	CoOwned []string
	// KeptVia are the grants through which a seat stays.
	KeptVia  []string
	Findings Findings
}

// PlanOffboarding is the plan step of an offboarding, the composition of a
// transfer (the same seat and heir findings as PlanTransfer), a revocation
// (recorded in the run's intents like any other) and the account's end. It
// stops at CodeOffboardNeedsHeir, an error, when the user owns apps and no heir is named.
func PlanOffboarding(run *Run, s Snapshot, o Offboarding, realm string) OffboardingDecision {
	u := o.User.Username
	seat := s.Seats[u]
	moved := run.Intents.Moved(u)
	d := OffboardingDecision{KeptVia: nonNil(slices.Clone(seat.Via)), CoOwned: []string{}, Apps: []string{}}
	for _, a := range s.OwnedApps(u) {
		if !slices.Contains(moved, a) {
			d.Apps = append(d.Apps, a)
		}
	}
	for _, h := range s.Holdings(u) {
		if h.Role != "owner" {
			d.CoOwned = append(d.CoOwned, h.App)
		}
	}
	d.RevokesDirect = o.RevokeSeat && seat.Direct
	if !o.User.Exists && !o.Delete {
		d.Findings = append(d.Findings, UnknownUser(o.User, realm, "The apply will fail before changing anything unless the user exists by then."))
	}
	if len(d.Apps) > 0 {
		if o.Heir.Username == "" {
			d.Findings = append(d.Findings, OffboardNeedsHeir(u, d.Apps, ""))
			return d
		}
		if run.Intents.Move(u, o.Heir.Username, d.Apps) {
			d.Findings = append(d.Findings, HeirRevoked(o.Heir.Username, d.Apps, run.Strict).At(o.Heir.Attribute))
		}
		for _, p := range []Party{o.User, o.Heir} {
			if !s.HasSeat(p.Username) && !run.Intents.Granted(p.Username) {
				d.Findings = append(d.Findings, transferNoSeat(p))
			}
		}
	}
	if d.RevokesDirect {
		if incoming := run.Intents.Revoke(u); len(incoming) > 0 {
			d.Findings = append(d.Findings, HeirRevoked(u, incoming, run.Strict).At(o.User.Attribute))
		}
	}
	if o.RevokeSeat && len(d.KeptVia) == 0 && len(d.CoOwned) > 0 {
		d.Findings = append(d.Findings, finding(CodeOffboardLosesCoOwn, Warning, u, d.CoOwned,
			fmt.Sprintf("%s loses co-ownership of %s", u, list(d.CoOwned)),
			fmt.Sprintf("Without a seat %s can no longer manage %s (co-owned directly or through a group). The apply records the list in coowned_apps_lost.", u, list(d.CoOwned)), "").At(o.User.Attribute))
	}
	if len(d.KeptVia) > 0 {
		d.Findings = append(d.Findings, finding(CodeOffboardKeepsSeat, Warning, u, nil,
			fmt.Sprintf("%s keeps a license seat after the offboarding", u),
			fmt.Sprintf("%s holds the seat through %s, which this resource does not change.", u, list(d.KeptVia)),
			fmt.Sprintf("Remove %s from the group or role to free the seat.", u)).At(o.User.Attribute))
	}
	return d
}

// OffboardNeedsHeir is the error about a leaving user who owns apps when no
// heir is named; then is what was (not) done, for the apply.
func OffboardNeedsHeir(username string, apps []string, then string) Finding {
	why := fmt.Sprintf("%s owns %s. Offboarding revokes the seat, which would orphan them: name the user who receives them in transfer_apps_to.", username, list(apps))
	if then != "" {
		why = then
	}
	return finding(CodeOffboardNeedsHeir, Error, username, apps, fmt.Sprintf("%s owns apps: set transfer_apps_to", username), why, "").At("transfer_apps_to")
}
