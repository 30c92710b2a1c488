package operations

import (
	"fmt"
	"time"
)

// Codes of the rules about co-owner writes, sessions and activity.
const (
	CodeCoOwnerUnlisted   Code = "coowner.unlisted"
	CodeCoOwnerRefused    Code = "coowner.refused"
	CodeLogoutPlanned     Code = "logout.planned"
	CodeActivityNoEvents  Code = "activity.no_login_events"
	CodeActivityShort     Code = "activity.history_shorter_than_window"
	CodeActivityGap       Code = "activity.login_events_gap"
	CodeSeatWritesRefused Code = "seat.writes_refused"
)

// UnlistedCoOwner is the plan warning about a co-owner of app that a co-owner
// set neither lists nor has in its state: the apply will refuse.
func UnlistedCoOwner(member, app string) Finding {
	return finding(CodeCoOwnerUnlisted, Warning, member, []string{app}, fmt.Sprintf("%s co-owns %s but this plan does not show it", member, app),
		fmt.Sprintf("%s is a co-owner of %s but is not in the configuration, and the state does not list it, so this plan cannot show its removal: the apply will refuse.", member, app),
		fmt.Sprintf("Import the existing co-owners first (terraform import dashenterprise_app_coowners.<name> %s), or add %s to the configuration.", app, member))
}

// CoOwnerRefusal is why the platform refused a co-owner write.
type CoOwnerRefusal int

// The platform's refusals of a co-owner write.
const (
	RefusedAppNotFound CoOwnerRefusal = iota + 1
	RefusedUserNotKnown
	RefusedGroupNotKnown
	RefusedNotLicensed
	RefusedOwnerAsCoOwner
	// RefusedOther is any other failure; its words are the error's.
	RefusedOther
)

// CoOwnerRefused is the apply error when the platform refuses to make who (a
// username or a group path) a co-owner of app, saying what to do.
func CoOwnerRefused(why CoOwnerRefusal, app, username, group string, err error) Finding {
	who, attr := username, "username"
	if group != "" {
		who, attr = group, "group"
	}
	var detail string
	switch why {
	case RefusedAppNotFound:
		attr, detail = "app", fmt.Sprintf("Dash Enterprise has no app named %q. Check the name in the App Manager.", app)
	case RefusedUserNotKnown:
		detail = fmt.Sprintf("%s exists in Keycloak but is not known to Dash Enterprise yet: they must log in to Dash Enterprise once before they can be a co-owner. Apply again after that.", username)
	case RefusedGroupNotKnown:
		detail = fmt.Sprintf("Group %s is not known to Dash Enterprise yet: one of its direct members must log in once. Child groups are named by their full path (/Parent/child).", group)
	case RefusedNotLicensed:
		detail = fmt.Sprintf("%s holds no license seat, and co-owners need one. Grant it with dashenterprise_license_seat (referenced from this resource or in depends_on) and apply again.", username)
	case RefusedOwnerAsCoOwner:
		detail = fmt.Sprintf("%s owns %s, and an owner cannot also be a co-owner.", username, app)
	default:
		attr, detail = "", err.Error()
	}
	f := finding(CodeCoOwnerRefused, Error, who, []string{app}, fmt.Sprintf("Cannot make %s a co-owner of %s", who, app), detail, "")
	return f.At(attr)
}

// LogoutPlanned is the plan warning naming who an action will log out.
func LogoutPlanned(usernames []string) Finding {
	return finding(CodeLogoutPlanned, Warning, list(usernames), nil, fmt.Sprintf("%d users will be logged out", len(usernames)),
		"Their sessions end when the action runs: "+list(usernames)+".", "")
}

// NoLoginEvents is the warning when the realm stores no LOGIN events; hint says how to enable them.
func NoLoginEvents(realm, hint string) Finding {
	return finding(CodeActivityNoEvents, Warning, "", nil, "The realm stores no LOGIN events",
		fmt.Sprintf("Realm %q does not store LOGIN events, so last_login is unknown for everyone and last_activity comes only from live sessions; "+
			"inactive_for treats no user without a live session as inactive.", realm), hint)
}

// ActivityShorterThanWindow is the warning when the stored LOGIN events reach
// back less far than inactive_for (horizon zero: none is stored yet).
func ActivityShorterThanWindow(window string, horizon time.Time) Finding {
	reach := "no LOGIN event is stored yet"
	if !horizon.IsZero() {
		reach = "the stored LOGIN events reach back to " + horizon.Format(time.RFC3339)
	}
	return finding(CodeActivityShort, Warning, "", nil, "Activity history shorter than inactive_for",
		fmt.Sprintf("inactive_for is %s but %s: users with no recorded activity are not counted as inactive, only users whose last activity is older than the window.", window, reach),
		"Keep events longer (the realm's events expiration) or wait until the history covers the window.")
}

// ActivityGap is the warning when the realm's admin events show that LOGIN
// events were not stored for a while inside the stored history: the history
// (activity_horizon) starts after the gap.
func ActivityGap(off, on time.Time) Finding {
	return finding(CodeActivityGap, Warning, "", nil, "LOGIN events were not stored for a while: the activity history starts after the gap",
		fmt.Sprintf("The realm's events settings stopped storing LOGIN events at %s and stored them again from %s (its admin events record both changes). "+
			"A login during the gap left no event, so activity_horizon starts at %s: a user without recorded activity since then is not counted as inactive for a window reaching further back.",
			off.UTC().Format(time.RFC3339), on.UTC().Format(time.RFC3339), on.UTC().Format(time.RFC3339)),
		"Keep LOGIN events on; the horizon moves back as the gap ages out of the events' expiration.")
}

// SeatWritesRefused closes the errors of a seat set's apply that checked every
// user before changing any seat.
func SeatWritesRefused() Finding {
	return finding(CodeSeatWritesRefused, Error, "", nil, "No seat was changed",
		"Fix the errors above and apply again;", "the provider checks every user before granting or revoking any seat.")
}
