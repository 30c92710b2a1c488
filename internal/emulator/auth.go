package emulator

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Principal is the caller of one request, from a verified access token.
type Principal struct {
	Username string
	// Roles are the caller's roles on the roles client (resource_access.<client>.roles).
	Roles []string
	// ServiceAccount is set for client-credentials tokens.
	ServiceAccount bool
}

// HasRole reports whether the caller holds a client role.
func (p Principal) HasRole(role string) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// verifier checks Keycloak access tokens: RS256 signature against the realm's
// JWKS, issuer and expiry.
type verifier struct {
	issuer        string
	jwksURL       string
	rolesClientID string
	// trusted are the clients (azp) whose access tokens are accepted.
	trusted []string
	http    *http.Client

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
	// now is the clock tokens are checked against (tests move it).
	now func() time.Time
}

func newVerifier(keycloakURL, realm, rolesClientID string, hc *http.Client) *verifier {
	issuer := strings.TrimRight(keycloakURL, "/") + "/realms/" + realm
	return &verifier{issuer: issuer, jwksURL: issuer + "/protocol/openid-connect/certs", rolesClientID: rolesClientID, http: hc, keys: map[string]*rsa.PublicKey{}, now: time.Now}
}

type tokenClaims struct {
	jwt.RegisteredClaims
	PreferredUsername string                              `json:"preferred_username"`
	ResourceAccess    map[string]struct{ Roles []string } `json:"resource_access"`
	ClientID          string                              `json:"client_id"`
	Azp               string                              `json:"azp"`
	Typ               string                              `json:"typ"`
}

func (v *verifier) verify(ctx context.Context, raw string) (*Principal, error) {
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(v.issuer), jwt.WithLeeway(2*time.Second), jwt.WithTimeFunc(v.now))
	if err != nil {
		return nil, err
	}
	if claims.ExpiresAt == nil {
		return nil, errors.New("token has no expiry")
	}
	if claims.Typ != "Bearer" {
		// Keycloak marks access tokens "Bearer"; ID and refresh tokens are signed
		// by the same key but are not credentials for an API.
		return nil, fmt.Errorf("not an access token (typ %q)", claims.Typ)
	}
	if !slices.Contains(v.trusted, claims.Azp) {
		return nil, fmt.Errorf("token issued to client %q, which this API does not trust (trusted: %s)", claims.Azp, strings.Join(v.trusted, ", "))
	}
	if claims.PreferredUsername == "" {
		return nil, errors.New("token has no preferred_username")
	}
	return &Principal{
		Username:       claims.PreferredUsername,
		Roles:          claims.ResourceAccess[v.rolesClientID].Roles,
		ServiceAccount: strings.HasPrefix(claims.PreferredUsername, "service-account-"),
	}, nil
}

// key returns the signing key with kid, fetching the JWKS again for an unknown
// kid (key rotation) at most every 10 s.
func (v *verifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	if time.Since(v.fetched) < 10*time.Second && len(v.keys) > 0 {
		return nil, fmt.Errorf("unknown signing key %q", kid)
	}
	keys, err := v.fetchJWKS(ctx)
	if err != nil {
		return nil, err
	}
	v.keys, v.fetched = keys, time.Now()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown signing key %q", kid)
}

func (v *verifier) fetchJWKS(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.jwksURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS from %s: %w", v.jwksURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching JWKS from %s: %s", v.jwksURL, resp.Status)
	}
	var set struct {
		Keys []struct {
			Kid, Kty, Use, N, E string
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("decoding JWKS: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return keys, nil
}
