package operations

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	t0       = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	helpdesk = Actor{Username: "helpdesk", UserID: "u-1", Realm: "dash", Client: "security-admin-console", IP: "10.0.0.7"}
	rootAdm  = Actor{UserID: "m-9", Realm: "master", Client: "admin-cli", IP: "10.0.0.8"}
	self     = Actor{Username: "admin", UserID: "m-1", Realm: "master", Client: "admin-cli", IP: "127.0.0.1", Terraform: true}
)

func recorded() []RecordedChange {
	return []RecordedChange{
		{Username: "carol", Roles: []string{"licensed_user"}, Added: true, Time: t0.Add(3 * time.Hour), By: helpdesk},
		{Username: "carol", Roles: []string{"licensed_user"}, Added: false, Time: t0.Add(1 * time.Hour), By: rootAdm},
		{Username: "carol", Roles: []string{"licensed_user"}, Added: true, Time: t0, By: self},
		{Username: "dave", Roles: []string{"developer"}, Added: true, Time: t0, By: helpdesk},           // another role: no seat change
		{Username: "erin", Group: "/Licensed Developers/Interns", Added: true, Time: t0, By: helpdesk},  // a sub-group inherits the seat
		{Username: "frank", Group: "/Data Science", Added: true, Time: t0, By: helpdesk},                // grants no seat
		{Username: "grace", Group: "/Licensed Developers Alumni", Added: false, Time: t0, By: helpdesk}, // a prefix of a name is no sub-group
		{Username: "henry", UserDeleted: true, Time: t0.Add(2 * time.Hour), By: helpdesk},               // the seat went with the account
	}
}

// Only changes of the seat role, and of groups that grant it (sub-groups
// included), are seat changes; they come oldest first.
func TestNewSeatHistoryKeepsSeatChanges(t *testing.T) {
	h := NewSeatHistory(t0, recorded(), "licensed_user", []string{"/Licensed Developers"})
	var got []string
	for _, c := range h.Changes {
		got = append(got, c.What())
	}
	want := []string{"a seat granted directly to carol", "erin joined /Licensed Developers/Interns (which grants a seat)",
		"the direct seat of carol revoked", "the account of henry deleted, and with it the seat", "a seat granted directly to carol"}
	if !slices.Equal(got, want) {
		t.Fatalf("changes %q, want %q", got, want)
	}
	if f, _ := h.Attribute(SeatDrift{Username: "henry"}); f.Code != CodeDriftSeatChanged || !strings.Contains(f.Summary, "the account of henry deleted") {
		t.Errorf("a deleted account's seat: %+v", f)
	}
}

// Granted, revoked, granted again: the warning names the change that produced
// what is live now, and says the history lists all three.
func TestAttributeNamesTheChangeThatProducedTheLiveState(t *testing.T) {
	h := NewSeatHistory(t0, recorded(), "licensed_user", nil)
	f, ok := h.Attribute(SeatDrift{Username: "carol", Granted: true})
	if !ok || f.Code != CodeDriftSeatChanged || f.User != "carol" {
		t.Fatalf("finding %+v", f)
	}
	if want := "Changed outside Terraform by helpdesk: a seat granted directly to carol"; f.Summary != want {
		t.Errorf("summary %q, want %q", f.Summary, want)
	}
	for _, part := range []string{"helpdesk (realm dash) in the admin console from 10.0.0.7", "2026-12-01T12:00:00Z", "3 changes", "dashenterprise_seat_history"} {
		if !strings.Contains(f.Detail, part) {
			t.Errorf("detail %q lacks %q", f.Detail, part)
		}
	}
	// The revocation in between is the one named when the seat is what was lost.
	if f, _ := h.Attribute(SeatDrift{Username: "carol"}); !strings.Contains(f.Detail, "user m-9 of realm master through admin-cli from 10.0.0.8") ||
		f.Summary != "Changed outside Terraform by user m-9 of realm master: the direct seat of carol revoked" {
		t.Errorf("revocation: %+v", f)
	}
}

func TestActorNames(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want string
	}{
		{helpdesk, "helpdesk (realm dash) in the admin console from 10.0.0.7"},
		{rootAdm, "user m-9 of realm master through admin-cli from 10.0.0.8"},
		{self, "Terraform (this provider's own login: admin (realm master) through admin-cli from 127.0.0.1)"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.a, got, tc.want)
		}
	}
}

// A refusal of a seat set's apply names who made each change since the plan.
func TestExplainNamesWhoChangedTheSetSinceThePlan(t *testing.T) {
	h := NewSeatHistory(t0, recorded(), "licensed_user", nil)
	c := Change{Vanished: []string{"carol"}, Appeared: []string{"zoe"}}
	fs := h.Explain(c.Refusal(SeatSetWords(), false))
	if !strings.Contains(fs[1].Detail, "Keycloak recorded: a seat granted directly to carol, by helpdesk") {
		t.Errorf("carol's refusal: %q", fs[1].Detail)
	}
	if strings.Contains(fs[0].Detail, "Keycloak recorded") {
		t.Errorf("zoe has no recorded change, yet: %q", fs[0].Detail)
	}
}

func TestDriftsOfARefresh(t *testing.T) {
	if got := SetDrift([]string{"alice", "carol"}, []string{"carol", "zoe"}); !slices.Equal(got, []SeatDrift{{Username: "zoe", Granted: true}, {Username: "alice"}}) {
		t.Errorf("set drift %+v", got)
	}
	if got := SetDrift(nil, []string{"carol"}); got != nil {
		t.Errorf("an import found drift: %+v", got)
	}
	if got := SeatDrifts("carol", true, []string{"group:/A"}, nil); !slices.Equal(got, []SeatDrift{{Username: "carol"}}) {
		t.Errorf("lost seat %+v", got)
	}
	got := SeatDrifts("carol", false, []string{"group:/A", "composite:dash/dev"}, []string{"group:/B", "composite:dash/dev"})
	if !slices.Equal(got, []SeatDrift{{Username: "carol", Granted: true, Group: "/B"}, {Username: "carol", Group: "/A"}}) {
		t.Errorf("group drift %+v", got)
	}
	if got := SeatDrifts("carol", false, nil, []string{"group:/B"}); got != nil {
		t.Errorf("an import found drift: %+v", got)
	}
}
