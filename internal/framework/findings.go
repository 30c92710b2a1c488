package framework

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// AddFindings renders the findings of the operations as diagnostics: the one
// place where a rule's finding becomes what Terraform shows. A finding with an
// attribute points at it.
func AddFindings(diags *diag.Diagnostics, fs ...operations.Finding) {
	for _, f := range fs {
		switch {
		case f.Attribute != "" && f.Severity == operations.Error:
			diags.AddAttributeError(path.Root(f.Attribute), f.Summary, f.Detail)
		case f.Attribute != "":
			diags.AddAttributeWarning(path.Root(f.Attribute), f.Summary, f.Detail)
		case f.Severity == operations.Error:
			diags.AddError(f.Summary, f.Detail)
		default:
			diags.AddWarning(f.Summary, f.Detail)
		}
	}
}

// AddFinding renders f when it is not nil and reports whether it was none.
func AddFinding(diags *diag.Diagnostics, f *operations.Finding) bool {
	if f == nil {
		return true
	}
	AddFindings(diags, *f)
	return false
}

// directory is the operations' view of Keycloak.
type directory struct{ kc *keycloak.Client }

func (d directory) SeatHolders(ctx context.Context) (map[string]operations.Seat, error) {
	holders, err := d.kc.RoleHolders(ctx, SeatRole)
	if err != nil {
		return nil, err
	}
	out := map[string]operations.Seat{}
	for id, u := range holders.Users {
		if holders.Effective(id) {
			_, direct := holders.Direct[id]
			out[u.Username] = operations.Seat{Direct: direct, Via: holders.Via[id]}
		}
	}
	return out, nil
}

// appStore is the operations' view of the platform API.
type appStore struct{ p *platform.Client }

func (s appStore) OwnedApps(ctx context.Context, username string) ([]string, error) {
	owned, err := s.p.OwnedApps(ctx, username)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(owned))
	for _, a := range owned {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	return names, nil
}

func (s appStore) TransferApps(ctx context.Context, from, to string, apps []string) ([]string, error) {
	res, err := s.p.TransferApps(ctx, from, to, apps)
	if err != nil {
		if platform.CodeOf(err) == platform.CodeNotLicensed {
			return nil, notLicensedError{err}
		}
		return nil, err
	}
	return res.MovedApps, nil
}

type notLicensedError struct{ error }

func (e notLicensedError) Error() string {
	return e.error.Error() + ". Both users need a license seat; nothing was transferred."
}

func (e notLicensedError) Unwrap() error { return e.error }

func (c *Clients) Directory() operations.Directory { return directory{c.Keycloak} }
func (c *Clients) AppStore() operations.AppStore   { return appStore{c.Platform} }

// Party looks a user up for a plan step: whether the realm has them. A lookup
// that fails for another reason counts as existing (the apply looks again and
// reports it).
func (c *Clients) Party(ctx context.Context, username, attr string) operations.Party {
	_, err := c.Keycloak.UserByUsername(ctx, username)
	return operations.Party{Username: username, Attribute: attr, Exists: !keycloak.IsNotFound(err)}
}

func AddUserLookupError(diags *diag.Diagnostics, kc *keycloak.Client, username string, err error) {
	if keycloak.IsNotFound(err) {
		diags.AddAttributeError(path.Root("username"), fmt.Sprintf("User %q not found", username),
			fmt.Sprintf("Realm %q has no user %q. Check the spelling (usernames are lower case) or create the user in Keycloak first; if another resource creates it, add depends_on.", kc.Realm(), username))
		return
	}
	diags.AddError(fmt.Sprintf("Cannot look up user %q", username), err.Error())
}

// AddGroupMembersError says that the members of a group could not be listed,
// and how groups are written when the group does not exist.
func AddGroupMembersError(diags *diag.Diagnostics, attr path.Path, group string, err error) {
	if keycloak.IsNotFound(err) {
		diags.AddAttributeError(attr, fmt.Sprintf("Group %s not found", group), err.Error()+". Group paths are written /Parent/child.")
		return
	}
	diags.AddError(fmt.Sprintf("Cannot list the members of %s", group), err.Error())
}
