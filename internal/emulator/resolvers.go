package emulator

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// gqlError is a GraphQL error with extensions.code (and the object it is about).
type gqlError struct {
	code string
	msg  string
	ext  map[string]any
}

func (e *gqlError) Error() string { return e.msg }

func (e *gqlError) Extensions() map[string]any {
	ext := map[string]any{"code": e.code}
	for k, v := range e.ext {
		ext[k] = v
	}
	return ext
}

func errorf(code string, ext map[string]any, format string, args ...any) *gqlError {
	return &gqlError{code: code, msg: fmt.Sprintf(format, args...), ext: ext}
}

type resolver struct{ s *Server }

func principal(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

func (r *resolver) requireAdmin(ctx context.Context) error {
	p := principal(ctx)
	if p == nil {
		return errorf(platform.CodeUnauthenticated, nil, "not authenticated")
	}
	if !p.HasRole("admin") {
		return errorf(platform.CodeForbidden, map[string]any{"username": p.Username}, "%s is not a Dash Enterprise administrator (client role admin)", p.Username)
	}
	return nil
}

// adminSeats checks that the caller is an administrator and returns this request's seat snapshot.
func (r *resolver) adminSeats(ctx context.Context) (Seats, error) {
	if err := r.requireAdmin(ctx); err != nil {
		return nil, err
	}
	return r.s.seats(ctx)
}

// --- output types (field names follow the schema) ---

type userRef struct {
	Username string
	IsAdmin  bool
}

type collaboratorsOut struct{ Users, Teams []string }

type contactOut struct{ Name, Email string }

type metadataOut struct {
	Title, Description string
	PermissionLevel    string
	ShowInPortal       bool
	Contact            contactOut
}

type envVarOut struct{ Name string }

type linkedServiceOut struct{ Name, ServiceType string }

type coOwnerUserOut struct {
	Username string
	Active   bool
}

type coOwnersOut struct {
	Users  []coOwnerUserOut
	Groups []string
}

type appOut struct {
	Name                 string
	Owner                userRef
	Collaborators        collaboratorsOut
	Metadata             metadataOut
	HasWorkspace         bool
	EnvironmentVariables []envVarOut
	LinkedServices       []linkedServiceOut
	Orphaned             bool
	CoOwners             coOwnersOut
}

type appsPageOut struct {
	Apps     []*appOut
	NextPage *int32
}

type userOut struct {
	Username   string
	IsLicensed bool
	IsAdmin    bool
}

type usersPageOut struct {
	Users    []*userOut
	NextPage *int32
}

type licenseOut struct {
	SeatsPurchased int32
	SeatsAssigned  int32
	ExpiresAt      string
}

type appResultOut struct {
	App   *appOut
	Error *string
}

type moveResultOut struct {
	OK    bool
	Error *string
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toOut(a *App, seats Seats) *appOut {
	st := a.Settings
	out := &appOut{Name: a.Name, Owner: userRef{Username: a.Owner, IsAdmin: seats.Admin(a.Owner)}, Orphaned: !seats.Licensed(a.Owner), HasWorkspace: a.HasWorkspace,
		Collaborators:        collaboratorsOut{Users: strs(st.Viewers), Teams: strs(st.ViewerGroups)},
		Metadata:             metadataOut{Title: a.Name, PermissionLevel: st.ViewerAccess, ShowInPortal: st.PortalVisible, Contact: contactOut{Name: st.ContactName, Email: st.ContactEmail}},
		EnvironmentVariables: []envVarOut{}, LinkedServices: []linkedServiceOut{},
		CoOwners: coOwnersOut{Users: []coOwnerUserOut{}, Groups: strs(a.CoOwnerGroups)}}
	for _, u := range a.CoOwners {
		out.CoOwners.Users = append(out.CoOwners.Users, coOwnerUserOut{Username: u, Active: seats.Licensed(u)})
	}
	for _, sv := range a.Services {
		out.LinkedServices = append(out.LinkedServices, linkedServiceOut{Name: sv.Name, ServiceType: sv.Type})
	}
	for _, e := range st.EnvVarNames {
		out.EnvironmentVariables = append(out.EnvironmentVariables, envVarOut{Name: e})
	}
	return out
}

// pageBounds returns the slice bounds of page (1-based; nil is the first) of
// n items and the next page's number, nil after the last.
func (r *resolver) pageBounds(n int, page *int32) (lo, hi int, next *int32, err error) {
	p := int32(1)
	if page != nil {
		p = *page
	}
	if p < 1 {
		return 0, 0, nil, errorf(platform.CodeBadRequest, nil, "page numbers start at 1, got %d", p)
	}
	size := r.s.pageSize()
	lo = min(int(p-1)*size, n)
	hi = min(lo+size, n)
	if hi < n {
		nx := p + 1
		next = &nx
	}
	return lo, hi, next, nil
}

// --- queries ---

func (r *resolver) Current(ctx context.Context) (*userRef, error) {
	p := principal(ctx)
	return &userRef{Username: p.Username, IsAdmin: p.HasRole("admin")}, nil
}

type appsArgs struct {
	Page    *int32
	Name    *string
	AllApps *bool
	After   *string
}

// Apps lists the caller's apps, or every app for an administrator asking for
// allApps, ordered by name; name selects one app.
func (r *resolver) Apps(ctx context.Context, args appsArgs) (*appsPageOut, error) {
	all := args.AllApps != nil && *args.AllApps
	var seats Seats
	var err error
	if all {
		seats, err = r.adminSeats(ctx)
	} else {
		seats, err = r.s.seats(ctx)
	}
	if err != nil {
		return nil, err
	}
	caller := principal(ctx).Username
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	var listed []*App
	for _, name := range r.s.store.appNames() {
		a := r.s.store.apps[name]
		if (!all && a.Owner != caller) || (args.Name != nil && a.Name != *args.Name) || (args.After != nil && a.Name <= *args.After) {
			continue
		}
		listed = append(listed, a)
	}
	page := args.Page
	if args.After != nil {
		page = nil // after a name: the first page of what follows it
	}
	lo, hi, next, err := r.pageBounds(len(listed), page)
	if err != nil {
		return nil, err
	}
	out := &appsPageOut{Apps: []*appOut{}, NextPage: next}
	for _, a := range listed[lo:hi] {
		out.Apps = append(out.Apps, toOut(a, seats))
	}
	return out, nil
}

func (r *resolver) Users(ctx context.Context, args struct{ Page *int32 }) (*usersPageOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	names := sortedKeys(r.s.store.knownUsers)
	lo, hi, next, err := r.pageBounds(len(names), args.Page)
	if err != nil {
		return nil, err
	}
	out := &usersPageOut{Users: []*userOut{}, NextPage: next}
	for _, u := range names[lo:hi] {
		out.Users = append(out.Users, &userOut{Username: u, IsLicensed: seats.Licensed(u), IsAdmin: seats.Admin(u)})
	}
	return out, nil
}

func (r *resolver) Groups(ctx context.Context) ([]string, error) {
	if err := r.requireAdmin(ctx); err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return sortedKeys(r.s.store.knownGroups), nil
}

func (r *resolver) License(ctx context.Context) (*licenseOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return &licenseOut{SeatsPurchased: int32(r.s.store.seatsPurchased), SeatsAssigned: int32(seats.Assigned()), ExpiresAt: r.s.store.expiresAt}, nil
}

// --- mutations ---

type coOwnerArgs struct {
	Appname *string
	Users   *[]*string
	Groups  *[]*string
}

// list reads a nullable list of nullable strings, leaving out nulls.
func list(p *[]*string) []string {
	if p == nil {
		return nil
	}
	out := []string{}
	for _, s := range *p {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// str reads a nullable string.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// groupPath normalises a co-owner group to the platform's Parent/child form.
func groupPath(g string) string { return strings.TrimPrefix(strings.TrimSpace(g), "/") }

func (r *resolver) AddCoOwners(ctx context.Context, args coOwnerArgs) (*appResultOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	st := r.s.store
	a := st.apps[str(args.Appname)]
	if a == nil {
		return nil, errorf(platform.CodeAppNotFound, map[string]any{"app": str(args.Appname)}, "there is no app named %q", str(args.Appname))
	}
	// Validate everything before changing anything.
	for _, u := range list(args.Users) {
		switch {
		case u == a.Owner:
			return nil, errorf(platform.CodeOwnerAsCoOwner, map[string]any{"username": u, "app": a.Name}, "%s owns %s and cannot also be its co-owner", u, a.Name)
		case !st.knownUsers[u]:
			return nil, userNotKnown(u)
		case !seats.Licensed(u):
			return nil, errorf(platform.CodeNotLicensed, map[string]any{"username": u}, "user %q holds no license seat; co-owners need one", u)
		}
	}
	if err := st.groupsKnown(list(args.Groups)); err != nil {
		return nil, err
	}
	addMembers(&a.CoOwners, &a.CoOwnerGroups, list(args.Users), list(args.Groups))
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &appResultOut{App: toOut(a, seats)}, nil
}

func (r *resolver) RemoveCoOwners(ctx context.Context, args coOwnerArgs) (*appResultOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	a := r.s.store.apps[str(args.Appname)]
	if a == nil {
		return nil, errorf(platform.CodeAppNotFound, map[string]any{"app": str(args.Appname)}, "there is no app named %q", str(args.Appname))
	}
	removeMembers(&a.CoOwners, &a.CoOwnerGroups, list(args.Users), list(args.Groups))
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &appResultOut{App: toOut(a, seats)}, nil
}

// MoveAppsAndServices moves every app of the source to the target, whole.
func (r *resolver) MoveAppsAndServices(ctx context.Context, args struct{ SourceUsername, TargetUsername *string }) (*moveResultOut, error) {
	if err := r.requireAdmin(ctx); err != nil {
		return nil, err
	}
	src, dst := str(args.SourceUsername), str(args.TargetUsername)
	if src == dst {
		return nil, errorf(platform.CodeBadRequest, map[string]any{"username": src}, "cannot transfer the apps of %q to themselves", src)
	}
	for _, u := range []string{src, dst} {
		ok, err := r.s.cfg.Directory.UserExists(ctx, u)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errorf(platform.CodeUserNotFound, map[string]any{"username": u}, "user %q does not exist", u)
		}
	}
	seats, err := r.s.seats(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range []string{src, dst} {
		if !seats.Licensed(u) {
			return nil, errorf(platform.CodeNotLicensed, map[string]any{"username": u}, "user %q holds no license seat; both users of a transfer need one", u)
		}
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	for _, name := range r.s.store.appNames() {
		a := r.s.store.apps[name]
		if a.Owner != src {
			continue
		}
		// The app moves whole: services, workspace and App Info settings stay with it.
		a.Owner = dst
		a.CoOwners = without(a.CoOwners, []string{dst})
	}
	r.s.store.knownUsers[dst] = true
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &moveResultOut{OK: true}, nil
}

func (r *resolver) CreateApp(ctx context.Context, args struct {
	Name      string
	Services  *[]string
	Workspace *bool
}) (*appResultOut, error) {
	p := principal(ctx)
	seats, err := r.s.seats(ctx)
	if err != nil {
		return nil, err
	}
	if !seats.Licensed(p.Username) {
		return nil, errorf(platform.CodeNotLicensed, map[string]any{"username": p.Username}, "user %q holds no license seat; creating apps needs one", p.Username)
	}
	if strings.TrimSpace(args.Name) == "" {
		return nil, errorf(platform.CodeBadRequest, nil, "app name must not be empty")
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if r.s.store.apps[args.Name] != nil {
		return nil, errorf(platform.CodeAppExists, map[string]any{"app": args.Name}, "an app named %q already exists", args.Name)
	}
	a := &App{Name: args.Name, Owner: p.Username, HasWorkspace: args.Workspace != nil && *args.Workspace, Settings: Settings{ViewerAccess: "restricted"}}
	var services []string
	if args.Services != nil {
		services = *args.Services
	}
	for _, t := range services {
		a.Services = append(a.Services, Service{Name: args.Name + "-" + strings.ToLower(t), Type: t})
	}
	r.s.store.apps[a.Name] = a
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &appResultOut{App: toOut(a, seats)}, nil
}

func without(s, remove []string) []string {
	out := s[:0:0]
	for _, x := range s {
		if !slices.Contains(remove, x) {
			out = append(out, x)
		}
	}
	return out
}

// userNotKnown is the refusal of a user who never logged in.
func userNotKnown(u string) error {
	return errorf(platform.CodeUserNotKnown, map[string]any{"username": u}, "user %q is not known to Dash Enterprise yet; they must log in once", u)
}

// groupsKnown refuses the first group (either spelling) no member of which logged in.
func (st *store) groupsKnown(groups []string) error {
	for _, g := range groups {
		if !st.knownGroups[groupPath(g)] {
			return errorf(platform.CodeGroupNotKnown, map[string]any{"group": groupPath(g)}, "group %q is not known to Dash Enterprise yet; one of its members must log in once (child groups are addressed by full path Parent/child)", groupPath(g))
		}
	}
	return nil
}

// addMembers adds users and groups (in the platform's spelling) to a list of
// an app, keeping each sorted and without repeats.
func addMembers(users, groups *[]string, addUsers, addGroups []string) {
	for _, u := range addUsers {
		if !slices.Contains(*users, u) {
			*users = append(*users, u)
		}
	}
	for _, g := range addGroups {
		if p := groupPath(g); !slices.Contains(*groups, p) {
			*groups = append(*groups, p)
		}
	}
	sort.Strings(*users)
	sort.Strings(*groups)
}

// removeMembers removes users and groups (either spelling) from a list of an app.
func removeMembers(users, groups *[]string, removeUsers, removeGroups []string) {
	*users = without(*users, removeUsers)
	var paths []string
	for _, g := range removeGroups {
		paths = append(paths, groupPath(g))
	}
	*groups = without(*groups, paths)
}

// --- viewer access ---

type collaboratorArgs struct {
	Appname *string
	Users   *[]*string
	Teams   *[]*string
}

// AddCollaborators adds viewers: users and groups must be known (logged in
// once); every one is checked before anything changes.
func (r *resolver) AddCollaborators(ctx context.Context, args collaboratorArgs) (*appResultOut, error) {
	return r.editViewers(ctx, str(args.Appname), func(st *store, a *App) error {
		for _, u := range list(args.Users) {
			if !st.knownUsers[u] {
				return userNotKnown(u)
			}
		}
		if err := st.groupsKnown(list(args.Teams)); err != nil {
			return err
		}
		addMembers(&a.Settings.Viewers, &a.Settings.ViewerGroups, list(args.Users), list(args.Teams))
		return nil
	})
}

// RemoveCollaborators removes viewers; one that is not there is no error.
func (r *resolver) RemoveCollaborators(ctx context.Context, args collaboratorArgs) (*appResultOut, error) {
	return r.editViewers(ctx, str(args.Appname), func(_ *store, a *App) error {
		removeMembers(&a.Settings.Viewers, &a.Settings.ViewerGroups, list(args.Users), list(args.Teams))
		return nil
	})
}

type metadataInput struct {
	PermissionLevel *string
	ShowInPortal    *bool
}

// UpdateApp sets the viewer access level and the portal visibility.
func (r *resolver) UpdateApp(ctx context.Context, args struct {
	Appname  *string
	Metadata *metadataInput
}) (*appResultOut, error) {
	return r.editViewers(ctx, str(args.Appname), func(st *store, a *App) error {
		if args.Metadata == nil {
			return nil
		}
		if l := args.Metadata.PermissionLevel; l != nil {
			if *l == "unauthenticated" && st.unauthenticatedDisabled {
				return errorf(platform.CodeUnauthenticatedDisabled, map[string]any{"app": a.Name},
					"an administrator disabled Unauthenticated viewer access on this server; %s cannot be made reachable without login", a.Name)
			}
			a.Settings.ViewerAccess = *l
		}
		if v := args.Metadata.ShowInPortal; v != nil {
			a.Settings.PortalVisible = *v
		}
		return nil
	})
}

// editViewers runs edit on an app as an administrator, keeping the change
// only when edit accepts it.
func (r *resolver) editViewers(ctx context.Context, name string, edit func(*store, *App) error) (*appResultOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	a := r.s.store.apps[name]
	if a == nil {
		return nil, errorf(platform.CodeAppNotFound, map[string]any{"app": name}, "there is no app named %q", name)
	}
	changed := *a
	changed.Settings.Viewers = slices.Clone(a.Settings.Viewers)
	changed.Settings.ViewerGroups = slices.Clone(a.Settings.ViewerGroups)
	if err := edit(r.s.store, &changed); err != nil {
		return nil, err
	}
	*a = changed
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &appResultOut{App: toOut(a, seats)}, nil
}
