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

type currentOut struct {
	Username   string
	IsAdmin    bool
	IsLicensed bool
}

type coOwnerOut struct {
	Username string
	Active   bool
}

type groupOut struct{ Path string }

type serviceOut struct{ Name, Type string }

type settingsOut struct {
	ViewerAccess  string
	Viewers       []string
	ViewerGroups  []string
	PortalVisible bool
	EnvVarNames   []string
	ContactName   string
	ContactEmail  string
}

type appOut struct {
	Name          string
	Owner         string
	Orphaned      bool
	CoOwners      []coOwnerOut
	CoOwnerGroups []groupOut
	Services      []serviceOut
	HasWorkspace  bool
	Settings      settingsOut
}

type appPageOut struct {
	Apps       []*appOut
	Page       int32
	TotalPages int32
	TotalCount int32
}

type userOut struct {
	Username   string
	IsLicensed bool
	IsAdmin    bool
}

type userPageOut struct {
	Users      []*userOut
	Page       int32
	TotalPages int32
	TotalCount int32
}

type licenseOut struct {
	SeatsPurchased int32
	SeatsAssigned  int32
	ExpiresAt      string
}

type transferOut struct {
	SourceUsername string
	TargetUsername string
	MovedApps      []string
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toOut(a *App, seats Seats) *appOut {
	out := &appOut{Name: a.Name, Owner: a.Owner, Orphaned: !seats.Licensed(a.Owner), HasWorkspace: a.HasWorkspace,
		CoOwners: []coOwnerOut{}, CoOwnerGroups: []groupOut{}, Services: []serviceOut{},
		Settings: settingsOut{ViewerAccess: a.Settings.ViewerAccess, Viewers: strs(a.Settings.Viewers), ViewerGroups: strs(a.Settings.ViewerGroups),
			PortalVisible: a.Settings.PortalVisible, EnvVarNames: strs(a.Settings.EnvVarNames), ContactName: a.Settings.ContactName, ContactEmail: a.Settings.ContactEmail}}
	for _, u := range a.CoOwners {
		out.CoOwners = append(out.CoOwners, coOwnerOut{Username: u, Active: seats.Licensed(u)})
	}
	for _, g := range a.CoOwnerGroups {
		out.CoOwnerGroups = append(out.CoOwnerGroups, groupOut{Path: g})
	}
	for _, sv := range a.Services {
		out.Services = append(out.Services, serviceOut(sv))
	}
	return out
}

// pageBounds returns the slice bounds of a page and the page count.
func pageBounds(n int, page, size *int32) (lo, hi int, pages int32, err error) {
	ps := int32(100)
	if size != nil {
		ps = *size
	}
	if ps < 1 || ps > 500 {
		return 0, 0, 0, errorf(platform.CodeBadRequest, nil, "pageSize must be between 1 and 500, got %d", ps)
	}
	if *page < 0 {
		return 0, 0, 0, errorf(platform.CodeBadRequest, nil, "page must not be negative")
	}
	pages = int32((n + int(ps) - 1) / int(ps))
	lo = min(int(*page)*int(ps), n)
	hi = min(lo+int(ps), n)
	return lo, hi, pages, nil
}

// --- queries ---

func (r *resolver) Current(ctx context.Context) (*currentOut, error) {
	p := principal(ctx)
	seats, err := r.s.seats(ctx)
	if err != nil {
		return nil, err
	}
	return &currentOut{Username: p.Username, IsAdmin: p.HasRole("admin"), IsLicensed: seats.Licensed(p.Username)}, nil
}

type appsArgs struct {
	Page     int32
	PageSize *int32
	Owner    *string
}

func (r *resolver) Apps(ctx context.Context, args appsArgs) (*appPageOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	var all []*App
	for _, name := range r.s.store.appNames() {
		a := r.s.store.apps[name]
		if args.Owner != nil && a.Owner != *args.Owner {
			continue
		}
		all = append(all, a)
	}
	lo, hi, pages, err := pageBounds(len(all), &args.Page, args.PageSize)
	if err != nil {
		return nil, err
	}
	out := &appPageOut{Apps: []*appOut{}, Page: args.Page, TotalPages: pages, TotalCount: int32(len(all))}
	for _, a := range all[lo:hi] {
		out.Apps = append(out.Apps, toOut(a, seats))
	}
	return out, nil
}

func (r *resolver) App(ctx context.Context, args struct{ Name string }) (*appOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	a := r.s.store.apps[args.Name]
	if a == nil {
		return nil, nil
	}
	return toOut(a, seats), nil
}

func (r *resolver) Users(ctx context.Context, args struct {
	Page     int32
	PageSize *int32
}) (*userPageOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	names := sortedKeys(r.s.store.knownUsers)
	lo, hi, pages, err := pageBounds(len(names), &args.Page, args.PageSize)
	if err != nil {
		return nil, err
	}
	out := &userPageOut{Users: []*userOut{}, Page: args.Page, TotalPages: pages, TotalCount: int32(len(names))}
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
	App    string
	Users  *[]string
	Groups *[]string
}

func list(p *[]string) []string {
	if p == nil {
		return nil
	}
	return *p
}

// groupPath normalises a co-owner group to the platform's Parent/child form.
func groupPath(g string) string { return strings.TrimPrefix(strings.TrimSpace(g), "/") }

func (r *resolver) AddCoOwners(ctx context.Context, args coOwnerArgs) (*appOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	st := r.s.store
	a := st.apps[args.App]
	if a == nil {
		return nil, errorf(platform.CodeAppNotFound, map[string]any{"app": args.App}, "there is no app named %q", args.App)
	}
	// Validate everything before changing anything.
	for _, u := range list(args.Users) {
		switch {
		case u == a.Owner:
			return nil, errorf(platform.CodeOwnerAsCoOwner, map[string]any{"username": u, "app": a.Name}, "%s owns %s and cannot also be its co-owner", u, a.Name)
		case !st.knownUsers[u]:
			return nil, errorf(platform.CodeUserNotKnown, map[string]any{"username": u}, "user %q is not known to Dash Enterprise yet; they must log in once", u)
		case !seats.Licensed(u):
			return nil, errorf(platform.CodeNotLicensed, map[string]any{"username": u}, "user %q holds no license seat; co-owners need one", u)
		}
	}
	for _, g := range list(args.Groups) {
		if !st.knownGroups[groupPath(g)] {
			return nil, errorf(platform.CodeGroupNotKnown, map[string]any{"group": groupPath(g)}, "group %q is not known to Dash Enterprise yet; one of its members must log in once (child groups are addressed by full path Parent/child)", groupPath(g))
		}
	}
	for _, u := range list(args.Users) {
		if !slices.Contains(a.CoOwners, u) {
			a.CoOwners = append(a.CoOwners, u)
		}
	}
	for _, g := range list(args.Groups) {
		if p := groupPath(g); !slices.Contains(a.CoOwnerGroups, p) {
			a.CoOwnerGroups = append(a.CoOwnerGroups, p)
		}
	}
	sort.Strings(a.CoOwners)
	sort.Strings(a.CoOwnerGroups)
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return toOut(a, seats), nil
}

func (r *resolver) RemoveCoOwners(ctx context.Context, args coOwnerArgs) (*appOut, error) {
	seats, err := r.adminSeats(ctx)
	if err != nil {
		return nil, err
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	a := r.s.store.apps[args.App]
	if a == nil {
		return nil, errorf(platform.CodeAppNotFound, map[string]any{"app": args.App}, "there is no app named %q", args.App)
	}
	a.CoOwners = without(a.CoOwners, list(args.Users))
	var groups []string
	for _, g := range list(args.Groups) {
		groups = append(groups, groupPath(g))
	}
	a.CoOwnerGroups = without(a.CoOwnerGroups, groups)
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return toOut(a, seats), nil
}

func (r *resolver) TransferApps(ctx context.Context, args struct{ SourceUsername, TargetUsername string }) (*transferOut, error) {
	if err := r.requireAdmin(ctx); err != nil {
		return nil, err
	}
	src, dst := args.SourceUsername, args.TargetUsername
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
	moved := []string{}
	for _, name := range r.s.store.appNames() {
		a := r.s.store.apps[name]
		if a.Owner != src {
			continue
		}
		// The app moves whole: services, workspace and App Info settings stay with it.
		a.Owner = dst
		a.CoOwners = without(a.CoOwners, []string{dst})
		moved = append(moved, name)
	}
	r.s.store.knownUsers[dst] = true
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return &transferOut{SourceUsername: src, TargetUsername: dst, MovedApps: moved}, nil
}

func (r *resolver) CreateApp(ctx context.Context, args struct {
	Name      string
	Services  *[]string
	Workspace *bool
}) (*appOut, error) {
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
	a := &App{Name: args.Name, Owner: p.Username, HasWorkspace: args.Workspace != nil && *args.Workspace, Settings: Settings{ViewerAccess: "RESTRICTED"}}
	for _, t := range list(args.Services) {
		a.Services = append(a.Services, Service{Name: args.Name + "-" + strings.ToLower(t), Type: t})
	}
	r.s.store.apps[a.Name] = a
	if err := r.s.persist(); err != nil {
		return nil, err
	}
	return toOut(a, seats), nil
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
