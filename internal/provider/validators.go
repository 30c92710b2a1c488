package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// usernameValidator rejects usernames Keycloak could never store.
type usernameValidator struct{}

func (usernameValidator) Description(context.Context) string {
	return "must be a lower-case Keycloak username"
}

func (v usernameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (usernameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := CheckUsername(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid username", msg)
	}
}
