package operations

import (
	"context"
	"fmt"
	"strings"
)

// Codes of the revocation rules.
const (
	CodeRevokeLosesApps     Code = "revoke.loses_apps"
	CodeRevokeKeepsSeat     Code = "revoke.keeps_seat"
	CodeRevokeOrphans       Code = "revoke.orphans"
	CodeRevokeAfterTransfer Code = "revoke.after_transfer"
	CodeRevokeHeir          Code = "revoke.heir_receives_apps"
	CodeRevokeNotChecked    Code = "revoke.not_checked"
	CodeRevokeUnknowable    Code = "revoke.unknowable"
	CodeRevokeAppsUnknown   Code = "revoke.apps_not_checked"
	CodeRevokeCannotCheck   Code = "revoke.cannot_check"
	CodeRevokeRefused       Code = "revoke.refused"
)

// Revocation is what removing a user's direct seat would do.
type Revocation struct {
	Username string
	// KeepsSeatVia is non-empty when a group or composite role keeps the seat.
	KeepsSeatVia []string
	// Holdings are the apps the user would lose (empty when the seat is kept).
	Holdings []Holding
	// Owned are the apps that would be orphaned.
	Owned []string
}

// LosesSeat reports whether the user would really lose the seat.
func (r Revocation) LosesSeat() bool { return len(r.KeepsSeatVia) == 0 }

// Orphans reports whether the revocation orphans apps the user owns.
func (r Revocation) Orphans() bool { return r.LosesSeat() && len(r.Owned) > 0 }

// RevokeDirectSeat evaluates removing the direct seat of username.
func (s Snapshot) RevokeDirectSeat(username string) Revocation {
	r := Revocation{Username: username, KeepsSeatVia: append([]string(nil), s.Seats[username].Via...)}
	if !r.LosesSeat() {
		return r
	}
	r.Holdings = s.Holdings(username)
	r.Owned = s.OwnedApps(username)
	return r
}

// describeGrants writes grants ("group:/X", "composite:dash/developer") as a
// person reads them: "/X, dash/developer".
func describeGrants(grants []string) string {
	out := make([]string, len(grants))
	for i, g := range grants {
		out[i] = strings.TrimPrefix(strings.TrimPrefix(g, "group:"), "composite:")
	}
	return strings.Join(out, ", ")
}

// StillOwned returns the apps the revocation would orphan that no transfer
// planned before it moves away (movedAway: apps a transfer of this plan takes
// from the user), sorted.
func (r Revocation) StillOwned(movedAway []string) []string {
	if !r.LosesSeat() {
		return nil
	}
	var out []string
	for _, a := range r.Owned {
		if !containsString(movedAway, a) {
			out = append(out, a)
		}
	}
	return out
}

// PlanRevocations is the plan step of revoking the direct seats of usernames:
// it records the revocations in the run's intents and says, by name, what each
// user loses. appsKnown is false when the platform API is not configured (the
// apps cannot be checked). With run.Strict a revocation that would orphan apps
// is an error, unless a transfer planned earlier moves them away.
func PlanRevocations(run *Run, s Snapshot, usernames []string, appsKnown bool) Findings {
	var fs Findings
	for _, username := range usernames {
		rev := s.RevokeDirectSeat(username)
		if !rev.LosesSeat() {
			fs = append(fs, keepsSeat(rev))
			continue
		}
		if incoming := run.Intents.Revoke(username); len(incoming) > 0 {
			fs = append(fs, HeirRevoked(username, incoming, run.Strict))
		}
		if rev.Orphans() {
			switch still := rev.StillOwned(run.Intents.Moved(username)); {
			case len(still) == 0:
				fs = append(fs, finding(CodeRevokeAfterTransfer, Warning, username, rev.Owned,
					fmt.Sprintf("Revoking the seat of %s after this plan's transfer of %s", username, list(rev.Owned)),
					fmt.Sprintf("%s owns %s, and a transfer planned earlier in this plan moves them away.", username, list(rev.Owned)),
					"The apply checks again, reading the apps fresh, before it revokes the seat."))
				continue
			case run.Strict:
				fs = append(fs, strictOrphans(username, still))
				continue
			}
		}
		if f, ok := losesApps(rev); ok {
			fs = append(fs, f)
		}
		if !appsKnown {
			fs = append(fs, finding(CodeRevokeAppsUnknown, Warning, username, nil,
				fmt.Sprintf("Revoking the seat of %s not checked against apps", username),
				fmt.Sprintf("The platform API is not configured, so the plan cannot tell which apps %s owns or co-owns.", username),
				"Configure platform_client_id and platform_client_secret to get orphan warnings."))
		}
	}
	return fs
}

func keepsSeat(r Revocation) Finding {
	return finding(CodeRevokeKeepsSeat, Warning, r.Username, nil,
		fmt.Sprintf("%s keeps a seat through %s", r.Username, describeGrants(r.KeepsSeatVia)),
		fmt.Sprintf("Removing the direct licensed_user assignment of %s does not revoke the seat: %s keeps a seat through %s, so no app loses its owner or co-owner.",
			r.Username, r.Username, strings.Join(r.KeepsSeatVia, ", ")), "")
}

// losesApps names the apps a user loses with the seat, or ok=false when none.
// Under strict orphan protection an owner's revocation never gets here: it is
// an error (strictOrphans) or follows a transfer (CodeRevokeAfterTransfer).
func losesApps(r Revocation) (Finding, bool) {
	if len(r.Holdings) == 0 {
		return Finding{}, false
	}
	lines := make([]string, len(r.Holdings))
	apps := make([]string, len(r.Holdings))
	for i, h := range r.Holdings {
		lines[i] = "  - " + h.String()
		apps[i] = h.App
	}
	summary := fmt.Sprintf("Revoking the seat of %s removes them from %d app(s)", r.Username, len(r.Holdings))
	why := fmt.Sprintf("%s holds a role on these apps and loses it with the seat:\n%s\n", r.Username, strings.Join(lines, "\n"))
	if len(r.Owned) == 0 {
		f := finding(CodeRevokeLosesApps, Warning, r.Username, apps, summary, why, "")
		f.Remedy = fmt.Sprintf("Remove %s as co-owner, or keep the seat.", r.Username)
		f.Detail += "\n" + f.Remedy
		return f, true
	}
	why += fmt.Sprintf("\nThe apps %s owns (%s) would be orphaned.", r.Username, list(r.Owned))
	remedy := "Transfer them first with dashenterprise_app_transfer, in an earlier apply: " +
		"Terraform may revoke a removed seat before it creates a new transfer in the same apply, and a transfer needs both users to hold seats."
	remedy += " Set orphan_protection = \"error\" to make the provider refuse such a revocation."
	return finding(CodeRevokeLosesApps, Warning, r.Username, apps, summary, why, remedy), true
}

// strictOrphans is the plan error of a revocation that orphan_protection =
// "error" refuses: it names the user and the apps left, and the two remedies
// that work (Terraform cannot order a transfer before an unrelated revocation
// in one apply).
func strictOrphans(username string, stillOwned []string) Finding {
	return finding(CodeRevokeOrphans, Error, username, stillOwned,
		fmt.Sprintf("Revoking the seat of %s would orphan %s", username, list(stillOwned)),
		fmt.Sprintf("orphan_protection is \"error\" and %s owns %s, which no transfer in this plan moves away first.", username, list(stillOwned)),
		"Transfer them in an earlier apply (dashenterprise_app_transfer), or in this one with depends_on on the transfer so the provider plans it first, "+
			"or keep the seat until the apps have moved. See the offboarding guide.")
}

// HeirRevoked is the finding about a plan that both gives apps to username and
// revokes username's seat. Whichever of the two steps is planned second
// produces it (see Intents), so it comes out once whatever the order.
func HeirRevoked(username string, incoming []string, strict bool) Finding {
	why := fmt.Sprintf("A transfer or offboarding in this plan moves %s to %s, and a revocation in this plan would leave them without a licensed owner.", list(incoming), username)
	remedy := fmt.Sprintf("Keep the seat of %s, or transfer the apps to someone else.", username)
	if strict {
		remedy += "\n\norphan_protection is \"error\": the plan stops here."
	}
	return finding(CodeRevokeHeir, severity(strict), username, incoming,
		fmt.Sprintf("Revoking the seat of %s, who receives %s in this plan", username, list(incoming)), why, remedy)
}

// CannotCheckRevocations is the finding when the plan cannot read what the
// revocations would orphan: an error in strict mode, a warning otherwise.
func CannotCheckRevocations(run *Run, usernames []string, err error) Finding {
	remedy := ""
	if run.Strict {
		remedy = "\n\norphan_protection is \"error\", so the plan stops here rather than pass a revocation it could not check."
	}
	f := finding(CodeRevokeCannotCheck, severity(run.Strict), strings.Join(usernames, ", "), nil,
		fmt.Sprintf("Cannot check what revoking the seat of %s would orphan", strings.Join(usernames, ", ")), err.Error(), "")
	f.Detail += remedy
	f.Remedy = strings.TrimSpace(remedy)
	return f
}

// UnknowableRevocations says that a set holds usernames known only after
// apply, so the plan cannot tell which of usernames (left out of the known
// ones) keep their seats. Strict orphan protection fails the plan: it cannot
// show that no app is orphaned.
func UnknowableRevocations(run *Run, usernames []string, unknown int) Finding {
	why := fmt.Sprintf("%d username(s) in usernames are known only after apply. Each of %s keeps the seat only if one of them names it; otherwise the apply revokes it.", unknown, list(usernames))
	remedy := "Apply what the usernames depend on first (terraform apply -target=...), then plan again to see exactly which seats are revoked."
	f := finding(CodeRevokeUnknowable, severity(run.Strict), list(usernames), nil,
		fmt.Sprintf("The plan cannot tell whether %s keep a license seat", list(usernames)), why, remedy)
	if run.Strict {
		f.Detail += "\n\norphan_protection is \"error\": a plan that cannot show which seats it revokes cannot show that no app is orphaned, so it stops here."
	}
	return f
}

// RevocationsNotChecked says, when the provider configuration is known only
// at apply, that the plan could not check the revocations at all.
func RevocationsNotChecked(usernames []string) Findings {
	var fs Findings
	for _, username := range usernames {
		fs = append(fs, finding(CodeRevokeNotChecked, Warning, username, nil,
			fmt.Sprintf("Revoking the seat of %s was not checked", username),
			fmt.Sprintf("The provider configuration is known only after apply, so this plan could not read which apps %s owns.", username),
			"The apply checks before revoking (with orphan_protection = \"error\" it refuses to orphan apps); plan again once the configuration is known to see the apps."))
	}
	return fs
}

// CheckRevoke is the apply step's check before a direct seat of username is
// removed: with orphan_protection = "error" it re-reads the seat and the apps
// (a transfer earlier in this apply may have moved them) and refuses when the
// user would orphan apps. The caller holds the user's lock until the seat is gone.
func CheckRevoke(ctx context.Context, run *Run, dir Directory, apps AppStore, username string) *Finding {
	if !run.Strict {
		return nil
	}
	seats, err := dir.SeatHolders(ctx)
	if err != nil {
		f := finding(CodeRevokeCannotCheck, Error, username, nil, fmt.Sprintf("Cannot check orphan protection for %s", username), err.Error(), "")
		return &f
	}
	if len(seats[username].Via) > 0 {
		return nil // the seat stays through a group or composite role
	}
	owned, err := apps.OwnedApps(ctx, username)
	if err != nil {
		f := finding(CodeRevokeCannotCheck, Error, username, nil, fmt.Sprintf("Cannot check which apps %s owns", username), err.Error(), "")
		return &f
	}
	if len(owned) == 0 {
		return nil
	}
	f := finding(CodeRevokeRefused, Error, username, owned,
		fmt.Sprintf("Refusing to revoke the seat of %s: it would orphan %d app(s)", username, len(owned)),
		fmt.Sprintf("orphan_protection is \"error\" and %s still owns %s. The licensed_user role was left in place.", username, list(owned)),
		"Transfer the apps first with dashenterprise_app_transfer; if the transfer is in this same configuration, run terraform apply again once it has completed.")
	return &f
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
