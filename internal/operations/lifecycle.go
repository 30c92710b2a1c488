package operations

import "fmt"

// Codes of the rules about a resource's own lifecycle: what destroying it
// does, and what the plan can and cannot show.
const (
	CodeDestroyChangesNothing Code = "lifecycle.destroy_changes_nothing"
	CodeNotKnownAtPlan        Code = "lifecycle.not_known_at_plan"
	CodeNotInThePlan          Code = "lifecycle.not_in_the_plan"
	CodeCannotPlan            Code = "lifecycle.cannot_plan"
	CodeTransferPendingNoSeat Code = "transfer.pending_without_seat"
)

// TransferDestroyed is the plan warning of a destroyed transfer: it is an event, nothing is undone.
func TransferDestroyed(from, to string) Finding {
	return finding(CodeDestroyChangesNothing, Warning, from, nil,
		fmt.Sprintf("Destroying the transfer from %s to %s changes nothing in Dash Enterprise", from, to),
		fmt.Sprintf("A transfer cannot be undone by destroying it: the apps stay with %s.", to), "This only removes the resource from the state.")
}

// OffboardingDestroyed is the plan warning of a destroyed offboarding.
func OffboardingDestroyed(username string) Finding {
	return finding(CodeDestroyChangesNothing, Warning, username, nil,
		fmt.Sprintf("Destroying the offboarding of %s changes nothing", username),
		"Apps stay where they were moved, seats stay revoked and the account stays as it is.", "This only removes the resource from the state.")
}

// TransferNotKnownAtPlan is the plan warning of a transfer whose apps cannot
// be listed (why: from_username or the provider configuration is known only
// after apply); to is "" when it is not known either.
func TransferNotKnownAtPlan(to, why string) Finding {
	if to == "" {
		to = "(known after apply)"
	}
	return finding(CodeNotKnownAtPlan, Warning, to, nil,
		fmt.Sprintf("The apps that the transfer to %s would move are not known at plan time", to),
		why+", so this plan cannot list the apps that would move. The apply will refuse to move anything (the apps to move were not in the plan).",
		"Apply what it depends on first (terraform apply -target=...), then run terraform plan again to review the list.")
}

// OffboardingNotKnownAtPlan is the plan warning of an offboarding the plan cannot list the apps of.
func OffboardingNotKnownAtPlan(why string) Finding {
	return finding(CodeNotKnownAtPlan, Warning, "", nil, "The offboarding cannot be planned",
		why+", so this plan cannot list the apps that would move. The apply will refuse to change anything.",
		"Apply what it depends on first, then plan again.")
}

// TransferNotInThePlan is the apply's refusal of a transfer whose apps the plan did not list.
func TransferNotInThePlan(from string) Finding {
	return finding(CodeNotInThePlan, Error, from, nil, fmt.Sprintf("The apps of %s to move were not in the plan", from),
		"the apps to move were not in the plan; run terraform plan again (once from_username and the provider configuration are known) and review the list.",
		"Nothing was transferred.")
}

// OffboardingNotInThePlan is the apply's refusal of an offboarding whose apps the plan did not list.
func OffboardingNotInThePlan(username string) Finding {
	return finding(CodeNotInThePlan, Error, username, nil, fmt.Sprintf("The offboarding of %s was not in the plan", username),
		"The plan could not list the apps that would move. Nothing was changed.", "Run terraform plan again once the configuration is known.")
}

// TransferCannotPlan is the plan error when the apps a transfer would move cannot be read.
func TransferCannotPlan(from string, err error) Finding {
	f := finding(CodeCannotPlan, Error, from, nil, fmt.Sprintf("Cannot list the apps %s owns", from), err.Error(), "")
	f.Detail += "\n\nThe plan cannot show which apps the transfer would move, so it stops here."
	return f
}

// PendingWithoutSeat is the plan warning about a former owner who owns apps
// again (deployed after the transfer) but holds no seat, so the transfer of
// those apps cannot be planned yet.
func PendingWithoutSeat(from, to string, pending []string) Finding {
	return finding(CodeTransferPendingNoSeat, Warning, from, pending, fmt.Sprintf("%s owns %d app(s) again but holds no seat", from, len(pending)),
		fmt.Sprintf("%s owns %s, which are orphaned. A transfer needs both users to hold seats,", from, list(pending)),
		fmt.Sprintf("so grant %s a seat again first (dashenterprise_license_seat), then the next plan transfers these apps to %s.", from, to))
}
