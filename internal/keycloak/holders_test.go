package keycloak

import "testing"

// Writes through the Client update the snapshot copy-on-write: readers of the
// old snapshot keep their view, and username lookups see the new one.
func TestNoteDirectIsCopyOnWriteAndIndexed(t *testing.T) {
	c := New(Config{Realm: "dash", RolesClientID: "dash"})
	old := newHoldersFor("licensed_user")
	alice, bob := User{ID: "id-a", Username: "alice"}, User{ID: "id-b", Username: "bob"}
	old.Direct[alice.ID] = alice
	old.remember(alice)
	old.addVia(bob, "group:/Licensed Developers")
	if _, err := c.holders.Get("licensed_user", func() (*Holders, error) { return old, nil }); err != nil {
		t.Fatal(err)
	}

	c.noteDirect("licensed_user", bob, true)
	c.noteDirect("licensed_user", alice, false)
	cur, _ := c.RoleHolders(t.Context(), "licensed_user")

	if _, ok := old.DirectByUsername("bob"); ok {
		t.Error("the old snapshot changed: bob became a direct holder in it")
	}
	if _, ok := old.DirectByUsername("alice"); !ok {
		t.Error("the old snapshot lost alice")
	}
	if u, ok := cur.DirectByUsername("bob"); !ok || u.ID != "id-b" {
		t.Errorf("bob not a direct holder after the write: %+v %v", u, ok)
	}
	if _, ok := cur.DirectByUsername("alice"); ok {
		t.Error("alice still a direct holder after removal")
	}
	if u, ok := cur.UserByUsername("alice"); !ok || u.ID != "id-a" {
		t.Errorf("alice no longer known to the snapshot: %+v %v", u, ok)
	}
	if !cur.Effective("id-b") || cur.Effective("id-a") {
		t.Errorf("effective: bob %v (want true), alice %v (want false)", cur.Effective("id-b"), cur.Effective("id-a"))
	}
	if _, ok := cur.UserByUsername("nobody"); ok {
		t.Error("an unknown username was found")
	}
	if !cur.EffectiveByUsername("bob") || cur.EffectiveByUsername("alice") || cur.EffectiveByUsername("nobody") {
		t.Error("EffectiveByUsername disagrees with Effective")
	}
	if got := cur.EffectiveUsernames(); len(got) != 1 || !got["bob"] {
		t.Errorf("EffectiveUsernames = %v, want only bob", got)
	}
	if got := cur.Indirect(); len(got) != 1 || len(got["bob"]) != 1 || got["bob"][0] != "group:/Licensed Developers" {
		t.Errorf("Indirect = %v, want bob through /Licensed Developers", got)
	}
}

// A seat granted while the run-scoped snapshot is being built is visible to
// every later check in the run, even when the build read the role's holders
// before the grant (before, noteDirect did nothing while a build was in flight,
// so a transfer right after its seat grant could fail with "holds no license seat").
func TestSeatGrantedDuringSnapshotBuildIsSeen(t *testing.T) {
	c := New(Config{Realm: "dash", RolesClientID: "dash"})
	alice, bob := User{ID: "id-a", Username: "alice"}, User{ID: "id-b", Username: "bob"}
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.holders.Get("licensed_user", func() (*Holders, error) {
			h := newHoldersFor("licensed_user") // the listing, read before bob's grant
			h.Direct[alice.ID] = alice
			h.remember(alice)
			close(started)
			<-release
			return h, nil
		})
	}()
	<-started
	c.noteDirect("licensed_user", bob, true) // AddClientRole(bob) returns during the build
	close(release)
	<-done
	h, err := c.RoleHolders(t.Context(), "licensed_user")
	if err != nil {
		t.Fatal(err)
	}
	if !h.EffectiveByUsername("bob") || !h.EffectiveByUsername("alice") {
		t.Fatalf("bob's grant during the build was lost: direct %v", h.Direct)
	}
}
