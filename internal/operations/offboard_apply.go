package operations

import (
	"context"
	"fmt"
	"strings"
)

// The steps of an offboarding, in the order the apply runs them (the order of
// Plotly's guide on inactive users: move the apps, revoke the seat, then
// remove the account).
const (
	StepTransfer = "transfer"
	StepRevoke   = "revoke_seat"
	StepLogout   = "logout"
	StepDisable  = "disable"
	StepDelete   = "delete"
)

// Codes of the offboarding's apply refusals.
const (
	CodeOffboardStepFailed Code = "offboard.step_failed"
	CodeOffboardAppsLeft   Code = "offboard.apps_left"
)

// Account is the leaving user's Keycloak account, as the offboarding's steps
// after the transfer read and change it.
type Account interface {
	// DirectSeat reports whether the user holds the seat role directly.
	DirectSeat(ctx context.Context) (bool, error)
	RevokeDirectSeat(ctx context.Context) error
	// HasSessions counts online and offline sessions.
	HasSessions(ctx context.Context) (bool, error)
	Logout(ctx context.Context) error
	Enabled() bool
	Disable(ctx context.Context) error
	Delete(ctx context.Context) error
}

// OffboardingSteps is what the reviewed plan asks of the apply.
type OffboardingSteps struct {
	Username, Heir     string // Heir empty when transfer_apps_to is not set
	Apps               []string
	RevokeSeat, Logout bool
	Action             string // none, disable, delete
}

// Steps lists the steps the settings ask for, in order.
func (o OffboardingSteps) Steps() []string {
	var steps []string
	if o.Heir != "" {
		steps = append(steps, StepTransfer)
	}
	if o.RevokeSeat {
		steps = append(steps, StepRevoke)
	}
	if o.Logout {
		steps = append(steps, StepLogout)
	}
	if o.Action != "" && o.Action != "none" {
		steps = append(steps, o.Action)
	}
	return steps
}

// ApplyOffboarding runs the steps in order: the transfer (the transfer's own
// apply step), the revocation of the direct seat (refused while the user owns
// apps), the logout, and the account's end (delete refused while the user owns
// apps). Each step checks what is live first and is skipped when its outcome
// already holds; done is called after each, so an apply that fails part-way
// leaves a record the next apply resumes from, repeating nothing. The caller
// holds the locks of the user and the heir.
func ApplyOffboarding(ctx context.Context, dir Directory, store AppStore, acct Account, o OffboardingSteps, done func(step string)) *Finding {
	var completed []string
	record := func(step string) {
		completed = append(completed, step)
		done(step)
	}
	var refused *Finding
	if o.Heir == "" || len(o.Apps) == 0 {
		_, refused = appsAsPlanned(ctx, store, o.Username, o.Apps)
	} else {
		_, refused = Transfer(ctx, dir, store, o.Username, o.Heir, o.Apps)
	}
	if refused != nil {
		return refused
	}
	if o.Heir != "" {
		record(StepTransfer) // the user owns no app now
	}
	steps := []struct {
		name string
		run  func() *Finding
	}{
		{StepRevoke, func() *Finding { return revokeStep(ctx, store, acct, o.Username, completed) }},
		{StepLogout, func() *Finding { return logoutStep(ctx, acct, o.Username, completed) }},
		{StepDisable, func() *Finding { return disableStep(ctx, acct, o.Username, completed) }},
		{StepDelete, func() *Finding { return deleteStep(ctx, store, acct, o.Username, completed) }},
	}
	asked := o.Steps()
	for _, s := range steps {
		if !containsString(asked, s.name) {
			continue
		}
		if f := s.run(); f != nil {
			return f
		}
		record(s.name)
	}
	return nil
}

// stepFailed is the refusal of a step; done names the steps done before it.
func stepFailed(code Code, username, summary, why string, done []string) *Finding {
	remedy := "Nothing was changed; apply again."
	if len(done) > 0 {
		remedy = fmt.Sprintf("Done so far: %s. The state records it; the next apply resumes after it and repeats none of it.", strings.Join(done, ", "))
	}
	f := finding(code, Error, username, nil, summary, why, "")
	f.Detail, f.Remedy = why+"\n\n"+remedy, remedy
	return &f
}

func revokeStep(ctx context.Context, store AppStore, acct Account, username string, done []string) *Finding {
	direct, err := acct.DirectSeat(ctx)
	if err != nil {
		return stepFailed(CodeOffboardStepFailed, username, fmt.Sprintf("Cannot read the seat of %s", username), err.Error(), done)
	}
	if !direct {
		return nil
	}
	if left, err := store.OwnedApps(ctx, username); err != nil || len(left) > 0 {
		return stepFailed(CodeOffboardAppsLeft, username, fmt.Sprintf("Not revoking the seat of %s: the apps did not all move", username),
			fmt.Sprintf("%s still owns %d app(s) (%v); revoking the seat would orphan them.", username, len(left), err), done)
	}
	if err := acct.RevokeDirectSeat(ctx); err != nil {
		return stepFailed(CodeOffboardStepFailed, username, fmt.Sprintf("Cannot revoke the seat of %s", username), err.Error(), done)
	}
	return nil
}

func logoutStep(ctx context.Context, acct Account, username string, done []string) *Finding {
	live, err := acct.HasSessions(ctx)
	if err == nil && live {
		err = acct.Logout(ctx)
	}
	if err != nil {
		return stepFailed(CodeOffboardStepFailed, username, fmt.Sprintf("Cannot log %s out", username), err.Error(), done)
	}
	return nil
}

func disableStep(ctx context.Context, acct Account, username string, done []string) *Finding {
	if !acct.Enabled() {
		return nil
	}
	if err := acct.Disable(ctx); err != nil {
		return stepFailed(CodeOffboardStepFailed, username, fmt.Sprintf("Cannot disable %s", username), err.Error(), done)
	}
	return nil
}

func deleteStep(ctx context.Context, store AppStore, acct Account, username string, done []string) *Finding {
	left, err := store.OwnedApps(ctx, username)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("%s owns %d app(s)", username, len(left))
	}
	if err != nil {
		return stepFailed(CodeOffboardAppsLeft, username, fmt.Sprintf("Not deleting %s: the user may still own apps", username),
			fmt.Sprintf("Deleting a user who owns apps is refused (%v).", err), done)
	}
	if err := acct.Delete(ctx); err != nil {
		return stepFailed(CodeOffboardStepFailed, username, fmt.Sprintf("Cannot delete %s", username), err.Error(), done)
	}
	return nil
}
