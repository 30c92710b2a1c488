package keycloak

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// realmExport is the part of Keycloak's partial export the provider reads: the
// group tree with each group's role mappings, and every role with its composites.
// One request replaces the group walk and the composite-role scan.
type realmExport struct {
	Groups []exportGroup `json:"groups"`
	Roles  struct {
		Realm  []exportRole            `json:"realm"`
		Client map[string][]exportRole `json:"client"`
	} `json:"roles"`
	Clients []struct {
		ID       string `json:"id"`
		ClientID string `json:"clientId"`
	} `json:"clients"`
}

type exportGroup struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Path        string              `json:"path"`
	SubGroups   []exportGroup       `json:"subGroups"`
	RealmRoles  []string            `json:"realmRoles"`
	ClientRoles map[string][]string `json:"clientRoles"`
}

type exportRole struct {
	Name       string `json:"name"`
	Composite  bool   `json:"composite"`
	Composites *struct {
		Realm  []string            `json:"realm"`
		Client map[string][]string `json:"client"`
	} `json:"composites"`
}

// structure is the cached export, or the knowledge that the admin may not export.
type structure struct {
	export    *realmExport
	forbidden bool
}

// export returns the realm's partial export, cached for the Client's life
// (one terraform command). It returns
// (nil, nil) when the admin account may not export (it needs manage-realm);
// callers then fall back to listing roles and groups one by one.
func (c *Client) export(ctx context.Context) (*realmExport, error) {
	c.mu.Lock()
	s := c.structure
	c.mu.Unlock()
	if s != nil {
		return s.export, nil
	}
	return shared(&c.sf, "export", func() (*realmExport, error) {
		var ex realmExport
		err := c.requestJSON(ctx, http.MethodPost, c.realmURL("partial-export"),
			map[string]string{"exportClients": "true", "exportGroupsAndRoles": "true"}, &ex)
		s := &structure{}
		switch status := statusOf(err); {
		case err == nil:
			s.export = &ex
		case status == http.StatusForbidden:
			s.forbidden = true
		default:
			return nil, fmt.Errorf("reading the roles and groups of realm %q: %w", c.cfg.Realm, c.describe(err))
		}
		c.mu.Lock()
		c.structure = s
		for _, cl := range ex.Clients {
			c.clientIDs[cl.ClientID] = cl.ID
		}
		c.mu.Unlock()
		return s.export, nil
	})
}

func (g exportGroup) toGroup() *Group {
	out := &Group{ID: g.ID, Name: g.Name, Path: g.Path, SubGroupCount: len(g.SubGroups)}
	for _, sg := range g.SubGroups {
		ch := sg.toGroup()
		if ch.Path == "" {
			ch.Path = out.Path + "/" + ch.Name
		}
		out.Children = append(out.Children, ch)
	}
	return out
}

// roleKey names a role in the export: "<clientId>/<role>" or "realm:<role>".
func roleKey(clientID, name string) string {
	if clientID == "" {
		return "realm:" + name
	}
	return clientID + "/" + name
}

func keyLabel(key string) string {
	return "composite:" + strings.TrimPrefix(key, "realm:")
}

// containing returns the keys of the composite roles that contain target, directly or through other composites.
func (ex *realmExport) containing(target string) map[string]bool {
	children := map[string][]string{}
	add := func(parent string, r exportRole) {
		if r.Composites == nil {
			return
		}
		for _, n := range r.Composites.Realm {
			children[parent] = append(children[parent], roleKey("", n))
		}
		for cl, names := range r.Composites.Client {
			for _, n := range names {
				children[parent] = append(children[parent], roleKey(cl, n))
			}
		}
	}
	for _, r := range ex.Roles.Realm {
		add(roleKey("", r.Name), r)
	}
	for cl, roles := range ex.Roles.Client {
		for _, r := range roles {
			add(roleKey(cl, r.Name), r)
		}
	}
	return reaching(children, target)
}

// holdersFromExport builds the holders of a role of the roles client from the
// export plus the member listings that must be read live.
func (c *Client) holdersFromExport(ctx context.Context, ex *realmExport, roleName string) (*Holders, error) {
	h, _, err := c.newHolders(ctx, roleName)
	if err != nil {
		return nil, err
	}
	target := roleKey(c.cfg.RolesClientID, roleName)
	composites := ex.containing(target)

	// Groups holding the role, or a composite containing it: their members and
	// the members of all their sub-groups inherit it.
	var walk func(g exportGroup) error
	walk = func(g exportGroup) error {
		var grants []string
		for _, n := range g.RealmRoles {
			if composites[roleKey("", n)] {
				grants = append(grants, keyLabel(roleKey("", n)))
			}
		}
		for cl, names := range g.ClientRoles {
			for _, n := range names {
				switch k := roleKey(cl, n); {
				case k == target:
					grants = append(grants, "group:"+g.Path)
					h.Groups = append(h.Groups, g.Path)
				case composites[k]:
					grants = append(grants, keyLabel(k))
				}
			}
		}
		if len(grants) > 0 {
			if err := c.addGroupMembers(ctx, h, g.toGroup(), grants...); err != nil {
				return err
			}
		}
		for _, sg := range g.SubGroups {
			if err := walk(sg); err != nil {
				return err
			}
		}
		return nil
	}
	for _, g := range ex.Groups {
		if err := walk(g); err != nil {
			return nil, err
		}
	}
	// Users holding a composite role directly.
	keys := make([]string, 0, len(composites))
	for k := range composites {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var rolesURL string
		if realmRole, ok := strings.CutPrefix(k, "realm:"); ok {
			rolesURL = c.roleURL("", realmRole)
		} else {
			cl, name, _ := strings.Cut(k, "/")
			uuid, err := c.ClientUUID(ctx, cl)
			if err != nil {
				return nil, err
			}
			rolesURL = c.roleURL(uuid, name)
		}
		if err := c.addRoleUsers(ctx, h, rolesURL, keyLabel(k)); err != nil {
			return nil, err
		}
	}
	sort.Strings(h.Groups)
	return h, nil
}
