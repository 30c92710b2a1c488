package keycloak

import (
	"context"
	"fmt"
	"net/http"
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

// exportKey is the one key of the Client's export cache.
const exportKey = "partial-export"

// export returns the realm's partial export, read once per Client (one
// terraform command). It returns (nil, nil) when the admin account may not
// export (it needs manage-realm); callers then fall back to listing roles and
// groups one by one.
func (c *Client) export(ctx context.Context) (*realmExport, error) {
	if c.cfg.noExport {
		return nil, nil
	}
	return c.exports.Get(exportKey, func() (*realmExport, error) {
		var ex realmExport
		err := c.requestJSON(ctx, http.MethodPost, c.realmURL("partial-export"),
			map[string]string{"exportClients": "true", "exportGroupsAndRoles": "true"}, &ex)
		switch status := statusOf(err); {
		case err == nil:
			return &ex, nil
		case status == http.StatusForbidden:
			return nil, nil
		default:
			return nil, fmt.Errorf("reading the roles and groups of realm %q: %w", c.cfg.Realm, c.describe(err))
		}
	})
}

// clientUUID is the UUID of the exported client clientID ("" when the export has none).
func (ex *realmExport) clientUUID(clientID string) string {
	for _, cl := range ex.Clients {
		if cl.ClientID == clientID {
			return cl.ID
		}
	}
	return ""
}

func (g exportGroup) toGroup() *Group {
	out := &Group{ID: g.ID, Name: g.Name, Path: g.Path}
	for _, sg := range g.SubGroups {
		ch := sg.toGroup()
		if ch.Path == "" {
			ch.Path = out.Path + "/" + ch.Name
		}
		out.Children = append(out.Children, ch)
	}
	return out
}
