package keycloak

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Group is one Keycloak group with its full path (/Parent/child).
type Group struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Path          string `json:"path"`
	SubGroupCount int    `json:"subGroupCount"`
	// Children are filled in by GroupTree.
	Children []*Group `json:"-"`
}

// GroupTree lists every group of the realm with its descendants. Keycloak 23+
// leaves subGroups empty in listings, so children come from /groups/{id}/children.
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
		if err := c.fillChildren(ctx, g); err != nil {
			return nil, err
		}
	}
	return top, nil
}

func (c *Client) fillChildren(ctx context.Context, g *Group) error {
	if g.SubGroupCount == 0 {
		return nil
	}
	children, err := pagedGet[*Group](ctx, c, c.realmURL("groups", g.ID, "children"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return fmt.Errorf("listing child groups of %q: %w", g.Path, c.describe(err))
	}
	for _, ch := range children {
		if ch.Path == "" {
			ch.Path = g.Path + "/" + ch.Name
		}
		if err := c.fillChildren(ctx, ch); err != nil {
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
	if err := c.fillChildren(ctx, &g); err != nil {
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

// MembersWithDescendants lists members of g and of all its sub-groups (each user once).
func (c *Client) MembersWithDescendants(ctx context.Context, g *Group) ([]User, error) {
	seen := map[string]bool{}
	var out []User
	for _, sub := range Flatten([]*Group{g}) {
		members, err := c.GroupMembers(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range members {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// UserGroupPaths returns the paths of the groups a user is a direct member of.
func (c *Client) UserGroupPaths(ctx context.Context, userID string) ([]string, error) {
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
