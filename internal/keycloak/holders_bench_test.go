package keycloak

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
)

// BenchmarkRoleHolders reads who holds licensed_user with a fresh client (no
// run-scoped value cached) on a random realm of the local Keycloak, by the
// export and, as an account without manage-realm reads it, by listing.
// DIFF_SEED picks the realm's structure (a fixed one by default).
//
//	TF_ACC=1 go test ./internal/keycloak -run '^$' -bench RoleHolders -benchtime 20x
func BenchmarkRoleHolders(b *testing.B) {
	if os.Getenv("TF_ACC") == "" {
		b.Skip("needs the local Keycloak (make test starts it)")
	}
	seed := uint64(20261203)
	if v := os.Getenv("DIFF_SEED"); v != "" {
		_, _ = fmt.Sscan(v, &seed)
	}
	admin := newAdminHTTP(b)
	s := randomStructure(seed, 24)
	realm := fmt.Sprintf("bench%d", seed%1_000_000_007)
	admin.do(http.MethodPost, "", s.realmJSON(realm), nil)
	b.Cleanup(func() { admin.do(http.MethodDelete, "/"+realm, nil, nil) })
	for _, path := range readPaths(realm) {
		b.Run(path.name, func(b *testing.B) {
			cfg := path.cfg
			for b.Loop() {
				b.StopTimer() // the login is the same whatever the read
				c := New(cfg)
				if _, err := c.Tokens().Token(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := c.RoleHolders(context.Background(), "licensed_user"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
