package provider

import (
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// plannedChange is what an authoritative resource (a set of seats, the
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
type plannedChange struct {
	Add, Remove                 []string
	Appeared, Vanished, Unshown []string
}

// planChange computes the change; seenKnown is false when the plan could not
// read the live members (provider settings unknown at plan time), and then only
// the Unshown check applies, against the prior state.
func planChange(prior, desired, seen []string, seenKnown bool, live []string) plannedChange {
	p, d, s, l := setOf(prior), setOf(desired), setOf(seen), setOf(live)
	var c plannedChange
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
func (c plannedChange) Refused() bool {
	return len(c.Appeared)+len(c.Vanished)+len(c.Unshown) > 0
}

// refuseChangedSince adds one error per member that changed since the plan
// (each summary names it, so Terraform never folds them together), then one
// saying nothing was changed. The three functions describe a member that
// appeared, vanished or is live but unshown; importCmd is the import command
// suggested when a Create would have to take over existing members.
func refuseChangedSince(diags *diag.Diagnostics, nothingChanged string, create bool, c plannedChange,
	appeared, vanished, unshown func(string) string, importCmd string) {
	for _, m := range c.Appeared {
		diags.AddError(fmt.Sprintf("Changed since the plan: %s", m),
			fmt.Sprintf("changed since the plan: %s after the plan was made, and the plan does not show removing it; run terraform plan again and review the change.", appeared(m)))
	}
	for _, m := range c.Vanished {
		diags.AddError(fmt.Sprintf("Changed since the plan: %s", m),
			fmt.Sprintf("changed since the plan: %s after the plan was made (for example by an offboarding), and the plan does not show granting it back; run terraform plan again and review the change.", vanished(m)))
	}
	for _, m := range c.Unshown {
		if create {
			diags.AddError(fmt.Sprintf("Not in the plan: %s", m),
				fmt.Sprintf("%s, but this resource is being created and the plan could not show that it would be removed. Import the existing state first (%s) and plan again, or add it to the configuration.", unshown(m), importCmd))
			continue
		}
		diags.AddError(fmt.Sprintf("Not in the plan: %s", m),
			fmt.Sprintf("%s, but the state does not list it, so the plan did not show its removal (was the plan made with -refresh=false?). Run terraform plan again and review the change.", unshown(m)))
	}
	diags.AddError(nothingChanged, "The apply refused before changing anything: what is live no longer matches what the reviewed plan saw.")
}
