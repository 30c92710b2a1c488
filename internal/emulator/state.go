package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// App is an app as the emulator stores it. Owner and co-owners stay on record
// when they lose their seat; seat status is computed at call time.
type App struct {
	Name          string    `json:"name"`
	Owner         string    `json:"owner"`
	CoOwners      []string  `json:"coOwners,omitempty"`
	CoOwnerGroups []string  `json:"coOwnerGroups,omitempty"` // Parent/child
	Services      []Service `json:"services,omitempty"`
	HasWorkspace  bool      `json:"hasWorkspace,omitempty"`
	Settings      Settings  `json:"settings"`
}

// Service is a database linked to an app.
type Service struct {
	Name string `json:"name"`
	Type string `json:"type"` // REDIS or POSTGRES
}

// Settings are the App Info settings that a transfer keeps.
type Settings struct {
	ViewerAccess  string   `json:"viewerAccess"` // restricted, authenticated or unauthenticated
	Viewers       []string `json:"viewers,omitempty"`
	ViewerGroups  []string `json:"viewerGroups,omitempty"`
	PortalVisible bool     `json:"portalVisible,omitempty"`
	EnvVarNames   []string `json:"envVarNames,omitempty"`
	ContactName   string   `json:"contactName,omitempty"`
	ContactEmail  string   `json:"contactEmail,omitempty"`
}

// State is everything the emulator keeps: the seed fixture format and the state file format.
type State struct {
	SeatsPurchased   int      `json:"seatsPurchased"`
	LicenseExpiresAt string   `json:"licenseExpiresAt"`
	KnownUsers       []string `json:"knownUsers"`
	KnownGroups      []string `json:"knownGroups"` // Parent/child
	Apps             []*App   `json:"apps"`
	// UnauthenticatedDisabled: an administrator disabled Unauthenticated viewer access.
	UnauthenticatedDisabled bool `json:"unauthenticatedDisabled,omitempty"`
}

// LoadState reads a fixture or state file.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// store is the in-memory model; callers hold Server.mu.
type store struct {
	seatsPurchased int
	expiresAt      string
	knownUsers     map[string]bool
	knownGroups    map[string]bool
	apps           map[string]*App
	// unauthenticatedDisabled refuses viewer access level unauthenticated.
	unauthenticatedDisabled bool
}

func newStore(s *State) *store {
	st := &store{seatsPurchased: 25, expiresAt: time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339),
		knownUsers: map[string]bool{}, knownGroups: map[string]bool{}, apps: map[string]*App{}}
	if s == nil {
		return st
	}
	if s.SeatsPurchased > 0 {
		st.seatsPurchased = s.SeatsPurchased
	}
	st.unauthenticatedDisabled = s.UnauthenticatedDisabled
	if s.LicenseExpiresAt != "" {
		st.expiresAt = s.LicenseExpiresAt
	}
	for _, u := range s.KnownUsers {
		st.knownUsers[u] = true
	}
	for _, g := range s.KnownGroups {
		st.knownGroups[g] = true
	}
	for _, a := range s.Apps {
		cp := *a
		// Viewer access levels are Dash Enterprise 5's, lower case; state
		// written before the contract followed the published API said
		// RESTRICTED, AUTHENTICATED or PUBLIC.
		switch level := strings.ToLower(cp.Settings.ViewerAccess); level {
		case "":
			cp.Settings.ViewerAccess = "restricted"
		case "public":
			cp.Settings.ViewerAccess = "unauthenticated"
		default:
			cp.Settings.ViewerAccess = level
		}
		st.apps[a.Name] = &cp
		st.knownUsers[a.Owner] = true
	}
	return st
}

func (st *store) snapshot() *State {
	s := &State{SeatsPurchased: st.seatsPurchased, LicenseExpiresAt: st.expiresAt, UnauthenticatedDisabled: st.unauthenticatedDisabled}
	s.KnownUsers = sortedKeys(st.knownUsers)
	s.KnownGroups = sortedKeys(st.knownGroups)
	for _, name := range st.appNames() {
		s.Apps = append(s.Apps, st.apps[name])
	}
	return s
}

func (st *store) appNames() []string {
	names := make([]string, 0, len(st.apps))
	for n := range st.apps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// save writes the state file atomically (write, then rename).
func save(path string, s *State) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
