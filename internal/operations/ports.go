package operations

import "context"

// Directory is the part of Keycloak the apply steps read: who holds a seat.
// The keycloak client satisfies it through a small adapter in the provider;
// tests use an in-memory fake.
type Directory interface {
	// SeatHolders returns every user holding the seat, directly or not, by username.
	SeatHolders(ctx context.Context) (map[string]Seat, error)
}

// AppStore is the part of the platform the apply steps read and change.
type AppStore interface {
	// OwnedApps returns the names of the apps username owns, sorted.
	OwnedApps(ctx context.Context, username string) ([]string, error)
	// TransferApps moves apps from one user to another and returns those moved.
	TransferApps(ctx context.Context, from, to string, apps []string) ([]string, error)
}
