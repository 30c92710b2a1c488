package operations

import (
	"fmt"
	"slices"
	"sort"
)

// Change is what an authoritative resource (a set of seats, the
// co-owners of an app) may do at apply time: exactly what the reviewed plan
// showed, computed from four sets of members:
//
//   - prior:   the members in the prior state (nil on Create);
//   - desired: the members the plan wants;
//   - seen:    the members the plan saw live (the observed_* attribute);
//   - live:    the members live now, read at apply time.
//
// The apply adds desired ∖ live and removes (prior ∖ desired) ∩ live. It
// refuses, before changing anything, when live is no longer what the plan saw
// in a way that matters:
//
//   - Appeared: live, not seen by the plan and not desired: granted or added
//     after the plan; the plan never showed removing it.
//   - Vanished: seen and desired but gone from live: revoked after the plan
//     (an offboarding, a hand edit); granting it back was never shown.
//   - Unshown: live and seen but neither desired nor in the prior state, so the
//     plan did not display its removal (Create over existing members: import
//     instead; a plan made with -refresh=false over a stale state).
//
// A member the plan adds that is already live is adopted, and one the plan
// removes that is already gone is done: both end as the plan showed.
type Change struct {
	Add, Remove                 []string
	Appeared, Vanished, Unshown []string
}

// PlanChange computes the change; seenKnown is false when the plan could not
// read the live members (provider settings unknown at plan time), and then only
// the Unshown check applies, against the prior state.
func PlanChange(prior, desired, seen []string, seenKnown bool, live []string) Change {
	p, d, s, l := setOf(prior), setOf(desired), setOf(seen), setOf(live)
	var c Change
	for m := range d {
		if !l[m] {
			c.Add = append(c.Add, m)
		}
		if seenKnown && s[m] && !l[m] {
			c.Vanished = append(c.Vanished, m)
		}
	}
	for m := range p {
		if !d[m] && l[m] {
			c.Remove = append(c.Remove, m)
		}
	}
	for m := range l {
		if d[m] || p[m] {
			continue
		}
		if seenKnown && !s[m] {
			c.Appeared = append(c.Appeared, m)
		} else {
			c.Unshown = append(c.Unshown, m)
		}
	}
	for _, xs := range []*[]string{&c.Add, &c.Remove, &c.Appeared, &c.Vanished, &c.Unshown} {
		sort.Strings(*xs)
	}
	return c
}

// Refused reports whether live differs from the plan in a way the apply must not guess about.
func (c Change) Refused() bool {
	return len(c.Appeared)+len(c.Vanished)+len(c.Unshown) > 0
}

// Codes of the refusals of an authoritative set's apply.
const (
	CodeChangedSince Code = "set.changed_since_plan"
	CodeNotInPlan    Code = "set.not_in_plan"
	CodeNothingDone  Code = "set.nothing_changed"
)

// SetWords are the words of one authoritative set's refusals: what nothing
// was changed of, how a member that appeared, vanished or is live but unshown
// is described, and the import command for a Create over existing members.
type SetWords struct {
	NothingChanged              string
	Appeared, Vanished, Unshown func(string) string
	ImportCmd                   string
}

// SeatSetWords are the words of dashenterprise_license_seats.
func SeatSetWords() SetWords {
	return SetWords{NothingChanged: "No seat was changed",
		Appeared:  func(u string) string { return fmt.Sprintf("%s was granted a license seat outside Terraform", u) },
		Vanished:  func(u string) string { return fmt.Sprintf("the license seat of %s was revoked outside Terraform", u) },
		Unshown:   func(u string) string { return fmt.Sprintf("%s holds a license seat directly", u) },
		ImportCmd: "terraform import dashenterprise_license_seats.<name> licensed_user"}
}

// CoOwnerSetWords are the words of dashenterprise_app_coowners for app.
func CoOwnerSetWords(app string) SetWords {
	return SetWords{NothingChanged: fmt.Sprintf("No co-owner of %s was changed", app),
		Appeared: func(m string) string {
			return fmt.Sprintf("%s was added as a co-owner of %s outside Terraform", m, app)
		},
		Vanished: func(m string) string {
			return fmt.Sprintf("%s was removed as a co-owner of %s outside Terraform", m, app)
		},
		Unshown:   func(m string) string { return fmt.Sprintf("%s co-owns %s", m, app) },
		ImportCmd: fmt.Sprintf("terraform import dashenterprise_app_coowners.<name> %s", app)}
}

// Refusal is the apply's refusal of a change whose live members moved since
// the plan: one error per member (each summary names it, so Terraform never
// folds them together), then one saying nothing was changed. create is set
// when the resource is being created.
func (c Change) Refusal(w SetWords, create bool) Findings {
	var fs Findings
	for _, m := range c.Appeared {
		fs = append(fs, finding(CodeChangedSince, Error, m, nil, fmt.Sprintf("Changed since the plan: %s", m),
			fmt.Sprintf("changed since the plan: %s after the plan was made, and the plan does not show removing it;", w.Appeared(m)), "run terraform plan again and review the change."))
	}
	for _, m := range c.Vanished {
		fs = append(fs, finding(CodeChangedSince, Error, m, nil, fmt.Sprintf("Changed since the plan: %s", m),
			fmt.Sprintf("changed since the plan: %s after the plan was made (for example by an offboarding), and the plan does not show granting it back;", w.Vanished(m)),
			"run terraform plan again and review the change."))
	}
	for _, m := range c.Unshown {
		if create {
			fs = append(fs, finding(CodeNotInPlan, Error, m, nil, fmt.Sprintf("Not in the plan: %s", m),
				fmt.Sprintf("%s, but this resource is being created and the plan could not show that it would be removed.", w.Unshown(m)),
				fmt.Sprintf("Import the existing state first (%s) and plan again, or add it to the configuration.", w.ImportCmd)))
			continue
		}
		fs = append(fs, finding(CodeNotInPlan, Error, m, nil, fmt.Sprintf("Not in the plan: %s", m),
			fmt.Sprintf("%s, but the state does not list it, so the plan did not show its removal (was the plan made with -refresh=false?).", w.Unshown(m)),
			"Run terraform plan again and review the change."))
	}
	return append(fs, finding(CodeNothingDone, Error, "", nil, w.NothingChanged,
		"The apply refused before changing anything: what is live no longer matches what the reviewed plan saw.", ""))
}

// Merge joins the refusals of two sets of one resource (co-owner users and groups).
func (c Change) Merge(o Change) Change {
	return Change{Appeared: append(slices.Clone(c.Appeared), o.Appeared...),
		Vanished: append(slices.Clone(c.Vanished), o.Vanished...),
		Unshown:  append(slices.Clone(c.Unshown), o.Unshown...)}
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
