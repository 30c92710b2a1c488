package governance

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
			summary, detail, ok := r.Warning(false)
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

func TestRevocationWarningInStrictMode(t *testing.T) {
	_, detail, _ := snapshot().RevokeDirectSeat("alice").Warning(true)
	if !strings.Contains(detail, `orphan_protection is "error": the apply will refuse`) || strings.Contains(detail, "Set orphan_protection") {
		t.Fatalf("strict detail: %s", detail)
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
		c      Capacity
		adding int
		want   bool
	}{
		{Capacity{Purchased: 10, Assigned: 9}, 1, false},
		{Capacity{Purchased: 10, Assigned: 10}, 1, true},
		{Capacity{Purchased: 10, Assigned: 12}, 1, true},
		{Capacity{Purchased: 0, Assigned: 12}, 1, false}, // unknown purchase count: no claim
	} {
		if got := tc.c.OverAllocated(tc.adding); got != tc.want {
			t.Errorf("%+v adding %d: %v", tc.c, tc.adding, got)
		}
	}
	_, detail := Capacity{Purchased: 10, Assigned: 10}.Warning(2, []string{"x", "y"})
	if !strings.Contains(detail, "10 seats and 10 are assigned") || !strings.Contains(detail, "x, y") || !strings.Contains(detail, "makes 12") {
		t.Errorf("detail %q", detail)
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
	tr := s.PlanTransfer("alice", "bob")
	if !reflect.DeepEqual(tr.Apps, []string{"churn", "forecast"}) || !reflect.DeepEqual(tr.ToAlreadyOwns, []string{"vision"}) || !tr.FromHasSeat || !tr.ToHasSeat {
		t.Fatalf("%+v", tr)
	}
	tr = s.PlanTransfer("zoe", "dave")
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
	summary, detail := rev.StrictPlanError([]string{"churn"})
	if !strings.Contains(summary, "alice") || !strings.Contains(summary, "churn") || !strings.Contains(detail, "depends_on") {
		t.Fatalf("%q / %q", summary, detail)
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
