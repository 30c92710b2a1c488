package operations

import (
	"fmt"
	"strings"
	"unicode"
)

// CheckUsername returns a message when username is not a valid Keycloak username
// as Dash Enterprise stores it, and "" when it is.
func CheckUsername(username string) string {
	switch {
	case username == "":
		return "Username must not be empty."
	case strings.TrimSpace(username) != username:
		return fmt.Sprintf("Username %q has leading or trailing spaces; remove them.", username)
	case strings.ToLower(username) != username:
		return fmt.Sprintf("Keycloak stores usernames in lower case, so %q can never match a user. Write %q instead (for example with lower(...)).", username, strings.ToLower(username))
	}
	for _, r := range username {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("Username %q contains whitespace or control characters.", username)
		}
	}
	return ""
}
