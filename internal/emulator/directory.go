package emulator

import (
	"context"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
)

// Directory is the emulator's view of Keycloak, read at call time.
type Directory interface {
	// Seats returns who holds a seat and who is an admin right now.
	Seats(ctx context.Context) (Seats, error)
	// UserExists reports whether the realm has the user.
	UserExists(ctx context.Context, username string) (bool, error)
	// UserGroups returns the paths (Parent/child) of the user's direct groups.
	UserGroups(ctx context.Context, username string) ([]string, error)
}

// Seats answers seat questions for one request.
type Seats interface {
	Licensed(username string) bool
	Admin(username string) bool
	Assigned() int
}

// KeycloakDirectory reads seats, users and groups from a real Keycloak.
type KeycloakDirectory struct {
	KC *keycloak.Client
	// SeatRole and AdminRole are client roles of the roles client.
	SeatRole, AdminRole string
}

type holderSeats struct {
	seats, admins map[string]bool
	assigned      int
}

func (h holderSeats) Licensed(u string) bool { return h.seats[u] }
func (h holderSeats) Admin(u string) bool    { return h.admins[u] }
func (h holderSeats) Assigned() int          { return h.assigned }

// Seats builds fresh snapshots of the seat and admin roles.
func (d KeycloakDirectory) Seats(ctx context.Context) (Seats, error) {
	seat, err := d.KC.FreshRoleHolders(ctx, d.SeatRole)
	if err != nil {
		return nil, err
	}
	admin, err := d.KC.FreshRoleHolders(ctx, d.AdminRole)
	if err != nil {
		return nil, err
	}
	return holderSeats{seats: seat.EffectiveUsernames(), admins: admin.EffectiveUsernames(), assigned: seat.EffectiveCount()}, nil
}

// UserExists looks the user up by exact username.
func (d KeycloakDirectory) UserExists(ctx context.Context, username string) (bool, error) {
	_, err := d.KC.UserByUsername(ctx, username)
	if keycloak.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// UserGroups lists the user's direct groups as Parent/child paths.
func (d KeycloakDirectory) UserGroups(ctx context.Context, username string) ([]string, error) {
	u, err := d.KC.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	paths, err := d.KC.UserGroupPaths(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for i, p := range paths {
		paths[i] = keycloak.DisplayGroupPath(p)
	}
	return paths, nil
}
