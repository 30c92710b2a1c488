package keycloak

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/Nerzal/gocloak/v13"
)

// TokenSource caches an access token and refreshes it before it expires. It is
// safe for concurrent use; concurrent callers share one refresh.
type TokenSource struct {
	fetch func(ctx context.Context) (*gocloak.JWT, error)
	now   func() time.Time

	mu     sync.Mutex
	token  string
	expiry time.Time
	// Fetches counts token requests (for tests and benchmarks).
	fetches int
}

// newTokenSource returns a TokenSource that obtains tokens with fetch.
func newTokenSource(fetch func(ctx context.Context) (*gocloak.JWT, error)) *TokenSource {
	return &TokenSource{fetch: fetch, now: time.Now}
}

// Token returns a valid access token, fetching a new one when the cached one
// is missing or close to expiry.
func (t *TokenSource) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expiry) {
		return t.token, nil
	}
	jwt, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	t.fetches++
	lifetime := time.Duration(jwt.ExpiresIn) * time.Second
	t.token = jwt.AccessToken
	t.expiry = t.now().Add(lifetime - refreshMargin(lifetime))
	return t.token, nil
}

// Invalidate drops the cached token, e.g. after the server rejected it.
func (t *TokenSource) Invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token = ""
}

// Fetches reports how many tokens have been requested.
func (t *TokenSource) Fetches() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fetches
}

// refreshMargin renews a token a third of its lifetime early, at most 30 s,
// so a request never leaves with a token about to expire.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/3, 30*time.Second)
}

// RealmTokenSource returns a token source for the Dash Enterprise realm itself
// (the platform API accepts tokens of that realm): client credentials when
// username is empty, otherwise the password grant through clientID.
func (c *Client) RealmTokenSource(clientID, clientSecret, username, password string) *TokenSource {
	return newTokenSource(func(ctx context.Context) (*gocloak.JWT, error) {
		opts := gocloak.TokenOptions{ClientID: gocloak.StringP(clientID)}
		if clientSecret != "" {
			opts.ClientSecret = gocloak.StringP(clientSecret)
		}
		if username == "" {
			opts.GrantType = gocloak.StringP("client_credentials")
		} else {
			opts.GrantType = gocloak.StringP("password")
			opts.Username, opts.Password = gocloak.StringP(username), gocloak.StringP(password)
		}
		jwt, err := c.gc.GetToken(ctx, c.cfg.Realm, opts)
		if err != nil {
			return nil, fmt.Errorf("obtaining a platform API token from realm %q with client %q: %w (check platform_client_id, platform_client_secret, platform_username and platform_password)", c.cfg.Realm, clientID, err)
		}
		return jwt, nil
	})
}
