package framework

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A set with an element known only after apply keeps its known elements
// (before, it read as empty and the seat set planned to revoke every seat).
func TestSetElemsKeepsTheKnownElements(t *testing.T) {
	set := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("bob"), types.StringUnknown(), types.StringValue("alice")})
	known, unknown := SetElems(set)
	if !slices.Equal(known, []string{"alice", "bob"}) || unknown != 1 {
		t.Fatalf("setElems = %v, %d unknown; want [alice bob], 1", known, unknown)
	}
	if got := SetStrings(set); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Fatalf("setStrings = %v, want [alice bob]", got)
	}
	if known, unknown := SetElems(types.SetUnknown(types.StringType)); known != nil || unknown != 0 {
		t.Fatalf("an unknown set: %v, %d", known, unknown)
	}
}
