package keycloak

import (
	"context"
	"fmt"
	"time"

	"github.com/Nerzal/gocloak/v13"
)

// User is a Keycloak user as the provider needs it.
type User struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Enabled   bool   `json:"enabled"`
	// CreatedTimestamp is milliseconds since the epoch.
	CreatedTimestamp int64 `json:"createdTimestamp"`
}

// Created returns the creation time in UTC.
func (u User) Created() time.Time { return time.UnixMilli(u.CreatedTimestamp).UTC() }

// UserByUsername finds a user by exact username; it wraps ErrNotFound when none exists.
func (c *Client) UserByUsername(ctx context.Context, username string) (*User, error) {
	var users []User
	err := c.getJSON(ctx, c.realmURL("users"), map[string]string{"username": username, "exact": "true", "briefRepresentation": "true"}, &users)
	if err != nil {
		return nil, fmt.Errorf("looking up user %q in realm %q: %w", username, c.cfg.Realm, c.describe(err))
	}
	for _, u := range users {
		if u.Username == username {
			return &u, nil
		}
	}
	return nil, fmt.Errorf("user %q does not exist in realm %q: %w", username, c.cfg.Realm, ErrNotFound)
}

// Users lists every user of the realm, page by page; search is Keycloak's
// substring search over username, email and names ("" lists all).
func (c *Client) Users(ctx context.Context, search string) ([]User, error) {
	extra := map[string]string{"briefRepresentation": "true"}
	if search != "" {
		extra["search"] = search
	}
	users, err := pagedGetSize[User](ctx, c, c.realmURL("users"), extra, c.cfg.UserPageSize)
	if err != nil {
		return nil, fmt.Errorf("listing users of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	return users, nil
}

// AddClientRole maps roleName of the roles client directly to the user.
// Keycloak treats adding an existing mapping as success, so this is idempotent.
func (c *Client) AddClientRole(ctx context.Context, user User, roleName string) error {
	clientUUID, roles, err := c.mappingOf(ctx, roleName)
	if err != nil {
		return err
	}
	err = c.withToken(ctx, func(token string) error {
		return c.gc.AddClientRolesToUser(ctx, token, c.cfg.Realm, clientUUID, user.ID, roles)
	})
	if err != nil {
		return fmt.Errorf("granting %s/%s to user %q: %w", c.cfg.RolesClientID, roleName, user.Username, c.describe(err))
	}
	c.noteDirect(roleName, user, true)
	return nil
}

// RemoveClientRole removes only the direct mapping of roleName from the user.
// Removing a mapping that is already gone succeeds.
func (c *Client) RemoveClientRole(ctx context.Context, user User, roleName string) error {
	clientUUID, roles, err := c.mappingOf(ctx, roleName)
	if err != nil {
		return err
	}
	err = c.withToken(ctx, func(token string) error {
		return c.gc.DeleteClientRolesFromUser(ctx, token, c.cfg.Realm, clientUUID, user.ID, roles)
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("revoking %s/%s from user %q: %w", c.cfg.RolesClientID, roleName, user.Username, c.describe(err))
	}
	c.noteDirect(roleName, user, false)
	return nil
}

// mappingOf returns what a role-mapping call of roleName needs: the roles
// client's UUID and the role's representation (both looked up once per Client).
func (c *Client) mappingOf(ctx context.Context, roleName string) (string, []gocloak.Role, error) {
	role, err := c.ClientRole(ctx, roleName)
	if err != nil {
		return "", nil, err
	}
	clientUUID, err := c.ClientUUID(ctx, c.cfg.RolesClientID)
	if err != nil {
		return "", nil, err
	}
	return clientUUID, []gocloak.Role{*role}, nil
}

// LogoutUser ends every Keycloak session of the user so role and co-owner changes apply at once.
func (c *Client) LogoutUser(ctx context.Context, user User) error {
	err := c.withToken(ctx, func(token string) error {
		return c.gc.LogoutAllSessions(ctx, token, c.cfg.Realm, user.ID)
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("logging out user %q: %w", user.Username, c.describe(err))
	}
	return nil
}
