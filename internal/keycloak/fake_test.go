package keycloak

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// answerJSON writes v as a JSON answer.
func answerJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// serveKeycloak serves mux on httptest, with a master realm that hands out
// tokens, and returns a client of its realm dash.
func serveKeycloak(t *testing.T, mux *http.ServeMux) *Client {
	t.Helper()
	mux.HandleFunc("/realms/master/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, map[string]any{"access_token": "tok", "expires_in": 300})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{BaseURL: srv.URL, Realm: "dash", RolesClientID: "dash", AdminRealm: "master", AdminClientID: "admin-cli", Username: "admin", Password: "admin", HTTP: hc})
}
