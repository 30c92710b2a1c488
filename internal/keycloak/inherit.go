package keycloak

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Seat inheritance, computed without a server. The client fetches a Realm in
// its few paged requests (export.go, scan.go); Inherit says who holds the
// target role and how. Role keys are "<clientId>/<role>" for client roles and
// "realm:<role>" for realm roles.

// Realm is what holding one role depends on.
type Realm struct {
	// Target is the key of the role whose holders are computed.
	Target string
	// Composites maps each composite role's key to the keys it contains directly.
	Composites map[string][]string
	// Groups is the group forest, each group with the keys of the roles mapped to it
	// (at least those that matter for Target).
	Groups []RealmGroup
	// RoleUsers lists the users with a direct mapping of a role, by key, for
	// every key in Relevant().
	RoleUsers map[string][]User
	// Members lists the direct members of a group, by group ID, for every group
	// in Inheriting().
	Members map[string][]User
	// Clients maps the clientId of every client of the realm to its UUID.
	Clients map[string]string
}

// RealmGroup is one group of the forest.
type RealmGroup struct {
	ID       string
	Path     string
	Roles    []string
	Children []RealmGroup
}

// Relevant is the set of roles that grant Target: Target itself and every
// composite that contains it, directly or through other composites.
func (r *Realm) Relevant() map[string]bool {
	out := reaching(r.Composites, r.Target)
	out[r.Target] = true
	return out
}

// relevantKeys is Relevant as a sorted list, the order listings are read in.
func (r *Realm) relevantKeys() []string {
	return slices.Sorted(maps.Keys(r.Relevant()))
}

// Inheriting returns the IDs of the groups whose members hold Target: the
// groups mapped to a relevant role and all their descendants, sorted.
func (r *Realm) Inheriting() []string {
	relevant := r.Relevant()
	var ids []string
	var walk func(gs []RealmGroup, inherited bool)
	walk = func(gs []RealmGroup, inherited bool) {
		for _, g := range gs {
			in := inherited || g.grants(relevant)
			if in {
				ids = append(ids, g.ID)
			}
			walk(g.Children, in)
		}
	}
	walk(r.Groups, false)
	sort.Strings(ids)
	return ids
}

func (g RealmGroup) grants(relevant map[string]bool) bool {
	for _, k := range g.Roles {
		if relevant[k] {
			return true
		}
	}
	return false
}

// Inherit computes who holds Target and how: a direct mapping; "group:<path>"
// for the members of a group mapped to Target and of its sub-groups;
// "composite:<key>" for holders of a composite containing Target, directly or
// through a group (the key without the "realm:" prefix).
func Inherit(r *Realm) *Holders {
	relevant := r.Relevant()
	h := newHoldersFor(strings.TrimPrefix(r.Target, r.targetClient()+"/"))
	for _, u := range r.RoleUsers[r.Target] {
		h.Direct[u.ID] = u
		h.remember(u)
	}
	for k := range relevant {
		if k == r.Target {
			continue
		}
		for _, u := range r.RoleUsers[k] {
			h.addVia(u, keyLabel(k))
		}
	}
	var walk func(gs []RealmGroup, inherited []string)
	walk = func(gs []RealmGroup, inherited []string) {
		for _, g := range gs {
			grants := append([]string(nil), inherited...)
			for _, k := range g.Roles {
				switch {
				case k == r.Target:
					grants = append(grants, "group:"+g.Path)
					h.Groups = append(h.Groups, g.Path)
				case relevant[k]:
					grants = append(grants, keyLabel(k))
				}
			}
			for _, u := range r.Members[g.ID] {
				for _, grant := range grants {
					h.addVia(u, grant)
				}
			}
			walk(g.Children, grants)
		}
	}
	walk(r.Groups, nil)
	sort.Strings(h.Groups)
	return h
}

func (r *Realm) targetClient() string {
	cl, _, _ := strings.Cut(r.Target, "/")
	return cl
}

// roleKey names a role: "<clientId>/<role>" or "realm:<role>".
func roleKey(clientID, name string) string {
	if clientID == "" {
		return "realm:" + name
	}
	return clientID + "/" + name
}

func keyLabel(key string) string {
	return "composite:" + strings.TrimPrefix(key, "realm:")
}

// reaching returns the composites (keys of children) that contain target,
// directly or through other composites; cycles are tolerated.
func reaching(children map[string][]string, target string) map[string]bool {
	var reaches func(k string, seen map[string]bool) bool
	reaches = func(k string, seen map[string]bool) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		for _, ch := range children[k] {
			if ch == target || reaches(ch, seen) {
				return true
			}
		}
		return false
	}
	out := map[string]bool{}
	for k := range children {
		if reaches(k, map[string]bool{}) {
			out[k] = true
		}
	}
	return out
}
