package seats

import (
	"testing"
	"time"
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
