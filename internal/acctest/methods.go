package acctest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/config"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
)

// Helpers of the method-level tests, which call a resource's ModifyPlan
// directly, as the framework would, with clients configured for the local
// Keycloak and emulator.

// Main runs a test binary's tests with the local Keycloak and an in-process emulator.
func Main(m *testing.M) {
	cleanup, err := Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop, err := StartEmulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	cleanup()
	os.Exit(code)
}

// Clients configures the provider's clients from the environment, as the
// provider block of the acceptance tests does, with the given orphan protection.
func Clients(t *testing.T, protection string) *framework.Clients {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local Keycloak and the emulator (make test)")
	}
	s, unknown, diags := config.Resolve(config.Model{})
	if diags.HasError() || unknown {
		t.Fatalf("settings from the environment: %v", diags)
	}
	s.OrphanProtection = protection
	c, err := framework.NewClients(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// PlanFor builds a plan (and null state) for a create from attribute values; missing attributes are unknown.
func PlanFor(t *testing.T, r resource.Resource, attrs map[string]tftypes.Value) (tfsdk.Plan, tfsdk.State) {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ, _ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		}
	}
	return tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}, tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
}

// HasWarning reports whether a warning's summary or detail contains every part.
func HasWarning(diags diag.Diagnostics, parts ...string) bool {
	return containsAll(diags.Warnings(), parts)
}

// HasError reports whether an error's summary or detail contains every part.
func HasError(diags diag.Diagnostics, parts ...string) bool {
	return containsAll(diags.Errors(), parts)
}

func containsAll(diags diag.Diagnostics, parts []string) bool {
	for _, d := range diags {
		text := d.Summary() + "\n" + d.Detail()
		all := true
		for _, p := range parts {
			all = all && strings.Contains(text, p)
		}
		if all {
			return true
		}
	}
	return false
}
