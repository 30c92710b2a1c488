package framework

// Small conversions between Terraform values and Go slices, shared by the
// resources and data sources.

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

func Known(v types.Set) bool { return !v.IsNull() && !v.IsUnknown() }

// ValueOr returns a string value, or alt when it is unknown or null.
func ValueOr(v types.String, alt string) string {
	if v.IsUnknown() || v.IsNull() {
		return alt
	}
	return v.ValueString()
}

func StringList(ctx context.Context, s []string, diags *diag.Diagnostics) types.List {
	v, d := types.ListValueFrom(ctx, types.StringType, NonNil(s))
	diags.Append(d...)
	return v
}

func ListStrings(ctx context.Context, l types.List) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	l.ElementsAs(ctx, &out, false)
	return out
}

func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Added returns the members of desired that current lacks, sorted.
func Added(current, desired []string) []string {
	out := operations.Minus(desired, current)
	sort.Strings(out)
	return out
}

// SetStrings returns the known elements of a set of strings, sorted. An
// element known only after apply is left out (setElems counts them): it never
// makes the whole set read as empty.
func SetStrings(s types.Set) []string {
	out, _ := SetElems(s)
	return out
}

// SetElems returns the known elements of a set of strings, sorted, and how
// many of its elements are known only after apply.
func SetElems(s types.Set) (known []string, unknown int) {
	if s.IsNull() || s.IsUnknown() {
		return nil, 0
	}
	for _, e := range s.Elements() {
		v, ok := e.(types.String)
		switch {
		case !ok || v.IsUnknown():
			unknown++
		case !v.IsNull():
			known = append(known, v.ValueString())
		}
	}
	sort.Strings(known)
	return known, unknown
}

// AddAppNotFound is the error about an app the platform does not have.
func AddAppNotFound(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("app"), fmt.Sprintf("App %q not found", name),
		fmt.Sprintf("Dash Enterprise has no app named %q. Check the name in the App Manager (or with the dashenterprise_apps data source).", name))
}

// ImportByAppName imports a resource whose ID is the app's name (or whose
// identity is {app}), setting id and app.
func ImportByAppName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, typeName string) {
	app, ok := ImportID(ctx, req, &resp.Diagnostics, func(v map[string]string) string { return v["app"] }, "app")
	if !ok {
		return
	}
	if strings.TrimSpace(app) == "" || strings.Contains(app, ":") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s is imported by app name, e.g. `terraform import %s.forecast sales-forecast`.", typeName, typeName))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), app)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app"), app)...)
}

// Limited yields result(i) for i below n, stopping at limit (when positive)
// or when Terraform stops reading.
func Limited(limit int64, n int, result func(int) list.ListResult) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i := 0; i < n; i++ {
			if limit > 0 && int64(i) >= limit {
				return
			}
			if !push(result(i)) {
				return
			}
		}
	}
}
