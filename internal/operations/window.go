package operations

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseWindow reads an inactivity window: "90d" (days) or a Go duration ("36h", "90m").
func ParseWindow(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days: write e.g. \"90d\" or a duration such as \"36h\"", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration: write e.g. \"90d\" (days) or \"36h\"", s)
	}
	return d, nil
}

// FormatWindow writes a window as ParseWindow reads it, in days when whole.
func FormatWindow(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
