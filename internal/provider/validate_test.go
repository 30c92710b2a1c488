package provider_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// Every input that can be checked without a server fails `terraform validate`
// in an empty environment (no URL, no credentials, as a pull-request job
// without secrets runs it), each with its own error.
func TestValidateWithoutCredentials(t *testing.T) {
	acctest.PreCheck(t) // builds the provider; validate itself contacts no server
	for _, c := range []struct{ name, config, want string }{
		{"inactive_for", `data "dashenterprise_users" "x" {
  inactive_for = "3 months"
}`, `"3 months" is not a positive duration`},
		{"users group", `data "dashenterprise_users" "x" {
  group = "Data Science//Forecasting/"
}`, `write it as "/Data Science/Forecasting"`},
		{"apps owner", `data "dashenterprise_apps" "x" {
  owner = "Dave"
}`, `Write "dave" instead`},
		{"apps coowner", `data "dashenterprise_apps" "x" {
  coowner = "Erin"
}`, `Write "erin" instead`},
		{"transfer to the same user", `resource "dashenterprise_app_transfer" "x" {
  from_username = "dave"
  to_username   = "dave"
}`, `apps can only move to another user`},
		{"offboarding to the leaver", `resource "dashenterprise_user_offboarding" "x" {
  username         = "dave"
  transfer_apps_to = "dave"
}`, `apps can only move to another user`},
		{"offboarding user_action", `resource "dashenterprise_user_offboarding" "x" {
  username    = "dave"
  user_action = "archive"
}`, `user_action`},
		{"co-owner group", `resource "dashenterprise_app_coowner" "x" {
  app   = "sales"
  group = "/Data Science/"
}`, `ends with a slash`},
		{"seat username", `resource "dashenterprise_license_seat" "x" {
  username = "Carol"
}`, `Write "carol" instead`},
		{"provider request_timeout", `provider "dashenterprise" {
  request_timeout = "soon"
}

resource "dashenterprise_license_seat" "x" {
  username = "carol"
}`, `request_timeout`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := acctest.NewWorkspace(t)
			ws.ClearEnvironment()
			ws.Write(c.config + "\n")
			out, _ := ws.Run("validate", "-json", "-no-color")
			var res struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Severity, Summary, Detail string
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &res); err != nil {
				t.Fatalf("validate output: %v\n%s", err, out)
			}
			if res.Valid {
				t.Fatalf("terraform validate accepted %s", c.config)
			}
			for _, d := range res.Diagnostics {
				if d.Severity == "error" && strings.Contains(d.Summary+" "+d.Detail, c.want) {
					return
				}
			}
			t.Fatalf("want an error containing %q, got %+v", c.want, res.Diagnostics)
		})
	}
}
