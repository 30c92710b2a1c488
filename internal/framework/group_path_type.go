package framework

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
)

// GroupPathType is a string type for group paths where "Parent/child" and
// "/Parent/child" are the same group, so both spellings plan clean.
type GroupPathType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = GroupPathType{}
	_ basetypes.StringValuableWithSemanticEquals = GroupPathValue{}
)

func (t GroupPathType) Equal(o attr.Type) bool {
	_, ok := o.(GroupPathType)
	return ok
}

func (t GroupPathType) String() string { return "groupPathType" }

func (t GroupPathType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return GroupPathValue{StringValue: in}, nil
}

func (t GroupPathType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return GroupPathValue{StringValue: s}, nil
}

func (t GroupPathType) ValueType(context.Context) attr.Value { return GroupPathValue{} }

// GroupPathValue is a group path as written in the configuration.
type GroupPathValue struct{ basetypes.StringValue }

func (v GroupPathValue) Type(context.Context) attr.Type { return GroupPathType{} }

func (v GroupPathValue) Equal(o attr.Value) bool {
	other, ok := o.(GroupPathValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals treats paths that normalise to the same /Parent/child as equal.
func (v GroupPathValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(GroupPathValue)
	if !ok {
		return false, diags
	}
	a, errA := grouppath.Parse(v.ValueString())
	b, errB := grouppath.Parse(nv.ValueString())
	return errA == nil && errB == nil && a == b, diags
}

func NewGroupPath(s string) GroupPathValue {
	return GroupPathValue{StringValue: basetypes.NewStringValue(s)}
}
