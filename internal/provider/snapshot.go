package provider

import (
	"context"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/keycloak"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/operations"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/platform"
)

// snapshot assembles what the governance rules need from the run-scoped seat
// and app listings, plus the direct groups of the given users.
func (c *Clients) snapshot(ctx context.Context, usersNeedingGroups ...string) (operations.Snapshot, error) {
	s := operations.Snapshot{Seats: map[string]operations.Seat{}, UserGroups: map[string][]string{},
		GroupChildren: map[string][]string{}, GroupMembers: map[string][]string{}}
	holders, err := c.Keycloak.RoleHolders(ctx, SeatRole)
	if err != nil {
		return s, err
	}
	for id, u := range holders.Users {
		if holders.Effective(id) {
			_, direct := holders.Direct[id]
			s.Seats[u.Username] = operations.Seat{Direct: direct, Via: holders.Via[id]}
		}
	}
	if c.Platform != nil {
		apps, err := c.Platform.Apps(ctx)
		if err != nil {
			return s, err
		}
		s.Apps = governanceApps(apps)
	}
	for _, username := range usersNeedingGroups {
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
	return s, nil
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

func governanceApps(apps []platform.App) []operations.App {
	out := make([]operations.App, 0, len(apps))
	for _, a := range apps {
		ga := operations.App{Name: a.Name, Owner: a.Owner, CoOwnerUsers: a.CoOwnerUsernames()}
		ga.CoOwnerGroups = append(ga.CoOwnerGroups, a.CoOwnerGroupPaths()...)
		out = append(out, ga)
	}
	return out
}
