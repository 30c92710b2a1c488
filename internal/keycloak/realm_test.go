package keycloak

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// A realm with every way of holding dash/licensed_user, written out by hand:
// the expected grants below are read off this structure, not computed.
func inheritFixture() *Realm {
	u := func(name string) User { return User{ID: "id-" + name, Username: name} }
	return &Realm{
		Target: "dash/licensed_user",
		Composites: map[string][]string{
			"dash/admin":      {"dash/licensed_user", "dash/viewer"},
			"realm:power":     {"dash/admin"},   // nested: power -> admin -> licensed_user
			"realm:unrelated": {"dash/viewer"},  // does not grant the seat
			"other/bundle":    {"realm:power"},  // another client's role, three levels up
			"realm:loop-a":    {"realm:loop-b"}, // a cycle that never reaches the target
			"realm:loop-b":    {"realm:loop-a"},
			"realm:loop-c":    {"realm:loop-c", "dash/licensed_user"}, // a self-cycle that does
		},
		Groups: []RealmGroup{
			{ID: "g-eng", Path: "/Eng", Roles: []string{"dash/licensed_user"}, Children: []RealmGroup{
				{ID: "g-eng-data", Path: "/Eng/Data", Children: []RealmGroup{
					{ID: "g-eng-data-ml", Path: "/Eng/Data/ML"},
				}},
			}},
			{ID: "g-ops", Path: "/Ops", Roles: []string{"realm:unrelated"}, Children: []RealmGroup{
				{ID: "g-ops-admins", Path: "/Ops/Admins", Roles: []string{"realm:power"}},
			}},
			{ID: "g-sales", Path: "/Sales", Children: []RealmGroup{
				{ID: "g-sales-leads", Path: "/Sales/Leads", Roles: []string{"dash/licensed_user", "other/bundle"}},
			}},
		},
		RoleUsers: map[string][]User{
			"dash/licensed_user": {u("alice"), u("dora")},
			"dash/admin":         {u("bob")},
			"other/bundle":       {u("carol")},
			"realm:loop-c":       {u("erin")},
		},
		Members: map[string][]User{
			"g-eng":         {u("dora")},
			"g-eng-data-ml": {u("frank")},
			"g-ops":         {u("gina")},
			"g-ops-admins":  {u("hank")},
			"g-sales-leads": {u("ivan")},
			"g-sales":       {u("judy")},
		},
	}
}

func TestInheritNamesEveryWayOfHoldingTheRole(t *testing.T) {
	h := Inherit(inheritFixture())

	var direct []string
	for _, u := range h.Direct {
		direct = append(direct, u.Username)
	}
	sort.Strings(direct)
	if want := []string{"alice", "dora"}; !reflect.DeepEqual(direct, want) {
		t.Errorf("direct holders %v, want %v", direct, want)
	}
	want := map[string][]string{
		"bob":   {"composite:dash/admin"},
		"carol": {"composite:other/bundle"},
		"dora":  {"group:/Eng"},
		"erin":  {"composite:loop-c"},
		"frank": {"group:/Eng"}, // two levels below the group holding it
		"hank":  {"composite:power"},
		"ivan":  {"composite:other/bundle", "group:/Sales/Leads"},
	}
	if got := h.Indirect(); !reflect.DeepEqual(got, want) {
		t.Errorf("indirect grants\n got %v\nwant %v", got, want)
	}
	if want := []string{"/Eng", "/Sales/Leads"}; !reflect.DeepEqual(h.Groups, want) {
		t.Errorf("groups holding the role %v, want %v", h.Groups, want)
	}
	for _, name := range []string{"gina", "judy"} {
		if h.EffectiveByUsername(name) {
			t.Errorf("%s holds the role, but only through a role that does not contain it (gina) or a parent group without it (judy)", name)
		}
	}
	if n := h.EffectiveCount(); n != 8 {
		t.Errorf("effective holders %d, want 8 (alice, bob, carol, dora, erin, frank, hank, ivan)", n)
	}
}

// Relevant and Inheriting say which listings the client must read: the users
// of every role granting the target, the members of every group inheriting it.
func TestInheritingAndRelevantNameTheListingsToRead(t *testing.T) {
	r := inheritFixture()
	var rel []string
	for k := range r.Relevant() {
		rel = append(rel, k)
	}
	sort.Strings(rel)
	if want := []string{"dash/admin", "dash/licensed_user", "other/bundle", "realm:loop-c", "realm:power"}; !reflect.DeepEqual(rel, want) {
		t.Errorf("relevant roles %v, want %v", rel, want)
	}
	if want := []string{"g-eng", "g-eng-data", "g-eng-data-ml", "g-ops-admins", "g-sales-leads"}; !reflect.DeepEqual(r.Inheriting(), want) {
		t.Errorf("inheriting groups %v, want %v", r.Inheriting(), want)
	}
}

// A user reached through several paths gets each grant once, sorted.
func TestInheritDeduplicatesGrants(t *testing.T) {
	u := User{ID: "id-x", Username: "x"}
	r := &Realm{
		Target:     "dash/licensed_user",
		Composites: map[string][]string{"dash/admin": {"dash/licensed_user"}},
		Groups: []RealmGroup{{ID: "a", Path: "/A", Roles: []string{"dash/admin"}, Children: []RealmGroup{
			{ID: "b", Path: "/A/B", Roles: []string{"dash/admin"}},
		}}},
		RoleUsers: map[string][]User{"dash/admin": {u}},
		Members:   map[string][]User{"a": {u}, "b": {u}},
	}
	if got, want := Inherit(r).Indirect()["x"], []string{"composite:dash/admin"}; !reflect.DeepEqual(got, want) {
		t.Errorf("grants %v, want %v", got, want)
	}
}

// The export's JSON becomes the Realm that Inherit reads: roles of groups of
// both kinds, sub-group paths, composites of realm and client roles, and the
// clients' UUIDs.
func TestExportBecomesRealm(t *testing.T) {
	var ex realmExport
	err := json.Unmarshal([]byte(`{
	  "groups": [{"id": "g1", "name": "Ops", "path": "/Ops", "realmRoles": ["power"],
	    "clientRoles": {"dash": ["viewer"]},
	    "subGroups": [{"id": "g2", "name": "Admins", "clientRoles": {"dash": ["licensed_user"]}}]}],
	  "roles": {
	    "realm": [{"name": "power", "composite": true, "composites": {"client": {"dash": ["admin"]}}}],
	    "client": {"dash": [{"name": "admin", "composite": true, "composites": {"realm": ["x"], "client": {"dash": ["licensed_user"]}}},
	                        {"name": "licensed_user", "composite": false}]}
	  },
	  "clients": [{"id": "0b5e-dash", "clientId": "dash"}, {"id": "77aa-cli", "clientId": "admin-cli"}]}`), &ex)
	if err != nil {
		t.Fatal(err)
	}
	got := ex.realm("dash/licensed_user")
	want := &Realm{
		Target:     "dash/licensed_user",
		Composites: map[string][]string{"realm:power": {"dash/admin"}, "dash/admin": {"realm:x", "dash/licensed_user"}},
		Groups: []RealmGroup{{ID: "g1", Path: "/Ops", Roles: []string{"dash/viewer", "realm:power"}, Children: []RealmGroup{
			{ID: "g2", Path: "/Ops/Admins", Roles: []string{"dash/licensed_user"}},
		}}},
		Clients: map[string]string{"dash": "0b5e-dash", "admin-cli": "77aa-cli"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("realm from export\n got %+v\nwant %+v", got, want)
	}
}

// Without the export (an account without manage-realm), the realm's structure
// is read round by round, each round asking what the last one made known, and
// a group created after the tree was read still counts.
func TestHoldersReadScansTheRealmInRounds(t *testing.T) {
	s := newScript(t)
	s.answers["roles"] = `[{"id": "r-power", "name": "power", "composite": true}, {"id": "r-x", "name": "x"}]`
	s.answers["clients"] = `[{"id": "c-dash", "clientId": "dash"}, {"id": "c-cli", "clientId": "admin-cli"}]`
	s.answers["clients/c-dash/roles"] = `[{"id": "d-lic", "name": "licensed_user"}, {"id": "d-admin", "name": "admin", "composite": true}]`
	s.answers["clients/c-cli/roles"] = `[]`
	s.answers["roles-by-id/r-power/composites"] = `[{"id": "d-admin", "name": "admin"}]`
	s.answers["roles-by-id/d-admin/composites"] = `[{"id": "d-lic", "name": "licensed_user"}, {"id": "r-x", "name": "x"}]`
	s.answers["groups"] = `[{"id": "g1", "name": "Ops", "path": "/Ops", "subGroupCount": 1, "subGroups": []}]`
	s.answers["groups/g1/children"] = `[{"id": "g2", "name": "Admins", "path": "/Ops/Admins", "subGroupCount": 0}]`
	s.answers["clients/c-dash/roles/admin/groups"] = `[]`
	s.answers["clients/c-dash/roles/licensed_user/groups"] = `[{"id": "g2", "path": "/Ops/Admins"}]`
	s.answers["roles/power/groups"] = `[{"id": "g9", "path": "/New"}]`
	s.answers["clients/c-dash/roles/admin/users"] = `[{"id": "u-alice", "username": "alice"}]`
	s.answers["clients/c-dash/roles/licensed_user/users"] = `[{"id": "u-bob", "username": "bob"}]`
	s.answers["roles/power/users"] = `[]`
	s.answers["groups/g2/members"] = `[{"id": "u-carol", "username": "carol"}]`
	s.answers["groups/g9/members"] = `[{"id": "u-dave", "username": "dave"}]`

	realm, err := s.runHolders("dash/licensed_user", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.wantRounds(
		"roles clients",
		"clients/c-dash/roles clients/c-cli/roles",
		"roles-by-id/r-power/composites roles-by-id/d-admin/composites",
		"groups",
		"groups/g1/children",
		"clients/c-dash/roles/admin/groups clients/c-dash/roles/licensed_user/groups roles/power/groups",
		"clients/c-dash/roles/admin/users clients/c-dash/roles/licensed_user/users roles/power/users groups/g2/members groups/g9/members",
	)
	h := Inherit(realm)
	for user, want := range map[string]string{"alice": "composite:dash/admin", "carol": "group:/Ops/Admins", "dave": "composite:power"} {
		if got := strings.Join(h.Indirect()[user], ","); got != want {
			t.Errorf("%s holds the seat through %q, want %q", user, got, want)
		}
	}
	if _, ok := h.DirectByUsername("bob"); !ok {
		t.Error("bob's direct mapping was lost")
	}
	if got := h.EffectiveCount(); got != 4 {
		t.Errorf("%d holders, want 4", got)
	}
}

// With the export, one round asks for every relevant role's users and every
// inheriting group's members, and nothing else.
func TestHoldersReadWithTheExportTakesOneRound(t *testing.T) {
	var ex realmExport
	if err := json.Unmarshal([]byte(`{
	  "groups": [{"id": "g1", "name": "Ops", "path": "/Ops", "realmRoles": ["power"],
	    "subGroups": [{"id": "g2", "name": "Admins"}]}, {"id": "g3", "name": "Sales", "path": "/Sales"}],
	  "roles": {"realm": [{"name": "power", "composite": true, "composites": {"client": {"dash": ["licensed_user"]}}}],
	            "client": {"dash": [{"name": "licensed_user"}]}},
	  "clients": [{"id": "c-dash", "clientId": "dash"}]}`), &ex); err != nil {
		t.Fatal(err)
	}
	s := newScript(t)
	s.answers["clients/c-dash/roles/licensed_user/users"] = `[{"id": "u-bob", "username": "bob"}]`
	s.answers["roles/power/users"] = `[]`
	s.answers["groups/g1/members"] = `[]`
	s.answers["groups/g2/members"] = `[{"id": "u-carol", "username": "carol"}]`
	realm, err := s.runHolders("dash/licensed_user", &ex)
	if err != nil {
		t.Fatal(err)
	}
	s.wantRounds("clients/c-dash/roles/licensed_user/users roles/power/users groups/g1/members groups/g2/members")
	if got := strings.Join(Inherit(realm).Indirect()["carol"], ","); got != "composite:power" {
		t.Errorf("carol holds the seat through %q, want composite:power", got)
	}
}

// What the read cannot do is said in words a person can act on: a target
// role the roles client lacks, and a roles client the realm lacks.
func TestHoldersReadNamesWhatIsMissing(t *testing.T) {
	var ex realmExport
	_ = json.Unmarshal([]byte(`{"clients": [{"id": "c-dash", "clientId": "dash"}]}`), &ex)
	s := newScript(t)
	s.codes["clients/c-dash/roles/licensed_user/users"] = 404
	_, err := s.runHolders("dash/licensed_user", &ex)
	if err == nil || !strings.Contains(err.Error(), `client "dash" in realm "dash" has no role "licensed_user"`) || !IsNotFound(err) {
		t.Errorf("a missing target role: %v", err)
	}
	s = newScript(t)
	_, err = s.runHolders("dash/licensed_user", &realmExport{})
	if err == nil || !strings.Contains(err.Error(), `realm "dash" has no client "dash"`) || !IsNotFound(err) {
		t.Errorf("a missing roles client: %v", err)
	}
	if len(s.rounds) != 0 {
		t.Errorf("asked %v before knowing the roles client is missing", s.rounds)
	}
	s = newScript(t)
	s.answers["roles"] = `[]`
	s.codes["clients"] = 403
	_, err = s.runHolders("dash/licensed_user", nil)
	if err == nil || !strings.Contains(err.Error(), "listing clients") || !strings.Contains(err.Error(), "lacks permission") {
		t.Errorf("a forbidden client listing: %v", err)
	}
}

// A round with nothing to ask (no composite roles) is passed through, not
// taken for the end of the read.
func TestHoldersReadPassesAnEmptyRound(t *testing.T) {
	s := newScript(t)
	s.answers["roles"] = `[{"id": "r-x", "name": "x"}]`
	s.answers["clients"] = `[{"id": "c-dash", "clientId": "dash"}]`
	s.answers["clients/c-dash/roles"] = `[{"id": "d-lic", "name": "licensed_user"}]`
	s.answers["groups"] = `[]`
	s.answers["clients/c-dash/roles/licensed_user/groups"] = `[]`
	s.answers["clients/c-dash/roles/licensed_user/users"] = `[{"id": "u-bob", "username": "bob"}]`
	realm, err := s.runHolders("dash/licensed_user", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.wantRounds("roles clients", "clients/c-dash/roles", "", "groups", "clients/c-dash/roles/licensed_user/groups", "clients/c-dash/roles/licensed_user/users")
	if _, ok := Inherit(realm).DirectByUsername("bob"); !ok {
		t.Error("bob's seat was not read")
	}
}
