package operations

import (
	"fmt"
	"reflect"
	"testing"
)

func TestPlanChange(t *testing.T) {
	s := func(xs ...string) []string { return xs }
	cases := []struct {
		name                       string
		prior, desired, seen, live []string
		seenKnown                  bool
		want                       Change
	}{
		{name: "nothing changed since the plan: add carol, remove dave",
			prior: s("alice", "dave"), desired: s("alice", "carol"), seen: s("alice", "dave"), seenKnown: true, live: s("alice", "dave"),
			want: Change{Add: s("carol"), Remove: s("dave")}},
		{name: "dave granted after the plan: refused, never revoked silently",
			prior: s("alice"), desired: s("alice", "carol"), seen: s("alice"), seenKnown: true, live: s("alice", "dave"),
			want: Change{Add: s("carol"), Appeared: s("dave")}},
		{name: "bob revoked after the plan (kept by the plan): refused, never granted back silently",
			prior: s("alice", "bob"), desired: s("alice", "bob", "carol"), seen: s("alice", "bob"), seenKnown: true, live: s("alice"),
			want: Change{Add: s("bob", "carol"), Vanished: s("bob")}},
		{name: "a planned removal already gone, a planned addition already there: adopted",
			prior: s("alice", "dave"), desired: s("alice", "carol"), seen: s("alice", "dave"), seenKnown: true, live: s("alice", "carol"),
			want: Change{}},
		{name: "create over existing members the plan saw: unshown, import instead",
			desired: s("alice"), seen: s("alice", "erin"), seenKnown: true, live: s("alice", "erin"),
			want: Change{Add: nil, Unshown: s("erin")}},
		{name: "plan could not read live: only the unshown check",
			prior: s("alice"), desired: s("alice"), seenKnown: false, live: s("alice", "erin"),
			want: Change{Unshown: s("erin")}},
		{name: "destroy-like: desired empty removes prior ∩ live",
			prior: s("alice", "gone"), desired: nil, seen: s("alice"), seenKnown: true, live: s("alice"),
			want: Change{Remove: s("alice")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := PlanChange(tc.prior, tc.desired, tc.seen, tc.seenKnown, tc.live)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if got.Refused() != (len(tc.want.Appeared)+len(tc.want.Vanished)+len(tc.want.Unshown) > 0) {
				t.Fatalf("Refused() = %v for %+v", got.Refused(), got)
			}
		})
	}
}

// The seat set's plan keeps a digest of what it saw; the apply recovers the
// members seen from the prior state when they match it, and otherwise treats
// the plan as made over an unrefreshed state.
func TestPlanChangeFromDigest(t *testing.T) {
	prior := []string{"alice", "bob"}
	refreshed := Digest([]string{"bob", "alice"}) // order-free
	if refreshed != Digest(prior) || refreshed == Digest([]string{"alice"}) {
		t.Fatalf("digest not order-free or not telling sets apart")
	}
	for _, tc := range []struct {
		name                        string
		digest                      string
		known                       bool
		desired, live               []string
		add, remove                 []string
		appeared, vanished, unshown []string
	}{
		{name: "refreshed, nothing changed since", digest: refreshed, known: true, desired: []string{"alice", "carol"}, live: []string{"alice", "bob"},
			add: []string{"carol"}, remove: []string{"bob"}},
		{name: "refreshed, dave granted and alice revoked since", digest: refreshed, known: true, desired: []string{"alice", "bob"}, live: []string{"bob", "dave"},
			add: []string{"alice"}, appeared: []string{"dave"}, vanished: []string{"alice"}},
		{name: "not refreshed: dave live but never shown", digest: Digest([]string{"alice"}), known: true, desired: []string{"alice", "bob"}, live: []string{"alice", "bob", "dave"},
			unshown: []string{"dave"}},
		{name: "create: only unshown", known: false, desired: []string{"alice"}, live: []string{"alice", "dave"}, unshown: []string{"dave"}},
	} {
		p := prior
		if !tc.known {
			p = nil
		}
		c := PlanChangeFromDigest(p, tc.desired, tc.digest, tc.known, tc.live)
		want := Change{Add: tc.add, Remove: tc.remove, Appeared: tc.appeared, Vanished: tc.vanished, Unshown: tc.unshown}
		if fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, c, want)
		}
	}
}
