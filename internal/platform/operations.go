package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
)

// App is one Dash app as the platform reports it, in the provider's terms;
// UnmarshalJSON reads it from the contract's shape (wireApp).
type App struct {
	Name          string
	Owner         string
	Orphaned      bool
	CoOwners      []CoOwnerUser
	CoOwnerGroups []CoOwnerGroup
	Services      []Service
	HasWorkspace  bool
	Settings      AppSettings
}

// CoOwnerUser is a user co-owner; Active is false while they hold no seat.
type CoOwnerUser struct {
	Username string `json:"username"`
	Active   bool   `json:"active"`
}

// CoOwnerGroup is a group co-owner by full path Parent/child.
type CoOwnerGroup struct {
	Path string
}

// Service is a database linked to an app.
type Service struct {
	Name string
	Type string
}

// AppSettings are the App Info settings a transfer keeps.
type AppSettings struct {
	ViewerAccess  string // restricted, authenticated or unauthenticated
	Viewers       []string
	ViewerGroups  []string // Parent/child, as the platform writes them
	PortalVisible bool
	EnvVarNames   []string
	ContactName   string
	ContactEmail  string
}

// wireApp is an app as the contract sends it (schema.graphql, type App).
type wireApp struct {
	Name          string                    `json:"name"`
	Owner         struct{ Username string } `json:"owner"`
	Collaborators struct {
		Users []string `json:"users"`
		Teams []string `json:"teams"`
	} `json:"collaborators"`
	Metadata struct {
		PermissionLevel string                       `json:"permissionLevel"`
		ShowInPortal    bool                         `json:"showInPortal"`
		Contact         struct{ Name, Email string } `json:"contact"`
	} `json:"metadata"`
	HasWorkspace         bool                    `json:"hasWorkspace"`
	EnvironmentVariables []struct{ Name string } `json:"environmentVariables"`
	LinkedServices       []struct {
		Name        string `json:"name"`
		ServiceType string `json:"serviceType"`
	} `json:"linkedServices"`
	Orphaned bool `json:"orphaned"`
	CoOwners struct {
		Users  []CoOwnerUser `json:"users"`
		Groups []string      `json:"groups"`
	} `json:"coOwners"`
}

// UnmarshalJSON reads an app in the contract's shape.
func (a *App) UnmarshalJSON(b []byte) error {
	var w wireApp
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = App{Name: w.Name, Owner: w.Owner.Username, Orphaned: w.Orphaned, HasWorkspace: w.HasWorkspace,
		CoOwners: w.CoOwners.Users, CoOwnerGroups: make([]CoOwnerGroup, 0, len(w.CoOwners.Groups)),
		Settings: AppSettings{ViewerAccess: w.Metadata.PermissionLevel, Viewers: w.Collaborators.Users, ViewerGroups: w.Collaborators.Teams,
			PortalVisible: w.Metadata.ShowInPortal, ContactName: w.Metadata.Contact.Name, ContactEmail: w.Metadata.Contact.Email}}
	for _, g := range w.CoOwners.Groups {
		a.CoOwnerGroups = append(a.CoOwnerGroups, CoOwnerGroup{Path: g})
	}
	for _, s := range w.LinkedServices {
		a.Services = append(a.Services, Service{Name: s.Name, Type: s.ServiceType})
	}
	for _, e := range w.EnvironmentVariables {
		a.Settings.EnvVarNames = append(a.Settings.EnvVarNames, e.Name)
	}
	return nil
}

// CoOwnerUsernames lists the user co-owners, active or not.
func (a App) CoOwnerUsernames() []string {
	out := make([]string, 0, len(a.CoOwners))
	for _, c := range a.CoOwners {
		out = append(out, c.Username)
	}
	return out
}

// CoOwnerGroupPaths lists the group co-owners, canonical (/Parent/child).
func (a App) CoOwnerGroupPaths() []string {
	out := make([]string, 0, len(a.CoOwnerGroups))
	for _, g := range a.CoOwnerGroups {
		out = append(out, grouppath.FromPlatform(g.Path))
	}
	return out
}

// HasCoOwnerUser reports whether username is a user co-owner.
func (a App) HasCoOwnerUser(username string) bool {
	for _, c := range a.CoOwners {
		if c.Username == username {
			return true
		}
	}
	return false
}

// HasCoOwnerGroup reports whether the group (canonical, /Parent/child) is a co-owner.
func (a App) HasCoOwnerGroup(path string) bool {
	return slices.Contains(a.CoOwnerGroupPaths(), path)
}

// CurrentUser is the caller of the API.
type CurrentUser struct {
	Username string `json:"username"`
	IsAdmin  bool   `json:"isAdmin"`
}

// User is a user known to the platform.
type User struct {
	Username   string `json:"username"`
	IsLicensed bool   `json:"isLicensed"`
	IsAdmin    bool   `json:"isAdmin"`
}

// License is the installation's license.
type License struct {
	SeatsPurchased int    `json:"seatsPurchased"`
	SeatsAssigned  int    `json:"seatsAssigned"`
	ExpiresAt      string `json:"expiresAt"`
}

// TransferResult is the outcome of a transfer: the apps now owned by the
// target that the plan expected to move.
type TransferResult struct {
	SourceUsername string
	TargetUsername string
	MovedApps      []string
}

const appFields = `name owner { username }
  collaborators { users teams }
  metadata { title description permissionLevel showInPortal contact { name email } }
  hasWorkspace
  environmentVariables { name }
  linkedServices { name serviceType }
  orphaned
  coOwners { users { username active } groups }`

// Operations are every query and mutation the client sends; a test validates
// each against Schema, and the compatibility check each against the server's.
var Operations = map[string]string{
	"current":             `query { current { username isAdmin } }`,
	"apps":                `query($page: Int) { apps(page: $page, allApps: true) { nextPage apps { ` + appFields + ` } } }`,
	"appsAfter":           `query($after: String) { apps(after: $after, allApps: true) { nextPage apps { ` + appFields + ` } } }`,
	"app":                 `query($name: String) { apps(name: $name, allApps: true) { apps { ` + appFields + ` } } }`,
	"users":               `query($page: Int) { users(page: $page) { nextPage users { username isLicensed isAdmin } } }`,
	"groups":              `query { groups }`,
	"license":             `query { license { seatsPurchased seatsAssigned expiresAt } }`,
	"addCoOwners":         `mutation($app: String, $users: [String], $groups: [String]) { addCoOwners(appname: $app, users: $users, groups: $groups) { error app { ` + appFields + ` } } }`,
	"removeCoOwners":      `mutation($app: String, $users: [String], $groups: [String]) { removeCoOwners(appname: $app, users: $users, groups: $groups) { error app { ` + appFields + ` } } }`,
	"addCollaborators":    `mutation($app: String, $users: [String], $teams: [String]) { addCollaborators(appname: $app, users: $users, teams: $teams) { error app { ` + appFields + ` } } }`,
	"removeCollaborators": `mutation($app: String, $users: [String], $teams: [String]) { removeCollaborators(appname: $app, users: $users, teams: $teams) { error app { ` + appFields + ` } } }`,
	"updateApp":           `mutation($app: String, $metadata: AppMetaDataInput) { updateApp(appname: $app, metadata: $metadata) { error app { ` + appFields + ` } } }`,
	"moveAppsAndServices": `mutation($source: String, $target: String) { moveAppsAndServices(sourceUsername: $source, targetUsername: $target) { ok error } }`,
}

// CreateAppOperation is the emulator's stand-in for deploying an app (tests
// and the demo); the provider never sends it, so the check leaves it out.
const CreateAppOperation = `mutation($name: String!, $services: [ServiceType!], $workspace: Boolean) { createApp(name: $name, services: $services, workspace: $workspace) { error app { ` + appFields + ` } } }`

// Current returns the caller; with a user's token this is their login.
func (c *Client) Current(ctx context.Context) (*CurrentUser, error) {
	var out struct{ Current CurrentUser }
	if err := c.do(ctx, "current", nil, &out); err != nil {
		return nil, err
	}
	return &out.Current, nil
}

// Apps returns every app, listed once per Client and shared by all callers
// until a mutation through this Client invalidates it.
func (c *Client) Apps(ctx context.Context) ([]App, error) {
	return c.apps.Get("", func() ([]App, error) { return c.listApps(ctx) })
}

// OwnedApps lists the apps of one owner straight from the server (no cache).
// The published listing has no owner filter: the whole listing is read and
// filtered here.
func (c *Client) OwnedApps(ctx context.Context, owner string) ([]App, error) {
	all, err := c.listApps(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(a App) bool { return a.Owner != owner }), nil
}

// listApps lists every app: by name (appsAfter, an extension: each page
// starts after the last name read, so changes while paging shift nothing)
// when the server offers it, else by page number with the re-read of pages.
func (c *Client) listApps(ctx context.Context) ([]App, error) {
	if comp, err := c.Compatibility(ctx); err == nil && comp.Checked && len(comp.Problems["appsAfter"]) == 0 {
		all, err := c.appsByName(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing apps: %w", err)
		}
		return all, nil
	}
	return pages[App](ctx, c, "apps", "listing apps")
}

// appsByName reads the listing page by page, each starting after the last
// name of the one before; a page that does not move past it is an error.
func (c *Client) appsByName(ctx context.Context) ([]App, error) {
	var all []App
	var after *string
	for n := 1; ; n++ {
		vars := map[string]any{}
		if after != nil {
			vars["after"] = *after
		}
		var out struct {
			Apps struct {
				NextPage *int `json:"nextPage"`
				Apps     []App
			}
		}
		if err := c.do(ctx, "appsAfter", vars, &out); err != nil {
			return nil, err
		}
		page := out.Apps.Apps
		for _, a := range page {
			if after != nil && a.Name <= *after {
				return nil, fmt.Errorf("page %d starts at %q, not after %q: the server does not list apps by name", n, a.Name, *after)
			}
			after = &a.Name
		}
		all = append(all, page...)
		if out.Apps.NextPage == nil {
			return all, nil
		}
		if len(page) == 0 || n >= maxPages {
			return nil, fmt.Errorf("page %d announces more apps but holds none after %q", n, valueOf(after))
		}
	}
}

func valueOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// App returns one app; it wraps an *Error with CodeAppNotFound when there is none.
func (c *Client) App(ctx context.Context, name string) (*App, error) {
	apps, err := c.Apps(ctx)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if apps[i].Name == name {
			return &apps[i], nil
		}
	}
	return nil, appNotFound(name)
}

func appNotFound(name string) *Error {
	return &Error{Code: CodeAppNotFound, App: name, Message: fmt.Sprintf("there is no app named %q", name)}
}

// FetchApp reads one app from the server, bypassing the run-scoped listing.
func (c *Client) FetchApp(ctx context.Context, name string) (*App, error) {
	var out struct{ Apps struct{ Apps []App } }
	if err := c.do(ctx, "app", map[string]any{"name": name}, &out); err != nil {
		return nil, err
	}
	for i := range out.Apps.Apps {
		if out.Apps.Apps[i].Name == name {
			return &out.Apps.Apps[i], nil
		}
	}
	return nil, appNotFound(name)
}

// Users lists every user known to the platform, once per Client.
func (c *Client) Users(ctx context.Context) ([]User, error) {
	return c.users.Get("", func() ([]User, error) { return pages[User](ctx, c, "users", "listing platform users") })
}

// listingAttempts is how many times a listing that changed while it was
// being read is read again before the command fails.
const listingAttempts = 3

// maxPages bounds a listing whose server never stops answering a nextPage.
const maxPages = 100_000

// pages runs a paged query (apps, users) to its last page. Each page is
// {op: {op: [items], nextPage}}: the items are read by the operation's name,
// and nextPage is the page to ask for next, null after the last. Pages are
// addressed by number, so an item added or removed on an earlier page while
// the listing is read shifts the later pages: one item read twice, or one
// never read. After reading a page the client reads the page before it again;
// if that differs from its first read, the listing changed under it and is
// read again from the start (up to listingAttempts times), never returned with
// a hole. This needs no total count and no page size, which the published API
// does not give.
func pages[T any](ctx context.Context, c *Client, op, what string) ([]T, error) {
	for attempt := 1; ; attempt++ {
		all, err := readPages[T](ctx, c, op)
		if !errors.Is(err, errListingChanged) || attempt == listingAttempts {
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			return all, nil
		}
	}
}

// errListingChanged is a listing that changed while it was being read.
var errListingChanged = errors.New("the listing changed while it was being read (an item on an earlier page was added or removed)")

// readPages reads a listing once, checking each page boundary by reading the
// previous page again after the next one. The first page is asked for without
// a number, so the server's numbering (from 0 or 1) does not matter.
func readPages[T any](ctx context.Context, c *Client, op string) ([]T, error) {
	var all []T
	var prev listingPage
	var prevAt, at *int
	asked := map[int]bool{}
	for n := 0; ; n++ {
		p, err := readPage(ctx, c, op, at)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			again, err := readPage(ctx, c, op, prevAt)
			if err != nil {
				return nil, err
			}
			if !sameItems(prev.items, again.items) {
				return nil, fmt.Errorf("%w; tried %d times, run terraform plan again", errListingChanged, listingAttempts)
			}
		}
		for _, raw := range p.items {
			var item T
			if err := json.Unmarshal(raw, &item); err != nil {
				return nil, fmt.Errorf("decoding page %d: %w", n+1, err)
			}
			all = append(all, item)
		}
		if p.nextPage == nil {
			return all, nil
		}
		if asked[*p.nextPage] || n+1 >= maxPages {
			return nil, fmt.Errorf("the server's nextPage %d does not lead to an end (it was asked for already, or after %d pages); the listing cannot be read whole", *p.nextPage, n+1)
		}
		asked[*p.nextPage] = true
		prev, prevAt, at = p, at, p.nextPage
	}
}

// listingPage is one page of a paged query, its items kept as sent.
type listingPage struct {
	items    []json.RawMessage
	nextPage *int
}

// readPage reads the page at (the first page when at is nil).
func readPage(ctx context.Context, c *Client, op string, at *int) (listingPage, error) {
	var p listingPage
	vars := map[string]any{}
	if at != nil {
		vars["page"] = *at
	}
	var out map[string]map[string]json.RawMessage
	if err := c.do(ctx, op, vars, &out); err != nil {
		return p, err
	}
	for field, dst := range map[string]any{op: &p.items, "nextPage": &p.nextPage} {
		raw, ok := out[op][field]
		if !ok {
			return p, fmt.Errorf("a page of %s has no %s", op, field)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return p, fmt.Errorf("decoding a page of %s: %w", op, err)
		}
	}
	return p, nil
}

func sameItems(a, b []json.RawMessage) bool {
	return slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) })
}

// Groups lists the groups known to the platform (canonical, /Parent/child), once per Client.
func (c *Client) Groups(ctx context.Context) ([]string, error) {
	return c.groups.Get("", func() ([]string, error) { return c.listGroups(ctx) })
}

func (c *Client) listGroups(ctx context.Context) ([]string, error) {
	var out struct{ Groups []string }
	if err := c.do(ctx, "groups", nil, &out); err != nil {
		return nil, fmt.Errorf("listing platform groups: %w", err)
	}
	for i, g := range out.Groups {
		out.Groups[i] = grouppath.FromPlatform(g)
	}
	return out.Groups, nil
}

// License returns the license, read once per Client.
func (c *Client) License(ctx context.Context) (*License, error) {
	return c.license.Get("", func() (*License, error) { return c.readLicense(ctx) })
}

func (c *Client) readLicense(ctx context.Context) (*License, error) {
	var out struct{ License License }
	if err := c.do(ctx, "license", nil, &out); err != nil {
		return nil, fmt.Errorf("reading the license: %w", err)
	}
	return &out.License, nil
}

// invalidate drops the run-scoped app listing after a mutation (also one in
// flight, which is then not kept).
func (c *Client) invalidate() { c.apps.Invalidate("") }

// AddCoOwners adds user and group (canonical, /Parent/child) co-owners. After a lost
// answer it reads the app back and only sends the mutation again if the
// co-owners are not there.
func (c *Client) AddCoOwners(ctx context.Context, app string, users, groups []string) (*App, error) {
	defer c.invalidate()
	return c.coOwnerMutation(ctx, "addCoOwners", app, users, groups, true)
}

// RemoveCoOwners removes co-owners, with the same read-back rule as AddCoOwners.
func (c *Client) RemoveCoOwners(ctx context.Context, app string, users, groups []string) (*App, error) {
	defer c.invalidate()
	return c.coOwnerMutation(ctx, "removeCoOwners", app, users, groups, false)
}

// appResult is the published result of a mutation on one app: the app after
// the change, or the server's error.
type appResult struct {
	App   *App    `json:"app"`
	Error *string `json:"error"`
}

// resultError turns a result's error (the published way of failing) into an
// *Error; the server's words are kept.
func resultError(op string, msg *string) error {
	if msg == nil || *msg == "" {
		return nil
	}
	return &Error{Message: fmt.Sprintf("%s: %s", op, *msg)}
}

// members says which list of an app a member mutation edits: its
// co-owners or its viewers (collaborators), the name of the groups argument,
// and how to tell whether a user or a group (canonical) is on it.
type members struct {
	groupsArg         string
	hasUser, hasGroup func(App, string) bool
	what              string
}

var (
	coOwnerList = members{groupsArg: "groups", what: "co-owners",
		hasUser: App.HasCoOwnerUser, hasGroup: App.HasCoOwnerGroup}
	viewerList = members{groupsArg: "teams", what: "viewers",
		hasUser: func(a App, u string) bool { return slices.Contains(a.Settings.Viewers, u) },
		hasGroup: func(a App, g string) bool {
			return slices.Contains(a.Settings.ViewerGroups, grouppath.ToPlatform(g))
		}}
)

// coOwnerMutation adds (present) or removes (!present) co-owners.
func (c *Client) coOwnerMutation(ctx context.Context, op, app string, users, groups []string, present bool) (*App, error) {
	return c.memberMutation(ctx, coOwnerList, op, app, users, groups, present)
}

// memberMutation adds (present) or removes (!present) users and groups
// (canonical, /Parent/child) of one of app's lists. After a lost answer it
// reads the app back, and is done when every listed member's presence is as
// wanted.
func (c *Client) memberMutation(ctx context.Context, m members, op, app string, users, groups []string, present bool) (*App, error) {
	wire := make([]string, len(groups))
	for i, g := range groups {
		wire[i] = grouppath.ToPlatform(g)
	}
	vars := map[string]any{"app": app, "users": nonNil(users), m.groupsArg: wire}
	confirm := func(a *App) bool {
		for _, u := range users {
			if m.hasUser(*a, u) != present {
				return false
			}
		}
		for _, g := range groups {
			if m.hasGroup(*a, g) != present {
				return false
			}
		}
		return true
	}
	how := fmt.Sprintf("check the %s of %s in the App Manager (or run terraform plan)", m.what, app)
	return c.appMutation(ctx, op, app, vars, confirm, how)
}

// appMutation sends a mutation on one app answering { app error }; after a
// lost answer, done reads the app back and says whether it happened.
func (c *Client) appMutation(ctx context.Context, op, app string, vars map[string]any, done func(*App) bool, how string) (*App, error) {
	var result *App
	send := func(ctx context.Context) error {
		var out map[string]appResult
		if err := c.do(ctx, op, vars, &out); err != nil {
			return err
		}
		r := out[op]
		if err := resultError(op, r.Error); err != nil {
			return err
		}
		if r.App == nil {
			return &outcomeUnknownError{err: fmt.Errorf("%s answered neither an app nor an error", op)}
		}
		result = r.App
		return nil
	}
	confirm := func(ctx context.Context) (bool, error) {
		a, err := c.FetchApp(ctx, app)
		if err != nil || !done(a) {
			return false, err
		}
		result = a
		return true, nil
	}
	if err := c.mutate(ctx, op, send, confirm, how); err != nil {
		return nil, err
	}
	return result, nil
}

// AddViewers adds viewers (collaborators) of a restricted app: users, and
// groups (canonical, /Parent/child), with the read-back rule of AddCoOwners.
func (c *Client) AddViewers(ctx context.Context, app string, users, groups []string) (*App, error) {
	defer c.invalidate()
	return c.memberMutation(ctx, viewerList, "addCollaborators", app, users, groups, true)
}

// RemoveViewers removes viewers, with the same read-back rule.
func (c *Client) RemoveViewers(ctx context.Context, app string, users, groups []string) (*App, error) {
	defer c.invalidate()
	return c.memberMutation(ctx, viewerList, "removeCollaborators", app, users, groups, false)
}

// SetViewerAccess sets an app's viewer access level (restricted,
// authenticated or unauthenticated) and portal visibility with updateApp;
// after a lost answer it reads the app back.
func (c *Client) SetViewerAccess(ctx context.Context, app, level string, portalVisible bool) (*App, error) {
	defer c.invalidate()
	vars := map[string]any{"app": app, "metadata": map[string]any{"permissionLevel": level, "showInPortal": portalVisible}}
	done := func(a *App) bool {
		return a.Settings.ViewerAccess == level && a.Settings.PortalVisible == portalVisible
	}
	return c.appMutation(ctx, "updateApp", app, vars, done, fmt.Sprintf("check the viewer access of %s in the App Manager (or run terraform plan)", app))
}

// mutateAttempts bounds how often a mutation is sent when read-backs show it
// did not happen.
const mutateAttempts = 3

// mutate sends a mutation. When its answer is lost (outcome unknown) it reads
// back with confirm before anything else: done means the mutation happened;
// not done means it did not, and it is sent again. It is never sent again
// before a read-back has succeeded: if reading back fails, the error says that
// the outcome is unknown and how to check it (how).
func (c *Client) mutate(ctx context.Context, op string, send func(context.Context) error, confirm func(context.Context) (bool, error), how string) error {
	var last error
	for attempt := 0; attempt < mutateAttempts; attempt++ {
		err := send(ctx)
		if err == nil || !isOutcomeUnknown(err) {
			return err
		}
		last = err
		done, rerr := confirm(ctx)
		if rerr != nil {
			return &outcomeUnknownError{err: fmt.Errorf("%s: %w; reading back to check whether it was applied failed too (%v). "+
				"The outcome is unknown and the provider did not send it again: %s, then apply again", op, err, rerr, how)}
		}
		if done {
			return nil
		}
	}
	return fmt.Errorf("%s: the answer was lost %d times and reading back showed it had not been applied: %w", op, mutateAttempts, last)
}

// TransferApps moves every app of source to target with the published
// moveAppsAndServices, which answers only { ok error }. The apps moved are the
// plan's (expected), checked by reading back: the source owns none of them and
// the target owns every one. After a lost answer the same read-back decides,
// before anything else, whether the transfer happened; it is never sent twice
// without it.
func (c *Client) TransferApps(ctx context.Context, source, target string, expected []string) (*TransferResult, error) {
	defer c.invalidate()
	const op = "moveAppsAndServices"
	vars := map[string]any{"source": source, "target": target}
	send := func(ctx context.Context) error {
		var out map[string]struct {
			OK    bool    `json:"ok"`
			Error *string `json:"error"`
		}
		if err := c.do(ctx, op, vars, &out); err != nil {
			return err
		}
		r := out[op]
		if err := resultError(op, r.Error); err != nil {
			return err
		}
		if !r.OK {
			return &Error{Message: op + " answered ok: false without an error"}
		}
		return nil
	}
	// readBack is the listing a read-back after a lost answer found done
	// (read is set then, even when the listing is empty).
	var readBack []App
	read := false
	moved := func(ctx context.Context) (bool, error) {
		all, err := c.listApps(ctx)
		if err != nil || slices.ContainsFunc(all, func(a App) bool { return a.Owner == source }) {
			return false, err
		}
		readBack, read = all, true
		return true, nil
	}
	how := fmt.Sprintf("check in the App Manager which apps %s and %s own (or run terraform plan: pending_apps lists what is left)", source, target)
	if err := c.mutate(ctx, op, send, moved, how); err != nil {
		return nil, err
	}
	if !read {
		all, err := c.listApps(ctx)
		if err != nil {
			return nil, fmt.Errorf("the server reported the transfer of %s's apps to %s done, but reading them back failed: %w; run terraform plan to see what moved", source, target, err)
		}
		readBack = all
	}
	return checkTransferred(readBack, source, target, expected)
}

// checkTransferred checks the apps read back after a transfer the server
// reported done: the source owns none and the target owns every expected app.
func checkTransferred(all []App, source, target string, expected []string) (*TransferResult, error) {
	owner := map[string]string{}
	for _, a := range all {
		owner[a.Name] = a.Owner
		if a.Owner == source {
			return nil, fmt.Errorf("the server reported the transfer of %s's apps to %s done, but %s still owns %s", source, target, source, a.Name)
		}
	}
	res := &TransferResult{SourceUsername: source, TargetUsername: target, MovedApps: []string{}}
	for _, name := range expected {
		if owner[name] != target {
			return nil, fmt.Errorf("the server reported the transfer of %s's apps to %s done, but %s is owned by %q, not %s", source, target, name, owner[name], target)
		}
		res.MovedApps = append(res.MovedApps, name)
	}
	sort.Strings(res.MovedApps)
	return res, nil
}

// CreateApp creates an app owned by the caller (used by tests and the demo with a user's token).
func (c *Client) CreateApp(ctx context.Context, name string, services []string, workspace bool) (*App, error) {
	defer c.invalidate()
	var out struct{ CreateApp appResult }
	if err := c.send(ctx, true, CreateAppOperation, map[string]any{"name": name, "services": nonNil(services), "workspace": workspace}, &out); err != nil {
		return nil, err
	}
	if err := resultError("createApp", out.CreateApp.Error); err != nil {
		return nil, err
	}
	if out.CreateApp.App == nil {
		return nil, errors.New("createApp answered neither an app nor an error")
	}
	return out.CreateApp.App, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
