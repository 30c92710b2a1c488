package grouppath

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		"/Data Science":            "/Data Science",
		"Data Science":             "/Data Science",
		"Data Science/Forecasting": "/Data Science/Forecasting",
		"/Équipe/Données":          "/Équipe/Données",
	} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "/", "//", "/A//B", "/A/", "A/", " /A", "/A ", "/A/..", "/A/./B", "..", "./A", "/../Admins"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %q, want an error", bad, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/Data Science/Forecasting", "A", "/A//B", "A/", "/Ünïcode/ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Parse(in)
		if err != nil {
			return
		}
		// Canonical form: one leading slash, no empty, "." or ".." segment, idempotent.
		if out[0] != '/' || len(out) < 2 || out[len(out)-1] == '/' {
			t.Fatalf("%q -> %q", in, out)
		}
		for _, seg := range strings.Split(out[1:], "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("%q -> %q keeps segment %q", in, out, seg)
			}
		}
		again, err := Parse(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, out, again, err)
		}
		if ToPlatform(out) == out {
			t.Fatalf("display form keeps the slash: %q", out)
		}
	})
}

func TestPlatformSpelling(t *testing.T) {
	if got := ToPlatform("/Data Science/Forecasting"); got != "Data Science/Forecasting" {
		t.Errorf("ToPlatform: %q", got)
	}
	for _, in := range []string{"Data Science/Forecasting", "/Data Science/Forecasting"} {
		if got := FromPlatform(in); got != "/Data Science/Forecasting" {
			t.Errorf("FromPlatform(%q) = %q", in, got)
		}
	}
}

// The suggestion of an error is itself a valid path: "Data Science//Forecasting/"
// suggests "/Data Science/Forecasting" (it used to keep the "//").
func TestErrorsSuggestAValidPath(t *testing.T) {
	for in, want := range map[string]string{
		"Data Science//Forecasting/": `write it as "/Data Science/Forecasting"`,
		"/A//B":                      `write it as "/A/B"`,
		"/A/":                        `write it as "/A"`,
		"//":                         `write it as "/Parent/child"`,
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): %v, want it to say %s", in, err, want)
		}
	}
}
