package acctest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// Emulator is the in-process platform API emulator started by StartEmulator.
var Emulator *emulator.Server

// EmulatorURL is its base URL (the provider's url setting).
var EmulatorURL string

// StartEmulator serves the emulator on a loopback port, backed by the local
// Keycloak, and points the provider's environment at it.
func StartEmulator() (stop func(), err error) {
	srv, url, stop, err := ServeEmulator(&emulator.State{SeatsPurchased: 100000})
	if err != nil {
		return nil, err
	}
	Emulator, EmulatorURL = srv, url
	setDefault("DASHENTERPRISE_URL", EmulatorURL)
	setDefault("DASHENTERPRISE_PLATFORM_CLIENT_ID", PlatformClientID)
	setDefault("DASHENTERPRISE_PLATFORM_CLIENT_SECRET", PlatformClientSecret)
	return stop, nil
}

// FixtureEmulator serves a second emulator seeded from a fixture file (relative to
// the repository root) until the test ends, and returns its URL.
func FixtureEmulator(t *testing.T, fixture string) string {
	t.Helper()
	st, err := emulator.LoadState(filepath.Join(repoRoot(), fixture))
	if err != nil {
		t.Fatal(err)
	}
	_, url, stop, err := ServeEmulator(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// ServeEmulator serves an emulator with the given initial state on a loopback port.
func ServeEmulator(initial *emulator.State) (*emulator.Server, string, func(), error) {
	em, err := emulator.New(emulator.Config{KeycloakURL: KeycloakURL, Realm: Realm,
		Directory: &emulator.RESTDirectory{BaseURL: KeycloakURL, Realm: Realm, Username: AdminUsername, Password: AdminPassword,
			SeatRole: "licensed_user", AdminRole: "admin", HTTP: &http.Client{Timeout: 30 * time.Second}},
		Initial: initial, TrustedClients: []string{"dash", PlatformClientID}})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/Manager/graphql", em)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return em, "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

type staticTokens struct {
	fetch func(context.Context) (string, error)
}

func (s staticTokens) Token(ctx context.Context) (string, error) { return s.fetch(ctx) }
func (s staticTokens) Invalidate()                               {}

// UserPlatform returns a platform client that calls the emulator as username
// (password grant through the public client dash), as that user's browser would.
func UserPlatform(t *testing.T, username, password string) *platform.Client {
	t.Helper()
	hc, err := transport.New(transport.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tokens := staticTokens{fetch: func(ctx context.Context) (string, error) {
		jwt, err := Admin(t).Login(ctx, "dash", "", Realm, username, password)
		if err != nil {
			return "", fmt.Errorf("login of %s: %w", username, err)
		}
		return jwt.AccessToken, nil
	}}
	return platform.New(EmulatorURL+"/Manager/graphql", hc, tokens)
}

// AdminPlatform returns a platform client using the test realm's admin service account.
func AdminPlatform(t *testing.T) *platform.Client {
	t.Helper()
	hc, err := transport.New(transport.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tokens := staticTokens{fetch: func(ctx context.Context) (string, error) {
		jwt, err := Admin(t).LoginClient(ctx, PlatformClientID, PlatformClientSecret, Realm)
		if err != nil {
			return "", err
		}
		return jwt.AccessToken, nil
	}}
	return platform.New(EmulatorURL+"/Manager/graphql", hc, tokens)
}

// LoggedInUser creates a user who has logged in to Dash Enterprise once (so the
// platform knows them and their groups) and returns the username and ID.
func LoggedInUser(t *testing.T, prefix string, opts UserOptions) (username, id string) {
	t.Helper()
	username = RandomName(prefix)
	opts.Password = "pw-" + username
	id = CreateNamedUser(t, username, opts)
	if _, err := UserPlatform(t, username, opts.Password).Current(context.Background()); err != nil {
		t.Fatalf("first login of %s: %v", username, err)
	}
	return username, id
}

// CreateApp deploys an app as its owner (who must hold a seat and have been created by LoggedInUser).
func CreateApp(t *testing.T, owner, name string, services ...string) {
	t.Helper()
	if _, err := UserPlatform(t, owner, "pw-"+owner).CreateApp(context.Background(), name, services, true); err != nil {
		t.Fatalf("creating app %s for %s: %v", name, owner, err)
	}
}

// AppOwner returns the current owner of an app.
func AppOwner(t *testing.T, name string) string {
	t.Helper()
	a, err := AdminPlatform(t).FetchApp(context.Background(), name)
	if err != nil {
		t.Fatalf("app %s: %v", name, err)
	}
	return a.Owner
}

// FetchApp reads an app from the emulator.
func FetchApp(t *testing.T, name string) *platform.App {
	t.Helper()
	a, err := AdminPlatform(t).FetchApp(context.Background(), name)
	if err != nil {
		t.Fatalf("app %s: %v", name, err)
	}
	return a
}

// SetSeatsPurchased changes the emulator's license for the rest of the test.
func SetSeatsPurchased(t *testing.T, n int) {
	t.Helper()
	before := Emulator.SeatsPurchased()
	Emulator.SetSeatsPurchased(n)
	t.Cleanup(func() { Emulator.SetSeatsPurchased(before) })
}

// EmulatorCoOwners returns an app's user co-owners from the emulator's own state,
// not through the provider's platform client.
func EmulatorCoOwners(t *testing.T, app string) []string {
	t.Helper()
	for _, a := range Emulator.State().Apps {
		if a.Name == app {
			return a.CoOwners
		}
	}
	t.Fatalf("the emulator has no app %s", app)
	return nil
}

// EmulatorAddCoOwner adds a user co-owner in the emulator's state, as a change
// made in the App Manager would.
func EmulatorAddCoOwner(t *testing.T, app, username string) {
	t.Helper()
	if err := Emulator.EditApp(app, func(a *emulator.App) {
		if !slices.Contains(a.CoOwners, username) {
			a.CoOwners = append(a.CoOwners, username)
		}
	}); err != nil {
		t.Fatal(err)
	}
}

// EmulatorRemoveCoOwner removes a user co-owner in the emulator's state.
func EmulatorRemoveCoOwner(t *testing.T, app, username string) {
	t.Helper()
	if err := Emulator.EditApp(app, func(a *emulator.App) {
		a.CoOwners = slices.DeleteFunc(a.CoOwners, func(u string) bool { return u == username })
	}); err != nil {
		t.Fatal(err)
	}
}

// EmulatorAppOwner returns an app's owner from the emulator's own state.
func EmulatorAppOwner(t *testing.T, app string) string {
	t.Helper()
	for _, a := range Emulator.State().Apps {
		if a.Name == app {
			return a.Owner
		}
	}
	t.Fatalf("the emulator has no app %s", app)
	return ""
}

// ClosedURL returns the URL of a loopback port on which nothing listens.
func ClosedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close()
	return url
}
