package keycloak

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Group is one Keycloak group with its full path (/Parent/child).
type Group struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Path          string `json:"path"`
	SubGroupCount *int   `json:"subGroupCount"`
	// SubGroups is the inline tree Keycloak before 23 sends in listings.
	SubGroups []*Group `json:"subGroups"`
	// Children are filled in by GroupTree.
	Children []*Group `json:"-"`
}

// GroupTree lists every group of the realm with its descendants. Keycloak 23+
// sends a subGroupCount and children come from /groups/{id}/children (which
// older versions lack); before 23, listings carry the whole tree inline.
func (c *Client) GroupTree(ctx context.Context) ([]*Group, error) {
	ex, err := c.export(ctx)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		forest := make([]*Group, 0, len(ex.Groups))
		for _, g := range ex.Groups {
			forest = append(forest, g.toGroup())
		}
		return forest, nil
	}
	top, err := pagedGet[*Group](ctx, c, c.realmURL("groups"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return nil, fmt.Errorf("listing groups of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	for _, g := range top {
		if err := c.fillChildren(ctx, g, g.SubGroupCount == nil); err != nil {
			return nil, err
		}
	}
	return top, nil
}

// fillChildren reads the sub-groups of g. A subGroupCount (Keycloak 23+) says
// whether the inline subGroups are complete; without one, inline says they
// are (a listing before 23 carries the whole tree), and otherwise
// /groups/{id}/children is asked (Keycloak 24's group-by-path sends neither a
// count nor sub-groups; before 23 that endpoint does not exist: 404 or 405).
func (c *Client) fillChildren(ctx context.Context, g *Group, inline bool) error {
	children := g.SubGroups
	counted := g.SubGroupCount != nil
	if counted && *g.SubGroupCount != len(children) || !counted && len(children) == 0 && !inline {
		var err error
		children, err = pagedGet[*Group](ctx, c, c.realmURL("groups", g.ID, "children"), map[string]string{"briefRepresentation": "true"})
		switch status := statusOf(err); {
		case err == nil:
		case !counted && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed):
			children = nil
		default:
			return fmt.Errorf("listing child groups of %q: %w", g.Path, c.describe(err))
		}
	}
	for _, ch := range children {
		if ch.Path == "" {
			ch.Path = g.Path + "/" + ch.Name
		}
		if err := c.fillChildren(ctx, ch, ch.SubGroupCount == nil && !counted); err != nil {
			return err
		}
	}
	g.Children = children
	return nil
}

// Flatten returns every group in the forest, parents before children, sorted by path.
func Flatten(forest []*Group) []*Group {
	var out []*Group
	var walk func(gs []*Group)
	walk = func(gs []*Group) {
		for _, g := range gs {
			out = append(out, g)
			walk(g.Children)
		}
	}
	walk(forest)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// GroupByPath finds a group by its full path; it wraps ErrNotFound when none exists.
func (c *Client) GroupByPath(ctx context.Context, path string) (*Group, error) {
	var g Group
	url := c.realmURL("group-by-path") + "/" + escapePath(strings.TrimPrefix(path, "/"))
	if err := c.getJSON(ctx, url, nil, &g); err != nil {
		if IsNotFound(err) {
			return nil, fmt.Errorf("group %q does not exist in realm %q: %w", path, c.cfg.Realm, ErrNotFound)
		}
		return nil, fmt.Errorf("looking up group %q: %w", path, c.describe(err))
	}
	if err := c.fillChildren(ctx, &g, false); err != nil {
		return nil, err
	}
	return &g, nil
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// GroupMembers lists the direct members of a group, page by page.
func (c *Client) GroupMembers(ctx context.Context, groupID string) ([]User, error) {
	users, err := pagedGet[User](ctx, c, c.realmURL("groups", groupID, "members"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return nil, fmt.Errorf("listing members of group %s: %w", groupID, c.describe(err))
	}
	return users, nil
}

// memberships is the run's index of direct group memberships, built from one
// member listing per group once a run has looked up more users' groups one by
// one than the realm has groups (a destroy of 1,000 seats then costs a few
// dozen listings, not 1,000 requests).
type memberships struct {
	mu     sync.Mutex
	byUser map[string][]string // user ID -> group paths, once listed
	budget lookupBudget
}

// UserGroupPaths returns the paths of the groups a user is a direct member of.
func (c *Client) UserGroupPaths(ctx context.Context, userID string) ([]string, error) {
	c.memberships.mu.Lock()
	paths, listed := c.memberships.byUser[userID], c.memberships.budget.listed
	n, consider := 0, false
	if !listed {
		n, consider = c.memberships.budget.looked()
	}
	c.memberships.mu.Unlock()
	if listed {
		return nonNilPaths(paths), nil
	}
	if consider && c.listMemberships(ctx, n) {
		return c.UserGroupPaths(ctx, userID)
	}
	groups, err := pagedGet[Group](ctx, c, c.realmURL("users", userID, "groups"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return nil, fmt.Errorf("listing groups of user %s: %w", userID, c.describe(err))
	}
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.Path)
	}
	sort.Strings(out)
	return out, nil
}

// listMemberships indexes every group's direct members when that takes fewer
// requests than the lookups made so far; it reports whether the index exists.
// A failure leaves the lookups to work.
func (c *Client) listMemberships(ctx context.Context, lookups int) bool {
	ok, _ := shared(&c.sf, "memberships", func() (bool, error) {
		forest, err := c.GroupTree(ctx)
		if err != nil {
			return false, err
		}
		groups := Flatten(forest)
		if len(groups) >= lookups {
			return false, nil
		}
		byUser := map[string][]string{}
		for _, g := range groups {
			members, err := c.GroupMembers(ctx, g.ID)
			if err != nil {
				return false, err
			}
			for _, u := range members {
				byUser[u.ID] = append(byUser[u.ID], g.Path)
			}
		}
		for _, paths := range byUser {
			sort.Strings(paths)
		}
		c.memberships.mu.Lock()
		c.memberships.byUser, c.memberships.budget.listed = byUser, true
		c.memberships.mu.Unlock()
		return true, nil
	})
	return ok
}

func nonNilPaths(p []string) []string {
	if p == nil {
		return []string{}
	}
	return append([]string(nil), p...)
}
