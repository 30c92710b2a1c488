package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
)

// App is one Dash app as the platform reports it.
type App struct {
	Name          string         `json:"name"`
	Owner         string         `json:"owner"`
	Orphaned      bool           `json:"orphaned"`
	CoOwners      []CoOwnerUser  `json:"coOwners"`
	CoOwnerGroups []CoOwnerGroup `json:"coOwnerGroups"`
	Services      []Service      `json:"services"`
	HasWorkspace  bool           `json:"hasWorkspace"`
	Settings      AppSettings    `json:"settings"`
}

// CoOwnerUser is a user co-owner; Active is false while they hold no seat.
type CoOwnerUser struct {
	Username string `json:"username"`
	Active   bool   `json:"active"`
}

// CoOwnerGroup is a group co-owner by full path Parent/child.
type CoOwnerGroup struct {
	Path string `json:"path"`
}

// Service is a database linked to an app.
type Service struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// AppSettings are the App Info settings a transfer keeps.
type AppSettings struct {
	ViewerAccess  string   `json:"viewerAccess"`
	Viewers       []string `json:"viewers"`
	ViewerGroups  []string `json:"viewerGroups"`
	PortalVisible bool     `json:"portalVisible"`
	EnvVarNames   []string `json:"envVarNames"`
	ContactName   string   `json:"contactName"`
	ContactEmail  string   `json:"contactEmail"`
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
	Username   string `json:"username"`
	IsAdmin    bool   `json:"isAdmin"`
	IsLicensed bool   `json:"isLicensed"`
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

// TransferResult is the outcome of a transfer.
type TransferResult struct {
	SourceUsername string   `json:"sourceUsername"`
	TargetUsername string   `json:"targetUsername"`
	MovedApps      []string `json:"movedApps"`
}

const appFields = `name owner orphaned
  coOwners { username active }
  coOwnerGroups { path }
  services { name type }
  hasWorkspace
  settings { viewerAccess viewers viewerGroups portalVisible envVarNames contactName contactEmail }`

// Operations are every query and mutation the client sends; a test validates
// each against Schema.
var Operations = map[string]string{
	"current":        `query { current { username isAdmin isLicensed } }`,
	"apps":           `query($page: Int!, $pageSize: Int, $owner: String) { apps(page: $page, pageSize: $pageSize, owner: $owner) { page totalPages totalCount apps { ` + appFields + ` } } }`,
	"app":            `query($name: String!) { app(name: $name) { ` + appFields + ` } }`,
	"users":          `query($page: Int!, $pageSize: Int) { users(page: $page, pageSize: $pageSize) { page totalPages totalCount users { username isLicensed isAdmin } } }`,
	"groups":         `query { groups }`,
	"license":        `query { license { seatsPurchased seatsAssigned expiresAt } }`,
	"addCoOwners":    `mutation($app: String!, $users: [String!], $groups: [String!]) { addCoOwners(app: $app, users: $users, groups: $groups) { ` + appFields + ` } }`,
	"removeCoOwners": `mutation($app: String!, $users: [String!], $groups: [String!]) { removeCoOwners(app: $app, users: $users, groups: $groups) { ` + appFields + ` } }`,
	"transferApps":   `mutation($source: String!, $target: String!) { transferApps(sourceUsername: $source, targetUsername: $target) { sourceUsername targetUsername movedApps } }`,
	"createApp":      `mutation($name: String!, $services: [ServiceType!], $workspace: Boolean) { createApp(name: $name, services: $services, workspace: $workspace) { ` + appFields + ` } }`,
}

// defaultPageSize is the page size of app and user listings.
const defaultPageSize = 500

// Current returns the caller; with a user's token this is their login.
func (c *Client) Current(ctx context.Context) (*CurrentUser, error) {
	var out struct{ Current CurrentUser }
	if err := c.do(ctx, false, Operations["current"], nil, &out); err != nil {
		return nil, err
	}
	return &out.Current, nil
}

// Apps returns every app, listed once per Client and shared by all callers
// until a mutation through this Client invalidates it.
func (c *Client) Apps(ctx context.Context) ([]App, error) {
	return cached(c, "apps", func() ([]App, error) { return c.listApps(ctx, "") })
}

// OwnedApps lists the apps of one owner straight from the server (no cache).
func (c *Client) OwnedApps(ctx context.Context, owner string) ([]App, error) {
	return c.listApps(ctx, owner)
}

func (c *Client) listApps(ctx context.Context, owner string) ([]App, error) {
	vars := map[string]any{}
	if owner != "" {
		vars["owner"] = owner
	}
	return pages[App](ctx, c, "apps", vars, "listing apps")
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
	var out struct{ App *App }
	if err := c.do(ctx, false, Operations["app"], map[string]any{"name": name}, &out); err != nil {
		return nil, err
	}
	if out.App == nil {
		return nil, appNotFound(name)
	}
	return out.App, nil
}

// Users lists every user known to the platform, once per Client.
func (c *Client) Users(ctx context.Context) ([]User, error) {
	return cached(c, "users", func() ([]User, error) { return c.listUsers(ctx) })
}

func (c *Client) listUsers(ctx context.Context) ([]User, error) {
	return pages[User](ctx, c, "users", nil, "listing platform users")
}

// listingAttempts is how many times a listing that changed while it was
// being read is read again before the command fails.
const listingAttempts = 3

// pages runs a paged query (apps, users) until its last page. Each page is
// {op: {op: [items], totalPages, totalCount}}, so the items are read by the
// operation's name. Pages are addressed by number, so an item added or removed
// on an earlier page while the listing is read shifts the later pages: one
// item read twice, or one never read. After reading page k the client reads
// page k-1 again; if it differs from the first read, the listing changed under
// it and is read again from the start (up to listingAttempts times), never
// returned with a hole. This needs no total count and works with any paging
// by page number. A listing that ends before totalCount items is an error too.
func pages[T any](ctx context.Context, c *Client, op string, vars map[string]any, what string) ([]T, error) {
	for attempt := 1; ; attempt++ {
		all, err := readPages[T](ctx, c, op, vars)
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
// previous page again after the next one.
func readPages[T any](ctx context.Context, c *Client, op string, vars map[string]any) ([]T, error) {
	var all []T
	var prev []json.RawMessage
	for page := 0; ; page++ {
		p, err := readPage(ctx, c, op, vars, page)
		if err != nil {
			return nil, err
		}
		if page > 0 {
			again, err := readPage(ctx, c, op, vars, page-1)
			if err != nil {
				return nil, err
			}
			if !sameItems(prev, again.items) {
				return nil, fmt.Errorf("%w; tried %d times, run terraform plan again", errListingChanged, listingAttempts)
			}
		}
		for _, raw := range p.items {
			var item T
			if err := json.Unmarshal(raw, &item); err != nil {
				return nil, fmt.Errorf("decoding page %d: %w", page, err)
			}
			all = append(all, item)
		}
		prev = p.items
		if page+1 >= p.totalPages || len(p.items) == 0 {
			if len(all) != p.totalCount {
				return nil, fmt.Errorf("the listing ended after %d of %d items (page %d of %d); it changed while being read or was cut short, run terraform plan again",
					len(all), p.totalCount, page+1, p.totalPages)
			}
			return all, nil
		}
	}
}

// listingPage is one page of a paged query, its items kept as sent.
type listingPage struct {
	items                  []json.RawMessage
	totalPages, totalCount int
}

func readPage(ctx context.Context, c *Client, op string, vars map[string]any, page int) (listingPage, error) {
	var p listingPage
	v := map[string]any{"page": page, "pageSize": c.pageSize}
	maps.Copy(v, vars)
	var out map[string]map[string]json.RawMessage
	if err := c.do(ctx, false, Operations[op], v, &out); err != nil {
		return p, err
	}
	for field, dst := range map[string]any{op: &p.items, "totalPages": &p.totalPages, "totalCount": &p.totalCount} {
		raw, ok := out[op][field]
		if !ok {
			return p, fmt.Errorf("page %d has no %s", page, field)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return p, fmt.Errorf("decoding page %d: %w", page, err)
		}
	}
	return p, nil
}

func sameItems(a, b []json.RawMessage) bool {
	return slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) })
}

// Groups lists the groups known to the platform (canonical, /Parent/child), once per Client.
func (c *Client) Groups(ctx context.Context) ([]string, error) {
	return cached(c, "groups", func() ([]string, error) { return c.listGroups(ctx) })
}

func (c *Client) listGroups(ctx context.Context) ([]string, error) {
	var out struct{ Groups []string }
	if err := c.do(ctx, false, Operations["groups"], nil, &out); err != nil {
		return nil, fmt.Errorf("listing platform groups: %w", err)
	}
	for i, g := range out.Groups {
		out.Groups[i] = grouppath.FromPlatform(g)
	}
	return out.Groups, nil
}

// License returns the license, read once per Client.
func (c *Client) License(ctx context.Context) (*License, error) {
	return cached(c, "license", func() (*License, error) { return c.readLicense(ctx) })
}

func (c *Client) readLicense(ctx context.Context) (*License, error) {
	var out struct{ License License }
	if err := c.do(ctx, false, Operations["license"], nil, &out); err != nil {
		return nil, fmt.Errorf("reading the license: %w", err)
	}
	return &out.License, nil
}

// invalidate drops the run-scoped app listing after a mutation (also one in
// flight, which is then not kept).
func (c *Client) invalidate() { c.memo.Invalidate("apps") }

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

// coOwnerMutation adds (present) or removes (!present) co-owners. After a lost
// answer it reads the app back, and is done when every listed co-owner's
// presence is as wanted.
func (c *Client) coOwnerMutation(ctx context.Context, op, app string, users, groups []string, present bool) (*App, error) {
	wire := make([]string, len(groups))
	for i, g := range groups {
		wire[i] = grouppath.ToPlatform(g)
	}
	vars := map[string]any{"app": app, "users": nonNil(users), "groups": wire}
	var result *App
	send := func(ctx context.Context) error {
		var out map[string]App
		if err := c.do(ctx, true, Operations[op], vars, &out); err != nil {
			return err
		}
		a := out[op]
		result = &a
		return nil
	}
	confirm := func(ctx context.Context) (bool, error) {
		a, err := c.FetchApp(ctx, app)
		if err != nil {
			return false, err
		}
		for _, u := range users {
			if a.HasCoOwnerUser(u) != present {
				return false, nil
			}
		}
		for _, g := range groups {
			if a.HasCoOwnerGroup(g) != present {
				return false, nil
			}
		}
		result = a
		return true, nil
	}
	how := fmt.Sprintf("check the co-owners of %s in the App Manager (or run terraform plan)", app)
	if err := c.mutate(ctx, op, send, confirm, how); err != nil {
		return nil, err
	}
	return result, nil
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

// TransferApps moves every app of source to target. After a lost answer it
// reads the source's apps back before anything else: when the source owns
// none of them, the transfer happened and the result lists expected (the
// planned apps); a transfer is never sent twice without that check.
func (c *Client) TransferApps(ctx context.Context, source, target string, expected []string) (*TransferResult, error) {
	defer c.invalidate()
	vars := map[string]any{"source": source, "target": target}
	var result *TransferResult
	send := func(ctx context.Context) error {
		var out struct {
			TransferApps TransferResult `json:"transferApps"`
		}
		if err := c.do(ctx, true, Operations["transferApps"], vars, &out); err != nil {
			return err
		}
		sort.Strings(out.TransferApps.MovedApps)
		result = &out.TransferApps
		return nil
	}
	confirm := func(ctx context.Context) (bool, error) {
		left, err := c.OwnedApps(ctx, source)
		if err != nil {
			return false, err
		}
		if len(left) > 0 {
			return false, nil
		}
		result = &TransferResult{SourceUsername: source, TargetUsername: target, MovedApps: append([]string{}, expected...)}
		sort.Strings(result.MovedApps)
		return true, nil
	}
	how := fmt.Sprintf("check in the App Manager which apps %s and %s own (or run terraform plan: pending_apps lists what is left)", source, target)
	if err := c.mutate(ctx, "transferApps", send, confirm, how); err != nil {
		return nil, err
	}
	return result, nil
}

// CreateApp creates an app owned by the caller (used by tests and the demo with a user's token).
func (c *Client) CreateApp(ctx context.Context, name string, services []string, workspace bool) (*App, error) {
	defer c.invalidate()
	var out struct{ CreateApp App }
	if err := c.do(ctx, true, Operations["createApp"], map[string]any{"name": name, "services": nonNil(services), "workspace": workspace}, &out); err != nil {
		return nil, err
	}
	return &out.CreateApp, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cached runs fetch once per Client and key (concurrent callers share it); errors are not cached.
func cached[T any](c *Client, key string, fetch func() (T, error)) (T, error) {
	v, err := c.memo.Get(key, func() (any, error) { return fetch() })
	t, _ := v.(T)
	return t, err
}
