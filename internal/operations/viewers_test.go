package operations

import (
	"reflect"
	"strings"
	"testing"
)

// Who can view a restricted app: owner, co-owners (users and direct members
// of co-owner groups), administrators, listed users, direct members of listed
// groups; a child group's members inherit nothing.
func TestViewers(t *testing.T) {
	s := snapshot()
	s.GroupMembers["/Data Science/Forecasting"] = []string{"dave", "frank"}
	got := s.Viewers(s.Apps[0], Access{Level: AccessRestricted, Users: []string{"gina"}, Groups: []string{"/Data Science/Forecasting"}},
		Realm{Admins: map[string]bool{"root": true}})
	want := map[string]string{"alice": "owner", "carol": "co-owner", "bob": "co-owner through /Data Science", "dave": "co-owner through /Data Science",
		"root": "administrator", "gina": "listed viewer", "frank": "member of /Data Science/Forecasting"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("viewers\n  %v\nwant\n  %v", got, want)
	}
}

// Narrowing names exactly who loses access and leaves out who is still
// covered another way; widening names nobody.
func TestPlanAccessNamesWhoLosesAccess(t *testing.T) {
	s := snapshot()
	churn := s.Apps[1] // owned by alice, no co-owners
	realm := Realm{Admins: map[string]bool{"root": true}, Users: []string{"alice", "bob", "carol", "dave", "erin", "root"}}
	for _, tc := range []struct {
		name       string
		live, want Access
		lost       []string // in the finding's User, "" when none
	}{
		{"group removed, one member listed by name", Access{Level: AccessRestricted, Groups: []string{"/Data Science"}},
			Access{Level: AccessRestricted, Users: []string{"carol"}}, []string{"bob", "dave"}},
		{"authenticated to restricted: the realm's users not covered", Access{Level: AccessAuthenticated},
			Access{Level: AccessRestricted, Users: []string{"erin"}}, []string{"bob", "carol", "dave"}},
		{"restricted to authenticated: nobody", Access{Level: AccessRestricted, Users: []string{"bob"}}, Access{Level: AccessAuthenticated}, nil},
		{"the same viewers: nobody", Access{Level: AccessRestricted, Users: []string{"bob"}}, Access{Level: AccessRestricted, Users: []string{"bob"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hit *Finding
			fs := PlanAccess(s, churn, tc.live, tc.want, realm)
			for i := range fs {
				if fs[i].Code == CodeAccessLost {
					hit = &fs[i]
				}
			}
			if tc.lost == nil {
				if hit != nil {
					t.Fatalf("nobody loses access, but: %s", hit.Detail)
				}
				return
			}
			if hit == nil || hit.User != strings.Join(tc.lost, ", ") {
				t.Fatalf("want %v named, got %+v", tc.lost, hit)
			}
		})
	}
}

// More than ten users losing access: the first ten are named, then a count.
func TestPlanAccessCountsBeyondTen(t *testing.T) {
	realm := Realm{}
	for i := range 25 {
		realm.Users = append(realm.Users, "user"+string(rune('a'+i)))
	}
	fs := PlanAccess(Snapshot{}, App{Name: "big", Owner: "usera"}, Access{Level: AccessAuthenticated}, Access{Level: AccessRestricted}, realm)
	if len(fs) != 1 || fs[0].Summary != "24 users lose access to big" || !strings.Contains(fs[0].Detail, "… and 14 more") {
		t.Fatalf("%+v", fs)
	}
}

// A setting changed by hand after the plan is refused like a member.
func TestAccessSettingChangedSinceThePlanIsRefused(t *testing.T) {
	seen := AccessSettings(AccessRestricted, false)
	live := AccessSettings(AccessUnauthenticated, false)
	want := AccessSettings(AccessAuthenticated, false)
	c := PlanChange(seen, want, seen, true, live)
	if !c.Refused() {
		t.Fatalf("want a refusal, got %+v", c)
	}
	fs := c.Refusal(ViewerSetWords("churn"), false)
	if !strings.Contains(fs[0].Detail, "viewer_access = unauthenticated was set on churn outside Terraform") {
		t.Fatalf("%s", fs[0].Detail)
	}
	// Live as the plan saw it: the change goes through.
	if c := PlanChange(seen, want, seen, true, seen); c.Refused() || len(c.Add) != 1 || len(c.Remove) != 1 {
		t.Fatalf("%+v", c)
	}
}
