package main

import (
	"context"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Nerzal/gocloak/v13"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// keycloakWriteFloor is Keycloak's own time for the role writes of an apply
// and a destroy of the seats: every user in names is granted the seat role
// directly, then revoked, with plain admin calls from as many workers as
// Terraform's default parallelism (10), and no Terraform or provider code
// involved. The user IDs are read first (one listing, not timed). It is the
// second floor of the write path: on this machine Keycloak and Terraform share
// the same two processors.
func keycloakWriteFloor(names []string) (grant, revoke time.Duration) {
	ctx := context.Background()
	a := newAdminAPI()
	var mu sync.Mutex
	issued := time.Now()
	token := func() string { // the master realm's admin tokens live 60 s
		mu.Lock()
		defer mu.Unlock()
		if time.Since(issued) > 30*time.Second {
			a, issued = newAdminAPI(), time.Now()
		}
		return a.token
	}
	clients, err := a.gc.GetClients(ctx, a.token, acctest.Realm, gocloak.GetClientsParams{ClientID: gocloak.StringP("dash")})
	check(err)
	if len(clients) != 1 {
		check(fmt.Errorf("realm %s: %d clients named dash", acctest.Realm, len(clients)))
	}
	clientID := *clients[0].ID
	role, err := a.gc.GetClientRole(ctx, a.token, acctest.Realm, clientID, "licensed_user")
	check(err)
	ids := userIDs(a, names)

	run := func(what string, write func(token, userID string) error) time.Duration {
		var next, failed atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < 10; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < len(ids); i = int(next.Add(1)) - 1 {
					if err := write(token(), ids[i]); err != nil && failed.Add(1) <= 3 {
						log.Printf("keycloak %s: %v", what, err)
					}
				}
			}()
		}
		wg.Wait()
		if failed.Load() > 0 {
			check(fmt.Errorf("keycloak %s: %d of %d writes failed", what, failed.Load(), len(ids)))
		}
		return time.Since(start)
	}
	log.Printf("keycloak alone: granting %d seats", len(ids))
	grant = run("grant", func(tok, id string) error {
		return a.gc.AddClientRolesToUser(ctx, tok, acctest.Realm, clientID, id, []gocloak.Role{*role})
	})
	log.Printf("keycloak alone: revoking %d seats", len(ids))
	revoke = run("revoke", func(tok, id string) error {
		return a.gc.DeleteClientRolesFromUser(ctx, tok, acctest.Realm, clientID, id, []gocloak.Role{*role})
	})
	return grant, revoke
}

// userIDs maps usernames to IDs with one paged listing of the realm.
func userIDs(a *adminAPI, names []string) []string {
	byName := map[string]string{}
	for first := 0; ; first += 500 {
		users, err := a.gc.GetUsers(context.Background(), a.token, acctest.Realm,
			gocloak.GetUsersParams{First: gocloak.IntP(first), Max: gocloak.IntP(500), BriefRepresentation: gocloak.BoolP(true)})
		check(err)
		for _, u := range users {
			byName[*u.Username] = *u.ID
		}
		if len(users) < 500 {
			break
		}
	}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		id, ok := byName[n]
		if !ok {
			check(fmt.Errorf("user %s not found", n))
		}
		ids = append(ids, id)
	}
	return ids
}
