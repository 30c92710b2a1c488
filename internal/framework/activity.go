package framework

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// enableEventsHint says how to make the realm store LOGIN events.
const enableEventsHint = "Enable them in the Keycloak admin console (realm settings → Events → User events settings: " +
	"save events, with LOGIN among the saved types and an expiration longer than the windows you ask about), " +
	"or with the keycloak provider's keycloak_realm_events resource (events_enabled = true, enabled_event_types including \"LOGIN\")."

// ReadActivity reads the realm's activity for the users data source, once per
// run (every data source of the run sees the same activity; the warnings about
// the realm come once). Without it the data source still lists users (activity
// null, with a warning), unless inactive_for asks for it: then it is an error.
func ReadActivity(ctx context.Context, c *Clients, now time.Time, window time.Duration, diags *diag.Diagnostics) *keycloak.Activity {
	run := &c.activity
	run.once.Do(func() { run.value, run.err = c.Keycloak.Activity(ctx, now) })
	a, err := run.value, run.err
	first := !run.reported.Swap(true)
	kc := c.Keycloak
	switch {
	case err != nil && window > 0:
		diags.AddAttributeError(path.Root("inactive_for"), "Cannot read user activity", err.Error())
		return nil
	case err != nil:
		if first {
			diags.AddWarning("User activity not available", err.Error()+"\n\nlast_login, last_activity and activity_source are null.")
		}
		return nil
	case !a.Stored && first:
		AddFindings(diags, operations.NoLoginEvents(kc.Realm(), enableEventsHint))
	case window > 0 && !a.Covers(now, window):
		AddFindings(diags, operations.ActivityShorterThanWindow(operations.FormatWindow(window), a.Horizon))
	}
	if a.Gap != nil && first {
		AddFindings(diags, operations.ActivityGap(a.Gap.Off, a.Gap.On))
	}
	return a
}

func TimeOrNull(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
