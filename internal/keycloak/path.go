package keycloak

import (
	"fmt"
	"strings"
)

// NormalizeGroupPath returns a group path in the provider's canonical form
// /Parent/child. It accepts the Dash Enterprise spelling without the leading
// slash ("Parent/child") and rejects empty segments and a trailing slash.
func NormalizeGroupPath(p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", fmt.Errorf("group path must not be empty; write it as /Parent/child")
	}
	if strings.TrimSpace(p) != p {
		return "", fmt.Errorf("group path %q has leading or trailing spaces; remove them", p)
	}
	trimmed := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(trimmed, "/") {
		return "", fmt.Errorf("group path %q ends with a slash; write it as %q", p, "/"+strings.TrimRight(trimmed, "/"))
	}
	for _, seg := range strings.Split(trimmed, "/") {
		if seg == "" {
			return "", fmt.Errorf("group path %q has an empty segment; write it as /Parent/child", p)
		}
		if seg == "." || seg == ".." {
			// Keycloak would resolve them like a file path (or refuse them),
			// so the group meant is never the one written.
			return "", fmt.Errorf("group path %q has a %q segment; group paths name groups, write the full path as /Parent/child", p, seg)
		}
	}
	return "/" + trimmed, nil
}

// DisplayGroupPath is how Dash Enterprise shows a group: Parent/child.
func DisplayGroupPath(canonical string) string { return strings.TrimPrefix(canonical, "/") }
