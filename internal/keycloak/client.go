// Package keycloak is the provider's access to the Keycloak admin REST API:
// authentication with a cached token, paged listings, the roles client and its
// roles looked up once, and run-scoped snapshots of who holds a role.
package keycloak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Nerzal/gocloak/v13"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/sync/singleflight"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/runcache"
)

// Config says where Keycloak is and how the provider logs in to it.
type Config struct {
	// BaseURL is the Keycloak root including any legacy base path, e.g. https://auth-dash.example.com/auth.
	BaseURL string
	// Realm holds the Dash Enterprise users, groups and roles.
	Realm string
	// RolesClientID is the clientId of the client that owns the Dash Enterprise roles.
	RolesClientID string
	// AdminRealm is where the admin login happens (master for the bootstrap admin).
	AdminRealm string
	// AdminClientID is the client used to log in (admin-cli for a password login).
	AdminClientID string
	// Username and Password select the password grant.
	Username, Password string
	// ClientSecret selects the client-credentials grant for AdminClientID.
	ClientSecret string
	// HTTP is the retrying client every request goes through.
	HTTP *retryablehttp.Client
	// PageSize is the page size of role-member and group listings
	// (DefaultPageSize when 0); UserPageSize that of the realm's user listing
	// (DefaultUserPageSize when 0).
	PageSize, UserPageSize int
	// noExport makes the client use the scan path as an account without
	// manage-realm does (tests: Keycloak before 24 lets view-realm export).
	noExport bool
}

// errNotFound is wrapped by lookups of users, groups and roles that do not exist.
var errNotFound = errors.New("not found")

// Client talks to one realm of one Keycloak. Methods are safe for concurrent use.
type Client struct {
	cfg    Config
	gc     *gocloak.GoCloak
	tokens *TokenSource

	// Run-scoped values, each read once per Client (one terraform command).
	holders *runcache.Cache[*Holders]
	// exports holds the realm's partial export (nil: the account may not export).
	exports *runcache.Cache[*realmExport]
	// clientUUIDs maps a clientId to its UUID; roles the roles client's roles by name.
	clientUUIDs *runcache.Cache[string]
	roles       *runcache.Cache[*gocloak.Role]
	// membershipIndex indexes direct group memberships (see UserGroupPaths);
	// memberships decides when it is worth building.
	membershipIndex *runcache.Cache[*MembershipIndex]
	memberships     memberships
	users           userIndex
	// sf merges concurrent listings of the realm's users.
	sf singleflight.Group
	// adminEvents are the run's admin event sweeps, by their first day.
	adminEvents *runcache.Cache[*AdminEvents]
	// actors resolves the realms, users and clients named by admin events.
	actors actorNames
}

// New returns a client; it makes no network call.
func New(cfg Config) *Client {
	gc := gocloak.NewClient(strings.TrimRight(cfg.BaseURL, "/"))
	// The retrying round tripper carries TLS settings and retries; resty would
	// ignore its own TLS options once a transport is set.
	gc.RestyClient().SetTransport(&retryablehttp.RoundTripper{Client: cfg.HTTP})
	gc.RestyClient().SetTimeout(0)
	c := &Client{cfg: cfg, gc: gc, holders: runcache.New[*Holders](), exports: runcache.New[*realmExport](),
		clientUUIDs: runcache.New[string](), roles: runcache.New[*gocloak.Role](),
		membershipIndex: runcache.New[*MembershipIndex](), adminEvents: runcache.New[*AdminEvents](), actors: newActorNames()}
	if c.cfg.PageSize <= 0 {
		c.cfg.PageSize = DefaultPageSize
	}
	if c.cfg.UserPageSize <= 0 {
		c.cfg.UserPageSize = DefaultUserPageSize
	}
	c.tokens = newTokenSource(c.login)
	return c
}

// Realm returns the realm the client manages.
func (c *Client) Realm() string { return c.cfg.Realm }

// RolesClientID returns the clientId that owns the Dash Enterprise roles.
func (c *Client) RolesClientID() string { return c.cfg.RolesClientID }

// GoCloak exposes the underlying client (for tests and tools).
func (c *Client) GoCloak() *gocloak.GoCloak { return c.gc }

// Tokens exposes the admin token source.
func (c *Client) Tokens() *TokenSource { return c.tokens }

func (c *Client) login(ctx context.Context) (*gocloak.JWT, error) {
	opts := gocloak.TokenOptions{ClientID: gocloak.StringP(c.cfg.AdminClientID)}
	if c.cfg.ClientSecret != "" {
		opts.GrantType = gocloak.StringP("client_credentials")
		opts.ClientSecret = gocloak.StringP(c.cfg.ClientSecret)
	} else {
		opts.GrantType = gocloak.StringP("password")
		opts.Username = gocloak.StringP(c.cfg.Username)
		opts.Password = gocloak.StringP(c.cfg.Password)
	}
	jwt, err := c.gc.GetToken(ctx, c.cfg.AdminRealm, opts)
	if err != nil {
		return nil, describeLoginError(err, c.cfg)
	}
	if jwt.AccessToken == "" {
		return nil, fmt.Errorf("%s answered the admin login of realm %q without an access token: is it Keycloak? Check keycloak_url and keycloak_base_path", c.cfg.BaseURL, c.cfg.AdminRealm)
	}
	return jwt, nil
}

func describeLoginError(err error, cfg Config) error {
	var apiErr *gocloak.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.Code {
		case http.StatusUnauthorized, http.StatusBadRequest:
			return fmt.Errorf("keycloak rejected the admin login to realm %q with client %q (%s): check admin_username/admin_password or admin_client_id/admin_client_secret", cfg.AdminRealm, cfg.AdminClientID, apiErr.Message)
		case http.StatusNotFound:
			return fmt.Errorf("keycloak has no realm %q at %s (%s): check admin_realm, keycloak_url and keycloak_base_path (older installations serve Keycloak under /auth)", cfg.AdminRealm, cfg.BaseURL, apiErr.Message)
		}
	}
	return fmt.Errorf("logging in to keycloak at %s: %w", cfg.BaseURL, err)
}

// withToken runs fn with an admin token, and once more with a fresh token if
// Keycloak answers 401 (e.g. a restarted server no longer knows the session).
func (c *Client) withToken(ctx context.Context, fn func(token string) error) error {
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return err
	}
	err = fn(token)
	if statusOf(err) == http.StatusUnauthorized {
		c.tokens.Invalidate()
		if token, err = c.tokens.Token(ctx); err != nil {
			return err
		}
		err = fn(token)
	}
	return err
}

func statusOf(err error) int {
	var apiErr *gocloak.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, errNotFound) || statusOf(err) == http.StatusNotFound
}

func (c *Client) realmURL(parts ...string) string {
	return c.adminURL(append([]string{c.cfg.Realm}, parts...)...)
}

// adminURL is an endpoint of the admin API: /admin/realms, then parts (a
// realm's name first, for another realm than the managed one).
func (c *Client) adminURL(parts ...string) string {
	return strings.Join(append([]string{strings.TrimRight(c.cfg.BaseURL, "/"), "admin", "realms"}, parts...), "/")
}

// getJSON performs an authenticated GET through gocloak's request helper.
func (c *Client) getJSON(ctx context.Context, url string, query map[string]string, out any) error {
	return c.requestJSON(ctx, http.MethodGet, url, query, out)
}

// requestJSON sends an authenticated request without a body and decodes the
// answer into out (a nil out ignores the answer's body).
func (c *Client) requestJSON(ctx context.Context, method, url string, query map[string]string, out any) error {
	return c.withToken(ctx, func(token string) error {
		req := c.gc.GetRequestWithBearerAuth(ctx, token).SetQueryParams(query)
		if out != nil {
			req = req.SetResult(out)
		}
		resp, err := req.Execute(method, url)
		var raw *http.Response
		if resp != nil {
			raw = resp.RawResponse
		}
		return checkResponse(raw, err, method+" "+url)
	})
}

func checkResponse(resp *http.Response, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if resp == nil {
		return fmt.Errorf("%s: empty response", what)
	}
	if resp.StatusCode >= 300 {
		return &gocloak.APIError{Code: resp.StatusCode, Message: fmt.Sprintf("%s: %s", what, resp.Status)}
	}
	return nil
}

// ClientUUID returns the internal ID of a client by its clientId, cached per
// Client (and known without a request once the realm's export was read).
func (c *Client) ClientUUID(ctx context.Context, clientID string) (string, error) {
	if ex, _ := c.exports.Peek(exportKey); ex != nil {
		if id := ex.clientUUID(clientID); id != "" {
			return id, nil
		}
	}
	return c.clientUUIDs.Get(clientID, func() (string, error) {
		var clients []*gocloak.Client
		err := c.withToken(ctx, func(token string) error {
			var err error
			clients, err = c.gc.GetClients(ctx, token, c.cfg.Realm, gocloak.GetClientsParams{ClientID: gocloak.StringP(clientID)})
			return err
		})
		if err != nil {
			return "", fmt.Errorf("looking up client %q in realm %q: %w", clientID, c.cfg.Realm, c.describe(err))
		}
		for _, cl := range clients {
			if cl.ClientID != nil && *cl.ClientID == clientID && cl.ID != nil {
				return *cl.ID, nil
			}
		}
		return "", c.noClient(clientID)
	})
}

// noClient is the error for a client the realm does not have.
func (c *Client) noClient(clientID string) error {
	return fmt.Errorf("realm %q has no client %q: %w (set roles_client_id to the client that owns the Dash Enterprise roles)", c.cfg.Realm, clientID, errNotFound)
}

// ClientRole returns a role of the roles client, cached per Client.
func (c *Client) ClientRole(ctx context.Context, roleName string) (*gocloak.Role, error) {
	if r, ok := c.roles.Peek(roleName); ok {
		return r, nil
	}
	clientUUID, err := c.ClientUUID(ctx, c.cfg.RolesClientID)
	if err != nil {
		return nil, err
	}
	return c.roles.Get(roleName, func() (*gocloak.Role, error) {
		var role *gocloak.Role
		err := c.withToken(ctx, func(token string) error {
			var err error
			role, err = c.gc.GetClientRole(ctx, token, c.cfg.Realm, clientUUID, roleName)
			return err
		})
		if err != nil {
			if statusOf(err) == http.StatusNotFound {
				return nil, fmt.Errorf("client %q in realm %q has no role %q: %w", c.cfg.RolesClientID, c.cfg.Realm, roleName, errNotFound)
			}
			return nil, fmt.Errorf("looking up role %s/%s: %w", c.cfg.RolesClientID, roleName, c.describe(err))
		}
		return role, nil
	})
}

// describe adds advice to errors whose cause a person can fix.
func (c *Client) describe(err error) error {
	switch statusOf(err) {
	case http.StatusForbidden:
		return fmt.Errorf("%w: the admin account lacks permission in realm %q (it needs realm-management roles manage-users, view-users, query-users, query-groups, view-clients and view-realm)", err, c.cfg.Realm)
	case http.StatusNotFound:
		return fmt.Errorf("%w: check realm (%q), keycloak_url and keycloak_base_path", err, c.cfg.Realm)
	}
	return err
}
