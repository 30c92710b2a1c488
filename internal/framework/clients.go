package framework

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/runcache"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// Clients is what Configure hands to every resource and data source.
type Clients struct {
	settings config.Settings
	// Keycloak is the admin client of the Dash Enterprise realm.
	Keycloak *keycloak.Client
	// Platform is the platform API client, nil when no platform credentials are set.
	Platform *platform.Client
	// Run is what the resources share for the length of a plan or an apply:
	// the policy, whether the configuration is known, the per-user locks and
	// what each plan step declared (see operations.Run).
	Run operations.Run
	// stateApps is the run's apps by user for state attributes (see appsByUser).
	stateApps struct {
		once           sync.Once
		owned, coowned map[string][]string
		err            error
		reported       atomic.Bool
	}
	// uncheckedNoted is set once the run has warned that the platform API could not be checked.
	uncheckedNoted atomic.Bool
	// historyNoted is set once the run has warned that Keycloak cannot say who changed seats.
	historyNoted atomic.Bool
	// histories are the run's seat histories, by minute (see SeatHistory).
	histories *runcache.Cache[operations.SeatHistory]
	// activity is the run's user activity (see readActivity).
	activity struct {
		once     sync.Once
		value    *keycloak.Activity
		err      error
		reported atomic.Bool
	}
}

// ClientsFrom converts ProviderData, reporting a provider bug if it has the wrong type.
func ClientsFrom(data any, diags *diag.Diagnostics) *Clients {
	if data == nil {
		return nil
	}
	c, ok := data.(*Clients)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *provider.clients, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// Ready reports whether the clients can be used, adding an error if not.
func (c *Clients) Ready(diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured", "The dashenterprise provider was not configured. This is a bug in the provider or in Terraform; please report it.")
		return false
	}
	if c.Run.ConfigUnknown {
		diags.AddError("Provider configuration not known yet",
			"The dashenterprise provider block uses values that are only known after apply. Apply the resources it depends on first (terraform apply -target=...), then run again.")
		return false
	}
	return true
}

// RefreshDeferred reports whether a refresh must keep the prior state because
// the provider configuration is known only after apply (OpenTofu refreshes
// then; Terraform does not): the plan's own checks say that nothing was checked.
func (c *Clients) RefreshDeferred() bool { return c != nil && c.Run.ConfigUnknown }

// ConfigurePlatform creates the platform API client when credentials are set.
func (c *Clients) ConfigurePlatform() error {
	s := c.settings
	if !s.PlatformConfigured() || s.PlatformURL == "" {
		return nil
	}
	hc, err := transport.New(transport.Options{CACertFile: s.CACertFile, CACertPEM: s.CACertPEM, InsecureSkipVerify: s.InsecureSkipVerify,
		Timeout: s.RequestTimeout, MaxRetries: s.MaxRetries, Subsystem: "platform", UserAgent: s.UserAgent})
	if err != nil {
		return err
	}
	tokens := c.Keycloak.RealmTokenSource(s.PlatformClientID, s.PlatformClientSecret, s.PlatformUsername, s.PlatformPassword)
	c.Platform = platform.New(s.PlatformURL, hc, tokens)
	return nil
}

// PlatformReady reports whether the platform API can be used, adding an error
// that says what to set if not. The first call of a run checks the server's
// schema against the contract (platform.Client.Compatibility); a server that
// could not be checked is said once per run, as a warning.
func (c *Clients) PlatformReady(ctx context.Context, diags *diag.Diagnostics) bool {
	if !c.Ready(diags) {
		return false
	}
	if c.Platform == nil {
		diags.AddError("Platform API not configured",
			fmt.Sprintf("This needs the Dash Enterprise platform API. Set url (%s) and either platform_client_id/platform_client_secret (%s, %s) or platform_username/platform_password (%s, %s).",
				config.EnvVar("url"), config.EnvVar("platform_client_id"), config.EnvVar("platform_client_secret"), config.EnvVar("platform_username"), config.EnvVar("platform_password")))
		return false
	}
	c.noteUnchecked(ctx, diags)
	return true
}

// PlatformOffers reports whether the server offers the feature (a
// platform.Features name), adding a plan-time error naming what it lacks if
// not. A server that could not be checked or reached is let through: the
// requests that need it report that.
func (c *Clients) PlatformOffers(ctx context.Context, feature string, diags *diag.Diagnostics) bool {
	c.noteUnchecked(ctx, diags)
	comp, err := c.Platform.Compatibility(ctx)
	if err != nil || !comp.Checked {
		return true
	}
	for _, f := range platform.Features {
		if f.Name != feature {
			continue
		}
		if missing := comp.FeatureProblems(f); len(missing) > 0 {
			diags.AddError(fmt.Sprintf("The platform API at %s does not offer %s", c.Platform.Endpoint(), feature),
				fmt.Sprintf("%s.\n\nNot available against this server: %s. The dashenterprise_platform data source lists, feature by feature, what works against it.",
					strings.Join(missing, "; "), f.UsedBy))
			return false
		}
	}
	return true
}

// noteUnchecked warns, once per run, that the platform API's contract could
// not be checked (the server refused introspection). A server that cannot be
// reached says nothing here: the request that needs it reports that.
func (c *Clients) noteUnchecked(ctx context.Context, diags *diag.Diagnostics) {
	comp, err := c.Platform.Compatibility(ctx)
	if err != nil || comp.Checked || !c.uncheckedNoted.CompareAndSwap(false, true) {
		return
	}
	diags.AddWarning("The platform API's contract could not be checked",
		fmt.Sprintf("%s: %s. The provider proceeds as if the server spoke the contract it was written for; a mismatch shows up as an error from the request concerned. "+
			"Allow introspection on the server (at least for administrators) to let the dashenterprise_platform data source say, feature by feature, what works.",
			c.Platform.Endpoint(), comp.Reason))
}

// AppsByUser returns, for state attributes that describe them (owned_apps,
// coowned_apps), the apps each user owns and co-owns directly, sorted: one
// listing and one pass per run, however many resources ask. A failure is kept
// for the run too and reported once as a warning; ok is false then, and the
// attributes are null.
func (c *Clients) AppsByUser(ctx context.Context, diags *diag.Diagnostics) (owned, coowned map[string][]string, ok bool) {
	c.noteUnchecked(ctx, diags)
	a := &c.stateApps
	a.once.Do(func() {
		apps, err := c.Platform.Apps(ctx)
		if err != nil {
			a.err = err
			return
		}
		a.owned, a.coowned = map[string][]string{}, map[string][]string{}
		for _, app := range apps {
			a.owned[app.Owner] = append(a.owned[app.Owner], app.Name)
			for _, u := range app.CoOwnerUsernames() {
				a.coowned[u] = append(a.coowned[u], app.Name)
			}
		}
		for _, m := range []map[string][]string{a.owned, a.coowned} {
			for _, names := range m {
				sort.Strings(names)
			}
		}
	})
	if a.err != nil {
		if a.reported.CompareAndSwap(false, true) {
			diags.AddWarning("Cannot read which apps the seat holders own",
				a.err.Error()+"\n\nowned_apps and coowned_apps are null in this refresh. Plan-time orphan checks read the apps again and report their own errors.")
		}
		return nil, nil, false
	}
	return a.owned, a.coowned, true
}

// NewClients builds the clients of one provider configuration.
func NewClients(s config.Settings) (*Clients, error) {
	httpKC, err := transport.New(transport.Options{CACertFile: s.CACertFile, CACertPEM: s.CACertPEM, InsecureSkipVerify: s.InsecureSkipVerify,
		Timeout: s.RequestTimeout, MaxRetries: s.MaxRetries, Subsystem: "keycloak", UserAgent: s.UserAgent})
	if err != nil {
		return nil, err
	}
	kc := keycloak.New(keycloak.Config{
		BaseURL: s.KeycloakURL, Realm: s.Realm, RolesClientID: s.RolesClientID,
		AdminRealm: s.AdminRealm, AdminClientID: s.AdminClientID,
		Username: s.AdminUsername, Password: s.AdminPassword, ClientSecret: s.AdminClientSecret,
		HTTP: httpKC,
	})
	c := &Clients{settings: s, Keycloak: kc, histories: runcache.New[operations.SeatHistory]()}
	c.Run.Strict = s.OrphanProtection == config.OrphanProtectionError
	if err := c.ConfigurePlatform(); err != nil {
		return nil, err
	}
	return c, nil
}

// SeatRole is the client role that is a Dash Enterprise license seat.
const SeatRole = "licensed_user"

// AdminRole is the client role of Dash Enterprise administrators.
const AdminRole = "admin"
