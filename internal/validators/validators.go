// Package validators holds the provider's attribute validators: checks that
// need no server and fail terraform validate.
package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// Username rejects usernames Keycloak could never store (upper case, spaces), with the hint.
func Username() validator.String { return username{} }

// GroupPath rejects group paths that cannot name a group.
func GroupPath() validator.String { return groupPath{} }

// Window rejects an inactivity window that is neither days ("90d") nor a duration ("36h").
func Window() validator.String { return window{} }

// NotSameUserAs rejects a username equal to the one in the attribute other (a
// transfer or an offboarding to the leaving user themself).
func NotSameUserAs(other string) validator.String { return notSameUser{other: other} }

// username rejects usernames Keycloak could never store.
type username struct{}

func (username) Description(context.Context) string {
	return "must be a lower-case Keycloak username"
}

func (v username) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (username) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := operations.CheckUsername(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid username", msg)
	}
}

// groupPath rejects group paths that cannot name a group.
type groupPath struct{}

func (groupPath) Description(context.Context) string {
	return "must be a group path written /Parent/child (the leading slash is optional)"
}

func (v groupPath) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (groupPath) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := grouppath.Parse(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid group path", err.Error())
	}
}

// window rejects an inactivity window operations.ParseWindow cannot read ("90d", "36h").
type window struct{}

func (window) Description(context.Context) string {
	return `must be a number of days such as "90d" or a duration such as "36h"`
}

func (v window) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (window) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := operations.ParseWindow(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

// notSameUser rejects a username equal to the one in another attribute (a
// transfer or an offboarding to the leaving user themself).
type notSameUser struct{ other string }

func (v notSameUser) Description(context.Context) string {
	return fmt.Sprintf("must name a user other than %s", v.other)
}

func (v notSameUser) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v notSameUser) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var other types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(v.other), &other)...)
	if !other.IsNull() && !other.IsUnknown() && other.ValueString() == req.ConfigValue.ValueString() {
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("%s and %s name the same user", req.Path, v.other),
			fmt.Sprintf("%s is %q, the same as %s: apps can only move to another user. Name the user who receives them.", req.Path, req.ConfigValue.ValueString(), v.other))
	}
}
