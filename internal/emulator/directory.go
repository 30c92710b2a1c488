package emulator

import "context"

// Directory is the emulator's view of Keycloak, read at call time
// (RESTDirectory in production and acceptance tests, a fake in rule tests).
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
