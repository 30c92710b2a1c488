package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// IdentityAttr is one attribute of a resource identity (Terraform 1.12+,
// OpenTofu 1.12+): every one is a string and required to import by identity.
type IdentityAttr struct{ Name, Description string }

// IdentitySchema builds a resource identity schema of string attributes.
func IdentitySchema(resp *resource.IdentitySchemaResponse, attrs ...IdentityAttr) {
	s := identityschema.Schema{Attributes: map[string]identityschema.Attribute{}}
	for _, a := range attrs {
		s.Attributes[a.Name] = identityschema.StringAttribute{RequiredForImport: true, Description: a.Description}
	}
	resp.IdentitySchema = s
}

// SetIdentity writes a resource's identity. Every Create, Read and Update sets
// it, a Read that removes the resource too: the framework refuses a read that
// returns none once the resource type has an identity schema.
func SetIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics, values map[string]string) {
	if id == nil {
		return
	}
	for name, v := range values {
		diags.Append(id.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// ImportID returns the import ID of an import: the ID of `terraform import`
// or an import block's id, or else the one the identity of an import block
// spells (format joins the identity's attributes as the ID would). ok is
// false, with an error added, when the identity lacks an attribute.
func ImportID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics, format func(map[string]string) string, names ...string) (string, bool) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, true
	}
	values := map[string]string{}
	var missing []string
	for _, n := range names {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(n), &v)...)
		if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
			missing = append(missing, n)
			continue
		}
		values[n] = v.ValueString()
	}
	if len(missing) > 0 {
		diags.AddError("Invalid import identity", fmt.Sprintf("The identity must set %s.", strings.Join(missing, ", ")))
		return "", false
	}
	return format(values), !diags.HasError()
}
