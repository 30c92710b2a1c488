package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
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

// ServeEmulator serves an emulator with the given initial state on a loopback
// port; variant, if set, makes its introspection differ from the contract.
func ServeEmulator(initial *emulator.State, variant ...*emulator.SchemaVariant) (*emulator.Server, string, func(), error) {
	cfg := emulator.Config{KeycloakURL: KeycloakBase, Realm: Realm,
		Directory: &emulator.RESTDirectory{BaseURL: KeycloakBase, Realm: Realm, Username: AdminUsername, Password: AdminPassword,
			SeatRole: "licensed_user", AdminRole: "admin", HTTP: &http.Client{Timeout: 30 * time.Second}},
		Initial: initial, TrustedClients: []string{"dash", PlatformClientID}}
	if len(variant) > 0 {
		cfg.Variant = variant[0]
	}
	em, err := emulator.New(cfg)
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

// EmulatorVariant serves, for the rest of the test, an empty emulator whose
// introspection describes a server that differs from the contract, and
// returns its root URL.
func EmulatorVariant(t *testing.T, v emulator.SchemaVariant) string {
	t.Helper()
	_, url, stop, err := ServeEmulator(&emulator.State{SeatsPurchased: 100000}, &v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// graphQL sends one GraphQL operation to the emulator with a user's access
// token, as that user's browser would: plain HTTP, not the provider's client.
func graphQL(t *testing.T, username, password, query string, vars map[string]any) {
	t.Helper()
	jwt, err := Admin(t).Login(context.Background(), "dash", "", Realm, username, password)
	if err != nil {
		t.Fatalf("login of %s: %v", username, err)
	}
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, EmulatorURL+"/Manager/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+jwt.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GraphQL answer for %s: %v", username, err)
	}
	if len(out.Errors) > 0 || out.Data == nil {
		t.Fatalf("GraphQL call as %s: %v", username, out.Errors)
	}
}

// LogIn makes the user's first call to Dash Enterprise, which is how the
// platform learns a user and their groups.
func LogIn(t *testing.T, username string) {
	t.Helper()
	graphQL(t, username, "pw-"+username, `query { current { username } }`, nil)
}

// LoggedInUser creates a user who has logged in to Dash Enterprise once (so the
// platform knows them and their groups) and returns the username and ID.
func LoggedInUser(t *testing.T, prefix string, opts UserOptions) (username, id string) {
	t.Helper()
	username = RandomName(prefix)
	opts.Password = "pw-" + username
	id = CreateNamedUser(t, username, opts)
	LogIn(t, username)
	return username, id
}

// CreateApp deploys an app as its owner (who must hold a seat and have been
// created by LoggedInUser), through the API as the owner's browser would.
func CreateApp(t *testing.T, owner, name string, services ...string) {
	t.Helper()
	if services == nil {
		services = []string{}
	}
	graphQL(t, owner, "pw-"+owner, `mutation($name: String!, $services: [ServiceType!], $workspace: Boolean) { createApp(name: $name, services: $services, workspace: $workspace) { error app { name } } }`,
		map[string]any{"name": name, "services": services, "workspace": true})
}

// App is an app as the emulator stores it, read from its own state.
type App struct{ emulator.App }

// HasCoOwnerUser reports whether username co-owns the app.
func (a App) HasCoOwnerUser(username string) bool { return slices.Contains(a.CoOwners, username) }

// HasCoOwnerGroup reports whether the group (Parent/child or /Parent/child) co-owns the app.
func (a App) HasCoOwnerGroup(path string) bool {
	return slices.Contains(a.CoOwnerGroups, strings.TrimPrefix(path, "/"))
}

// FetchApp reads an app from the emulator's own state (never through the
// provider's platform client).
func FetchApp(t *testing.T, name string) App {
	t.Helper()
	for _, a := range Emulator.State().Apps {
		if a.Name == name {
			return App{*a}
		}
	}
	t.Fatalf("the emulator has no app %s", name)
	return App{}
}

// AppOwner returns the current owner of an app, from the emulator's state.
func AppOwner(t *testing.T, name string) string {
	t.Helper()
	return FetchApp(t, name).Owner
}

// EmulatorAddCoOwners adds user and group co-owners in the emulator's state,
// as a change made in the App Manager would.
func EmulatorAddCoOwners(t *testing.T, app string, users, groups []string) {
	t.Helper()
	if err := Emulator.EditApp(app, func(a *emulator.App) {
		for _, u := range users {
			if !slices.Contains(a.CoOwners, u) {
				a.CoOwners = append(a.CoOwners, u)
			}
		}
		for _, g := range groups {
			if g = strings.TrimPrefix(g, "/"); !slices.Contains(a.CoOwnerGroups, g) {
				a.CoOwnerGroups = append(a.CoOwnerGroups, g)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
}

// CanView asks the emulator's own oracle whether username may open app
// (computed from its state and Keycloak's group memberships).
func CanView(t *testing.T, app, username string) bool {
	t.Helper()
	ok, err := Emulator.CanView(context.Background(), app, username)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// EmulatorEditAccess changes an app's viewer settings in the emulator's
// state, as a change made in the App Manager would.
func EmulatorEditAccess(t *testing.T, app string, edit func(*emulator.Settings)) {
	t.Helper()
	if err := Emulator.EditApp(app, func(a *emulator.App) { edit(&a.Settings) }); err != nil {
		t.Fatal(err)
	}
}

// DisableUnauthenticated makes the emulator refuse the unauthenticated level
// for the rest of the test, as an administrator's setting would.
func DisableUnauthenticated(t *testing.T) {
	t.Helper()
	Emulator.SetUnauthenticatedDisabled(true)
	t.Cleanup(func() { Emulator.SetUnauthenticatedDisabled(false) })
}

// SetSeatsPurchased changes the emulator's license for the rest of the test.
func SetSeatsPurchased(t *testing.T, n int) {
	t.Helper()
	before := Emulator.SeatsPurchased()
	Emulator.SetSeatsPurchased(n)
	t.Cleanup(func() { Emulator.SetSeatsPurchased(before) })
}

// EmulatorAddCoOwner adds a user co-owner in the emulator's state.
func EmulatorAddCoOwner(t *testing.T, app, username string) {
	t.Helper()
	EmulatorAddCoOwners(t, app, []string{username}, nil)
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

// AppWithCoOwners creates an app owned by owner whose co-owners are a new
// licensed user (returned) and the group /Data Science (with a member who has
// logged in, so Dash Enterprise knows the group).
func AppWithCoOwners(t *testing.T, prefix, owner string) (app, coOwner string) {
	t.Helper()
	coOwner, _ = LoggedInUser(t, prefix+"co", UserOptions{Roles: []string{"licensed_user"}})
	LoggedInUser(t, prefix+"ds", UserOptions{Groups: []string{"/Data Science"}})
	app = RandomName(prefix + "app")
	CreateApp(t, owner, app)
	EmulatorAddCoOwners(t, app, []string{coOwner}, []string{"Data Science"})
	return app, coOwner
}
