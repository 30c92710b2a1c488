package seats

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/framework"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/stringset"
)

var _ resource.ResourceWithUpgradeState = (*licenseSeatsResource)(nil)

// licenseSeatsModelV0 is the state of schema version 0, which kept
// observed_usernames, a second copy of the set, where version 1 keeps its digest.
type licenseSeatsModelV0 struct {
	ID        types.String    `tfsdk:"id"`
	Usernames stringset.Value `tfsdk:"usernames"`
	Indirect  types.Map       `tfsdk:"indirect"`
	Observed  stringset.Value `tfsdk:"observed_usernames"`
	OwnedApps types.Map       `tfsdk:"owned_apps"`
	Revokes   types.Map       `tfsdk:"revocations"`
}

// UpgradeState turns a version 0 state into version 1: observed_usernames
// becomes observed_digest, the digest of the same members; nothing else changes.
func (r *licenseSeatsResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	v0 := seatsSchema()
	v0.Version = 0
	delete(v0.Attributes, "observed_digest")
	v0.Attributes["observed_usernames"] = schema.SetAttribute{Computed: true, ElementType: types.StringType, CustomType: stringset.NewType()}
	return map[int64]resource.StateUpgrader{0: {PriorSchema: &v0, StateUpgrader: upgradeSeatsV0}}
}

func upgradeSeatsV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	var old licenseSeatsModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
	if resp.Diagnostics.HasError() {
		return
	}
	digest := types.StringNull()
	if !old.Observed.IsNull() && !old.Observed.IsUnknown() {
		digest = types.StringValue(operations.Digest(framework.SetStrings(old.Observed.SetValue)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, licenseSeatsModel{ID: old.ID, Usernames: old.Usernames, Indirect: old.Indirect,
		ObservedDigest: digest, OwnedApps: old.OwnedApps, Revokes: old.Revokes})...)
}
