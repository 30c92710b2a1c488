package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
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

// listUsersAfter is how many distinct usernames a run looks up one by one
// before it lists the realm's users once instead (when that takes fewer
// requests than the lookups it has made so far): an apply of 1,000 seats then
// costs a few dozen lookups and a few pages, not 1,000 lookups.
const listUsersAfter = 16

// userIndex is the run's knowledge of users by username: every user found,
// and, once the run has made enough lookups, the whole realm's listing. A
// username that is not there is looked up directly (it may have been created
// during the run), and not-found is never cached.
type userIndex struct {
	mu     sync.Mutex
	byName map[string]User
	budget lookupBudget
}

// lookupBudget decides when a run's one-by-one lookups have become dearer
// than one listing: first after listUsersAfter lookups, then each time they
// double, until the listing is made. The caller holds its own lock.
type lookupBudget struct {
	lookups int
	listed  bool
	// nextTry is the lookup count at which listing is considered (again).
	nextTry int
}

func (b *lookupBudget) looked() (int, bool) {
	b.lookups++
	if b.nextTry == 0 {
		b.nextTry = listUsersAfter
	}
	if b.listed || b.lookups < b.nextTry {
		return b.lookups, false
	}
	b.nextTry *= 2
	return b.lookups, true
}

func (x *userIndex) get(username string) (User, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	u, ok := x.byName[username]
	return u, ok
}

func (x *userIndex) put(users ...User) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byName == nil {
		x.byName = map[string]User{}
	}
	for _, u := range users {
		x.byName[u.Username] = u
	}
}

// forgetUser drops a user whose account changed from the run's index: the
// next lookup reads it again.
func (c *Client) forgetUser(username string) {
	c.users.mu.Lock()
	defer c.users.mu.Unlock()
	delete(c.users.byName, username)
}

// looked counts a direct lookup and reports whether to consider listing the
// realm now: first after listUsersAfter lookups, then each time they double.
func (x *userIndex) looked() (int, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.budget.looked()
}

// UserByUsername finds a user by exact username; it wraps ErrNotFound when none
// exists. Users found are remembered for the run; after listUsersAfter lookups
// the realm's users are listed once (if that is cheaper) and serve the rest.
func (c *Client) UserByUsername(ctx context.Context, username string) (*User, error) {
	if u, ok := c.users.get(username); ok {
		return &u, nil
	}
	if n, consider := c.users.looked(); consider {
		c.listAllUsers(ctx, n)
		if u, ok := c.users.get(username); ok {
			return &u, nil
		}
	}
	u, err := c.lookupUser(ctx, username)
	if err == nil {
		c.users.put(*u)
	}
	return u, err
}

// listAllUsers indexes every user of the realm when listing them takes fewer
// requests than the lookups made so far; a failure leaves the lookups to work.
func (c *Client) listAllUsers(ctx context.Context, lookups int) {
	_, _, _ = c.sf.Do("users:index", func() (any, error) {
		count, err := c.userCount(ctx, "")
		if err != nil {
			return false, err
		}
		c.users.mu.Lock()
		done := c.users.budget.listed
		c.users.mu.Unlock()
		if done || (count+c.cfg.UserPageSize-1)/c.cfg.UserPageSize >= lookups {
			return false, nil
		}
		users, err := c.usersKnown(ctx, map[string]string{"briefRepresentation": "true"}, count)
		if err != nil {
			return false, err
		}
		c.users.put(users...)
		c.users.mu.Lock()
		c.users.budget.listed = true
		c.users.mu.Unlock()
		return true, nil
	})
}

func (c *Client) lookupUser(ctx context.Context, username string) (*User, error) {
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
	return nil, fmt.Errorf("user %q does not exist in realm %q: %w", username, c.cfg.Realm, errNotFound)
}

// UserByID reads the user with id; the error wraps ErrNotFound when the realm has none.
func (c *Client) UserByID(ctx context.Context, id string) (*User, error) {
	var u User
	if err := c.getJSON(ctx, c.realmURL("users", id), nil, &u); err != nil {
		if IsNotFound(err) {
			return nil, fmt.Errorf("user %s does not exist in realm %q: %w", id, c.cfg.Realm, errNotFound)
		}
		return nil, fmt.Errorf("reading user %s in realm %q: %w", id, c.cfg.Realm, c.describe(err))
	}
	return &u, nil
}

// UsernamesOf names the users with ids: one request per user while that
// takes fewer requests than listing the realm's users, else one listing. A
// user the realm no longer has is left out.
func (c *Client) UsernamesOf(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	total, err := c.userCount(ctx, "")
	if err != nil {
		return nil, err
	}
	if pages := total/c.cfg.UserPageSize + 1; len(ids) > pages {
		users, err := c.usersKnown(ctx, map[string]string{"briefRepresentation": "true"}, total)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out[u.ID] = u.Username
		}
		return out, nil
	}
	for _, id := range ids {
		u, err := c.UserByID(ctx, id)
		switch {
		case IsNotFound(err):
		case err != nil:
			return nil, err
		default:
			out[id] = u.Username
		}
	}
	return out, nil
}

// Users lists every user of the realm, page by page; search is Keycloak's
// substring search over username, email and names ("" lists all).
func (c *Client) Users(ctx context.Context, search string) ([]User, error) {
	extra := map[string]string{"briefRepresentation": "true"}
	if search != "" {
		extra["search"] = search
	}
	total, err := c.userCount(ctx, search)
	if err != nil {
		return nil, err
	}
	return c.usersKnown(ctx, extra, total)
}

// userCount is the number of the realm's users that search matches ("" counts all).
func (c *Client) userCount(ctx context.Context, search string) (int, error) {
	var q map[string]string
	if search != "" {
		q = map[string]string{"search": search}
	}
	var total int
	if err := c.getJSON(ctx, c.realmURL("users", "count"), q, &total); err != nil {
		return 0, fmt.Errorf("counting users of realm %q: %w", c.cfg.Realm, c.describe(err))
	}
	return total, nil
}

// usersKnown lists the realm's users when their number is known, several pages at a time.
func (c *Client) usersKnown(ctx context.Context, extra map[string]string, total int) ([]User, error) {
	users, err := pagedGetKnown[User](ctx, c, c.realmURL("users"), extra, c.cfg.UserPageSize, total)
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

// LogoutUser ends every Keycloak session of the user, offline ones included,
// so role and co-owner changes apply at once: POST /users/{id}/logout ends the
// online sessions, and the offline sessions (refresh tokens of scope
// offline_access, which that call leaves alive) are revoked client by client
// through DELETE /users/{id}/consents/{client}, on every supported version.
func (c *Client) LogoutUser(ctx context.Context, user User) error {
	err := c.withToken(ctx, func(token string) error {
		return c.gc.LogoutAllSessions(ctx, token, c.cfg.Realm, user.ID)
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("logging out user %q: %w", user.Username, c.describe(err))
	}
	clients, err := c.offlineClients(ctx, user)
	if err != nil {
		return err
	}
	for _, client := range clients {
		err := c.requestJSON(ctx, http.MethodDelete, c.realmURL("users", user.ID, "consents", client), nil, nil)
		if err != nil && !IsNotFound(err) { // 404: revoked already
			return fmt.Errorf("ending the offline sessions of user %q with client %q: %w", user.Username, client, c.describe(err))
		}
	}
	return nil
}

// offlineClients lists the clients through which the user holds offline
// sessions: the consents whose additional grants include an offline token.
func (c *Client) offlineClients(ctx context.Context, user User) ([]string, error) {
	var consents []struct {
		ClientID         string `json:"clientId"`
		AdditionalGrants []struct {
			Key string `json:"key"`
		} `json:"additionalGrants"`
	}
	if err := c.getJSON(ctx, c.realmURL("users", user.ID, "consents"), nil, &consents); err != nil {
		if IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing the offline sessions of %q: %w", user.Username, c.describe(err))
	}
	var clients []string
	for _, consent := range consents {
		for _, g := range consent.AdditionalGrants {
			if strings.EqualFold(g.Key, "Offline Token") {
				clients = append(clients, consent.ClientID)
				break
			}
		}
	}
	return clients, nil
}

// DisableUser sets the user's enabled flag to false (a no-op when already
// disabled). Keycloak's PUT merges the fields it is given.
func (c *Client) DisableUser(ctx context.Context, user User) error {
	err := c.withToken(ctx, func(token string) error {
		return c.gc.UpdateUser(ctx, token, c.cfg.Realm, gocloak.User{ID: gocloak.StringP(user.ID), Enabled: gocloak.BoolP(false)})
	})
	if err != nil {
		return fmt.Errorf("disabling user %q: %w", user.Username, c.describe(err))
	}
	c.forgetUser(user.Username)
	return nil
}

// DeleteUser deletes the account; a user already gone is success.
func (c *Client) DeleteUser(ctx context.Context, user User) error {
	err := c.withToken(ctx, func(token string) error {
		return c.gc.DeleteUser(ctx, token, c.cfg.Realm, user.ID)
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("deleting user %q: %w", user.Username, c.describe(err))
	}
	c.forgetUser(user.Username)
	return nil
}

// HasSessions reports whether the user has any live Keycloak session, online or offline.
func (c *Client) HasSessions(ctx context.Context, user User) (bool, error) {
	var sessions []json.RawMessage
	if err := c.getJSON(ctx, c.realmURL("users", user.ID, "sessions"), nil, &sessions); err != nil {
		return false, fmt.Errorf("listing the sessions of %q: %w", user.Username, c.describe(err))
	}
	if len(sessions) > 0 {
		return true, nil
	}
	offline, err := c.offlineClients(ctx, user)
	return len(offline) > 0, err
}
