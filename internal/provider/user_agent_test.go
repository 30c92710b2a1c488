package provider_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Every Keycloak and platform request carries the provider's User-Agent (with
// Terraform's version), and goes through the proxy HTTP_PROXY names: a plan
// and an apply of a seat through a loopback forward proxy, which counts the
// requests it carried to each server.
func TestAccUserAgentAndProxy(t *testing.T) {
	acctest.PreCheck(t)
	carol, carolID := acctest.CreateUser(t, "uacarol", acctest.UserOptions{})
	kcHost, emHost := "keycloak.proxied.test:"+port(t, acctest.KeycloakURL), "dash.proxied.test:"+port(t, acctest.EmulatorURL)
	proxy := acctest.NewForwardProxy(t, map[string]string{kcHost: acctest.KeycloakURL, emHost: acctest.EmulatorURL})
	ws := acctest.NewWorkspace(t, "HTTP_PROXY="+proxy.URL, "HTTPS_PROXY="+proxy.URL, "NO_PROXY=",
		"DASHENTERPRISE_KEYCLOAK_URL=http://"+kcHost, "DASHENTERPRISE_URL=http://"+emHost)
	ws.Write(seatsConfig("", carol))
	ws.MustApply()
	if !acctest.DirectRoles(t, carolID)["licensed_user"] {
		t.Fatalf("%s holds no seat after the apply through the proxy", carol)
	}
	ws.Cleanup()
	if proxy.Carried(kcHost) == 0 || proxy.Carried(emHost) == 0 {
		t.Fatalf("the proxy carried %d Keycloak and %d platform requests; want both above 0", proxy.Carried(kcHost), proxy.Carried(emHost))
	}
	for ua, n := range proxy.UserAgents() {
		if !strings.HasPrefix(ua, "terraform-provider-dashenterprise/") || !strings.Contains(ua, " Terraform/") {
			t.Errorf("%d request(s) with User-Agent %q, want terraform-provider-dashenterprise/<version> ... Terraform/<version>", n, ua)
		}
	}
}

func port(t *testing.T, origin string) string {
	t.Helper()
	u, err := url.Parse(origin)
	if err != nil || u.Port() == "" {
		t.Fatalf("no port in %q: %v", origin, err)
	}
	return u.Port()
}
