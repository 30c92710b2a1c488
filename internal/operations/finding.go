package operations

import "strings"

// Severity says whether a finding stops the plan or the apply.
type Severity int

const (
	// Warning is shown and lets the plan or apply go on.
	Warning Severity = iota
	// Error stops the plan, or refuses the apply before it changes anything.
	Error
)

// Code names a rule; every finding a rule produces carries its code, so tests
// and policies can match on it rather than on words.
type Code string

// Finding is what a rule says about one user or app: its code and severity,
// who and what it is about, the attribute of the resource it points at (empty
// for the resource as a whole), and its words. Detail says what happens and
// ends with the remedy (Remedy, also kept on its own).
type Finding struct {
	Code      Code
	Severity  Severity
	User      string
	Apps      []string
	Attribute string
	Summary   string
	Detail    string
	Remedy    string
}

// Findings is the ordered output of a plan or apply step.
type Findings []Finding

// HasError reports whether any finding is an error.
func (fs Findings) HasError() bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Codes lists the codes, in order (for tests).
func (fs Findings) Codes() []Code {
	out := make([]Code, len(fs))
	for i, f := range fs {
		out[i] = f.Code
	}
	return out
}

// At returns the findings pointed at attr.
func (fs Findings) At(attr string) Findings {
	out := make(Findings, len(fs))
	for i, f := range fs {
		f.Attribute = attr
		out[i] = f
	}
	return out
}

// At returns the finding pointed at attr.
func (f Finding) At(attr string) Finding {
	f.Attribute = attr
	return f
}

// finding builds a finding whose detail is why followed by the remedy.
func finding(code Code, sev Severity, user string, apps []string, summary, why, remedy string) Finding {
	detail := why
	if remedy != "" {
		detail = strings.TrimSpace(why + " " + remedy)
	}
	return Finding{Code: code, Severity: sev, User: user, Apps: apps, Summary: summary, Detail: detail, Remedy: remedy}
}

func severity(strict bool) Severity {
	if strict {
		return Error
	}
	return Warning
}

func list(xs []string) string { return strings.Join(xs, ", ") }
