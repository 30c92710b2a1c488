package operations

import (
	"context"
	"fmt"
	"slices"
)

// Codes of the transfer rules.
const (
	CodeUnknownUser           Code = "user.unknown"
	CodeTransferNoSeat        Code = "transfer.no_seat"
	CodeTransferNothing       Code = "transfer.nothing_to_move"
	CodeTransferNotReversible Code = "transfer.not_reversible"
	CodeTransferAppsChanged   Code = "transfer.apps_changed"
	CodeTransferFailed        Code = "transfer.failed"
	CodeTransferCannotCheck   Code = "transfer.cannot_check"
)

// Party is one user of a transfer as the plan step sees it.
type Party struct {
	Username string
	// Attribute is the attribute of the resource that names the user.
	Attribute string
	// Exists is whether the realm has the user.
	Exists bool
}

// TransferDecision is what a planned transfer moves and what it needs.
type TransferDecision struct {
	// Apps are the apps that move, sorted.
	Apps []string
	// ToAlreadyOwns are apps the new owner owns already (the transfer cannot be exactly reversed).
	ToAlreadyOwns []string
	// FromHasSeat and ToHasSeat say whether each user holds a seat or gets one earlier in this plan.
	FromHasSeat, ToHasSeat bool
	Findings               Findings
}

// PlanTransfer is the plan step of dashenterprise_app_transfer: every app of
// from moves to to (to.Username is empty while it is known only after apply).
// It records the move in the run's intents.
func PlanTransfer(run *Run, s Snapshot, from, to Party, realm string) TransferDecision {
	d := TransferDecision{Apps: s.OwnedApps(from.Username)}
	d.FromHasSeat = s.HasSeat(from.Username) || run.Intents.Granted(from.Username)
	parties := []Party{from}
	if to.Username != "" {
		d.ToAlreadyOwns = s.OwnedApps(to.Username)
		d.ToHasSeat = s.HasSeat(to.Username) || run.Intents.Granted(to.Username)
		parties = append(parties, to)
	}
	if run.Intents.Move(from.Username, to.Username, d.Apps) && len(d.Apps) > 0 {
		d.Findings = append(d.Findings, HeirRevoked(to.Username, d.Apps, run.Strict).At(to.Attribute))
	}
	for _, p := range parties {
		switch {
		case !p.Exists:
			d.Findings = append(d.Findings, UnknownUser(p, realm, "The apply will fail before moving anything unless the user is created first."))
		case !s.HasSeat(p.Username) && !run.Intents.Granted(p.Username):
			d.Findings = append(d.Findings, transferNoSeat(p))
		}
	}
	toName := to.Username
	if toName == "" {
		toName = "the new owner"
	}
	if len(d.Apps) == 0 {
		d.Findings = append(d.Findings, finding(CodeTransferNothing, Warning, from.Username, nil,
			fmt.Sprintf("%s owns no apps: nothing to transfer", from.Username),
			fmt.Sprintf("The transfer from %s to %s will move no app.", from.Username, toName),
			fmt.Sprintf("Apps %s deploys later show up in pending_apps and are transferred by a later apply.", from.Username)))
	}
	if len(d.ToAlreadyOwns) > 0 {
		d.Findings = append(d.Findings, finding(CodeTransferNotReversible, Warning, to.Username, d.ToAlreadyOwns,
			fmt.Sprintf("%s already owns apps: this transfer cannot be exactly reversed", to.Username),
			fmt.Sprintf("%s already owns %s. A transfer moves all apps of a user, so transferring back from %s would also move these.", to.Username, list(d.ToAlreadyOwns), to.Username), ""))
	}
	return d
}

// UnknownUser is the plan warning about a user the realm does not have (yet);
// then says what fails unless the user is created.
func UnknownUser(p Party, realm, then string) Finding {
	return finding(CodeUnknownUser, Warning, p.Username, nil, fmt.Sprintf("User %q does not exist yet", p.Username),
		fmt.Sprintf("Realm %q has no user %q.", realm, p.Username), then).At(p.Attribute)
}

// transferNoSeat is the plan warning about a user of a transfer (or an
// offboarding's move of apps) who holds no seat and gets none earlier in the plan.
func transferNoSeat(p Party) Finding {
	return finding(CodeTransferNoSeat, Warning, p.Username, nil, fmt.Sprintf("%s holds no license seat", p.Username),
		"Both users of a transfer need a seat.",
		fmt.Sprintf("Unless a dashenterprise_license_seat for %s is applied first (reference it or use depends_on), the apply will fail before moving anything.", p.Username)).At(p.Attribute)
}

// Transfer is the apply step of a transfer of exactly the planned apps: under
// both users' locks (the caller holds them) it re-reads both seats and the apps
// of from, refuses when either changed since the plan, then moves the apps.
// The offboarding's first step is this same function.
func Transfer(ctx context.Context, dir Directory, store AppStore, from, to string, planned []string) ([]string, *Finding) {
	refuse := func(code Code, summary, why, remedy string) ([]string, *Finding) {
		f := finding(code, Error, from, planned, summary, why, remedy)
		return nil, &f
	}
	seats, err := dir.SeatHolders(ctx)
	if err != nil {
		return refuse(CodeTransferCannotCheck, fmt.Sprintf("Cannot check seats before the transfer from %s to %s", from, to), err.Error(), "Nothing was transferred.")
	}
	for _, u := range []string{from, to} {
		if _, ok := seats[u]; !ok {
			return refuse(CodeTransferNoSeat, fmt.Sprintf("Cannot transfer the apps of %s to %s: %s holds no license seat", from, to, u),
				fmt.Sprintf("Both users of a transfer need a seat and %s has none. Nothing was transferred.", u),
				"Grant the seat with dashenterprise_license_seat, applied before this transfer (reference it or use depends_on).")
		}
	}
	now, f := appsAsPlanned(ctx, store, from, planned)
	if f != nil {
		return nil, f
	}
	if len(now) == 0 {
		return []string{}, nil
	}
	moved, err := store.TransferApps(ctx, from, to, now)
	if err != nil {
		return refuse(CodeTransferFailed, fmt.Sprintf("Cannot transfer the apps of %s to %s", from, to), err.Error(), "")
	}
	return moved, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// appsAsPlanned re-reads the apps username owns and refuses, before anything
// moves, when they are not those the plan listed.
func appsAsPlanned(ctx context.Context, store AppStore, username string, planned []string) ([]string, *Finding) {
	now, err := store.OwnedApps(ctx, username)
	var f Finding
	switch {
	case err != nil:
		f = finding(CodeTransferCannotCheck, Error, username, planned, fmt.Sprintf("Cannot list the apps of %s", username), err.Error(), "Nothing was transferred.")
	case !slices.Equal(nonNil(now), nonNil(planned)):
		f = finding(CodeTransferAppsChanged, Error, username, planned, fmt.Sprintf("The apps of %s changed since the plan", username),
			fmt.Sprintf("The plan moves [%s] but %s now owns [%s]. Nothing was transferred.", list(planned), username, list(now)),
			"Run terraform plan again to review the new list.")
	default:
		return nonNil(now), nil
	}
	return nil, &f
}
