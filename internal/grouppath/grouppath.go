// Package grouppath is the provider's one spelling of Keycloak group paths,
// /Parent/child. Values are parsed here where they enter (configuration,
// import IDs, the platform API's Parent/child) and converted here where they
// leave, so no other code converts spellings by hand.
package grouppath

import (
	"fmt"
	"strings"
)

// Parse returns a group path in the provider's one spelling, /Parent/child. It accepts the Dash Enterprise spelling without the leading
// slash ("Parent/child") and rejects empty segments and a trailing slash.
func Parse(p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", fmt.Errorf("group path must not be empty; write it as /Parent/child")
	}
	if strings.TrimSpace(p) != p {
		return "", fmt.Errorf("group path %q has leading or trailing spaces; remove them", p)
	}
	trimmed := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(trimmed, "/") {
		return "", fmt.Errorf("group path %q ends with a slash; write it as %q", p, suggestion(trimmed))
	}
	for _, seg := range strings.Split(trimmed, "/") {
		if seg == "" {
			return "", fmt.Errorf("group path %q has an empty segment; write it as %q", p, suggestion(trimmed))
		}
		if seg == "." || seg == ".." {
			// Keycloak would resolve them like a file path (or refuse them),
			// so the group meant is never the one written.
			return "", fmt.Errorf("group path %q has a %q segment; group paths name groups, write the full path as /Parent/child", p, seg)
		}
	}
	return "/" + trimmed, nil
}

// ToPlatform is the platform API's spelling of a canonical path: Parent/child.
func ToPlatform(canonical string) string { return strings.TrimPrefix(canonical, "/") }

// FromPlatform is the canonical spelling of a path the platform API sent
// (Parent/child, trusted as it is the server's own).
func FromPlatform(p string) string { return "/" + strings.TrimPrefix(p, "/") }

// suggestion is a malformed path with its empty segments dropped, in the
// provider's spelling: "Data Science//Forecasting/" becomes "/Data Science/Forecasting".
func suggestion(p string) string {
	var segs []string
	for _, seg := range strings.Split(p, "/") {
		if seg != "" {
			segs = append(segs, seg)
		}
	}
	if len(segs) == 0 {
		return "/Parent/child"
	}
	return "/" + strings.Join(segs, "/")
}
