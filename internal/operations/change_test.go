package operations

import (
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
