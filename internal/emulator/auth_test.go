package emulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Nerzal/gocloak/v13"
	"github.com/golang-jwt/jwt/v5"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// The local Keycloak (scripts/keycloak.sh settings KC_PORT, KC_PATH).
var kcURL = or(os.Getenv("KC_SCHEME"), "http") + "://127.0.0.1:" + or(os.Getenv("KC_PORT"), "18080") + os.Getenv("KC_PATH")

func realServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak (make test starts it)")
	}
	s, err := New(Config{KeycloakURL: kcURL, Directory: &RESTDirectory{BaseURL: kcURL, Username: "admin", Password: "admin", SeatRole: "licensed_user", AdminRole: "admin"},
		Initial: &State{Apps: []*App{{Name: "forecast", Owner: "alice"}}}, TrustedClients: []string{"dash", "dash-platform"}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

func post(t *testing.T, url, token, query string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

func token(t *testing.T, fn func(gc *gocloak.GoCloak) (*gocloak.JWT, error)) string {
	t.Helper()
	jwt, err := fn(gocloak.NewClient(kcURL))
	if err != nil {
		t.Fatal(err)
	}
	return jwt.AccessToken
}

func TestEmulatorValidatesRealKeycloakTokens(t *testing.T) {
	s, hs := realServer(t)
	ctx := context.Background()
	admin := token(t, func(gc *gocloak.GoCloak) (*gocloak.JWT, error) {
		return gc.LoginClient(ctx, "dash-platform", "dash-platform-secret", "dash")
	})
	q := platform.Operations["license"]

	if code, body := post(t, hs.URL, admin, q); code != 200 || !strings.Contains(body, "seatsAssigned") {
		t.Fatalf("admin service account: %d %s", code, body)
	}
	if code, body := post(t, hs.URL, "", q); code != 401 || !strings.Contains(body, platform.CodeUnauthenticated) {
		t.Errorf("no token: %d %s", code, body)
	}
	// Tampered payload: the signature no longer matches.
	parts := strings.Split(admin, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.RawURLEncoding.EncodeToString(bytes.Replace(claims, []byte(`"admin"`), []byte(`"admim"`), 1))
	if code, body := post(t, hs.URL, strings.Join(parts, "."), q); code != 401 || !strings.Contains(body, "signature") {
		t.Errorf("tampered token: %d %s", code, body)
	}
	// Signed by a key that is not the realm's, with the realm's key ID.
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	var header map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	_ = json.Unmarshal(hb, &header)
	var mc jwt.MapClaims
	_ = json.Unmarshal(claims, &mc)
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, mc)
	forged.Header["kid"] = header["kid"]
	forgedStr, _ := forged.SignedString(key)
	if code, body := post(t, hs.URL, forgedStr, q); code != 401 {
		t.Errorf("forged token accepted: %d %s", code, body)
	}
	// Issued by another realm.
	master := token(t, func(gc *gocloak.GoCloak) (*gocloak.JWT, error) { return gc.LoginAdmin(ctx, "admin", "admin", "master") })
	if code, body := post(t, hs.URL, master, q); code != 401 {
		t.Errorf("master-realm token: %d %s", code, body)
	}
	// Expired: the same valid token, an hour later.
	s.verifier.now = func() time.Time { return time.Now().Add(time.Hour) }
	if code, body := post(t, hs.URL, admin, q); code != 401 || !strings.Contains(body, "expired") {
		t.Errorf("expired token: %d %s", code, body)
	}
	s.verifier.now = time.Now
	// A valid token of a user without admin: authenticated, but forbidden.
	alice := token(t, func(gc *gocloak.GoCloak) (*gocloak.JWT, error) {
		return gc.Login(ctx, "dash", "", "dash", "alice", "alice-password")
	})
	if code, body := post(t, hs.URL, alice, q); code != 200 || !strings.Contains(body, platform.CodeForbidden) {
		t.Errorf("non-admin: %d %s", code, body)
	}
	// Her ID token (same signature, same issuer) is not a credential for the API.
	login, err := gocloak.NewClient(kcURL).Login(ctx, "dash", "", "dash", "alice", "alice-password")
	if err != nil {
		t.Fatal(err)
	}
	if login.IDToken == "" {
		login, err = gocloak.NewClient(kcURL).GetToken(ctx, "dash", gocloak.TokenOptions{ClientID: gocloak.StringP("dash"), GrantType: gocloak.StringP("password"),
			Username: gocloak.StringP("alice"), Password: gocloak.StringP("alice-password"), Scopes: &[]string{"openid"}})
		if err != nil || login.IDToken == "" {
			t.Fatalf("no ID token to test with: %v", err)
		}
	}
	if code, body := post(t, hs.URL, login.IDToken, q); code != 401 || !strings.Contains(body, "not an access token") {
		t.Errorf("ID token accepted: %d %s", code, body)
	}
	// An access token of a client the API does not trust (terraform, the Keycloak admin client).
	other := token(t, func(gc *gocloak.GoCloak) (*gocloak.JWT, error) {
		return gc.LoginClient(ctx, "terraform", "terraform-secret", "dash")
	})
	if code, body := post(t, hs.URL, other, q); code != 401 || !strings.Contains(body, "does not trust") {
		t.Errorf("token of an untrusted client accepted: %d %s", code, body)
	}
	// Her call was her login: she and her group are known now.
	st := s.State()
	if !slices.Contains(st.KnownUsers, "alice") || !slices.Contains(st.KnownGroups, "Data Science/Forecasting") {
		t.Errorf("login not recorded: %+v", st)
	}
}

type fixedTokens struct{ tok string }

func (f fixedTokens) Token(context.Context) (string, error) { return f.tok, nil }
func (f fixedTokens) Invalidate()                           {}

func TestLostAnswerIsReadBackNotRepeated(t *testing.T) {
	s, hs := realServer(t)
	ctx := context.Background()
	admin := token(t, func(gc *gocloak.GoCloak) (*gocloak.JWT, error) {
		return gc.LoginClient(ctx, "dash-platform", "dash-platform-secret", "dash")
	})
	hc, _ := transport.New(transport.Options{Timeout: 10 * time.Second, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	c := platform.New(hs.URL, hc, fixedTokens{admin})
	s.AddKnown([]string{"erin"}, nil)

	// The client's first call checks the emulator's schema (served by
	// introspection) against the contract: nothing is missing.
	if comp, err := c.Compatibility(ctx); err != nil || !comp.Checked || len(comp.Problems) != 0 {
		t.Fatalf("compatibility with the emulator: %+v %v", comp, err)
	}

	// The co-owner is added but the answer is lost: the client reads the app back and does not send the mutation again.
	s.DropNextAnswers(1)
	before := s.Requests.Load()
	app, err := c.AddCoOwners(ctx, "forecast", []string{"erin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !app.HasCoOwnerUser("erin") {
		t.Fatalf("co-owners %+v", app.CoOwners)
	}
	if n := s.Requests.Load() - before; n != 2 {
		t.Fatalf("%d requests; want the mutation once and one read-back", n)
	}

	// A transfer whose answer is lost is performed once: alice's app moves to erin, and the
	// read-back confirms it instead of transferring again.
	s.DropNextAnswers(1)
	before = s.Requests.Load()
	res, err := c.TransferApps(ctx, "alice", "erin", []string{"forecast"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.MovedApps, ",") != "forecast" || s.State().Apps[0].Owner != "erin" {
		t.Fatalf("result %+v state %+v", res, s.State().Apps[0])
	}
	if n := s.Requests.Load() - before; n != 2 {
		t.Fatalf("%d requests; want the mutation once and one read-back (the source owns nothing)", n)
	}
	_, _ = c.TransferApps(ctx, "erin", "alice", []string{"forecast"}) // restore for other tests
}
