package framework

import (
	"context"
	"fmt"
	"slices"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// Snapshot assembles what the rules need from the run-scoped seat and app
// listings, plus the direct groups of the given users.
func (c *Clients) Snapshot(ctx context.Context, usersNeedingGroups ...string) (operations.Snapshot, error) {
	return c.ReadSnapshot(ctx, usersNeedingGroups, nil)
}

// ReadSnapshot reads, in one round, Keycloak (the seat holders, the direct
// groups of groupsOf, whether each of lookUp that holds no direct seat exists) and then the platform
// (the apps).
func (c *Clients) ReadSnapshot(ctx context.Context, groupsOf, lookUp []string) (operations.Snapshot, error) {
	s := operations.Snapshot{Seats: map[string]operations.Seat{}, UserGroups: map[string][]string{},
		GroupChildren: map[string][]string{}, GroupMembers: map[string][]string{}, Absent: map[string]bool{}}
	seats, err := c.Directory().SeatHolders(ctx)
	if err != nil {
		return s, err
	}
	s.Seats = seats
	for _, username := range lookUp {
		if seats[username].Direct {
			continue // holds the seat: nothing to grant
		}
		if _, err := c.Keycloak.UserByUsername(ctx, username); keycloak.IsNotFound(err) {
			s.Absent[username] = true
		}
	}
	for _, username := range groupsOf {
		u, err := c.Keycloak.UserByUsername(ctx, username)
		if keycloak.IsNotFound(err) {
			continue
		}
		if err != nil {
			return s, err
		}
		paths, err := c.Keycloak.UserGroupPaths(ctx, u.ID)
		if err != nil {
			return s, err
		}
		s.UserGroups[username] = paths
	}
	if c.Platform != nil {
		apps, err := c.Platform.Apps(ctx)
		if err != nil {
			return s, err
		}
		s.Apps = GovernanceApps(apps)
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
