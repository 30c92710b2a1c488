package framework

import (
	"context"
	"fmt"
	"slices"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// SnapshotRead says what a plan reads beyond the seat holders and the apps.
type SnapshotRead struct {
	// GroupsOf are the users whose direct groups the rules need.
	GroupsOf []string
	// LookUp are the users to check the realm has (those holding no direct seat).
	LookUp []string
	// License asks for the purchased seat count.
	License bool
}

// Snapshot assembles what the rules need from the run-scoped seat and app
// listings, plus the direct groups of the given users.
func (c *Clients) Snapshot(ctx context.Context, usersNeedingGroups ...string) (operations.Snapshot, error) {
	return c.ReadSnapshot(ctx, SnapshotRead{GroupsOf: usersNeedingGroups})
}

// ReadSnapshot reads what a plan needs in one round: Keycloak once (the seat
// holders, the groups and existence of the users asked about), then the
// platform (the apps and, when asked, the license; a license that cannot be
// read is noted in the snapshot, not an error).
func (c *Clients) ReadSnapshot(ctx context.Context, want SnapshotRead) (operations.Snapshot, error) {
	s := operations.Snapshot{GroupChildren: map[string][]string{}, GroupMembers: map[string][]string{}}
	read, err := c.Keycloak.ReadSeats(ctx, SeatRole, want.GroupsOf, want.LookUp)
	if err != nil {
		return s, err
	}
	s.Seats, s.UserGroups, s.Absent = map[string]operations.Seat{}, read.Groups, read.Absent
	for username, h := range read.Seats {
		s.Seats[username] = operations.Seat(h)
	}
	if c.Platform == nil {
		return s, nil
	}
	apps, err := c.Platform.Apps(ctx)
	if err != nil {
		return s, err
	}
	s.Apps = GovernanceApps(apps)
	if want.License {
		lic, err := c.Platform.License(ctx)
		if err != nil {
			s.LicenseUnread = err
		} else {
			s.Purchased = lic.SeatsPurchased
		}
	}
	return s, nil
}

// AddGroups loads the descendants and direct members of each distinct group
// of paths into the snapshot, one group lookup and one membership listing per
// group; missing are the groups the realm does not have.
func (c *Clients) AddGroups(ctx context.Context, s *operations.Snapshot, paths []string) (missing []string, err error) {
	distinct := slices.Clone(paths)
	slices.Sort(distinct)
	for _, p := range slices.Compact(distinct) {
		g, err := c.Keycloak.GroupByPath(ctx, p)
		if keycloak.IsNotFound(err) {
			missing = append(missing, p)
			continue
		}
		if err == nil {
			err = c.addGroup(ctx, s, g)
		}
		if err != nil {
			return missing, fmt.Errorf("reading group %s: %w", p, err)
		}
	}
	return missing, nil
}

// addGroup loads a group's descendants and direct members into the snapshot.
func (c *Clients) addGroup(ctx context.Context, s *operations.Snapshot, g *keycloak.Group) error {
	for _, sub := range keycloak.Flatten([]*keycloak.Group{g}) {
		for _, ch := range sub.Children {
			s.GroupChildren[sub.Path] = append(s.GroupChildren[sub.Path], ch.Path)
		}
	}
	members, err := c.Keycloak.GroupMembers(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		s.GroupMembers[g.Path] = append(s.GroupMembers[g.Path], m.Username)
	}
	return nil
}

func GovernanceApps(apps []platform.App) []operations.App {
	out := make([]operations.App, 0, len(apps))
	for _, a := range apps {
		ga := operations.App{Name: a.Name, Owner: a.Owner, CoOwnerUsers: a.CoOwnerUsernames()}
		ga.CoOwnerGroups = append(ga.CoOwnerGroups, a.CoOwnerGroupPaths()...)
		out = append(out, ga)
	}
	return out
}
