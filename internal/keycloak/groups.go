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

// GroupTree lists every group of the realm with its descendants: from the
// realm's export when the account may read it, else as treeRead says.
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
	t := &treeRead{c: c}
	if err := c.readTree(ctx, t); err != nil {
		return nil, err
	}
	return t.forest, nil
}

// readTree sends the rounds of t until the tree is complete.
func (c *Client) readTree(ctx context.Context, t *treeRead) error {
	for asks := t.asks(); len(asks) > 0; asks = t.asks() {
		if err := t.take(c.send(ctx, asks)); err != nil {
			return err
		}
	}
	return nil
}

// treeRead reads a group forest level by level: the top groups, then the
// sub-groups of every group whose listing did not carry them all. A
// subGroupCount (Keycloak 23+) says whether the inline subGroups are complete;
// without one, inline says they are (a listing before 23 carries the whole
// tree), and otherwise /groups/{id}/children is asked (Keycloak 24's
// group-by-path sends neither a count nor sub-groups; before 23 that endpoint
// does not exist: 404 or 405).
type treeRead struct {
	c *Client
	// forest holds the top groups once listed.
	forest []*Group
	listed bool
	// waiting are the groups whose sub-groups the next round asks for.
	waiting []waitingGroup
}

type waitingGroup struct {
	g       *Group
	counted bool
}

// add takes in a group read from a listing.
func (t *treeRead) add(g *Group, inline bool) {
	counted := g.SubGroupCount != nil
	if counted && *g.SubGroupCount != len(g.SubGroups) || !counted && len(g.SubGroups) == 0 && !inline {
		t.waiting = append(t.waiting, waitingGroup{g, counted})
		return
	}
	t.adopt(g, g.SubGroups, counted)
}

// adopt gives g its sub-groups and takes each of them in.
func (t *treeRead) adopt(g *Group, children []*Group, counted bool) {
	for _, ch := range children {
		if ch.Path == "" {
			ch.Path = g.Path + "/" + ch.Name
		}
		t.add(ch, ch.SubGroupCount == nil && !counted)
	}
	g.Children = children
}

// asks is the next round: the top groups, or the sub-groups of those waiting.
func (t *treeRead) asks() []ask {
	if !t.listed {
		return []ask{t.c.list(t.c.realmURL("groups"), brief)}
	}
	out := make([]ask, 0, len(t.waiting))
	for _, w := range t.waiting {
		out = append(out, t.c.list(t.c.realmURL("groups", w.g.ID, "children"), brief))
	}
	return out
}

// take reads the answers to the round asks made.
func (t *treeRead) take(answers []answer) error {
	if !t.listed {
		top, err := listing[*Group](answers[0])
		if err != nil {
			return fmt.Errorf("listing groups of realm %q: %w", t.c.cfg.Realm, t.c.describe(err))
		}
		t.forest, t.listed = top, true
		for _, g := range top {
			t.add(g, g.SubGroupCount == nil)
		}
		return nil
	}
	waiting := t.waiting
	t.waiting = nil
	for i, w := range waiting {
		children, err := listing[*Group](answers[i])
		switch status := statusOf(err); {
		case err == nil:
		case !w.counted && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed):
			children = nil
		default:
			return fmt.Errorf("listing child groups of %q: %w", w.g.Path, t.c.describe(err))
		}
		t.adopt(w.g, children, w.counted)
	}
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
			return nil, fmt.Errorf("group %q does not exist in realm %q: %w", path, c.cfg.Realm, errNotFound)
		}
		return nil, fmt.Errorf("looking up group %q: %w", path, c.describe(err))
	}
	t := &treeRead{c: c, listed: true}
	t.add(&g, false)
	if err := c.readTree(ctx, t); err != nil {
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
	return c.members(c.send(ctx, []ask{c.membersAsk(groupID)})[0], groupID)
}

// membersAsk asks for the direct members of a group.
func (c *Client) membersAsk(groupID string) ask {
	return c.list(c.realmURL("groups", groupID, "members"), brief)
}

// members reads the answer to membersAsk(groupID).
func (c *Client) members(a answer, groupID string) ([]User, error) {
	users, err := listing[User](a)
	if err != nil {
		return nil, fmt.Errorf("listing members of group %s: %w", groupID, c.describe(err))
	}
	return users, nil
}

// MembersOfPath lists the direct members of the group at path (/Parent/child);
// the error wraps ErrNotFound when no such group exists.
func (c *Client) MembersOfPath(ctx context.Context, path string) ([]User, error) {
	g, err := c.GroupByPath(ctx, path)
	if err != nil {
		return nil, err
	}
	return c.GroupMembers(ctx, g.ID)
}

// memberships is the budget that decides when UserGroupPaths builds the
// run's index of direct group memberships (see Memberships).
type memberships struct {
	mu     sync.Mutex
	budget lookupBudget
}

// MembershipIndex is every group of the realm and, per user ID, the sorted
// paths of the groups the user is a direct member of.
type MembershipIndex struct {
	Groups []string
	ByUser map[string][]string
}

// Memberships returns the run's membership index, built once per Client from
// one member listing per group, asked in one round.
func (c *Client) Memberships(ctx context.Context) (*MembershipIndex, error) {
	forest, err := c.GroupTree(ctx)
	if err != nil {
		return nil, err
	}
	return c.indexMemberships(ctx, forest)
}

func (c *Client) indexMemberships(ctx context.Context, forest []*Group) (*MembershipIndex, error) {
	return c.membershipIndex.Get("", func() (*MembershipIndex, error) {
		idx := &MembershipIndex{ByUser: map[string][]string{}}
		groups := Flatten(forest)
		asks := make([]ask, len(groups))
		for i, g := range groups {
			asks[i] = c.membersAsk(g.ID)
		}
		answers := c.send(ctx, asks) // one round: every group's members, four at a time
		for i, g := range groups {
			idx.Groups = append(idx.Groups, g.Path)
			members, err := c.members(answers[i], g.ID)
			if err != nil {
				return nil, err
			}
			for _, u := range members {
				idx.ByUser[u.ID] = append(idx.ByUser[u.ID], g.Path)
			}
		}
		for _, paths := range idx.ByUser {
			sort.Strings(paths)
		}
		c.memberships.mu.Lock()
		c.memberships.budget.listed = true
		c.memberships.mu.Unlock()
		return idx, nil
	})
}

// UserGroupPaths returns the paths of the groups a user is a direct member of:
// one request per user until the run has looked up more users' groups than
// the realm has groups, then from the membership index (a destroy of 1,000
// seats then costs a few dozen listings, not 1,000 requests).
func (c *Client) UserGroupPaths(ctx context.Context, userID string) ([]string, error) {
	idx, _ := c.membershipIndex.Peek("")
	n, consider := 0, false
	if idx == nil {
		c.memberships.mu.Lock()
		n, consider = c.memberships.budget.looked()
		c.memberships.mu.Unlock()
	}
	if idx == nil && consider {
		idx = c.membershipsIfCheaper(ctx, n)
	}
	if idx != nil {
		return append([]string{}, idx.ByUser[userID]...), nil
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

// membershipsIfCheaper builds the membership index when that takes fewer
// requests than the lookups made so far; nil leaves the lookups to work (also
// after a failure).
func (c *Client) membershipsIfCheaper(ctx context.Context, lookups int) *MembershipIndex {
	forest, err := c.GroupTree(ctx)
	if err != nil || len(Flatten(forest)) >= lookups {
		return nil
	}
	idx, err := c.indexMemberships(ctx, forest)
	if err != nil {
		return nil
	}
	return idx
}
