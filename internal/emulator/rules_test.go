package emulator

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// fakeDirectory is an in-memory Keycloak for rule tests; the acceptance tests
// run the same rules against the real one.
type fakeDirectory struct {
	users  map[string][]string // username -> groups (Parent/child)
	seats  map[string]bool
	admins map[string]bool
}

type fakeSeats struct{ d *fakeDirectory }

func (f fakeSeats) Licensed(u string) bool { return f.d.seats[u] }
func (f fakeSeats) Admin(u string) bool    { return f.d.admins[u] }
func (f fakeSeats) Assigned() int          { return len(f.d.seats) }

func (d *fakeDirectory) Seats(context.Context) (Seats, error) { return fakeSeats{d}, nil }
func (d *fakeDirectory) UserExists(_ context.Context, u string) (bool, error) {
	_, ok := d.users[u]
	return ok, nil
}
func (d *fakeDirectory) UserGroups(_ context.Context, u string) ([]string, error) {
	return d.users[u], nil
}

func newTestServer(t *testing.T) (*Server, *fakeDirectory) {
	t.Helper()
	dir := &fakeDirectory{
		users:  map[string][]string{"alice": {"Data Science/Forecasting"}, "bob": {"Data Science"}, "carol": nil, "dave": nil, "admin": nil},
		seats:  map[string]bool{"alice": true, "bob": true, "carol": true, "admin": true},
		admins: map[string]bool{"admin": true},
	}
	s, err := New(Config{KeycloakURL: "http://127.0.0.1:1", Directory: dir, Initial: &State{
		KnownUsers:  []string{"alice", "bob", "carol", "dave"},
		KnownGroups: []string{"Data Science", "Data Science/Forecasting"},
		Apps: []*App{
			{Name: "forecast", Owner: "alice", CoOwners: []string{"carol"}, HasWorkspace: true,
				Services: []Service{{Name: "forecast-redis", Type: "REDIS"}, {Name: "forecast-db", Type: "POSTGRES"}},
				Settings: Settings{ViewerAccess: "AUTHENTICATED", Viewers: []string{"dave"}, PortalVisible: true, EnvVarNames: []string{"API_KEY"}, ContactName: "Alice", ContactEmail: "alice@example.com"}},
			{Name: "churn", Owner: "alice"},
			{Name: "vision", Owner: "bob"},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

type gqlResult struct {
	Data   map[string]json.RawMessage
	Errors []gqlErr
}

type gqlErr struct {
	Message    string
	Extensions map[string]any
}

func (e gqlErr) String() string { return e.Message }

func exec(t *testing.T, s *Server, caller Principal, query string, vars map[string]any) gqlResult {
	t.Helper()
	ctx := context.WithValue(context.Background(), principalKey, &caller)
	ctx = context.WithValue(ctx, requestKey, &requestState{})
	// Variables arrive as decoded JSON over HTTP.
	raw, _ := json.Marshal(vars)
	var decoded map[string]any
	_ = json.Unmarshal(raw, &decoded)
	resp := s.schema.Exec(ctx, query, "", decoded)
	b, _ := json.Marshal(resp)
	var out gqlResult
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func code(r gqlResult) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

var admin = Principal{Username: "admin", Roles: []string{"admin", "licensed_user"}}

func TestTransferNeedsBothSeats(t *testing.T) {
	for _, tc := range []struct {
		name, src, dst, wantCode string
	}{
		{"source without seat", "dave", "alice", platform.CodeNotLicensed},
		{"target without seat", "alice", "dave", platform.CodeNotLicensed},
		{"unknown target", "alice", "zoe", platform.CodeUserNotFound},
		{"to themselves", "alice", "alice", platform.CodeBadRequest},
		{"both seats", "alice", "bob", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t)
			r := exec(t, s, admin, platform.Operations["moveAppsAndServices"], map[string]any{"source": tc.src, "target": tc.dst})
			if got := code(r); got != tc.wantCode {
				t.Fatalf("code = %q, want %q (%v)", got, tc.wantCode, r.Errors)
			}
			if tc.wantCode != "" && s.State().Apps[0].Owner != "alice" && s.State().Apps[1].Owner != "alice" {
				t.Fatalf("a refused transfer moved apps: %+v", s.State().Apps)
			}
		})
	}
}

func TestTransferMovesEveryAppWithServicesAndSettings(t *testing.T) {
	s, _ := newTestServer(t)
	before := *s.State().Apps[1] // forecast (sorted: churn, forecast, vision)
	r := exec(t, s, admin, platform.Operations["moveAppsAndServices"], map[string]any{"source": "alice", "target": "carol"})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var res struct{ OK bool }
	_ = json.Unmarshal(r.Data["moveAppsAndServices"], &res)
	if !res.OK || s.State().Apps[0].Owner != "carol" {
		t.Fatalf("want ok and churn moved to carol: %+v, churn owned by %s", res, s.State().Apps[0].Owner)
	}
	after := *s.State().Apps[1]
	if after.Owner != "carol" {
		t.Fatalf("forecast owner = %s", after.Owner)
	}
	// The new owner was a co-owner: an owner is not also a co-owner.
	if len(after.CoOwners) != 0 {
		t.Fatalf("carol kept as co-owner: %v", after.CoOwners)
	}
	before.Owner, before.CoOwners = after.Owner, after.CoOwners
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Fatalf("transfer changed services or settings:\nbefore %s\nafter  %s", b1, b2)
	}
	if s.State().Apps[2].Owner != "bob" {
		t.Fatal("transfer moved an app of another owner")
	}
}

func TestCoOwnerRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		users    []string
		groups   []string
		wantCode string
	}{
		{"licensed known user", []string{"carol"}, nil, ""},
		{"user without seat", []string{"dave"}, nil, platform.CodeNotLicensed},
		{"user never logged in", []string{"zoe"}, nil, platform.CodeUserNotKnown},
		{"owner as co-owner", []string{"bob"}, nil, platform.CodeOwnerAsCoOwner},
		{"known child group by full path", nil, []string{"Data Science/Forecasting"}, ""},
		{"leading slash accepted", nil, []string{"/Data Science"}, ""},
		{"child by bare name", nil, []string{"Forecasting"}, platform.CodeGroupNotKnown},
		{"unknown group", nil, []string{"Data Science/Vision"}, platform.CodeGroupNotKnown},
		{"one bad entry changes nothing", []string{"carol", "dave"}, nil, platform.CodeNotLicensed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t)
			r := exec(t, s, admin, platform.Operations["addCoOwners"], map[string]any{"app": "vision", "users": tc.users, "groups": tc.groups})
			if got := code(r); got != tc.wantCode {
				t.Fatalf("code = %q, want %q (%v)", got, tc.wantCode, r.Errors)
			}
			vision := s.State().Apps[2]
			if tc.wantCode != "" && (len(vision.CoOwners) != 0 || len(vision.CoOwnerGroups) != 0) {
				t.Fatalf("a refused call changed co-owners: %+v", vision)
			}
		})
	}
}

func TestParentGroupGrantsNoChild(t *testing.T) {
	s, _ := newTestServer(t)
	r := exec(t, s, admin, platform.Operations["addCoOwners"], map[string]any{"app": "vision", "groups": []string{"Data Science"}})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var res struct {
		App struct{ CoOwners struct{ Groups []string } }
	}
	_ = json.Unmarshal(r.Data["addCoOwners"], &res)
	if g := res.App.CoOwners.Groups; len(g) != 1 || g[0] != "Data Science" {
		t.Fatalf("co-owner groups = %+v, want only Data Science", g)
	}
}

func TestSeatLossOrphansAndDeactivates(t *testing.T) {
	s, dir := newTestServer(t)
	delete(dir.seats, "alice")
	delete(dir.seats, "carol")
	app := appNamed(t, s, "forecast")
	if !app.Orphaned || app.Owner != "alice" {
		t.Fatalf("want forecast orphaned with alice on record, got %+v", app)
	}
	if len(app.CoOwners) != 1 || app.CoOwners[0].Active {
		t.Fatalf("carol's co-ownership should be on record and inactive: %+v", app.CoOwners)
	}
	// A transfer from a seat-less owner is refused until the seat returns.
	if c := code(exec(t, s, admin, platform.Operations["moveAppsAndServices"], map[string]any{"source": "alice", "target": "bob"})); c != platform.CodeNotLicensed {
		t.Fatalf("transfer from a seat-less owner: code %q", c)
	}
	dir.seats["alice"], dir.seats["carol"] = true, true
	app = appNamed(t, s, "forecast")
	if app.Orphaned || !app.CoOwners[0].Active {
		t.Fatalf("seat returned: want active again, got %+v", app)
	}
}

// appNamed reads one app through the apps query's name argument.
func appNamed(t *testing.T, s *Server, name string) platform.App {
	t.Helper()
	r := exec(t, s, admin, platform.Operations["app"], map[string]any{"name": name})
	var page struct{ Apps []platform.App }
	if err := json.Unmarshal(r.Data["apps"], &page); err != nil || len(page.Apps) != 1 {
		t.Fatalf("apps(name: %q): %v %s", name, r.Errors, r.Data["apps"])
	}
	return page.Apps[0]
}

func TestAdminRequiredAndUnknownApp(t *testing.T) {
	s, _ := newTestServer(t)
	user := Principal{Username: "bob", Roles: []string{"licensed_user"}}
	for _, op := range []string{"apps", "users", "license", "addCoOwners", "moveAppsAndServices"} {
		vars := map[string]any{"page": 1, "app": "vision", "users": []string{"carol"}, "source": "alice", "target": "bob"}
		if c := code(exec(t, s, user, platform.Operations[op], vars)); c != platform.CodeForbidden {
			t.Errorf("%s by a non-admin: code %q, want FORBIDDEN", op, c)
		}
	}
	if c := code(exec(t, s, admin, platform.Operations["addCoOwners"], map[string]any{"app": "nope", "users": []string{"bob"}})); c != platform.CodeAppNotFound {
		t.Errorf("unknown app: code %q", c)
	}
	// Any user may ask who they are.
	if r := exec(t, s, user, platform.Operations["current"], nil); len(r.Errors) > 0 {
		t.Errorf("current: %v", r.Errors)
	}
}

func TestCreateAppNeedsSeat(t *testing.T) {
	s, _ := newTestServer(t)
	if c := code(exec(t, s, Principal{Username: "dave"}, platform.CreateAppOperation, map[string]any{"name": "x"})); c != platform.CodeNotLicensed {
		t.Fatalf("createApp without seat: %q", c)
	}
	r := exec(t, s, Principal{Username: "carol"}, platform.CreateAppOperation, map[string]any{"name": "x", "services": []string{"REDIS"}, "workspace": true})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if c := code(exec(t, s, Principal{Username: "carol"}, platform.CreateAppOperation, map[string]any{"name": "x"})); c != platform.CodeAppExists {
		t.Fatalf("duplicate app: %q", c)
	}
}

// Listings are paged by the server's page size, numbered from 1 (none given
// is the first), with nextPage null after the last.
func TestPaging(t *testing.T) {
	s, _ := newTestServer(t)
	s.cfg.PageSize = 1
	var names []string
	var page any
	for n := 0; n < 3; n++ {
		r := exec(t, s, admin, platform.Operations["apps"], map[string]any{"page": page})
		var p struct {
			NextPage *int
			Apps     []struct{ Name string }
		}
		_ = json.Unmarshal(r.Data["apps"], &p)
		for _, a := range p.Apps {
			names = append(names, a.Name)
		}
		if n == 2 {
			if p.NextPage != nil {
				t.Fatalf("nextPage after the last page = %d, want null", *p.NextPage)
			}
			break
		}
		if p.NextPage == nil || *p.NextPage != n+2 {
			t.Fatalf("nextPage after page %d = %v, want %d", n+1, p.NextPage, n+2)
		}
		page = *p.NextPage
	}
	if !sort.StringsAreSorted(names) || len(names) != 3 {
		t.Fatalf("paged names %v", names)
	}
	if c := code(exec(t, s, admin, platform.Operations["apps"], map[string]any{"page": 0})); c != platform.CodeBadRequest {
		t.Fatalf("page 0: code %q, want BAD_REQUEST", c)
	}
}

func TestClientOperationsMatchSchema(t *testing.T) {
	schema := graphql.MustParseSchema(platform.Schema, nil)
	for name, op := range platform.Operations {
		vars := map[string]any{"page": 1, "name": "x", "app": "x", "source": "a", "target": "b"}
		if errs := schema.ValidateWithVariables(op, vars); len(errs) > 0 {
			t.Errorf("operation %s does not match the schema: %v", name, errs)
		}
	}
}

func TestViewerRules(t *testing.T) {
	s, _ := newTestServer(t)
	add := func(users, teams []string) gqlResult {
		return exec(t, s, admin, platform.Operations["addCollaborators"], map[string]any{"app": "vision", "users": users, "teams": teams})
	}
	if c := code(add([]string{"zoe"}, nil)); c != platform.CodeUserNotKnown {
		t.Fatalf("unknown viewer: code %q", c)
	}
	if c := code(add([]string{"carol"}, []string{"Forecasting"})); c != platform.CodeGroupNotKnown {
		t.Fatalf("child group by bare name: code %q", c)
	}
	if v := s.State().Apps[2].Settings; len(v.Viewers)+len(v.ViewerGroups) != 0 {
		t.Fatalf("a refused call changed viewers: %+v", v)
	}
	if r := add([]string{"dave"}, []string{"/Data Science"}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	ctx := context.Background()
	// bob is a member of Data Science but owns vision; alice is in Data Science/Forecasting only.
	for user, want := range map[string]bool{"dave": true, "bob": true, "alice": false, "carol": false, "admin": true} {
		if got, err := s.CanView(ctx, "vision", user); err != nil || got != want {
			t.Errorf("CanView(vision, %s) = %v, %v; want %v", user, got, err, want)
		}
	}
	update := func(level string) gqlResult {
		return exec(t, s, admin, platform.Operations["updateApp"], map[string]any{"app": "vision", "metadata": map[string]any{"permissionLevel": level, "showInPortal": true}})
	}
	if r := update("authenticated"); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if ok, _ := s.CanView(ctx, "vision", "alice"); !ok {
		t.Fatal("an authenticated app is open to every user of the realm")
	}
	s.SetUnauthenticatedDisabled(true)
	if c := code(update("unauthenticated")); c != platform.CodeUnauthenticatedDisabled {
		t.Fatalf("unauthenticated while disabled: code %q", c)
	}
	if got := s.State().Apps[2].Settings.ViewerAccess; got != "authenticated" {
		t.Fatalf("a refused update changed the level to %s", got)
	}
}
