package operations

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Viewer access levels of Dash Enterprise 5 (the contract's permissionLevel).
const (
	AccessRestricted      = "restricted"
	AccessAuthenticated   = "authenticated"
	AccessUnauthenticated = "unauthenticated"
)

// AccessLevels are the viewer access levels, narrowest first.
var AccessLevels = []string{AccessRestricted, AccessAuthenticated, AccessUnauthenticated}

// Codes of the viewer access rules.
const (
	CodeAccessUnauthenticated Code = "access.unauthenticated"
	CodeAccessLost            Code = "access.viewers_lose_access"
	CodeAccessChildGroups     Code = "access.child_groups_do_not_inherit"
	CodeAccessNotLoggedIn     Code = "access.viewer_not_logged_in"
	CodeAccessGroupNotKnown   Code = "access.group_not_known"
	CodeAccessDestroyed       Code = "access.destroy_leaves_settings"
	CodeAccessViewersUnknown  Code = "access.viewers_not_known"
)

// Access is an app's viewer settings. Groups are /Parent/child.
type Access struct {
	Level         string
	Users, Groups []string
	PortalVisible bool
}

// Realm is who the viewer rules need to know beyond the snapshot: the
// administrators (who see every app) and every user of the realm (who see an
// authenticated app), sorted.
type Realm struct {
	Admins map[string]bool
	Users  []string
}

// maxNamed is how many users a finding names before it gives a count.
const maxNamed = 10

// Viewers returns who can view app under a (a restricted app): its owner,
// co-owners (users, and direct members of co-owner groups), administrators,
// the listed users and the direct members of the listed groups; child groups
// inherit nothing. Each viewer maps to why, the first reason found.
func (s Snapshot) Viewers(app App, a Access, r Realm) map[string]string {
	out := map[string]string{}
	add := func(u, why string) {
		if _, ok := out[u]; !ok && u != "" {
			out[u] = why
		}
	}
	add(app.Owner, "owner")
	for _, u := range app.CoOwnerUsers {
		add(u, "co-owner")
	}
	for _, g := range app.CoOwnerGroups {
		for _, u := range s.GroupMembers[g] {
			add(u, "co-owner through "+g)
		}
	}
	for u := range r.Admins {
		add(u, "administrator")
	}
	for _, u := range a.Users {
		add(u, "listed viewer")
	}
	for _, g := range a.Groups {
		for _, u := range s.GroupMembers[g] {
			add(u, "member of "+g)
		}
	}
	return out
}

// PlanAccess is the plan step of setting app's viewer access from live (what
// the server holds now) to want. s holds the members and child groups of
// every listed group (live and wanted) and of the app's co-owner groups.
func PlanAccess(s Snapshot, app App, live, want Access, r Realm) Findings {
	var fs Findings
	if want.Level == AccessUnauthenticated && live.Level != AccessUnauthenticated {
		fs = append(fs, finding(CodeAccessUnauthenticated, Warning, "", []string{app.Name}, fmt.Sprintf("%s becomes reachable without login", app.Name),
			fmt.Sprintf("viewer_access = %q lets anyone who reaches the Dash Enterprise server open %s, without logging in.", AccessUnauthenticated, app.Name),
			"If that is not intended, use \"authenticated\" (anyone logged in) or \"restricted\" (the listed users and groups).").At("viewer_access"))
	}
	if f, ok := lostAccess(s, app, live, want, r); ok {
		fs = append(fs, f)
	}
	for _, g := range want.Groups {
		if children := s.childGroupsNotListed(g, want.Groups); len(children) > 0 {
			fs = append(fs, finding(CodeAccessChildGroups, Warning, "", []string{app.Name}, fmt.Sprintf("Child groups of %s do not inherit viewer access to %s", g, app.Name),
				fmt.Sprintf("Viewer access given to %s does not reach its child groups. Members of these groups will not see %s unless each is listed, or covered another way:\n  - %s",
					g, app.Name, strings.Join(children, "\n  - ")), "").At("viewer_groups"))
		}
	}
	return fs
}

// lostAccess is the warning naming who can view app under live and no longer
// under want, leaving out anyone still covered another way.
func lostAccess(s Snapshot, app App, live, want Access, r Realm) (Finding, bool) {
	if slices.Index(AccessLevels, want.Level) > slices.Index(AccessLevels, live.Level) {
		return Finding{}, false // wider: nobody loses access
	}
	if live.Level == AccessUnauthenticated && want.Level == AccessAuthenticated {
		return finding(CodeAccessLost, Warning, "", []string{app.Name}, fmt.Sprintf("Visitors without a login lose access to %s", app.Name),
			fmt.Sprintf("%s stops being reachable without login: only users who log in can open it.", app.Name), "").At("viewer_access"), true
	}
	after := s.Viewers(app, want, r)
	var lost []string
	why := map[string]string{}
	if live.Level == AccessRestricted {
		for u, reason := range s.Viewers(app, live, r) {
			if _, ok := after[u]; !ok {
				lost = append(lost, u)
				why[u] = reason
			}
		}
	} else {
		for _, u := range r.Users {
			if _, ok := after[u]; !ok {
				lost = append(lost, u)
			}
		}
	}
	if len(lost) == 0 {
		return Finding{}, false
	}
	sort.Strings(lost)
	named := lost[:min(len(lost), maxNamed)]
	var lines []string
	for _, u := range named {
		if why[u] != "" {
			lines = append(lines, fmt.Sprintf("%s (%s)", u, why[u]))
		} else {
			lines = append(lines, u)
		}
	}
	more := ""
	if len(lost) > len(named) {
		more = fmt.Sprintf("\n  … and %d more", len(lost)-len(named))
	}
	summary := fmt.Sprintf("%d users lose access to %s", len(lost), app.Name)
	if len(lost) == 1 {
		summary = fmt.Sprintf("%s loses access to %s", lost[0], app.Name)
	}
	return finding(CodeAccessLost, Warning, list(named), []string{app.Name}, summary,
		fmt.Sprintf("After this change these users can no longer view %s (owners, co-owners, administrators and members of the groups still listed keep access):\n  - %s%s",
			app.Name, strings.Join(lines, "\n  - "), more), ""), true
}

// childGroupsNotListed returns the descendants of group that are not listed themselves.
func (s Snapshot) childGroupsNotListed(group string, listed []string) []string {
	var out []string
	var walk func(g string)
	walk = func(g string) {
		for _, ch := range s.GroupChildren[g] {
			if !slices.Contains(listed, ch) {
				out = append(out, ch)
			}
			walk(ch)
		}
	}
	walk(group)
	sort.Strings(out)
	return out
}

// ViewerNotLoggedIn is the plan warning about a listed viewer the platform
// does not know yet.
func ViewerNotLoggedIn(username string) Finding {
	return finding(CodeAccessNotLoggedIn, Warning, username, nil, fmt.Sprintf("%s has not logged in to Dash Enterprise yet", username),
		"Dash Enterprise only accepts viewers who have logged in once.", fmt.Sprintf("Ask %s to log in before applying, or the apply will fail.", username)).At("viewer_users")
}

// ViewerGroupNotKnown is the plan warning about a listed group the platform
// does not know yet.
func ViewerGroupNotKnown(group string) Finding {
	return finding(CodeAccessGroupNotKnown, Warning, "", nil, fmt.Sprintf("Group %s is not known to Dash Enterprise yet", group),
		"Dash Enterprise learns a group when one of its direct members logs in.",
		fmt.Sprintf("Ask a member of %s to log in before applying, or the apply will fail.", group)).At("viewer_groups")
}

// ViewersNotKnown is the apply's refusal, before anything is written, of
// viewers the platform does not know yet.
func ViewersNotKnown(app string, viewers []string) Finding {
	return finding(CodeAccessViewersUnknown, Error, list(viewers), []string{app},
		fmt.Sprintf("Cannot add viewers to %s: not known to Dash Enterprise: %s", app, strings.Join(viewers, ", ")),
		"Dash Enterprise accepts a user or group as a viewer only after they (or one of the group's direct members) logged in once, and Keycloak must have them. Nothing was changed.", "")
}

// AccessDestroyed is the warning of destroying an app's access resource: the
// server keeps the settings.
func AccessDestroyed(app string) Finding {
	return finding(CodeAccessDestroyed, Warning, "", []string{app}, fmt.Sprintf("The viewer access of %s is left as it is", app),
		fmt.Sprintf("Terraform stops managing who can view %s. Its viewer access level, viewers and portal visibility stay as they are on the server; nothing is reset.", app),
		"To change them, set them with dashenterprise_app_access before removing it, or in the App Manager.")
}

// AccessSettings are an app's viewer access level and portal visibility as
// members of a set ("viewer_access = restricted", "portal_visible = true"),
// so that the apply's refusal rules of the authoritative sets (Change) apply
// to them as to the viewers: a setting changed since the plan is refused.
func AccessSettings(level string, portalVisible bool) []string {
	return []string{"viewer_access = " + level, fmt.Sprintf("portal_visible = %t", portalVisible)}
}

// ViewerSetWords are the words of dashenterprise_app_access for app.
func ViewerSetWords(app string) SetWords {
	setting := func(m string) bool { return strings.Contains(m, " = ") }
	return SetWords{NothingChanged: fmt.Sprintf("The viewer access of %s was not changed", app),
		Appeared: func(m string) string {
			if setting(m) {
				return fmt.Sprintf("%s was set on %s outside Terraform", m, app)
			}
			return fmt.Sprintf("%s was given viewer access to %s outside Terraform", m, app)
		},
		Vanished: func(m string) string {
			if setting(m) {
				return fmt.Sprintf("%s was changed on %s outside Terraform", m, app)
			}
			return fmt.Sprintf("%s was removed from the viewers of %s outside Terraform", m, app)
		},
		Unshown: func(m string) string {
			if setting(m) {
				return fmt.Sprintf("%s holds %s", app, m)
			}
			return fmt.Sprintf("%s is a viewer of %s", m, app)
		},
		ImportCmd: fmt.Sprintf("terraform import dashenterprise_app_access.<name> %s", app)}
}
