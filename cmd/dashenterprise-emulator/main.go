// Command dashenterprise-emulator serves the local Dash Enterprise platform API
// emulator (see internal/emulator) for the demo and for manual testing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/emulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18090", "loopback address to listen on")
	keycloakURL := flag.String("keycloak-url", "http://127.0.0.1:18080", "Keycloak root URL (must match the token issuer)")
	realm := flag.String("realm", "dash", "Dash Enterprise realm")
	adminUser := flag.String("keycloak-admin", envOr("KC_ADMIN_USERNAME", "admin"), "Keycloak master-realm admin used to read seats")
	adminPass := flag.String("keycloak-admin-password", envOr("KC_ADMIN_PASSWORD", "admin"), "password of -keycloak-admin")
	fixture := flag.String("fixture", "", "seed fixture (JSON) used when the state file does not exist yet")
	stateFile := flag.String("state", "", "state file written after every change and read at start")
	trusted := flag.String("trusted-clients", "dash,dash-platform", "comma-separated clients (azp) whose access tokens the API accepts")
	flag.Parse()

	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("-listen %q: the emulator only listens on loopback addresses", *listen)
	}
	var initial *emulator.State
	switch {
	case *stateFile != "" && fileExists(*stateFile):
		initial, err = emulator.LoadState(*stateFile)
	case *fixture != "":
		initial, err = emulator.LoadState(*fixture)
	}
	if err != nil {
		log.Fatal(err)
	}
	srv, err := emulator.New(emulator.Config{KeycloakURL: *keycloakURL, Realm: *realm, Initial: initial, StateFile: *stateFile,
		Directory: &emulator.RESTDirectory{BaseURL: *keycloakURL, Realm: *realm, Username: *adminUser, Password: *adminPass,
			SeatRole: "licensed_user", AdminRole: "admin", HTTP: &http.Client{Timeout: 30 * time.Second}},
		TrustedClients: strings.Split(*trusted, ",")})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/Manager/graphql", srv)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprintln(w, "ok") })
	hs := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		log.Printf("dash enterprise platform API emulator on http://%s/Manager/graphql (keycloak %s, realm %s)", *listen, *keycloakURL, *realm)
		if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(ctx)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
