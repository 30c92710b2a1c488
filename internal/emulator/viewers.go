package emulator

import (
	"context"
	"fmt"
	"slices"
)

// CanView reports whether username may open app, computed by the emulator
// from its own state and from Keycloak (its Directory), for tests to check
// outcomes against: unauthenticated apps are open to anyone, authenticated
// ones to every user of the realm, and a restricted app to its owner,
// co-owners, administrators, listed viewers and the direct members of listed
// or co-owner groups (a child group inherits nothing).
func (s *Server) CanView(ctx context.Context, app, username string) (bool, error) {
	s.mu.Lock()
	a, ok := s.store.apps[app]
	var cp App
	if ok {
		cp = *a
	}
	s.mu.Unlock()
	if !ok {
		return false, fmt.Errorf("the emulator has no app %s", app)
	}
	st := cp.Settings
	if st.ViewerAccess == "unauthenticated" {
		return true, nil
	}
	exists, err := s.cfg.Directory.UserExists(ctx, username)
	if err != nil || !exists {
		return false, err
	}
	if st.ViewerAccess == "authenticated" || cp.Owner == username || slices.Contains(cp.CoOwners, username) || slices.Contains(st.Viewers, username) {
		return true, nil
	}
	seats, err := s.cfg.Directory.Seats(ctx)
	if err != nil {
		return false, err
	}
	if seats.Admin(username) {
		return true, nil
	}
	groups, err := s.cfg.Directory.UserGroups(ctx, username)
	if err != nil {
		return false, err
	}
	for _, g := range groups {
		if slices.Contains(st.ViewerGroups, g) || slices.Contains(cp.CoOwnerGroups, g) {
			return true, nil
		}
	}
	return false, nil
}

// SetUnauthenticatedDisabled makes the server refuse (or accept again) the
// viewer access level unauthenticated, as an administrator's setting would.
func (s *Server) SetUnauthenticatedDisabled(disabled bool) {
	s.mu.Lock()
	s.store.unauthenticatedDisabled = disabled
	s.mu.Unlock()
}
