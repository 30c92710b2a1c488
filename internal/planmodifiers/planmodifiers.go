// Package planmodifiers holds the provider's plan modifiers.
package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// copyOf plans a computed string attribute as the value of another attribute
// of the same resource, so it is known at plan time whenever that one is (the
// seat's id is its username: a transfer that references it can list its apps
// in the plan).
type copyOf struct{ attr string }

// CopyOf plans a computed string attribute as the value of attribute attr.
func CopyOf(attr string) planmodifier.String { return copyOf{attr: attr} }

func (m copyOf) Description(context.Context) string {
	return "Known at plan time: the value of " + m.attr + "."
}

func (m copyOf) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m copyOf) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var v types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(m.attr), &v)...)
	if !v.IsNull() {
		resp.PlanValue = v
	}
}
