// Package config resolves the provider block into settings: each attribute,
// then its DASHENTERPRISE_ environment variable, then its default, with
// diagnostics that name both the attribute and the variable.
package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// envPrefix prefixes every environment variable: DASHENTERPRISE_ + attribute name in upper case.
const envPrefix = "DASHENTERPRISE_"

// EnvVar returns the environment variable that sets a provider attribute.
func EnvVar(attr string) string { return envPrefix + strings.ToUpper(attr) }

// Defaults of provider settings.
const (
	defaultRealm           = "dash"
	defaultRolesClientID   = "dash"
	defaultAdminRealm      = "master"
	defaultAdminClientID   = "admin-cli"
	defaultPlatformAPIPath = "/Manager/graphql"
	defaultPlatformClient  = "dash"
	defaultRequestTimeout  = 30 * time.Second
	defaultMaxRetries      = 4
	OrphanProtectionWarn   = "warn"
	OrphanProtectionError  = "error"
)

// Model is the provider block.
type Model struct {
	URL                  types.String `tfsdk:"url"`
	KeycloakURL          types.String `tfsdk:"keycloak_url"`
	KeycloakBasePath     types.String `tfsdk:"keycloak_base_path"`
	Realm                types.String `tfsdk:"realm"`
	RolesClientID        types.String `tfsdk:"roles_client_id"`
	AdminRealm           types.String `tfsdk:"admin_realm"`
	AdminClientID        types.String `tfsdk:"admin_client_id"`
	AdminUsername        types.String `tfsdk:"admin_username"`
	AdminPassword        types.String `tfsdk:"admin_password"`
	AdminClientSecret    types.String `tfsdk:"admin_client_secret"`
	PlatformAPIPath      types.String `tfsdk:"platform_api_path"`
	PlatformClientID     types.String `tfsdk:"platform_client_id"`
	PlatformClientSecret types.String `tfsdk:"platform_client_secret"`
	PlatformUsername     types.String `tfsdk:"platform_username"`
	PlatformPassword     types.String `tfsdk:"platform_password"`
	CACertFile           types.String `tfsdk:"ca_cert_file"`
	CACertPEM            types.String `tfsdk:"ca_cert_pem"`
	InsecureSkipVerify   types.Bool   `tfsdk:"insecure_skip_verify"`
	RequestTimeout       types.String `tfsdk:"request_timeout"`
	MaxRetries           types.Int64  `tfsdk:"max_retries"`
	OrphanProtection     types.String `tfsdk:"orphan_protection"`
}

// Settings are the resolved provider settings: configuration, then environment, then defaults.
type Settings struct {
	// UserAgent is sent on every request (set by Configure, not a setting).
	UserAgent            string
	URL                  string
	KeycloakURL          string // including base path
	Realm                string
	RolesClientID        string
	AdminRealm           string
	AdminClientID        string
	AdminUsername        string
	AdminPassword        string
	AdminClientSecret    string
	PlatformURL          string
	PlatformClientID     string
	PlatformClientSecret string
	PlatformUsername     string
	PlatformPassword     string
	CACertFile           string
	CACertPEM            string
	InsecureSkipVerify   bool
	RequestTimeout       time.Duration
	MaxRetries           int
	OrphanProtection     string
	// StrippedUserInfo names the URL settings that carried a user name or
	// password; it was removed (never sent, never shown) and Configure warns.
	StrippedUserInfo []string
}

// Warnings are the provider-level warnings of valid settings: TLS off,
// plain HTTP to a host other than loopback, credentials removed from a URL.
func (s Settings) Warnings() (out [][2]string) {
	if s.InsecureSkipVerify {
		out = append(out, [2]string{"TLS verification is disabled",
			fmt.Sprintf("insecure_skip_verify is true: the provider accepts any certificate from %s and %s, so credentials can be intercepted. Use ca_cert_file to trust a private CA instead.", s.KeycloakURL, s.URL)})
	}
	for _, u := range []string{s.KeycloakURL, s.URL} {
		if p, err := url.Parse(u); err == nil && p.Scheme == "http" && !loopback(p.Hostname()) {
			out = append(out, [2]string{"Credentials sent over plain HTTP to " + u,
				fmt.Sprintf("%s uses http://, so the admin password, client secrets and tokens cross the network unencrypted and can be intercepted. Use https:// (with ca_cert_file for a private CA).", u)})
		}
	}
	for _, attr := range s.StrippedUserInfo {
		out = append(out, [2]string{"Credentials removed from " + attr,
			fmt.Sprintf("%s contained a user name or password before the host. The provider removed it: it is never sent or shown. Use admin_username/admin_password (%s, %s) or the platform credentials instead.",
				attr, EnvVar("admin_username"), EnvVar("admin_password"))})
	}
	return out
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// resolver reads attributes with their environment fallbacks and collects
// diagnostics that name both the attribute and its variable.
type resolver struct {
	// complete is set for Configure: missing settings are errors then, and
	// only then (terraform validate runs without credentials).
	complete bool
	diags    diag.Diagnostics
	// unknown is set when a value is not known yet (planning with values from other resources).
	unknown bool
}

func (r *resolver) str(attr string, v types.String, def string) string {
	if v.IsUnknown() {
		r.unknown = true
		return ""
	}
	if !v.IsNull() {
		return strings.TrimSpace(v.ValueString())
	}
	if e, ok := os.LookupEnv(EnvVar(attr)); ok && e != "" {
		return strings.TrimSpace(e)
	}
	return def
}

func (r *resolver) boolean(attr string, v types.Bool) bool {
	if v.IsUnknown() {
		r.unknown = true
		return false
	}
	if !v.IsNull() {
		return v.ValueBool()
	}
	if e, ok := os.LookupEnv(EnvVar(attr)); ok && e != "" {
		b, err := strconv.ParseBool(e)
		if err != nil {
			r.errorf(attr, "%s must be true or false, got %q.", EnvVar(attr), e)
		}
		return b
	}
	return false
}

func (r *resolver) integer(attr string, v types.Int64, def int) int {
	if v.IsUnknown() {
		r.unknown = true
		return def
	}
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	if e, ok := os.LookupEnv(EnvVar(attr)); ok && e != "" {
		n, err := strconv.Atoi(e)
		if err != nil {
			r.errorf(attr, "%s must be a whole number, got %q.", EnvVar(attr), e)
		}
		return n
	}
	return def
}

// missing reports a required setting that is not set, at Configure time only.
func (r *resolver) missing(attr, format string, args ...any) {
	if r.complete {
		r.errorf(attr, format, args...)
	}
}

func (r *resolver) errorf(attr, format string, args ...any) {
	r.diags.AddAttributeError(path.Root(attr), "Invalid provider setting "+attr,
		fmt.Sprintf(format, args...)+fmt.Sprintf(" (attribute %q, environment variable %s)", attr, EnvVar(attr)))
}

// Resolve turns the provider block into settings for Configure: every rule
// applies, including "this setting is required".
func Resolve(m Model) (Settings, bool, diag.Diagnostics) {
	return resolve(m, true)
}

// Validate is Resolve for ValidateConfig (terraform validate): it
// rejects only values that are present and wrong, so a job without
// credentials or URL (a pull-request check) validates; missing settings are
// reported by Configure with the same messages.
func Validate(m Model) diag.Diagnostics {
	_, _, diags := resolve(m, false)
	return diags
}

// resolve reads every setting (configuration, then environment, then
// default) and applies each setting's rule. Each rule stands alone below.
func resolve(m Model, complete bool) (Settings, bool, diag.Diagnostics) {
	r := &resolver{complete: complete}
	s := Settings{
		URL:                  r.str("url", m.URL, ""),
		Realm:                r.str("realm", m.Realm, defaultRealm),
		RolesClientID:        r.str("roles_client_id", m.RolesClientID, defaultRolesClientID),
		AdminRealm:           r.str("admin_realm", m.AdminRealm, defaultAdminRealm),
		AdminClientID:        r.str("admin_client_id", m.AdminClientID, defaultAdminClientID),
		AdminUsername:        r.str("admin_username", m.AdminUsername, ""),
		AdminPassword:        r.str("admin_password", m.AdminPassword, ""),
		AdminClientSecret:    r.str("admin_client_secret", m.AdminClientSecret, ""),
		PlatformClientID:     r.str("platform_client_id", m.PlatformClientID, ""),
		PlatformClientSecret: r.str("platform_client_secret", m.PlatformClientSecret, ""),
		PlatformUsername:     r.str("platform_username", m.PlatformUsername, ""),
		PlatformPassword:     r.str("platform_password", m.PlatformPassword, ""),
		CACertFile:           r.str("ca_cert_file", m.CACertFile, ""),
		CACertPEM:            r.str("ca_cert_pem", m.CACertPEM, ""),
		InsecureSkipVerify:   r.boolean("insecure_skip_verify", m.InsecureSkipVerify),
		MaxRetries:           r.integer("max_retries", m.MaxRetries, defaultMaxRetries),
		OrphanProtection:     r.str("orphan_protection", m.OrphanProtection, OrphanProtectionWarn),
	}
	keycloakURL := r.str("keycloak_url", m.KeycloakURL, "")
	basePath := r.str("keycloak_base_path", m.KeycloakBasePath, "")
	apiPath := r.str("platform_api_path", m.PlatformAPIPath, defaultPlatformAPIPath)
	timeout := r.str("request_timeout", m.RequestTimeout, defaultRequestTimeout.String())
	if r.unknown {
		return s, true, r.diags
	}
	s.RequestTimeout = r.timeout(timeout)
	r.retries(s.MaxRetries)
	r.orphanProtection(s.OrphanProtection)
	r.names(s)
	r.urls(&s, keycloakURL, basePath, apiPath)
	r.adminLogin(s)
	r.platformLogin(s)
	if s.PlatformClientID == "" {
		s.PlatformClientID = defaultPlatformClient
	}
	return s, false, r.diags
}

func (r *resolver) timeout(v string) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.errorf("request_timeout", "Use a positive Go duration such as \"30s\" or \"2m\", got %q.", v)
		return defaultRequestTimeout
	}
	return d
}

func (r *resolver) retries(n int) {
	if n < 0 || n > 20 {
		r.errorf("max_retries", "Use a number from 0 to 20, got %d.", n)
	}
}

func (r *resolver) orphanProtection(v string) {
	if v != OrphanProtectionWarn && v != OrphanProtectionError {
		r.errorf("orphan_protection", "Use %q (plan warnings only) or %q (refuse to revoke a seat that would orphan apps), got %q.", OrphanProtectionWarn, OrphanProtectionError, v)
	}
}

// names rejects realm and client names set to "" explicitly.
func (r *resolver) names(s Settings) {
	for _, n := range []struct{ attr, v string }{{"realm", s.Realm}, {"roles_client_id", s.RolesClientID}, {"admin_realm", s.AdminRealm}, {"admin_client_id", s.AdminClientID}} {
		if n.v == "" {
			r.errorf(n.attr, "The value must not be empty.")
		}
	}
}

// urls sets URL, KeycloakURL (https://auth-<host> by default, plus the base
// path) and PlatformURL.
func (r *resolver) urls(s *Settings, keycloakURL, basePath, apiPath string) {
	var dashURL *url.URL
	if s.URL != "" {
		u, err := parseHTTPURL(s.URL)
		if err != nil {
			r.errorf("url", "%s", err)
		} else {
			dashURL = s.stripUserInfo("url", u)
			s.URL = strings.TrimRight(u.String(), "/")
		}
	}
	switch {
	case keycloakURL != "":
		u, err := parseHTTPURL(keycloakURL)
		if err != nil {
			r.errorf("keycloak_url", "%s", err)
			break
		}
		keycloakURL = strings.TrimRight(s.stripUserInfo("keycloak_url", u).String(), "/")
	case dashURL != nil:
		// Dash Enterprise 5 serves Keycloak at https://auth-<dash host>.
		keycloakURL = dashURL.Scheme + "://auth-" + dashURL.Host
	case s.URL == "":
		r.missing("url", "Set url to the Dash Enterprise address (e.g. https://dash.example.com), or set keycloak_url directly.")
	}
	if basePath != "" {
		basePath = "/" + strings.Trim(basePath, "/")
		if strings.HasSuffix(keycloakURL, basePath) {
			r.errorf("keycloak_base_path", "keycloak_url %q already ends with %q; remove the path from keycloak_url or leave keycloak_base_path unset.", keycloakURL, basePath)
		}
	}
	s.KeycloakURL = keycloakURL + basePath
	if dashURL != nil {
		s.PlatformURL = s.URL + "/" + strings.TrimLeft(apiPath, "/")
	}
}

// adminLogin checks the Keycloak admin login: a password grant or client credentials, not both.
func (r *resolver) adminLogin(s Settings) {
	switch {
	case s.AdminClientSecret != "" && (s.AdminUsername != "" || s.AdminPassword != ""):
		r.errorf("admin_client_secret", "Choose one admin login: admin_username/admin_password (password grant) or admin_client_id/admin_client_secret (client credentials), not both.")
	case s.AdminClientSecret != "" && s.AdminClientID == defaultAdminClientID:
		r.errorf("admin_client_id", "admin_client_secret needs admin_client_id set to a confidential client whose service account has the realm-management roles; admin-cli is a public client.")
	case s.AdminClientSecret == "" && s.AdminUsername == "":
		r.missing("admin_username", "Set admin_username and admin_password (a Keycloak admin in realm %q), or admin_client_id and admin_client_secret.", s.AdminRealm)
	case s.AdminClientSecret == "" && s.AdminPassword == "":
		r.missing("admin_password", "admin_username %q is set but admin_password is not.", s.AdminUsername)
	}
	if s.AdminUsername != "" && strings.ToLower(s.AdminUsername) != s.AdminUsername {
		r.errorf("admin_username", "Keycloak stores usernames in lower case; use %q.", strings.ToLower(s.AdminUsername))
	}
}

// platformLogin checks the optional platform API login: a user and password, or a client secret.
func (r *resolver) platformLogin(s Settings) {
	switch {
	case s.PlatformUsername != "" && s.PlatformPassword == "":
		r.missing("platform_password", "platform_username %q is set but platform_password is not.", s.PlatformUsername)
	case s.PlatformUsername == "" && s.PlatformPassword != "":
		r.missing("platform_username", "platform_password is set but platform_username is not.")
	case s.PlatformUsername == "" && s.PlatformClientSecret != "" && s.PlatformClientID == "":
		r.missing("platform_client_id", "platform_client_secret is set; also set platform_client_id, the confidential client in realm %q whose service account holds the admin role.", s.Realm)
	}
}

// stripUserInfo removes a user name and password from u (in place) and records attr.
func (s *Settings) stripUserInfo(attr string, u *url.URL) *url.URL {
	if u.User != nil {
		u.User = nil
		s.StrippedUserInfo = append(s.StrippedUserInfo, attr)
	}
	return u
}

// userInfo matches "user:password@" at the start of an authority, with or without a scheme.
var userInfo = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*://|//)?[^/@]*@`)

func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		shown := userInfo.ReplaceAllString(raw, "$1") // never echo a password
		return nil, fmt.Errorf("%q is not an absolute http(s) URL; write it with its scheme, e.g. https://%s", shown, strings.TrimPrefix(strings.TrimPrefix(shown, "//"), "/"))
	}
	return u, nil
}

// platformConfigured reports whether credentials for the platform API are set.
func (s Settings) PlatformConfigured() bool {
	return s.PlatformUsername != "" || s.PlatformClientSecret != ""
}
