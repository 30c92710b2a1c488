// Package stringset is a set-of-strings attribute type for
// terraform-plugin-framework whose validation and semantic equality take time
// linear in the set's size.
//
// The framework's own set type (v1.19) checks every pair of elements for
// duplicates each time a value is read from the plan or state, and after every
// Read, Create and Update it compares every new element with every prior one.
// Both are quadratic: a set of 1,000 usernames cost about 2 s of provider CPU
// per plan, a set of 10,000 minutes. This type checks duplicates with a map
// and reports an unchanged set as semantically equal in one pass, so the
// framework keeps the prior value without its pairwise walk. A set that did
// change (drift, or an update) still gets the framework's element walk, which
// this type cannot skip; DESIGN.md says what that costs.
package stringset

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.SetTypable                    = Type{}
	_ xattr.TypeWithValidate                  = Type{} //nolint:staticcheck // the framework still calls it; it is what this type replaces
	_ basetypes.SetValuableWithSemanticEquals = Value{}
)

// Type is a set of strings. Use it as a schema.SetAttribute's CustomType,
// with ElementType types.StringType.
type Type struct {
	basetypes.SetType
}

// NewType returns the set-of-strings type.
func NewType() Type { return Type{SetType: basetypes.SetType{ElemType: types.StringType}} }

func (t Type) String() string { return "stringset.Type" }

// Equal reports whether o is this type.
func (t Type) Equal(o attr.Type) bool {
	_, ok := o.(Type)
	return ok
}

// ValueType returns the zero Value.
func (t Type) ValueType(context.Context) attr.Value {
	return Value{SetValue: basetypes.NewSetNull(types.StringType)}
}

// ValueFromSet wraps a framework set value.
func (t Type) ValueFromSet(_ context.Context, in basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return Value{SetValue: in}, nil
}

// ValueFromTerraform converts a Terraform value.
func (t Type) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := basetypes.SetType{ElemType: types.StringType}.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return Value{SetValue: s}, nil
}

// Validate rejects duplicate elements, as the framework's set type does, with
// one map instead of comparing every pair.
func (t Type) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if in.Type() == nil || !in.IsKnown() || in.IsNull() {
		return diags
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Set Type Validation Error", "Expected a set of strings: "+err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	seen := make(map[string]struct{}, len(elems))
	for _, e := range elems {
		if !e.IsFullyKnown() || e.IsNull() {
			continue
		}
		var s string
		if err := e.As(&s); err != nil {
			diags.AddAttributeError(p, "Set Type Validation Error", "Expected a set of strings: "+err.Error()+". This is a bug in the provider; please report it.")
			return diags
		}
		if _, dup := seen[s]; dup {
			diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("This attribute contains duplicate values of: %q", s))
			continue
		}
		seen[s] = struct{}{}
	}
	return diags
}

// Value is a set of strings.
type Value struct {
	basetypes.SetValue
}

// Type returns the set-of-strings type.
func (v Value) Type(context.Context) attr.Type { return NewType() }

// Equal reports whether o is a Value with the same elements, in one pass
// over each (the framework's set value compares every pair).
func (v Value) Equal(o attr.Value) bool {
	other, ok := o.(Value)
	if !ok {
		return false
	}
	if v.IsNull() || v.IsUnknown() || other.IsNull() || other.IsUnknown() {
		return v.SetValue.Equal(other.SetValue)
	}
	same, _ := v.SetSemanticEquals(context.Background(), other)
	return same
}

// SetSemanticEquals reports whether the two sets hold the same strings, in
// one pass over each.
func (v Value) SetSemanticEquals(ctx context.Context, prior basetypes.SetValuable) (bool, diag.Diagnostics) {
	p, diags := prior.ToSetValue(ctx)
	if diags.HasError() || p.IsNull() || p.IsUnknown() || v.IsNull() || v.IsUnknown() {
		return false, diags
	}
	a, b := v.Elements(), p.Elements()
	if len(a) != len(b) {
		return false, diags
	}
	counts := make(map[string]int, len(a))
	for _, e := range a {
		s, ok := e.(basetypes.StringValue)
		if !ok || s.IsNull() || s.IsUnknown() {
			return false, diags
		}
		counts[s.ValueString()]++
	}
	for _, e := range b {
		s, ok := e.(basetypes.StringValue)
		if !ok || s.IsNull() || s.IsUnknown() || counts[s.ValueString()] == 0 {
			return false, diags
		}
		counts[s.ValueString()]--
	}
	return true, diags
}

// FromStrings returns a known set holding values.
func FromStrings(values []string) (Value, diag.Diagnostics) {
	elems := make([]attr.Value, len(values))
	for i, s := range values {
		elems[i] = types.StringValue(s)
	}
	s, diags := basetypes.NewSetValue(types.StringType, elems)
	return Value{SetValue: s}, diags
}

// Null returns a null set.
func Null() Value { return Value{SetValue: basetypes.NewSetNull(types.StringType)} }

// Strings returns the elements of a known set; nil when null or unknown.
func (v Value) Strings() []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(v.Elements()))
	for _, e := range v.Elements() {
		if s, ok := e.(basetypes.StringValue); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}
