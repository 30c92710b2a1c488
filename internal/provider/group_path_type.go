package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
)

// groupPathType is a string type for group paths where "Parent/child" and
// "/Parent/child" are the same group, so both spellings plan clean.
type groupPathType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = groupPathType{}
	_ basetypes.StringValuableWithSemanticEquals = groupPathValue{}
)

func (t groupPathType) Equal(o attr.Type) bool {
	_, ok := o.(groupPathType)
	return ok
}

func (t groupPathType) String() string { return "groupPathType" }

func (t groupPathType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return groupPathValue{StringValue: in}, nil
}

func (t groupPathType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return groupPathValue{StringValue: s}, nil
}

func (t groupPathType) ValueType(context.Context) attr.Value { return groupPathValue{} }

// groupPathValue is a group path as written in the configuration.
type groupPathValue struct{ basetypes.StringValue }

func (v groupPathValue) Type(context.Context) attr.Type { return groupPathType{} }

func (v groupPathValue) Equal(o attr.Value) bool {
	other, ok := o.(groupPathValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals treats paths that normalise to the same /Parent/child as equal.
func (v groupPathValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(groupPathValue)
	if !ok {
		return false, diags
	}
	a, errA := grouppath.Parse(v.ValueString())
	b, errB := grouppath.Parse(nv.ValueString())
	return errA == nil && errB == nil && a == b, diags
}

func newGroupPath(s string) groupPathValue {
	return groupPathValue{StringValue: basetypes.NewStringValue(s)}
}
