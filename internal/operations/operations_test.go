package operations

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeDirectory and fakeStore are in-memory ports: the apply steps are tested
// without Keycloak or the platform.
type fakeDirectory struct {
	seats map[string]Seat
	err   error
}

func (d *fakeDirectory) SeatHolders(context.Context) (map[string]Seat, error) { return d.seats, d.err }

type fakeStore struct {
	owned       map[string][]string
	err, xferEr error
	transfers   int
}

func (s *fakeStore) OwnedApps(_ context.Context, u string) ([]string, error) {
	return slices.Clone(s.owned[u]), s.err
}

func (s *fakeStore) TransferApps(_ context.Context, from, to string, apps []string) ([]string, error) {
	if s.xferEr != nil {
		return nil, s.xferEr
	}
	s.transfers++
	s.owned[to] = append(s.owned[to], apps...)
	delete(s.owned, from)
	return apps, nil
}

func seated(users ...string) *fakeDirectory {
	d := &fakeDirectory{seats: map[string]Seat{}}
	for _, u := range users {
		d.seats[u] = Seat{Direct: true}
	}
	return d
}

func one(f *Finding) Findings {
	if f == nil {
		return nil
	}
	return Findings{*f}
}

func party(u, attr string) Party { return Party{Username: u, Attribute: attr, Exists: true} }

// findingCases: each produces findings through a rule's own entry point; the
// case names the code it must produce, with its severity and words it must say.
func findingCases() []struct {
	name  string
	code  Code
	sev   Severity
	words []string
	run   func() Findings
} {
	ctx := context.Background()
	boom := errors.New("boom")
	type c = struct {
		name  string
		code  Code
		sev   Severity
		words []string
		run   func() Findings
	}
	return []c{
		{"owner loses apps", CodeRevokeLosesApps, Warning, []string{"alice", "churn (owner)", "Transfer them first"},
			func() Findings { return PlanRevocations(&Run{}, snapshot(), []string{"alice"}, true) }},
		{"seat kept through a group", CodeRevokeKeepsSeat, Warning, []string{"bob keeps a seat through /Data Science"},
			func() Findings { return PlanRevocations(&Run{}, snapshot(), []string{"bob"}, true) }},
		{"strict: owner orphans apps", CodeRevokeOrphans, Error, []string{"alice would orphan churn, forecast", "depends_on"},
			func() Findings { return PlanRevocations(&Run{Strict: true}, snapshot(), []string{"alice"}, true) }},
		{"revocation after this plan's transfer", CodeRevokeAfterTransfer, Warning, []string{"after this plan's transfer of churn, forecast"},
			func() Findings {
				r := &Run{Strict: true}
				r.Intents.Move("alice", "bob", []string{"churn", "forecast"})
				return PlanRevocations(r, snapshot(), []string{"alice"}, true)
			}},
		{"heir revoked, transfer planned first", CodeRevokeHeir, Error, []string{"Revoking the seat of carol, who receives legacy in this plan"},
			func() Findings {
				r := &Run{Strict: true}
				r.Intents.Move("zoe", "carol", []string{"legacy"})
				return PlanRevocations(r, snapshot(), []string{"carol"}, true)
			}},
		{"heir revoked, revocation planned first", CodeRevokeHeir, Warning, []string{"Revoking the seat of carol, who receives legacy in this plan"},
			func() Findings {
				r := &Run{}
				PlanRevocations(r, snapshot(), []string{"carol"}, true)
				return PlanTransfer(r, snapshot(), party("zoe", "from_username"), party("carol", "to_username"), "dash").Findings
			}},
		{"apps not checked without the platform", CodeRevokeAppsUnknown, Warning, []string{"platform API is not configured"},
			func() Findings {
				return PlanRevocations(&Run{}, Snapshot{Seats: map[string]Seat{"x": {Direct: true}}}, []string{"x"}, false)
			}},
		{"configuration unknown", CodeRevokeNotChecked, Warning, []string{"Revoking the seat of x was not checked"},
			func() Findings { return RevocationsNotChecked([]string{"x"}) }},
		{"usernames known after apply", CodeRevokeUnknowable, Error, []string{"cannot tell whether x, y keep", "2 username(s)"},
			func() Findings { return Findings{UnknowableRevocations(&Run{Strict: true}, []string{"x", "y"}, 2)} }},
		{"cannot read what a revocation orphans", CodeRevokeCannotCheck, Warning, []string{"Cannot check what revoking the seat of x would orphan", "boom"},
			func() Findings { return Findings{CannotCheckRevocations(&Run{}, []string{"x"}, boom)} }},
		{"apply refuses to orphan", CodeRevokeRefused, Error, []string{"Refusing to revoke the seat of alice: it would orphan 1 app(s)", "left in place"},
			func() Findings {
				return one(CheckRevoke(ctx, &Run{Strict: true}, seated("alice"), &fakeStore{owned: map[string][]string{"alice": {"churn"}}}, "alice"))
			}},
		{"apply cannot check the apps", CodeRevokeCannotCheck, Error, []string{"Cannot check which apps alice owns"},
			func() Findings {
				return one(CheckRevoke(ctx, &Run{Strict: true}, seated("alice"), &fakeStore{err: boom}, "alice"))
			}},
		{"capacity exceeded", CodeSeatCapacity, Warning, []string{"License seats exceeded: 3 planned, 2 purchased", "new: x"},
			func() Findings {
				f, _ := Capacity{Purchased: 2, Assigned: 2}.Exceeded(3, []string{"x"})
				return Findings{f}
			}},
		{"drift named", CodeDriftSeatChanged, Warning, []string{"Changed outside Terraform by user m-9 of realm master: the direct seat of carol revoked"},
			func() Findings {
				f, _ := NewSeatHistory(t0, recorded(), "licensed_user", nil).Attribute(SeatDrift{Username: "carol"})
				return Findings{f}
			}},
		{"drift not recorded", CodeDriftNotRecorded, Warning, []string{"Changed outside Terraform, not recorded by Keycloak: a seat granted directly to zoe", "identity provider"},
			func() Findings {
				f, _ := NewSeatHistory(t0, recorded(), "licensed_user", nil).Attribute(SeatDrift{Username: "zoe", Granted: true})
				return Findings{f}
			}},
		{"history unavailable", CodeDriftUnavailable, Warning, []string{"Keycloak cannot say who changed the seats", "does not store admin events"},
			func() Findings { return Findings{HistoryUnavailable("realm \"dash\" does not store admin events.")} }},
		{"login events gap", CodeActivityGap, Warning, []string{"activity history starts after the gap", "2026-12-01T09:00:00Z", "from 2026-12-01T10:00:00Z"},
			func() Findings { return Findings{ActivityGap(t0, t0.Add(time.Hour))} }},
		{"license unreadable", CodeSeatCapacityNotChecked, Warning, []string{"Cannot check seat capacity for x, y", "boom"},
			func() Findings { return Findings{CapacityNotChecked([]string{"x", "y"}, boom)} }},
		{"seat holders unreadable", CodeSeatNotChecked, Warning, []string{"Cannot check the planned seats", "boom"},
			func() Findings { return Findings{SeatsNotChecked(boom)} }},
		{"seat revoked outside Terraform", CodeSeatOrphanedNow, Warning, []string{"zoe was revoked outside Terraform: 1 app(s)", "legacy"},
			func() Findings { f, _ := snapshot().OrphanedNow("zoe"); return Findings{f} }},
		{"seat held another way", CodeSeatHeldAnother, Warning, []string{"erin already holds a seat through dash/developer"},
			func() Findings { return Findings{HeldAnotherWay("erin", []string{"composite:dash/developer"})} }},
		{"unlisted seat", CodeSeatUnlisted, Warning, []string{"x holds a license seat that this plan does not show", "terraform import"},
			func() Findings { return Findings{UnlistedSeat("x")} }},
		{"transfer from a user without a seat", CodeTransferNoSeat, Warning, []string{"zoe holds no license seat", "Both users of a transfer need a seat"},
			func() Findings {
				return PlanTransfer(&Run{}, snapshot(), party("zoe", "from_username"), party("alice", "to_username"), "dash").Findings
			}},
		{"transfer to a user who does not exist", CodeUnknownUser, Warning, []string{`User "nobody" does not exist yet`, `Realm "dash"`},
			func() Findings {
				return PlanTransfer(&Run{}, snapshot(), party("alice", "from_username"), Party{Username: "nobody", Attribute: "to_username"}, "dash").Findings
			}},
		{"nothing to transfer", CodeTransferNothing, Warning, []string{"carol owns no apps: nothing to transfer"},
			func() Findings {
				return PlanTransfer(&Run{}, snapshot(), party("carol", "from_username"), party("alice", "to_username"), "dash").Findings
			}},
		{"transfer cannot be reversed", CodeTransferNotReversible, Warning, []string{"bob already owns apps", "vision"},
			func() Findings {
				return PlanTransfer(&Run{}, snapshot(), party("alice", "from_username"), party("bob", "to_username"), "dash").Findings
			}},
		{"apply: apps changed since the plan", CodeTransferAppsChanged, Error, []string{"The apps of alice changed since the plan", "[churn, new]", "Nothing was transferred"},
			func() Findings {
				_, f := Transfer(ctx, seated("alice", "bob"), &fakeStore{owned: map[string][]string{"alice": {"churn", "new"}}}, "alice", "bob", []string{"churn"})
				return one(f)
			}},
		{"apply: heir without a seat", CodeTransferNoSeat, Error, []string{"bob holds no license seat", "Nothing was transferred"},
			func() Findings {
				_, f := Transfer(ctx, seated("alice"), &fakeStore{owned: map[string][]string{"alice": {"churn"}}}, "alice", "bob", []string{"churn"})
				return one(f)
			}},
		{"apply: seats unreadable", CodeTransferCannotCheck, Error, []string{"Cannot check seats before the transfer from alice to bob"},
			func() Findings {
				_, f := Transfer(ctx, &fakeDirectory{err: boom}, &fakeStore{}, "alice", "bob", []string{"churn"})
				return one(f)
			}},
		{"apply: the transfer fails", CodeTransferFailed, Error, []string{"Cannot transfer the apps of alice to bob", "boom"},
			func() Findings {
				_, f := Transfer(ctx, seated("alice", "bob"), &fakeStore{owned: map[string][]string{"alice": {"churn"}}, xferEr: boom}, "alice", "bob", []string{"churn"})
				return one(f)
			}},
		{"offboarding an owner needs an heir", CodeOffboardNeedsHeir, Error, []string{"alice owns apps: set transfer_apps_to", "churn, forecast"},
			func() Findings {
				return PlanOffboarding(&Run{}, snapshot(), Offboarding{User: party("alice", "username"), RevokeSeat: true}, "dash").Findings
			}},
		{"offboarding loses co-ownership", CodeOffboardLosesCoOwn, Warning, []string{"carol loses co-ownership of forecast"},
			func() Findings {
				return PlanOffboarding(&Run{}, snapshot(), Offboarding{User: party("carol", "username"), RevokeSeat: true}, "dash").Findings
			}},
		{"offboarding keeps a seat", CodeOffboardKeepsSeat, Warning, []string{"erin keeps a license seat after the offboarding", "composite:dash/developer"},
			func() Findings {
				return PlanOffboarding(&Run{}, snapshot(), Offboarding{User: party("erin", "username"), RevokeSeat: true}, "dash").Findings
			}},
		{"offboarding: revoking with apps left", CodeOffboardAppsLeft, Error, []string{"Not revoking the seat of alice: the apps did not all move", "Done so far: transfer"},
			func() Findings {
				store := &fakeStore{owned: map[string][]string{"alice": {"churn"}}, xferEr: nil}
				store.owned["alice"] = []string{"churn"}
				leaky := &leakyStore{fakeStore: store}
				return one(ApplyOffboarding(ctx, seated("alice", "bob"), leaky, &fakeAccount{direct: true}, OffboardingSteps{Username: "alice", Heir: "bob", Apps: []string{"churn"}, RevokeSeat: true}, func(string) {}))
			}},
		{"offboarding: a step fails", CodeOffboardStepFailed, Error, []string{"Cannot disable alice", "boom", "Done so far: revoke_seat, logout"},
			func() Findings {
				acct := &fakeAccount{direct: true, enabled: true, err: boom}
				return one(ApplyOffboarding(ctx, seated("alice"), &fakeStore{owned: map[string][]string{}}, acct, OffboardingSteps{Username: "alice", RevokeSeat: true, Logout: true, Action: "disable"}, func(string) {}))
			}},
		{"destroying a transfer", CodeDestroyChangesNothing, Warning, []string{"Destroying the transfer from dave to erin changes nothing", "stay with erin"},
			func() Findings { return Findings{TransferDestroyed("dave", "erin")} }},
		{"destroying an offboarding", CodeDestroyChangesNothing, Warning, []string{"Destroying the offboarding of dave changes nothing"},
			func() Findings { return Findings{OffboardingDestroyed("dave")} }},
		{"transfer not known at plan time", CodeNotKnownAtPlan, Warning, []string{"transfer to (known after apply) would move are not known", "from_username is known only after apply"},
			func() Findings {
				return Findings{TransferNotKnownAtPlan("", "from_username is known only after apply")}
			}},
		{"offboarding not known at plan time", CodeNotKnownAtPlan, Warning, []string{"The offboarding cannot be planned", "configuration is known only after apply"},
			func() Findings {
				return Findings{OffboardingNotKnownAtPlan("the provider configuration is known only after apply")}
			}},
		{"transfer not in the plan", CodeNotInThePlan, Error, []string{"The apps of dave to move were not in the plan", "Nothing was transferred"},
			func() Findings { return Findings{TransferNotInThePlan("dave")} }},
		{"offboarding not in the plan", CodeNotInThePlan, Error, []string{"The offboarding of dave was not in the plan", "Nothing was changed"},
			func() Findings { return Findings{OffboardingNotInThePlan("dave")} }},
		{"transfer cannot be planned", CodeCannotPlan, Error, []string{"Cannot list the apps dave owns", "boom", "stops here"},
			func() Findings { return Findings{TransferCannotPlan("dave", boom)} }},
		{"pending apps without a seat", CodeTransferPendingNoSeat, Warning, []string{"dave owns 1 app(s) again but holds no seat", "transfers these apps to erin"},
			func() Findings { return Findings{PendingWithoutSeat("dave", "erin", []string{"late"})} }},
		{"unlisted co-owner", CodeCoOwnerUnlisted, Warning, []string{"carol co-owns churn but this plan does not show it", "terraform import dashenterprise_app_coowners.<name> churn"},
			func() Findings { return Findings{UnlistedCoOwner("carol", "churn")} }},
		{"the platform refuses a co-owner", CodeCoOwnerRefused, Error, []string{"Cannot make carol a co-owner of churn", "holds no license seat, and co-owners need one"},
			func() Findings { return Findings{CoOwnerRefused(RefusedNotLicensed, "churn", "carol", "", boom)} }},
		{"logout planned", CodeLogoutPlanned, Warning, []string{"2 users will be logged out", "carol, dave"},
			func() Findings { return Findings{LogoutPlanned([]string{"carol", "dave"})} }},
		{"no LOGIN events stored", CodeActivityNoEvents, Warning, []string{"The realm stores no LOGIN events", `Realm "dash"`, "enable them"},
			func() Findings { return Findings{NoLoginEvents("dash", "enable them")} }},
		{"activity history too short", CodeActivityShort, Warning, []string{"Activity history shorter than inactive_for", "inactive_for is 90d", "no LOGIN event is stored yet"},
			func() Findings { return Findings{ActivityShorterThanWindow("90d", time.Time{})} }},
		{"seat writes refused", CodeSeatWritesRefused, Error, []string{"No seat was changed", "checks every user"},
			func() Findings { return Findings{SeatWritesRefused()} }},
		{"co-owner is the owner", CodeCoOwnerIsOwner, Warning, []string{"alice owns churn", "cannot also be its co-owner"},
			func() Findings {
				return PlanCoOwnerUser(&Run{}, snapshot(), true, snapshot().Apps[1], CoOwnerUser{Party: party("alice", "username")}, "dash")
			}},
		{"co-owner has not logged in", CodeCoOwnerNotLoggedIn, Warning, []string{"carol has not logged in to Dash Enterprise yet"},
			func() Findings {
				no := false
				return PlanCoOwnerUser(&Run{}, snapshot(), true, snapshot().Apps[1], CoOwnerUser{Party: party("carol", "username"), LoggedIn: &no}, "dash")
			}},
		{"co-owner without a seat", CodeCoOwnerNoSeat, Warning, []string{"dave holds no license seat", "Co-owners need a seat"},
			func() Findings {
				return PlanCoOwnerUser(&Run{}, snapshot(), true, snapshot().Apps[1], CoOwnerUser{Party: party("dave", "username")}, "dash")
			}},
		{"group does not exist", CodeGroupUnknown, Warning, []string{"Group /Nope does not exist yet"},
			func() Findings { return Findings{GroupUnknown("/Nope", "dash", "group")} }},
		{"group co-owner cannot be checked", CodeCoOwnerCannotCheck, Warning, []string{"Cannot check the planned group co-owner /X of churn", "boom"},
			func() Findings { return Findings{CoOwnerCannotCheck("/X", "churn", boom)} }},
		{"group unknown to the platform", CodeGroupNotOnPlatform, Warning, []string{"Group /Data Science is not known to Dash Enterprise yet"},
			func() Findings {
				return PlanCoOwnerGroup(snapshot(), snapshot().Apps[1], "/Data Science", "group", false)[:1]
			}},
		{"child groups do not inherit", CodeCoOwnerChildGroups, Warning, []string{"Child groups of /Data Science do not inherit co-ownership of churn", "/Data Science/Forecasting/Weekly"},
			func() Findings {
				return PlanCoOwnerGroup(snapshot(), snapshot().Apps[1], "/Data Science", "group", true)[:1]
			}},
		{"group members without seats", CodeCoOwnerMembersNoSeat, Warning, []string{"Members of /Data Science without a license seat", ": dave."},
			func() Findings {
				return PlanCoOwnerGroup(snapshot(), snapshot().Apps[1], "/Data Science", "group", true)[1:]
			}},
		{"set: member appeared since the plan", CodeChangedSince, Error, []string{"Changed since the plan: x", "x was granted a license seat outside Terraform"},
			func() Findings {
				return PlanChange(nil, nil, nil, true, []string{"x"}).Refusal(SeatSetWords(), false)[:1]
			}},
		{"set: member not in the plan on create", CodeNotInPlan, Error, []string{"Not in the plan: x", "terraform import dashenterprise_app_coowners.<name> churn"},
			func() Findings {
				return PlanChange(nil, nil, nil, false, []string{"x"}).Refusal(CoOwnerSetWords("churn"), true)[:1]
			}},
		{"access: unauthenticated", CodeAccessUnauthenticated, Warning, []string{"churn becomes reachable without login", "without logging in"},
			func() Findings {
				return PlanAccess(snapshot(), snapshot().Apps[1], Access{Level: AccessRestricted}, Access{Level: AccessUnauthenticated}, Realm{})
			}},
		{"access: viewers lose access", CodeAccessLost, Warning, []string{"dave loses access to churn", "dave (member of /Data Science)"},
			func() Findings {
				return PlanAccess(snapshot(), snapshot().Apps[1], Access{Level: AccessRestricted, Groups: []string{"/Data Science"}},
					Access{Level: AccessRestricted, Users: []string{"bob", "carol"}}, Realm{})
			}},
		{"access: child groups do not inherit", CodeAccessChildGroups, Warning, []string{"Child groups of /Data Science do not inherit viewer access to churn", "/Data Science/Vision"},
			func() Findings {
				return PlanAccess(snapshot(), snapshot().Apps[1], Access{Level: AccessRestricted}, Access{Level: AccessRestricted, Groups: []string{"/Data Science"}}, Realm{})
			}},
		{"access: viewer not logged in", CodeAccessNotLoggedIn, Warning, []string{"zoe has not logged in", "Ask zoe to log in"},
			func() Findings { return Findings{ViewerNotLoggedIn("zoe")} }},
		{"access: group not known", CodeAccessGroupNotKnown, Warning, []string{"Group /Sales is not known to Dash Enterprise yet"},
			func() Findings { return Findings{ViewerGroupNotKnown("/Sales")} }},
		{"access: viewers not known at apply", CodeAccessViewersUnknown, Error, []string{"Cannot add viewers to churn: not known to Dash Enterprise: zoe, /Sales", "Nothing was changed"},
			func() Findings { return Findings{ViewersNotKnown("churn", []string{"zoe", "/Sales"})} }},
		{"access: destroy leaves the settings", CodeAccessDestroyed, Warning, []string{"The viewer access of churn is left as it is", "nothing is reset"},
			func() Findings { return Findings{AccessDestroyed("churn")} }},
		{"set: nothing was changed", CodeNothingDone, Error, []string{"No seat was changed", "refused before changing anything"},
			func() Findings {
				return PlanChange(nil, nil, nil, true, []string{"x"}).Refusal(SeatSetWords(), false)[1:]
			}},
	}
}

func TestEveryFinding(t *testing.T) {
	for _, tc := range findingCases() {
		t.Run(tc.name, func(t *testing.T) {
			fs := tc.run()
			var hit *Finding
			for i := range fs {
				if fs[i].Code == tc.code {
					hit = &fs[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s among %v: %+v", tc.code, fs.Codes(), fs)
			}
			if hit.Severity != tc.sev {
				t.Errorf("severity %v, want %v", hit.Severity, tc.sev)
			}
			for _, w := range tc.words {
				if !strings.Contains(hit.Summary+": "+hit.Detail, w) {
					t.Errorf("%q lacks %q:\n%s\n%s", tc.code, w, hit.Summary, hit.Detail)
				}
			}
			if hit.Remedy != "" && !strings.Contains(hit.Detail, hit.Remedy) {
				t.Errorf("the detail does not end with the remedy %q: %s", hit.Remedy, hit.Detail)
			}
		})
	}
}

// TestEveryCodeHasATest: each Code declared in the package is produced by a case of TestEveryFinding.
func TestEveryCodeHasATest(t *testing.T) {
	tested := map[Code]bool{}
	for _, tc := range findingCases() {
		tested[tc.code] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil || identName(vs.Type) != "Code" {
				return true
			}
			for i, name := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit).Value
				if !tested[Code(strings.Trim(lit, `"`))] {
					t.Errorf("%s (%s, %s) has no case in TestEveryFinding", name.Name, lit, f)
				}
			}
			return true
		})
	}
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// The apply steps change nothing when they refuse, and do the planned change when they do not.
func TestApplyStepsChangeNothingWhenTheyRefuse(t *testing.T) {
	ctx := context.Background()
	store := &fakeStore{owned: map[string][]string{"alice": {"churn", "new"}}}
	if _, f := Transfer(ctx, seated("alice", "bob"), store, "alice", "bob", []string{"churn"}); f == nil || store.transfers != 0 {
		t.Fatalf("refusal %v, transfers %d", f, store.transfers)
	}
	moved, f := Transfer(ctx, seated("alice", "bob"), store, "alice", "bob", []string{"churn", "new"})
	if f != nil || store.transfers != 1 || !slices.Equal(moved, []string{"churn", "new"}) || len(store.owned["alice"]) != 0 {
		t.Fatalf("planned transfer: %v %v %+v", moved, f, store)
	}
	if f := CheckRevoke(ctx, &Run{Strict: true}, seated("alice"), store, "alice"); f != nil {
		t.Fatalf("alice owns nothing now: %+v", f)
	}
	if f := CheckRevoke(ctx, &Run{}, seated("bob"), store, "bob"); f != nil {
		t.Fatalf("warn mode never refuses at apply: %+v", f)
	}
	kept := &fakeDirectory{seats: map[string]Seat{"bob": {Direct: true, Via: []string{"group:/X"}}}}
	if f := CheckRevoke(ctx, &Run{Strict: true}, kept, store, "bob"); f != nil {
		t.Fatalf("bob keeps the seat through /X: %+v", f)
	}
}

// fakeAccount records what the offboarding did to the account; err fails Disable and Delete.
type fakeAccount struct {
	direct, sessions, enabled, deleted bool
	err                                error
	calls                              []string
}

func (a *fakeAccount) DirectSeat(context.Context) (bool, error) { return a.direct, nil }
func (a *fakeAccount) RevokeDirectSeat(context.Context) error {
	a.calls, a.direct = append(a.calls, "revoke"), false
	return nil
}
func (a *fakeAccount) HasSessions(context.Context) (bool, error) { return a.sessions, nil }
func (a *fakeAccount) Logout(context.Context) error {
	a.calls, a.sessions = append(a.calls, "logout"), false
	return nil
}
func (a *fakeAccount) Enabled() bool { return a.enabled }
func (a *fakeAccount) Disable(context.Context) error {
	if a.err != nil {
		return a.err
	}
	a.calls, a.enabled = append(a.calls, "disable"), false
	return nil
}
func (a *fakeAccount) Delete(context.Context) error {
	if a.err != nil {
		return a.err
	}
	a.calls, a.deleted = append(a.calls, "delete"), true
	return nil
}

// leakyStore reports the transfer done but keeps the apps with their owner.
type leakyStore struct{ *fakeStore }

func (s *leakyStore) TransferApps(_ context.Context, _, _ string, apps []string) ([]string, error) {
	return apps, nil
}

// The offboarding runs the steps in order, skips those whose outcome holds,
// records each, and changes nothing when the transfer refuses.
func TestApplyOffboarding(t *testing.T) {
	ctx := context.Background()
	store := &fakeStore{owned: map[string][]string{"alice": {"churn"}}}
	acct := &fakeAccount{direct: true, sessions: false, enabled: true}
	var recorded []string
	o := OffboardingSteps{Username: "alice", Heir: "bob", Apps: []string{"churn"}, RevokeSeat: true, Logout: true, Action: "delete"}
	if f := ApplyOffboarding(ctx, seated("alice", "bob"), store, acct, o, func(s string) { recorded = append(recorded, s) }); f != nil {
		t.Fatalf("%+v", f)
	}
	if !slices.Equal(recorded, []string{"transfer", "revoke_seat", "logout", "delete"}) || !slices.Equal(acct.calls, []string{"revoke", "delete"}) ||
		!slices.Equal(store.owned["bob"], []string{"churn"}) {
		t.Fatalf("recorded %v, calls %v (no session: no logout call), owned %v", recorded, acct.calls, store.owned)
	}
	acct, recorded = &fakeAccount{direct: true}, nil
	store = &fakeStore{owned: map[string][]string{"alice": {"churn", "late"}}}
	if f := ApplyOffboarding(ctx, seated("alice", "bob"), store, acct, o, func(s string) { recorded = append(recorded, s) }); f == nil || f.Code != CodeTransferAppsChanged {
		t.Fatalf("want the transfer's refusal, got %+v", f)
	}
	if len(recorded)+len(acct.calls)+store.transfers != 0 {
		t.Fatalf("a refused offboarding changed something: %v %v %d", recorded, acct.calls, store.transfers)
	}
}

// The seat set's plan step: what it adds and removes, the holders it cannot
// show, the users the realm lacks, the revocations (recorded for the other
// steps of the run) and the seat count.
func TestPlanSeatSet(t *testing.T) {
	s := snapshot()
	s.Absent = map[string]bool{"newbie": true}
	s.Purchased = 3
	run := &Run{}
	d := PlanSeatSet(run, s, SeatSet{Prior: []string{"alice", "carol"}, Desired: []string{"carol", "newbie"}, AppsKnown: true, Realm: "dash"})
	if !slices.Equal(d.Change.Add, []string{"newbie"}) || !slices.Equal(d.Change.Remove, []string{"alice"}) || !slices.Equal(d.Change.Unshown, []string{"bob"}) {
		t.Fatalf("change %+v", d.Change)
	}
	want := []Code{CodeSeatUnlisted, CodeUnknownUser, CodeRevokeLosesApps, CodeSeatCapacity}
	if !slices.Equal(d.Findings.Codes(), want) {
		t.Fatalf("codes %v, want %v: %+v", d.Findings.Codes(), want, d.Findings)
	}
	if !run.Intents.Granted("newbie") || PlanTransfer(run, s, party("zoe", "from_username"), party("alice", "to_username"), "dash").Findings.Codes()[0] != CodeRevokeHeir {
		t.Fatal("the grant and the revocation are not in the run's intents")
	}
	if d := PlanSeatSet(&Run{}, s, SeatSet{Prior: []string{"alice"}, Desired: []string{}, Unknown: 1}); len(d.Findings) != 0 {
		t.Fatalf("an unknown username makes the revocation unknowable (said by UnknowableRevocations), got %+v", d.Findings)
	}
}
