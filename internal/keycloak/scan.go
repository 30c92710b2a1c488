package keycloak

import (
	"context"
	"fmt"

	"github.com/Nerzal/gocloak/v13"
)

// scanRealm builds a Realm for admin accounts without manage-realm (no
// partial export): the group tree, every composite role's contents, and the
// groups mapped to each role that grants target.
func (c *Client) scanRealm(ctx context.Context, target string) (*Realm, error) {
	r := &Realm{Target: target, Clients: map[string]string{}}
	var err error
	if r.Composites, err = c.scanComposites(ctx, r.Clients); err != nil {
		return nil, err
	}
	forest, err := c.GroupTree(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, g := range Flatten(forest) {
		known[g.ID] = true
	}
	roles := map[string][]string{} // group ID -> keys of the relevant roles mapped to it
	var strays []RealmGroup        // groups created since the tree was read
	for _, k := range r.relevantKeys() {
		rolesURL, err := c.keyURL(r, k)
		if err != nil {
			return nil, err
		}
		// One request: Keycloak orders this listing by group name, which is not
		// unique (/Sales/Admins, /Eng/Admins), so offset pages over it can skip or
		// repeat a group (the page overlap check caught it, differential test seed
		// 1795469930247011448). Every other listing is ordered by a unique key.
		groups, err := pagedGetSize[Group](ctx, c, rolesURL+"/groups", map[string]string{"briefRepresentation": "true"}, unpagedSize)
		if err != nil {
			if k == target && IsNotFound(err) {
				return nil, c.noRole(k)
			}
			return nil, fmt.Errorf("listing groups holding %s: %w", k, c.describe(err))
		}
		for _, g := range groups {
			roles[g.ID] = append(roles[g.ID], k)
			if !known[g.ID] {
				known[g.ID] = true
				strays = append(strays, RealmGroup{ID: g.ID, Path: g.Path})
			}
		}
	}
	var convert func(gs []*Group) []RealmGroup
	convert = func(gs []*Group) []RealmGroup {
		out := make([]RealmGroup, 0, len(gs))
		for _, g := range gs {
			out = append(out, RealmGroup{ID: g.ID, Path: g.Path, Roles: roles[g.ID], Children: convert(g.Children)})
		}
		return out
	}
	r.Groups = convert(forest)
	for _, g := range strays {
		g.Roles = roles[g.ID]
		r.Groups = append(r.Groups, g)
	}
	return r, nil
}

// scanComposites reads every composite role of the realm (realm roles and
// every client's roles) once: Keycloak has no reverse lookup for "composites
// containing this role". It notes the UUID of every client in uuids.
func (c *Client) scanComposites(ctx context.Context, uuids map[string]string) (map[string][]string, error) {
	type ref struct{ id, key string }
	var all []ref
	keyOf := map[string]string{}
	note := func(clientID string, r gocloak.Role) {
		k := roleKey(clientID, deref(r.Name))
		keyOf[deref(r.ID)] = k
		if r.Composite != nil && *r.Composite {
			all = append(all, ref{deref(r.ID), k})
		}
	}
	realmRoles, err := pagedGet[gocloak.Role](ctx, c, c.realmURL("roles"), map[string]string{"briefRepresentation": "true"})
	if err != nil {
		return nil, fmt.Errorf("listing realm roles: %w", c.describe(err))
	}
	for _, r := range realmRoles {
		note("", r)
	}
	clients, err := pagedGet[gocloak.Client](ctx, c, c.realmURL("clients"), nil)
	if err != nil {
		return nil, fmt.Errorf("listing clients: %w", c.describe(err))
	}
	for _, cl := range clients {
		uuids[deref(cl.ClientID)] = deref(cl.ID)
		roles, err := pagedGet[gocloak.Role](ctx, c, c.realmURL("clients", deref(cl.ID), "roles"), map[string]string{"briefRepresentation": "true"})
		if err != nil {
			return nil, fmt.Errorf("listing roles of client %q: %w", deref(cl.ClientID), c.describe(err))
		}
		for _, r := range roles {
			note(deref(cl.ClientID), r)
		}
	}
	composites := map[string][]string{}
	for _, r := range all {
		var comps []gocloak.Role
		if err := c.getJSON(ctx, c.realmURL("roles-by-id", r.id, "composites"), nil, &comps); err != nil {
			return nil, fmt.Errorf("reading composites of %s: %w", r.key, c.describe(err))
		}
		for _, cr := range comps {
			if k, ok := keyOf[deref(cr.ID)]; ok {
				composites[r.key] = append(composites[r.key], k)
			}
		}
	}
	return composites, nil
}
