package operations

import (
	"testing"
	"time"
)

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour, "15s": 15 * time.Second} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "d", "0d", "-3d", "ninety days", "90", "-1h", "3.5d"} {
		if got, err := ParseWindow(bad); err == nil {
			t.Errorf("%q: accepted as %v", bad, got)
		}
	}
	if FormatWindow(90*24*time.Hour) != "90d" || FormatWindow(36*time.Hour) != "36h0m0s" {
		t.Errorf("formatWindow: %s %s", FormatWindow(90*24*time.Hour), FormatWindow(36*time.Hour))
	}
}
