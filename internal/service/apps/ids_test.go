package apps

import (
	"testing"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
)

func TestParseCoOwnerID(t *testing.T) {
	for in, want := range map[string]coOwnerID{
		"sales:user:alice":                     {App: "sales", Username: "alice"},
		"sales:group:/Data Science":            {App: "sales", Group: "/Data Science"},
		"sales:group:Data Science/Forecasting": {App: "sales", Group: "/Data Science/Forecasting"},
		"sales:group:/A:B":                     {App: "sales", Group: "/A:B"},
	} {
		got, err := parseCoOwnerID(in)
		if err != nil || got != want {
			t.Errorf("ParseCoOwnerID(%q) = %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "sales", "sales:user:", ":user:alice", "sales:team:x", "sales:user:Alice", "sales:group:/A/", "sales:group://"} {
		if _, err := parseCoOwnerID(bad); err == nil {
			t.Errorf("ParseCoOwnerID(%q) accepted", bad)
		}
	}
}

func FuzzParseCoOwnerID(f *testing.F) {
	for _, s := range []string{"sales:user:alice", "sales:group:/Data Science/Forecasting", "a:b:c", "::", "x:group:y/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, err := parseCoOwnerID(in)
		if err != nil {
			return
		}
		if id.App == "" || (id.Username == "") == (id.Group == "") {
			t.Fatalf("%q parsed to %+v", in, id)
		}
		// The canonical ID parses back to the same co-owner.
		again, err := parseCoOwnerID(id.String())
		if err != nil || again != id {
			t.Fatalf("%q -> %q -> %+v (%v)", in, id.String(), again, err)
		}
	})
}

func TestParseTransferID(t *testing.T) {
	if from, to, err := parseTransferID("dave:erin"); err != nil || from != "dave" || to != "erin" {
		t.Fatalf("%s %s %v", from, to, err)
	}
	for _, bad := range []string{"dave", "dave:", ":erin", "Dave:erin", "dave:dave"} {
		if _, _, err := parseTransferID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Usernames, app names and group names may contain ":" (and "%"): every joined
// ID round-trips every legal name, and IDs of names without them read as before.
func TestJoinedIDsRoundTripNamesWithColons(t *testing.T) {
	names := []string{"dave", "d:ave", "dave:", "a:b:c", "50%", "%3a", "x%253ay", "ops:team%"}
	for _, from := range names {
		for _, to := range names {
			if from == to {
				continue
			}
			id := transferID(from, to)
			f, tt, err := parseTransferID(id)
			if err != nil || f != from || tt != to {
				t.Errorf("transfer %q -> %q: ID %q parses to %q -> %q (%v)", from, to, id, f, tt, err)
			}
		}
		for _, co := range []coOwnerID{{App: from, Username: "alice:ops"}, {App: from, Group: "/Ops:EU/team:1"}, {App: from, Username: "bob"}} {
			got, err := parseCoOwnerID(co.String())
			if err != nil || got != co {
				t.Errorf("co-owner %+v: ID %q parses to %+v (%v)", co, co.String(), got, err)
			}
		}
	}
	if id := transferID("dave", "erin"); id != "dave:erin" {
		t.Errorf("TransferID(dave, erin) = %q: names without \":\" or \"%%\" keep today's IDs", id)
	}
	if id := (coOwnerID{App: "sales", Group: "/A:B"}).String(); id != "sales:group:/A:B" {
		t.Errorf("co-owner ID of a group with a colon = %q, want sales:group:/A:B", id)
	}
}

func FuzzParseTransferID(f *testing.F) {
	f.Add("dave:erin")
	f.Add("a:b:c")
	f.Fuzz(func(t *testing.T, in string) {
		from, to, err := parseTransferID(in)
		if err != nil {
			return
		}
		if from == to || operations.CheckUsername(from) != "" || operations.CheckUsername(to) != "" {
			t.Fatalf("%q -> %q %q", in, from, to)
		}
		// The canonical ID parses back to the same pair.
		if f, tt, err := parseTransferID(transferID(from, to)); err != nil || f != from || tt != to {
			t.Fatalf("%q -> %q %q -> %q -> %q %q (%v)", in, from, to, transferID(from, to), f, tt, err)
		}
	})
}
