package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestDaysRemaining(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for expires, want := range map[string]int64{
		"2026-12-23T12:00:00Z": 30,
		"2026-12-23T11:59:59Z": 29,
		"2026-11-23T18:00:00Z": 0,
		"2026-11-23T11:00:00Z": -1,
		"2026-11-21T12:00:00Z": -2,
	} {
		if got, ok := daysRemaining(expires, now); !ok || got != want {
			t.Errorf("daysRemaining(%s) = %d %v, want %d", expires, got, ok, want)
		}
	}
	if _, ok := daysRemaining("soon", now); ok {
		t.Error("an unparsable expiry gave a number")
	}
}

// A set with an element known only after apply keeps its known elements
// (before, it read as empty and the seat set planned to revoke every seat).
func TestSetElemsKeepsTheKnownElements(t *testing.T) {
	set := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("bob"), types.StringUnknown(), types.StringValue("alice")})
	known, unknown := setElems(set)
	if !slices.Equal(known, []string{"alice", "bob"}) || unknown != 1 {
		t.Fatalf("setElems = %v, %d unknown; want [alice bob], 1", known, unknown)
	}
	if got := setStrings(t.Context(), set); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Fatalf("setStrings = %v, want [alice bob]", got)
	}
	if known, unknown := setElems(types.SetUnknown(types.StringType)); known != nil || unknown != 0 {
		t.Fatalf("an unknown set: %v, %d", known, unknown)
	}
}
