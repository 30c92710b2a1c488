package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) string {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, &resp)
	out := ""
	for _, d := range resp.Diagnostics.Errors() {
		out += d.Summary() + ": " + d.Detail()
	}
	return out
}

func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     validator.String
		value types.String
		want  string // "" accepts; otherwise a part of the error
	}{
		{"lower-case username", Username(), types.StringValue("alice"), ""},
		{"upper-case username, with the hint", Username(), types.StringValue("Alice"), `"alice"`},
		{"username with a space", Username(), types.StringValue("al ice"), "Invalid username"},
		{"unknown username waits", Username(), types.StringUnknown(), ""},
		{"group path", GroupPath(), types.StringValue("/Data Science/Forecasting"), ""},
		{"empty group path", GroupPath(), types.StringValue(""), "Invalid group path"},
		{"window in days", Window(), types.StringValue("90d"), ""},
		{"window in words", Window(), types.StringValue("3 months"), `"3 months"`},
		{"null window", Window(), types.StringNull(), ""},
	} {
		got := validate(tc.v, tc.value)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want an error containing %q (\"\" accepts)", tc.name, got, tc.want)
		}
	}
}
