package acctest

import (
	"context"
	"testing"

	"github.com/Nerzal/gocloak/v13"
)

// OtherAdmin is an administrator other than the provider's account (the
// master realm's admin through admin-cli), for out-of-band changes that the
// realm's admin events attribute to them.
type OtherAdmin struct {
	Realm, Username, UserID string
	password                string
}

// DashAdmin creates an administrator of the dash realm itself (realm-management:
// manage-users, view-users, query-users, query-groups, view-clients) and deletes
// it when the test ends.
func DashAdmin(t *testing.T) OtherAdmin {
	t.Helper()
	a := OtherAdmin{Realm: Realm, Username: RandomName("helpdesk"), password: "helpdesk-password"}
	a.UserID = CreateNamedUser(t, a.Username, UserOptions{Password: a.password})
	ctx, gc, tok := context.Background(), Admin(t), token(t)
	clients, err := gc.GetClients(ctx, tok, Realm, gocloak.GetClientsParams{ClientID: gocloak.StringP("realm-management")})
	if err != nil || len(clients) == 0 {
		t.Fatalf("realm-management client: %v", err)
	}
	var roles []gocloak.Role
	for _, name := range []string{"manage-users", "view-users", "query-users", "query-groups", "view-clients"} {
		r, err := gc.GetClientRole(ctx, tok, Realm, *clients[0].ID, name)
		if err != nil {
			t.Fatalf("role %s: %v", name, err)
		}
		roles = append(roles, *r)
	}
	if err := gc.AddClientRolesToUser(ctx, tok, Realm, *clients[0].ID, a.UserID, roles); err != nil {
		t.Fatalf("making %s an administrator of %s: %v", a.Username, Realm, err)
	}
	return a
}

// MasterAdmin creates a second administrator of the master realm (realm role
// admin) and deletes it when the test ends.
func MasterAdmin(t *testing.T) OtherAdmin {
	t.Helper()
	ctx, gc, tok := context.Background(), Admin(t), token(t)
	a := OtherAdmin{Realm: "master", Username: RandomName("ops"), password: "ops-password"}
	id, err := gc.CreateUser(ctx, tok, "master", gocloak.User{Username: gocloak.StringP(a.Username), Enabled: gocloak.BoolP(true)})
	if err != nil {
		t.Fatalf("creating %s in master: %v", a.Username, err)
	}
	a.UserID = id
	t.Cleanup(func() { _ = gc.DeleteUser(ctx, token(t), "master", id) })
	if err := gc.SetPassword(ctx, tok, id, "master", a.password, false); err != nil {
		t.Fatalf("password of %s: %v", a.Username, err)
	}
	role, err := gc.GetRealmRole(ctx, tok, "master", "admin")
	if err != nil {
		t.Fatalf("master admin role: %v", err)
	}
	if err := gc.AddRealmRoleToUser(ctx, tok, "master", id, []gocloak.Role{*role}); err != nil {
		t.Fatalf("making %s an administrator of master: %v", a.Username, err)
	}
	return a
}

// token logs the administrator in through their realm's admin-cli.
func (a OtherAdmin) token(t *testing.T) string {
	t.Helper()
	jwt, err := Admin(t).Login(context.Background(), "admin-cli", "", a.Realm, a.Username, a.password)
	if err != nil {
		t.Fatalf("login of %s in %s: %v", a.Username, a.Realm, err)
	}
	return jwt.AccessToken
}

// GrantRole maps a dash client role directly to a user, as this administrator.
func (a OtherAdmin) GrantRole(t *testing.T, userID, role string) {
	t.Helper()
	grantRole(t, a.token(t), a.Username+" ", userID, role)
}

// RevokeRole removes a direct dash client role mapping, as this administrator.
func (a OtherAdmin) RevokeRole(t *testing.T, userID, role string) {
	t.Helper()
	revokeRole(t, a.token(t), a.Username+" ", userID, role)
}

// JoinGroup adds a user to a group (/Parent/child), as this administrator.
func (a OtherAdmin) JoinGroup(t *testing.T, userID, path string) {
	t.Helper()
	joinGroup(t, a.token(t), a.Username+" ", userID, path)
}

// LeaveGroup removes a user from a group (/Parent/child), as this administrator.
func (a OtherAdmin) LeaveGroup(t *testing.T, userID, path string) {
	t.Helper()
	if err := Admin(t).DeleteUserFromGroup(context.Background(), a.token(t), Realm, userID, groupID(t, path)); err != nil {
		t.Fatalf("%s removing %s from %s: %v", a.Username, userID, path, err)
	}
}

// RevokeRoleFromAll removes a direct dash client role mapping from each of
// usernames (users of the dash realm), as this administrator, logging in once
// and again every 200 users.
func (a OtherAdmin) RevokeRoleFromAll(t *testing.T, usernames []string, role string) {
	t.Helper()
	ctx, gc := context.Background(), Admin(t)
	client, r := dashClientUUID(t), dashRole(t, role)
	users, err := ListUsers(role)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, u := range users {
		ids[*u.Username] = *u.ID
	}
	var tok string
	for i, name := range usernames {
		if i%200 == 0 {
			tok = a.token(t)
		}
		if err := gc.DeleteClientRolesFromUser(ctx, tok, Realm, client, ids[name], []gocloak.Role{r}); err != nil {
			t.Fatalf("%s revoking %s of %s: %v", a.Username, role, name, err)
		}
	}
}
