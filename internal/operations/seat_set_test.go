package operations

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// The seat set's whole plan step: what the configuration alone says, what a
// failed read says, and the license it could not read.
func TestPlanSeatSetRead(t *testing.T) {
	down := errors.New("keycloak: connection refused")
	for _, tc := range []struct {
		name    string
		unknown bool // the provider configuration is known only at apply
		in      SeatSet
		snap    func(Snapshot) Snapshot
		readErr error
		want    []Code
		subject string
	}{
		{name: "unknown usernames make the dropped members' revocations unknowable",
			in:   SeatSet{Prior: []string{"alice", "carol"}, Desired: []string{"carol"}, Unknown: 1, AppsKnown: true},
			want: []Code{CodeRevokeUnknowable}, subject: "alice"},
		{name: "a configuration known only at apply leaves revocations unchecked and reads nothing",
			unknown: true, in: SeatSet{Prior: []string{"alice", "carol"}, Desired: []string{"carol"}},
			readErr: down, want: []Code{CodeRevokeNotChecked}, subject: "alice"},
		{name: "a failed read with revocations cannot check them",
			in: SeatSet{Prior: []string{"alice", "carol"}, Desired: []string{"carol"}}, readErr: down,
			want: []Code{CodeRevokeCannotCheck}, subject: "alice"},
		{name: "a failed read without revocations cannot check the seats",
			in: SeatSet{Desired: []string{"carol"}}, readErr: down, want: []Code{CodeSeatNotChecked}},
		{name: "a license that could not be read is a warning naming the newcomers",
			in:   SeatSet{Prior: []string{"alice", "bob", "carol"}, Desired: []string{"alice", "bob", "carol", "dave"}, AppsKnown: true},
			snap: func(s Snapshot) Snapshot { s.LicenseUnread = errors.New("license: 503"); return s },
			want: []Code{CodeSeatCapacityNotChecked}, subject: "dave"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot()
			if tc.snap != nil {
				s = tc.snap(s)
			}
			fs := PlanSeatSetRead(&Run{ConfigUnknown: tc.unknown}, tc.in, s, tc.readErr)
			if !slices.Equal(fs.Codes(), tc.want) {
				t.Fatalf("codes %v, want %v: %+v", fs.Codes(), tc.want, fs)
			}
			if fs[0].User != tc.subject {
				t.Errorf("first finding is about %q, want %q", fs[0].User, tc.subject)
			}
			if tc.readErr != nil && !tc.unknown && !strings.Contains(fs[0].Detail, down.Error()) {
				t.Errorf("the finding does not say why: %q", fs[0].Detail)
			}
		})
	}
}
