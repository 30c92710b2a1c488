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
	c.holders["licensed_user"] = old

	c.noteDirect("licensed_user", bob, true)
	c.noteDirect("licensed_user", alice, false)
	cur := c.holders["licensed_user"]

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
