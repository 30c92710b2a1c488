package provider_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

// seatsStateV0 is testdata/state/license_seats_v0.tfstate: a state of
// dashenterprise_license_seats at schema version 0, as `terraform import` left
// it with the provider that wrote that version.
func seatsStateV0(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "testdata", "state", "license_seats_v0.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The state upgrade of dashenterprise_license_seats from schema version 0,
// made the way Terraform makes it (UpgradeResourceState with the stored JSON),
// on the state captured from the provider that wrote version 0: every
// attribute carries over and observed_usernames becomes observed_digest, the
// SHA-256 of the sorted usernames one per line (computed here from that
// definition, not by the provider's code).
func TestLicenseSeatsUpgradeFromSchemaVersion0(t *testing.T) {
	ctx := context.Background()
	b := seatsStateV0(t)
	var doc struct {
		Resources []struct {
			Instances []struct {
				SchemaVersion int             `json:"schema_version"`
				Attributes    json.RawMessage `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	inst := doc.Resources[0].Instances[0]
	var v0 struct {
		Usernames []string `json:"usernames"`
		Observed  []string `json:"observed_usernames"`
	}
	if err := json.Unmarshal(inst.Attributes, &v0); err != nil || inst.SchemaVersion != 0 || len(v0.Observed) == 0 {
		t.Fatalf("the captured state is not a version 0 state with observed_usernames: %v %d %v", err, inst.SchemaVersion, v0.Observed)
	}
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := schemas.ResourceSchemas["dashenterprise_license_seats"]
	if s.Version != 1 {
		t.Fatalf("schema version %d, want 1", s.Version)
	}
	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "dashenterprise_license_seats", Version: 0,
		RawState: &tfprotov6.RawState{JSON: inst.Attributes}})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	v, err := resp.UpgradedState.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["observed_usernames"]; ok {
		t.Fatal("observed_usernames survives the upgrade")
	}
	var digest string
	if err := attrs["observed_digest"].As(&digest); err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(v0.Observed)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	if want := "sha256:" + hex.EncodeToString(sum[:]); digest != want {
		t.Fatalf("observed_digest %q, want %q", digest, want)
	}
	var members []tftypes.Value
	if err := attrs["usernames"].As(&members); err != nil || len(members) != len(v0.Usernames) {
		t.Fatalf("usernames did not carry over: %v %d members, want %d", err, len(members), len(v0.Usernames))
	}
	var id string
	if err := attrs["id"].As(&id); err != nil || id != "licensed_user" {
		t.Fatalf("id %q (%v)", id, err)
	}
}
