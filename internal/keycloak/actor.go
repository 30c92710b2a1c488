package keycloak

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/runcache"
)

// Actor is who made an admin change, as far as the admin account can tell:
// what it cannot read is named by its internal ID, never guessed.
type Actor struct {
	// Realm is the name of the realm they logged in to (its ID when the account cannot list it).
	Realm string
	// UserID is their user's ID; Username is empty when the account cannot read the user.
	UserID, Username string
	// Client is the clientId they logged in through (security-admin-console is
	// the admin console), or its internal ID when the account cannot read it.
	Client string
	// IP is the address the change came from.
	IP string
	// Self reports the provider's own login: the same realm, user and client.
	Self bool
}

// actorNames are, for the run, the names behind the IDs admin events carry.
type actorNames struct {
	realms *runcache.Cache[map[string]string] // one listing: realm ID -> name
	names  *runcache.Cache[string]            // kind/realm/ID -> username or clientId ("" when unreadable)
	self   *runcache.Cache[*selfLogin]
	// realmID is the managed realm's ID, once its settings were read.
	mu      sync.Mutex
	realmID string
}

func newActorNames() actorNames {
	return actorNames{realms: runcache.New[map[string]string](), names: runcache.New[string](), self: runcache.New[*selfLogin]()}
}

// selfLogin is the provider's own login, read from its access token.
type selfLogin struct{ realm, userID, client string }

// Actor resolves who made a change: their realm, username and client by name
// where the admin account may read them (a dash-realm service account cannot
// read the master realm's administrators), and whether it was the provider's
// own login.
func (c *Client) Actor(ctx context.Context, a AuthDetails) Actor {
	out := Actor{Realm: c.realmName(ctx, a.RealmID), UserID: a.UserID, IP: a.IP}
	out.Username = c.actorName(ctx, "users", out.Realm, a.UserID, func(raw json.RawMessage) string {
		var u struct{ Username string }
		_ = json.Unmarshal(raw, &u)
		return u.Username
	})
	out.Client = c.actorName(ctx, "clients", out.Realm, a.ClientID, func(raw json.RawMessage) string {
		var cl struct{ ClientID string }
		_ = json.Unmarshal(raw, &cl)
		return cl.ClientID
	})
	if out.Client == "" {
		out.Client = a.ClientID
	}
	if self := c.selfLogin(ctx); self != nil {
		out.Self = self.realm == out.Realm && self.userID == a.UserID && self.client == out.Client
	}
	return out
}

// realmName is the name of the realm with id, or id when the account cannot list it.
func (c *Client) realmName(ctx context.Context, id string) string {
	c.actors.mu.Lock()
	own := id != "" && id == c.actors.realmID
	c.actors.mu.Unlock()
	if own {
		return c.cfg.Realm
	}
	realms, _ := c.actors.realms.Get("", func() (map[string]string, error) {
		var list []struct{ ID, Realm string }
		_ = c.getJSON(ctx, c.adminURL(), nil, &list)
		out := map[string]string{}
		for _, r := range list {
			out[r.ID] = r.Realm
		}
		return out, nil
	})
	return cmp.Or(realms[id], id)
}

// actorName reads the name of a user or client of a realm once per run ("" when it cannot).
func (c *Client) actorName(ctx context.Context, kind, realm, id string, name func(json.RawMessage) string) string {
	if id == "" {
		return ""
	}
	v, _ := c.actors.names.Get(kind+"/"+realm+"/"+id, func() (string, error) {
		var raw json.RawMessage
		if c.getJSON(ctx, c.adminURL(realm, kind, id), nil, &raw) == nil {
			return name(raw), nil
		}
		return "", nil // unreadable to this account: named by its ID
	})
	return v
}

// selfLogin is the realm, user and client of the provider's own login: the
// realm and client it is configured with, and the user from its access token's
// sub claim or, when the token has none (Keycloak 26's admin-cli tokens carry
// no sub), looked up by username (password login) or as the client's service
// account (client credentials). nil when the user cannot be found (and the
// next call looks again).
func (c *Client) selfLogin(ctx context.Context) *selfLogin {
	self, _ := c.actors.self.Get("", func() (*selfLogin, error) { return c.findSelf(ctx) })
	return self
}

func (c *Client) findSelf(ctx context.Context) (*selfLogin, error) {
	id := c.tokenSubject(ctx)
	switch {
	case id != "":
	case c.cfg.Username != "":
		var users []User
		_ = c.getJSON(ctx, c.adminURL(c.cfg.AdminRealm, "users"), map[string]string{"username": c.cfg.Username, "exact": "true"}, &users)
		for _, u := range users {
			if u.Username == c.cfg.Username {
				id = u.ID
			}
		}
	default:
		var clients []struct{ ID string }
		_ = c.getJSON(ctx, c.adminURL(c.cfg.AdminRealm, "clients"), map[string]string{"clientId": c.cfg.AdminClientID}, &clients)
		var sa User
		if len(clients) == 1 && c.getJSON(ctx, c.adminURL(c.cfg.AdminRealm, "clients", clients[0].ID, "service-account-user"), nil, &sa) == nil {
			id = sa.ID
		}
	}
	if id == "" {
		return nil, errNotFound // not kept for the run
	}
	return &selfLogin{realm: c.cfg.AdminRealm, userID: id, client: c.cfg.AdminClientID}, nil
}

// tokenSubject is the sub claim of the provider's access token ("" when it has none).
func (c *Client) tokenSubject(ctx context.Context) string {
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return ""
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(payload, &claims)
	return claims.Sub
}
