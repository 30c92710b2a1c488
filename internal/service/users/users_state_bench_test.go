package users

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func usersFixture(n int) (*usersModel, tfsdk.State) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	(&usersDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sresp)
	m := &usersModel{ID: types.StringValue("dash/users"), SeatsAssigned: types.Int64Value(1), Search: types.StringNull(),
		LicensedOnly: types.BoolValue(true), AdminOnly: types.BoolNull(), Group: types.StringNull()}
	for i := 0; i < n; i++ {
		m.Users = append(m.Users, userModel{ID: types.StringValue(fmt.Sprint(i)), Username: types.StringValue(fmt.Sprint("user", i)), Email: types.StringValue("e"),
			FirstName: types.StringValue("f"), LastName: types.StringValue("l"), Enabled: types.BoolValue(true), Licensed: types.BoolValue(i%2 == 0),
			LicensedDirect: types.BoolValue(true), SeatGrantedVia: []string{"group:/X"}, Admin: types.BoolValue(false), Groups: []string{"/Data Science", "/E"},
			CreatedAt: types.StringValue("2026"), OwnedApps: types.ListNull(types.StringType), CoOwnedApps: types.ListNull(types.StringType), KnownToPlatform: types.BoolNull()})
	}
	return m, tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}
}

// The direct encoding must produce exactly what the framework's reflection produces.
func TestUsersStateValueMatchesFramework(t *testing.T) {
	ctx := context.Background()
	m, st := usersFixture(3)
	if d := st.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	m.Users[1].OwnedApps, _ = types.ListValueFrom(ctx, types.StringType, []string{"a", "b"})
	if d := st.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	root, _ := st.Schema.Type().TerraformType(ctx).(tftypes.Object)
	got, err := usersStateValue(ctx, root, m)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(st.Raw) {
		t.Fatalf("direct encoding differs from the framework's:\n%s\n%s", got, st.Raw)
	}
}

func BenchmarkUsersState(b *testing.B) {
	ctx := context.Background()
	m, st := usersFixture(10000)
	root, _ := st.Schema.Type().TerraformType(ctx).(tftypes.Object)
	b.Run("framework-reflection", func(b *testing.B) {
		for b.Loop() {
			if d := st.Set(ctx, m); d.HasError() {
				b.Fatal(d)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := usersStateValue(ctx, root, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
