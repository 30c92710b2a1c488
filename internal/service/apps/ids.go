package apps

import (
	"fmt"
	"strings"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

// coOwnerID is the parsed import ID of a dashenterprise_app_coowner.
type coOwnerID struct {
	App string
	// Username is set for a user co-owner.
	Username string
	// Group is set (as /Parent/child) for a group co-owner.
	Group string
}

// principal is the co-owner as a person reads it: the username or the group path.
func (id coOwnerID) principal() string {
	if id.Group != "" {
		return id.Group
	}
	return id.Username
}

// String formats the ID: <app>:user:<username> or <app>:group:/Parent/child
// (the app escaped by idPart, so the first ":" always ends it).
func (id coOwnerID) String() string {
	if id.Group != "" {
		return idPart(id.App) + ":group:" + id.Group
	}
	return idPart(id.App) + ":user:" + id.Username
}

// idPart escapes a part of a joined ID that another part follows: "%" becomes
// %25 and ":" %3A, so the first ":" of the ID ends it. The last part is never
// escaped, and names without "%" or ":" read as they always did.
func idPart(s string) string { return strings.NewReplacer("%", "%25", ":", "%3A").Replace(s) }

// unescapeIDPart reverses idPart. Only %25 and %3A are read as escapes, so an
// ID typed with a bare "%" in a name keeps it.
func unescapeIDPart(s string) string {
	return strings.NewReplacer("%25", "%", "%3A", ":", "%3a", ":").Replace(s)
}

// platformArgs are the users and groups (canonical /Parent/child) arguments of a co-owner mutation for this co-owner.
func (id coOwnerID) platformArgs() (users, groups []string) {
	if id.Group != "" {
		return nil, []string{id.Group}
	}
	return []string{id.Username}, nil
}

// parseCoOwnerID parses <app>:user:<username> and <app>:group:<path>.
func parseCoOwnerID(s string) (coOwnerID, error) {
	const format = "expected <app>:user:<username> or <app>:group:<Parent/child>, e.g. sales-dashboard:user:alice or sales-dashboard:group:/Data Science/Forecasting"
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return coOwnerID{}, fmt.Errorf("import ID %q is malformed: %s", s, format)
	}
	id := coOwnerID{App: unescapeIDPart(parts[0])}
	switch parts[1] {
	case "user":
		if msg := operations.CheckUsername(parts[2]); msg != "" {
			return coOwnerID{}, fmt.Errorf("import ID %q: %s", s, msg)
		}
		id.Username = parts[2]
	case "group":
		p, err := grouppath.Parse(parts[2])
		if err != nil {
			return coOwnerID{}, fmt.Errorf("import ID %q: %w", s, err)
		}
		id.Group = p
	default:
		return coOwnerID{}, fmt.Errorf("import ID %q: the middle part must be \"user\" or \"group\", got %q; %s", s, parts[1], format)
	}
	return id, nil
}
