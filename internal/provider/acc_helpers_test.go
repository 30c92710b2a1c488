package provider_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

func providerBlock(protection string) string {
	if protection == "" {
		return "provider \"dashenterprise\" {}\n"
	}
	return fmt.Sprintf("provider \"dashenterprise\" {\n  orphan_protection = %q\n}\n", protection)
}

func seatsConfig(protection string, seats ...string) string {
	var b strings.Builder
	b.WriteString(providerBlock(protection))
	for i, s := range seats {
		fmt.Fprintf(&b, "\nresource \"dashenterprise_license_seat\" \"s%d\" {\n  username = %q\n}\n", i, s)
	}
	return b.String()
}

// seatedWorkspace applies a configuration that manages the seats of users.
func seatedWorkspace(t *testing.T, protection string, users ...string) *acctest.Workspace {
	t.Helper()
	ws := acctest.NewWorkspace(t)
	ws.Cleanup()
	ws.Write(seatsConfig(protection, users...))
	ws.MustApply()
	return ws
}

func offboardingTransfer(from, to string) string {
	return fmt.Sprintf("\nresource \"dashenterprise_app_transfer\" \"offboard\" {\n  from_username = %q\n  to_username   = %q\n}\n", from, to)
}

// requireOwner fails the test unless owner owns every app (read from the emulator's state).
func requireOwner(t *testing.T, owner string, apps ...string) {
	t.Helper()
	for _, a := range apps {
		if o := acctest.AppOwner(t, a); o != owner {
			t.Fatalf("%s owned by %s, want %s", a, o, owner)
		}
	}
}

// An owner of two apps and a co-owner of a third, with a seat managed by Terraform.
func appOwnerWithSeat(t *testing.T) (owner, ownerID string, apps []string, heir string) {
	t.Helper()
	owner, ownerID = acctest.LoggedInUser(t, "owner", acctest.UserOptions{Roles: []string{"licensed_user"}})
	heir, _ = acctest.LoggedInUser(t, "heir", acctest.UserOptions{Roles: []string{"licensed_user"}})
	apps = []string{acctest.RandomName("own1"), acctest.RandomName("own2")}
	for _, a := range apps {
		acctest.CreateApp(t, owner, a)
	}
	other := acctest.RandomName("coown")
	acctest.CreateApp(t, heir, other)
	acctest.EmulatorAddCoOwners(t, other, []string{owner}, nil)
	return owner, ownerID, append(apps, other), heir
}

func seatsSetConfig(protection string, usernames []string) string {
	return providerBlock(protection) + fmt.Sprintf("\nresource \"dashenterprise_license_seats\" \"all\" {\n  usernames = [%s]\n}\n", quotedList(usernames))
}

// quotedList is usernames as the elements of an HCL list: "a", "b".
func quotedList(usernames []string) string {
	quoted := make([]string, len(usernames))
	for i, u := range usernames {
		quoted[i] = fmt.Sprintf("%q", u)
	}
	return strings.Join(quoted, ", ")
}

func union(a []string, b ...string) []string {
	set := map[string]bool{}
	for _, x := range append(append([]string{}, a...), b...) {
		set[x] = true
	}
	out := make([]string, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

func without(a []string, drop ...string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

// forget removes the authoritative resource from the state without revoking the realm's seats.
func forget(t *testing.T, ws *acctest.Workspace, addr string) {
	t.Cleanup(func() { _, _ = ws.Run("state", "rm", addr) })
}

// seatsSetWithUnknown is the seat set of usernames plus one username known
// only after apply (terraform_data.<name>.output).
func seatsSetWithUnknown(protection string, usernames []string, name, value string) string {
	return providerBlock(protection) + fmt.Sprintf(`
resource "terraform_data" %q {
  input = %q
}

resource "dashenterprise_license_seats" "all" {
  usernames = concat([%s], [terraform_data.%s.output])
}
`, name, value, quotedList(usernames), name)
}
