package framework

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
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
