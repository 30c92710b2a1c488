package operations

import (
	"strings"
	"testing"
)

func TestCheckUsername(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"alice", ""},
		{"alice.smith@example.com", ""},
		{"", "must not be empty"},
		{"Alice", `Write "alice" instead`},
		{" alice", "leading or trailing spaces"},
		{"al ice", "whitespace or control characters"},
	} {
		got := CheckUsername(tc.in)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("CheckUsername(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
