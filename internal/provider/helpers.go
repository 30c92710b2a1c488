package provider

// Small conversions between Terraform values and Go slices, shared by the
// resources and data sources.

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func known(v types.Set) bool { return !v.IsNull() && !v.IsUnknown() }

// valueOr returns a string value, or alt when it is unknown or null.
func valueOr(v types.String, alt string) string {
	if v.IsUnknown() || v.IsNull() {
		return alt
	}
	return v.ValueString()
}

func stringList(ctx context.Context, s []string, diags *diag.Diagnostics) types.List {
	v, d := types.ListValueFrom(ctx, types.StringType, nonNil(s))
	diags.Append(d...)
	return v
}

func listStrings(ctx context.Context, l types.List) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	l.ElementsAs(ctx, &out, false)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// added returns the members of desired that current lacks, sorted.
func added(current, desired []string) []string {
	cur := setOf(current)
	var out []string
	for _, d := range desired {
		if !cur[d] {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// setStrings returns the known elements of a set of strings, sorted. An
// element known only after apply is left out (setElems counts them): it never
// makes the whole set read as empty.
func setStrings(_ context.Context, s types.Set) []string {
	out, _ := setElems(s)
	return out
}

// setElems returns the known elements of a set of strings, sorted, and how
// many of its elements are known only after apply.
func setElems(s types.Set) (known []string, unknown int) {
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

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
