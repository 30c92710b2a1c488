package keycloak

import (
	"context"
	"fmt"
	"sort"

	"github.com/Nerzal/gocloak/v13"
)

// Holders is a snapshot of who holds one client role of the roles client,
// and how: a direct mapping, a group (members of its sub-groups inherit), or a
// composite role that contains it.
type Holders struct {
	Role string
	// Direct holds users with a direct mapping, by user ID.
	Direct map[string]User
	// Via lists, per user ID, the other ways the user holds the role, sorted:
	// "group:/Parent/child" and "composite:<client>/<role>" ("composite:<role>" for realm roles).
	Via map[string][]string
	// Users holds every user seen while building the snapshot, by user ID.
	Users map[string]User
	// Groups lists the paths of groups that hold the role themselves.
	Groups []string
	// byName maps usernames to user IDs for the lookups every resource makes.
	byName map[string]string
}

func newHoldersFor(role string) *Holders {
	return &Holders{Role: role, Direct: map[string]User{}, Via: map[string][]string{}, Users: map[string]User{}, byName: map[string]string{}}
}

// remember records a user seen while building or updating the snapshot.
func (h *Holders) remember(u User) {
	h.Users[u.ID] = u
	h.byName[u.Username] = u.ID
}

// Effective reports whether the user holds the role in any way.
func (h *Holders) Effective(userID string) bool {
	_, direct := h.Direct[userID]
	return direct || len(h.Via[userID]) > 0
}

// EffectiveCount is the number of distinct users who hold the role in any way.
func (h *Holders) EffectiveCount() int {
	n := 0
	for id := range h.Users {
		if h.Effective(id) {
			n++
		}
	}
	return n
}

// EffectiveByUsername reports whether the user holds the role in any way.
func (h *Holders) EffectiveByUsername(username string) bool {
	u, ok := h.UserByUsername(username)
	return ok && h.Effective(u.ID)
}

// EffectiveUsernames is the set of usernames that hold the role in any way.
func (h *Holders) EffectiveUsernames() map[string]bool {
	out := map[string]bool{}
	for id, u := range h.Users {
		if h.Effective(id) {
			out[u.Username] = true
		}
	}
	return out
}

// Indirect maps the username of everyone holding the role through a group or
// composite role to those grants (whether or not they also hold it directly).
func (h *Holders) Indirect() map[string][]string {
	out := map[string][]string{}
	for id, via := range h.Via {
		if len(via) > 0 {
			out[h.Users[id].Username] = via
		}
	}
	return out
}

// DirectByUsername finds a direct holder by username.
func (h *Holders) DirectByUsername(username string) (User, bool) {
	u, ok := h.Direct[h.byName[username]]
	return u, ok
}

// UserByUsername finds any user seen in the snapshot.
func (h *Holders) UserByUsername(username string) (User, bool) {
	u, ok := h.Users[h.byName[username]]
	return u, ok
}

func (h *Holders) clone() *Holders {
	c := newHoldersFor(h.Role)
	c.Groups = append([]string(nil), h.Groups...)
	for k, v := range h.Direct {
		c.Direct[k] = v
	}
	for k, v := range h.Via {
		c.Via[k] = append([]string(nil), v...)
	}
	for _, u := range h.Users {
		c.remember(u)
	}
	return c
}

func (h *Holders) addVia(u User, grant string) {
	h.remember(u)
	for _, g := range h.Via[u.ID] {
		if g == grant {
			return
		}
	}
	h.Via[u.ID] = append(h.Via[u.ID], grant)
	sort.Strings(h.Via[u.ID])
}

// RoleHolders returns the run-scoped snapshot of the holders of roleName,
// built once per Client (concurrent callers share one build). Writes made
// through this Client update the snapshot, also while it is being built, so
// it stays exact for them.
func (c *Client) RoleHolders(ctx context.Context, roleName string) (*Holders, error) {
	return c.holders.Get(roleName, func() (*Holders, error) { return c.buildHolders(ctx, roleName) })
}

// noteDirect records a write in the run-scoped snapshot (copy-on-write, so
// readers holding the old snapshot are not disturbed).
func (c *Client) noteDirect(roleName string, u User, direct bool) {
	c.holders.Update(roleName, func(h *Holders) *Holders {
		h = h.clone()
		h.remember(u)
		if direct {
			h.Direct[u.ID] = u
		} else {
			delete(h.Direct, u.ID)
		}
		return h
	})
}

// newHolders lists the direct holders of roleName, the start of every
// snapshot, and returns the roles client's UUID it looked up.
func (c *Client) newHolders(ctx context.Context, roleName string) (*Holders, string, error) {
	clientUUID, err := c.ClientUUID(ctx, c.cfg.RolesClientID)
	if err != nil {
		return nil, "", err
	}
	h := newHoldersFor(roleName)
	direct, err := pagedGet[User](ctx, c, c.roleURL(clientUUID, roleName)+"/users", map[string]string{"briefRepresentation": "true"})
	if err != nil {
		if IsNotFound(err) {
			return nil, "", fmt.Errorf("client %q in realm %q has no role %q: %w", c.cfg.RolesClientID, c.cfg.Realm, roleName, ErrNotFound)
		}
		return nil, "", fmt.Errorf("listing holders of %s/%s: %w", c.cfg.RolesClientID, roleName, c.describe(err))
	}
	for _, u := range direct {
		h.Direct[u.ID] = u
		h.remember(u)
	}
	return h, clientUUID, nil
}

// addGroupMembers records grants for the members of g and of all its sub-groups, who inherit its roles.
func (c *Client) addGroupMembers(ctx context.Context, h *Holders, g *Group, grants ...string) error {
	members, err := c.MembersWithDescendants(ctx, g)
	if err != nil {
		return err
	}
	for _, u := range members {
		for _, grant := range grants {
			h.addVia(u, grant)
		}
	}
	return nil
}

// addRoleUsers records label for the direct holders of the role at rolesURL.
func (c *Client) addRoleUsers(ctx context.Context, h *Holders, rolesURL, label string) error {
	users, err := pagedGet[User](ctx, c, rolesURL+"/users", map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return fmt.Errorf("listing holders of composite role %s: %w", label, c.describe(err))
	}
	for _, u := range users {
		h.addVia(u, label)
	}
	return nil
}

type roleRef struct {
	ID         string
	Name       string
	ClientID   string // clientId, "" for realm roles
	ClientUUID string
	Composite  bool
}

func (r roleRef) label() string {
	if r.ClientID == "" {
		return "composite:" + r.Name
	}
	return "composite:" + r.ClientID + "/" + r.Name
}

func (c *Client) buildHolders(ctx context.Context, roleName string) (*Holders, error) {
	ex, err := c.export(ctx)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		return c.holdersFromExport(ctx, ex, roleName)
	}
	return c.holdersByScan(ctx, roleName)
}

// holdersByScan is the fallback for admin accounts without manage-realm: it
// lists the groups holding each relevant role and scans every composite role.
func (c *Client) holdersByScan(ctx context.Context, roleName string) (*Holders, error) {
	role, err := c.ClientRole(ctx, roleName)
	if err != nil {
		return nil, err
	}
	h, clientUUID, err := c.newHolders(ctx, roleName)
	if err != nil {
		return nil, err
	}

	forest, err := c.GroupTree(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Group{}
	for _, g := range Flatten(forest) {
		byID[g.ID] = g
	}
	// groupHolders records the members of the groups holding the role at rolesURL;
	// target says it is the role itself (grant "group:<path>") rather than a composite (label).
	groupHolders := func(rolesURL string, target bool, label string) error {
		// One request: Keycloak orders this listing by group name, which is not
		// unique (/Sales/Admins, /Eng/Admins), so offset pages over it can skip or
		// repeat a group (the page overlap check caught it, differential test seed
		// 1795469930247011448). Every other listing is ordered by a unique key.
		groups, err := pagedGetSize[Group](ctx, c, rolesURL+"/groups", map[string]string{"briefRepresentation": "true"}, unpagedSize)
		if err != nil {
			return fmt.Errorf("listing groups holding a role (%s): %w", rolesURL, c.describe(err))
		}
		for _, listed := range groups {
			g := byID[listed.ID]
			if g == nil {
				g = &listed
			}
			grant := label
			if target {
				h.Groups = append(h.Groups, g.Path)
				grant = "group:" + g.Path
			}
			if err := c.addGroupMembers(ctx, h, g, grant); err != nil {
				return err
			}
		}
		return nil
	}
	if err := groupHolders(c.roleURL(clientUUID, roleName), true, ""); err != nil {
		return nil, err
	}

	composites, err := c.compositesContaining(ctx, *role.ID)
	if err != nil {
		return nil, err
	}
	for _, comp := range composites {
		rolesURL := c.roleURL(comp.ClientUUID, comp.Name)
		if err := c.addRoleUsers(ctx, h, rolesURL, comp.label()); err != nil {
			return nil, err
		}
		if err := groupHolders(rolesURL, false, comp.label()); err != nil {
			return nil, err
		}
	}
	sort.Strings(h.Groups)
	return h, nil
}

// compositesContaining scans every composite role of the realm (realm roles and
// every client's roles) once and returns those that contain targetID, directly
// or through other composites. Keycloak has no reverse lookup for this.
func (c *Client) compositesContaining(ctx context.Context, targetID string) ([]roleRef, error) {
	var all []roleRef
	realmRoles, err := pagedGet[gocloak.Role](ctx, c, c.realmURL("roles"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return nil, fmt.Errorf("listing realm roles: %w", c.describe(err))
	}
	for _, r := range realmRoles {
		all = append(all, roleRef{ID: deref(r.ID), Name: deref(r.Name), Composite: r.Composite != nil && *r.Composite})
	}
	clients, err := pagedGet[gocloak.Client](ctx, c, c.realmURL("clients"), nil)
	if err != nil {
		return nil, fmt.Errorf("listing clients: %w", c.describe(err))
	}
	for _, cl := range clients {
		roles, err := pagedGet[gocloak.Role](ctx, c, c.realmURL("clients", deref(cl.ID), "roles"), map[string]string{"briefRepresentation": "true"})
		if err != nil {
			return nil, fmt.Errorf("listing roles of client %q: %w", deref(cl.ClientID), c.describe(err))
		}
		for _, r := range roles {
			all = append(all, roleRef{ID: deref(r.ID), Name: deref(r.Name), ClientID: deref(cl.ClientID), ClientUUID: deref(cl.ID), Composite: r.Composite != nil && *r.Composite})
		}
	}
	// children[composite] = IDs it contains directly.
	children := map[string][]string{}
	for _, r := range all {
		if !r.Composite {
			continue
		}
		var comps []gocloak.Role
		if err := c.getJSON(ctx, c.realmURL("roles-by-id", r.ID, "composites"), nil, &comps); err != nil {
			return nil, fmt.Errorf("reading composites of %s: %w", r.label(), c.describe(err))
		}
		for _, cr := range comps {
			children[r.ID] = append(children[r.ID], deref(cr.ID))
		}
	}
	contains := reaching(children, targetID)
	var out []roleRef
	for _, r := range all {
		if r.Composite && contains[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// reaching returns the composites (keys of children) that contain target,
// directly or through other composites; cycles are tolerated.
func reaching(children map[string][]string, target string) map[string]bool {
	var reaches func(k string, seen map[string]bool) bool
	reaches = func(k string, seen map[string]bool) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		for _, ch := range children[k] {
			if ch == target || reaches(ch, seen) {
				return true
			}
		}
		return false
	}
	out := map[string]bool{}
	for k := range children {
		if reaches(k, map[string]bool{}) {
			out[k] = true
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
