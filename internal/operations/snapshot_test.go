package operations

import (
	"reflect"
	"strings"
	"testing"
)

func snapshot() Snapshot {
	return Snapshot{
		Seats: map[string]Seat{
			"alice": {Direct: true},
			"bob":   {Direct: true, Via: []string{"group:/Data Science"}},
			"carol": {Direct: true},
			"erin":  {Via: []string{"composite:dash/developer"}},
		},
		Apps: []App{
			{Name: "forecast", Owner: "alice", CoOwnerUsers: []string{"carol"}, CoOwnerGroups: []string{"/Data Science"}},
			{Name: "churn", Owner: "alice"},
			{Name: "vision", Owner: "bob", CoOwnerUsers: []string{"alice"}},
			{Name: "legacy", Owner: "zoe"},
		},
		UserGroups:    map[string][]string{"carol": {"/Data Science"}, "dave": {"/Data Science/Forecasting"}},
		GroupChildren: map[string][]string{"/Data Science": {"/Data Science/Forecasting", "/Data Science/Vision"}, "/Data Science/Forecasting": {"/Data Science/Forecasting/Weekly"}},
		GroupMembers:  map[string][]string{"/Data Science": {"bob", "carol", "dave"}},
	}
}

func TestRevokeDirectSeat(t *testing.T) {
	s := snapshot()
	for _, tc := range []struct {
		user         string
		losesSeat    bool
		orphans      bool
		holdings     []string
		wantInDetail []string
	}{
		{"alice", true, true, []string{"churn (owner)", "forecast (owner)", "vision (co-owner)"}, []string{"churn, forecast", "Transfer them first", "orphan_protection"}},
		{"bob", false, false, nil, []string{"keeps a seat through group:/Data Science"}},
		{"carol", true, false, []string{"forecast (co-owner)"}, []string{"Remove carol as co-owner"}},
		{"dave", true, false, nil, nil}, // group child does not inherit: nothing held
	} {
		t.Run(tc.user, func(t *testing.T) {
			r := s.RevokeDirectSeat(tc.user)
			if r.LosesSeat() != tc.losesSeat || r.Orphans() != tc.orphans {
				t.Fatalf("losesSeat=%v orphans=%v", r.LosesSeat(), r.Orphans())
			}
			var got []string
			for _, h := range r.Holdings {
				got = append(got, h.String())
			}
			if !reflect.DeepEqual(got, tc.holdings) {
				t.Fatalf("holdings %v, want %v", got, tc.holdings)
			}
			summary, detail, ok := revocationWords(s, tc.user, false)
			if ok != (len(tc.wantInDetail) > 0) {
				t.Fatalf("warning ok=%v: %s / %s", ok, summary, detail)
			}
			for _, w := range tc.wantInDetail {
				if !strings.Contains(summary+detail, w) {
					t.Errorf("warning lacks %q:\n%s\n%s", w, summary, detail)
				}
			}
		})
	}
}

func TestRevocationOfAnOwnerInStrictModeFailsThePlan(t *testing.T) {
	summary, detail, _ := revocationWords(snapshot(), "alice", true)
	if summary != "Revoking the seat of alice would orphan churn, forecast" || !strings.Contains(detail, `orphan_protection is "error"`) || strings.Contains(detail, "Set orphan_protection") {
		t.Fatalf("strict: %s / %s", summary, detail)
	}
}

func TestGroupCoOwnershipCountsForDirectMembersOnly(t *testing.T) {
	s := snapshot()
	s.Seats["carol"] = Seat{Direct: true}
	s.Apps[0].CoOwnerUsers = nil
	got := s.RevokeDirectSeat("carol").Holdings
	if len(got) != 1 || got[0].Role != "co-owner through group /Data Science" {
		t.Fatalf("holdings %v", got)
	}
}

func TestCapacity(t *testing.T) {
	for _, tc := range []struct {
		c     Capacity
		after int
		want  bool
	}{
		{Capacity{Purchased: 10, Assigned: 9}, 10, false},
		{Capacity{Purchased: 10, Assigned: 10}, 11, true},
		{Capacity{Purchased: 10, Assigned: 12}, 13, true},
		{Capacity{Purchased: 0, Assigned: 12}, 13, false}, // unknown purchase count: no claim
	} {
		if _, got := tc.c.Exceeded(tc.after, []string{"x"}); got != tc.want {
			t.Errorf("%+v with %d after: %v", tc.c, tc.after, got)
		}
	}
	f, _ := Capacity{Purchased: 10, Assigned: 10}.Exceeded(12, []string{"x", "y"})
	if f.Code != CodeSeatCapacity || f.Summary != "License seats exceeded: 12 planned, 10 purchased" ||
		!strings.Contains(f.Detail, "12 users would hold a seat (new: x, y), but the license has 10; 10 are assigned now") {
		t.Errorf("%+v", f)
	}
}

func TestChildGroupsWithoutCoOwnership(t *testing.T) {
	s := snapshot()
	app := s.Apps[0]
	got := s.ChildGroupsWithoutCoOwnership(app, "/Data Science")
	want := []string{"/Data Science/Forecasting", "/Data Science/Forecasting/Weekly", "/Data Science/Vision"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	app.CoOwnerGroups = append(app.CoOwnerGroups, "/Data Science/Vision")
	if got := s.ChildGroupsWithoutCoOwnership(app, "/Data Science"); len(got) != 2 {
		t.Fatalf("a child that is co-owner itself is listed: %v", got)
	}
	if got := s.ChildGroupsWithoutCoOwnership(app, "/Data Science/Vision"); len(got) != 0 {
		t.Fatalf("leaf group: %v", got)
	}
}

func TestMembersWithoutSeats(t *testing.T) {
	if got := snapshot().MembersWithoutSeats("/Data Science"); !reflect.DeepEqual(got, []string{"dave"}) {
		t.Fatalf("got %v", got)
	}
}

func TestPlanTransfer(t *testing.T) {
	s := snapshot()
	party := func(u string) Party { return Party{Username: u, Exists: true} }
	tr := PlanTransfer(&Run{}, s, party("alice"), party("bob"), "dash")
	if !reflect.DeepEqual(tr.Apps, []string{"churn", "forecast"}) || !reflect.DeepEqual(tr.ToAlreadyOwns, []string{"vision"}) || !tr.FromHasSeat || !tr.ToHasSeat {
		t.Fatalf("%+v", tr)
	}
	tr = PlanTransfer(&Run{}, s, party("zoe"), party("dave"), "dash")
	if tr.FromHasSeat || tr.ToHasSeat || !reflect.DeepEqual(tr.Apps, []string{"legacy"}) {
		t.Fatalf("%+v", tr)
	}
}

func TestOrphanedApps(t *testing.T) {
	got := snapshot().OrphanedApps()
	if len(got) != 1 || got[0].Name != "legacy" {
		t.Fatalf("%v", got)
	}
}

func TestStrictRevocationLeavesOnlyAppsNotMovedAway(t *testing.T) {
	s := snapshot()
	rev := s.RevokeDirectSeat("alice")
	if !rev.Orphans() {
		t.Fatalf("alice owns apps: %+v", rev)
	}
	if got := rev.StillOwned(nil); !reflect.DeepEqual(got, []string{"churn", "forecast"}) {
		t.Fatalf("nothing moved away: %v", got)
	}
	if got := rev.StillOwned([]string{"forecast"}); !reflect.DeepEqual(got, []string{"churn"}) {
		t.Fatalf("forecast moved away: %v", got)
	}
	if got := rev.StillOwned([]string{"churn", "forecast", "other"}); len(got) != 0 {
		t.Fatalf("everything moved away: %v", got)
	}
	f := strictOrphans("alice", []string{"churn"})
	if f.Code != CodeRevokeOrphans || f.Severity != Error || !strings.Contains(f.Summary, "alice") || !strings.Contains(f.Summary, "churn") || !strings.Contains(f.Detail, "depends_on") {
		t.Fatalf("%+v", f)
	}
}

func TestHoldingsThroughAGroupOnly(t *testing.T) {
	s := snapshot()
	s.UserGroups["gina"] = []string{"/Data Science"}
	got := s.Holdings("gina")
	if len(got) != 1 || got[0].String() != "forecast (co-owner through group /Data Science)" {
		t.Fatalf("gina co-owns forecast through /Data Science only: %v", got)
	}
}

func TestOrphanedAppsAreSortedByName(t *testing.T) {
	s := snapshot()
	s.Apps = append(s.Apps, App{Name: "archive", Owner: "yves"}, App{Name: "zeta", Owner: "yves"})
	var names []string
	for _, a := range s.OrphanedApps() {
		names = append(names, a.Name)
	}
	if !reflect.DeepEqual(names, []string{"archive", "legacy", "zeta"}) {
		t.Fatalf("orphaned apps %v, want archive, legacy, zeta", names)
	}
}

// revocationWords returns the one finding PlanRevocations gives for username
// when nothing else is planned (strict: orphan_protection = "error", under
// which the orphaning revocation of an owner is an error).
func revocationWords(s Snapshot, username string, strict bool) (summary, detail string, ok bool) {
	fs := PlanRevocations(&Run{Strict: strict}, s, []string{username}, true)
	if len(fs) == 0 {
		return "", "", false
	}
	return fs[0].Summary, fs[0].Detail, true
}
