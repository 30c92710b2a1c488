package framework

import (
	"context"
	"slices"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// The ports of the operations' apply steps: small views of the Keycloak and
// platform clients.

// directory is the operations' view of Keycloak.
type directory struct{ kc *keycloak.Client }

func (d directory) SeatHolders(ctx context.Context) (map[string]operations.Seat, error) {
	read, err := d.kc.ReadSeats(ctx, SeatRole, nil, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]operations.Seat, len(read.Seats))
	for username, h := range read.Seats {
		out[username] = operations.Seat(h)
	}
	return out, nil
}

// appStore is the operations' view of the platform API.
type appStore struct{ p *platform.Client }

func (s appStore) OwnedApps(ctx context.Context, username string) ([]string, error) {
	owned, err := s.p.OwnedApps(ctx, username)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(owned))
	for _, a := range owned {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	return names, nil
}

func (s appStore) TransferApps(ctx context.Context, from, to string, apps []string) ([]string, error) {
	res, err := s.p.TransferApps(ctx, from, to, apps)
	if err != nil {
		if platform.CodeOf(err) == platform.CodeNotLicensed {
			return nil, notLicensedError{err}
		}
		return nil, err
	}
	return res.MovedApps, nil
}

type notLicensedError struct{ error }

func (e notLicensedError) Error() string {
	return e.error.Error() + ". Both users need a license seat; nothing was transferred."
}

func (e notLicensedError) Unwrap() error { return e.error }

// Directory is the operations' port to Keycloak.
func (c *Clients) Directory() operations.Directory { return directory{c.Keycloak} }

// AppStore is the operations' port to the platform API.
func (c *Clients) AppStore() operations.AppStore { return appStore{c.Platform} }

// Party looks a user up for a plan step: whether the realm has them. A lookup
// that fails for another reason counts as existing (the apply looks again and
// reports it).
func (c *Clients) Party(ctx context.Context, username, attr string) operations.Party {
	_, err := c.Keycloak.UserByUsername(ctx, username)
	return operations.Party{Username: username, Attribute: attr, Exists: !keycloak.IsNotFound(err)}
}
