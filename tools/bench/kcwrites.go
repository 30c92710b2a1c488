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
	ids := userIDs(names)

	run := func(what string, write func(token, userID string) error) time.Duration {
		start := time.Now()
		parallel("keycloak "+what, len(ids), 10, func(i int) error { return write(token(), ids[i]) })
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

// parallel calls do for 0..n-1 from the given number of workers. It logs the
// first three failures and ends the bench if any call failed.
func parallel(what string, n, workers int, do func(i int) error) {
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := do(i); err != nil && failed.Add(1) <= 3 {
					log.Printf("%s: %v", what, err)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		check(fmt.Errorf("%s: %d of %d calls failed", what, failed.Load(), n))
	}
}

// userIDs maps usernames to IDs with one paged listing of the realm.
func userIDs(names []string) []string {
	users, err := acctest.ListUsers("")
	check(err)
	byName := map[string]string{}
	for _, u := range users {
		byName[*u.Username] = *u.ID
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
