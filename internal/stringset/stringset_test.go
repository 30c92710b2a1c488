package stringset

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func tfSet(values ...string) tftypes.Value {
	elems := make([]tftypes.Value, len(values))
	for i, v := range values {
		elems[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
}

func TestValidateRejectsDuplicatesAsTheFrameworkDoes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		in     tftypes.Value
		errors int
	}{
		{"distinct", tfSet("alice", "bob", "carol"), 0},
		{"one duplicate", tfSet("alice", "bob", "alice"), 1},
		{"empty", tfSet(), 0},
		{"null", tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil), 0},
		{"unknown", tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours := NewType().Validate(ctx, tc.in, path.Root("usernames"))
			theirs := basetypes.SetType{ElemType: types.StringType}.Validate(ctx, tc.in, path.Root("usernames"))
			if ours.ErrorsCount() != tc.errors || theirs.ErrorsCount() != tc.errors {
				t.Fatalf("errors: ours %d (%v), framework %d (%v), want %d", ours.ErrorsCount(), ours, theirs.ErrorsCount(), theirs, tc.errors)
			}
			if tc.errors > 0 && !strings.Contains(ours.Errors()[0].Detail(), `"alice"`) {
				t.Fatalf("the error does not name the duplicate: %v", ours)
			}
		})
	}
}

func TestEqualityIgnoresOrderAndSeesEveryDifference(t *testing.T) {
	ctx := context.Background()
	mk := func(vs ...string) Value {
		v, d := FromStrings(vs)
		if d.HasError() {
			t.Fatal(d)
		}
		return v
	}
	unknown := Value{SetValue: basetypes.NewSetUnknown(types.StringType)}
	for _, tc := range []struct {
		name string
		a, b Value
		want bool
	}{
		{"same order", mk("a", "b"), mk("a", "b"), true},
		{"other order", mk("b", "a", "c"), mk("c", "a", "b"), true},
		{"one more", mk("a", "b"), mk("a", "b", "c"), false},
		{"one swapped", mk("a", "b"), mk("a", "c"), false},
		{"both empty", mk(), mk(), true},
		{"empty and null", mk(), Null(), false},
		{"null and null", Null(), Null(), true},
		{"known and unknown", mk("a"), unknown, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Equal(tc.b); got != tc.want {
				t.Fatalf("Equal = %v, want %v", got, tc.want)
			}
			// The framework's own comparison is the oracle for known sets.
			if got := tc.a.SetValue.Equal(tc.b.SetValue); got != tc.want {
				t.Fatalf("the framework's SetValue.Equal = %v, want %v (the test is wrong)", got, tc.want)
			}
			if !tc.a.IsNull() && !tc.a.IsUnknown() && !tc.b.IsNull() && !tc.b.IsUnknown() {
				same, d := tc.a.SetSemanticEquals(ctx, tc.b)
				if d.HasError() || same != tc.want {
					t.Fatalf("SetSemanticEquals = %v (%v), want %v", same, d, tc.want)
				}
			}
		})
	}
}

func TestValueRoundTripsThroughTerraform(t *testing.T) {
	ctx := context.Background()
	v, err := NewType().ValueFromTerraform(ctx, tfSet("bob", "alice"))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := v.(Value)
	if !ok {
		t.Fatalf("ValueFromTerraform returned %T", v)
	}
	strs := got.Strings()
	slices.Sort(strs)
	if !slices.Equal(strs, []string{"alice", "bob"}) {
		t.Fatalf("Strings() = %v", strs)
	}
	back, err := got.ToTerraformValue(ctx)
	if err != nil || !back.Equal(tfSet("alice", "bob")) {
		t.Fatalf("ToTerraformValue = %v, %v", back, err)
	}
	if !NewType().Equal(got.Type(ctx)) || NewType().Equal(types.SetType{ElemType: types.StringType}) {
		t.Fatal("type equality is wrong")
	}
}

// BenchmarkValidate compares the duplicate check of this type with the
// framework's set type on the sizes of a large seat set.
func BenchmarkValidate(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("user-%05d", i)
		}
		in := tfSet(names...)
		b.Run(fmt.Sprintf("stringset/%d", n), func(b *testing.B) {
			for range b.N {
				if d := NewType().Validate(ctx, in, path.Root("usernames")); d.HasError() {
					b.Fatal(d)
				}
			}
		})
		if n > 1000 {
			continue // the framework's pairwise check takes minutes at 10,000
		}
		b.Run(fmt.Sprintf("framework/%d", n), func(b *testing.B) {
			for range b.N {
				if d := (basetypes.SetType{ElemType: types.StringType}).Validate(ctx, in, path.Root("usernames")); d.HasError() {
					b.Fatal(d)
				}
			}
		})
	}
}
