package keycloak

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/Nerzal/gocloak/v13"
)

// Who holds a role, and how: the Realm it depends on, how that is read (from
// the realm's export, or in rounds that holdersRead decides), and Inherit,
// which computes the holders from it without a server. Role keys are
// "<clientId>/<role>" for client roles and "realm:<role>" for realm roles.

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

// realm is the export's part of a Realm for target: the group forest with each
// group's roles, and every composite role's contents.
func (ex *realmExport) realm(target string) *Realm {
	r := &Realm{Target: target, Composites: map[string][]string{}, Clients: map[string]string{}}
	for _, cl := range ex.Clients {
		r.Clients[cl.ClientID] = cl.ID
	}
	add := func(parent string, role exportRole) {
		if role.Composites == nil {
			return
		}
		for _, n := range role.Composites.Realm {
			r.Composites[parent] = append(r.Composites[parent], roleKey("", n))
		}
		for cl, names := range role.Composites.Client {
			for _, n := range names {
				r.Composites[parent] = append(r.Composites[parent], roleKey(cl, n))
			}
		}
	}
	for _, role := range ex.Roles.Realm {
		add(roleKey("", role.Name), role)
	}
	for cl, roles := range ex.Roles.Client {
		for _, role := range roles {
			add(roleKey(cl, role.Name), role)
		}
	}
	for _, g := range ex.Groups {
		r.Groups = append(r.Groups, g.realmGroup(""))
	}
	return r
}

func (g exportGroup) realmGroup(parentPath string) RealmGroup {
	out := RealmGroup{ID: g.ID, Path: g.Path}
	if out.Path == "" {
		out.Path = parentPath + "/" + g.Name
	}
	for _, n := range g.RealmRoles {
		out.Roles = append(out.Roles, roleKey("", n))
	}
	for cl, names := range g.ClientRoles {
		for _, n := range names {
			out.Roles = append(out.Roles, roleKey(cl, n))
		}
	}
	sort.Strings(out.Roles)
	for _, sg := range g.SubGroups {
		out.Children = append(out.Children, sg.realmGroup(out.Path))
	}
	return out
}

// holdersRead decides, round by round, what Keycloak must be asked to learn
// who holds one role, and reads the answers into the Realm that Inherit
// reads. With the realm's partial export one round does: the users of every
// role that grants the target and the members of every group that inherits
// it. An account without manage-realm (no export) first reads the realm's
// structure: realm roles and clients; each client's roles; the contents of
// every composite role (Keycloak has no reverse lookup for "composites
// containing this role"); the group tree; the groups of every role that
// grants the target. It sends nothing itself: Client.buildHolders sends each
// round (Client.send) and hands the answers to take, until done.
type holdersRead struct {
	c     *Client
	realm *Realm
	// next is the round to send (it may be empty: a realm without composite
	// roles has none to ask about); done says the read is complete.
	next []ask
	done bool
	// step is what the answers to next mean.
	step readStep
	// The structure read, without an export: role IDs to keys, the composite
	// roles whose contents are asked, the clients whose roles are, the group tree.
	keyOf      map[string]string
	composites []string
	clientIDs  []string
	tree       *treeRead
	// keys are the roles that grant the target and urls their admin URLs,
	// known once the composites are; inheriting are the groups whose members
	// the last round asks for. Each round's answers come in this order.
	keys, urls, inheriting []string
}

type readStep int

const (
	rolesAndClients readStep = iota
	clientRoles
	compositeContents
	groupTree
	roleGroups
	holderListings
)

// start decides the first round of the read of the holders of the role with
// key target; ex is the realm's export, nil when the account may not read it.
func (r *holdersRead) start(target string, ex *realmExport) error {
	if ex != nil {
		r.realm = ex.realm(target)
		if err := r.knowRelevant(); err != nil {
			return err
		}
		r.askHolders()
		return nil
	}
	r.realm = &Realm{Target: target, Composites: map[string][]string{}, Clients: map[string]string{}}
	r.keyOf, r.tree = map[string]string{}, &treeRead{c: r.c}
	r.then(rolesAndClients, r.c.list(r.c.realmURL("roles"), brief), r.c.list(r.c.realmURL("clients"), nil))
	return nil
}

func (r *holdersRead) then(step readStep, asks ...ask) {
	r.step, r.next = step, asks
}

// take reads the answers to the round next asked, and decides the next one.
func (r *holdersRead) take(answers []answer) error {
	r.next = nil
	switch r.step {
	case rolesAndClients:
		return r.takeRolesAndClients(answers)
	case clientRoles:
		return r.takeClientRoles(answers)
	case compositeContents:
		return r.takeComposites(answers)
	case groupTree:
		if err := r.tree.take(answers); err != nil {
			return err
		}
		return r.askTree()
	case roleGroups:
		return r.takeRoleGroups(answers)
	default:
		return r.takeHolders(answers)
	}
}

// noteRoles records the keys of roles of a client ("" for realm roles), and
// which of them are composite.
func (r *holdersRead) noteRoles(clientID string, roles []gocloak.Role) {
	for _, role := range roles {
		k := roleKey(clientID, deref(role.Name))
		r.keyOf[deref(role.ID)] = k
		if role.Composite != nil && *role.Composite {
			r.composites = append(r.composites, deref(role.ID))
		}
	}
}

func (r *holdersRead) takeRolesAndClients(answers []answer) error {
	roles, err := listing[gocloak.Role](answers[0])
	if err != nil {
		return fmt.Errorf("listing realm roles: %w", r.c.describe(err))
	}
	r.noteRoles("", roles)
	clients, err := listing[gocloak.Client](answers[1])
	if err != nil {
		return fmt.Errorf("listing clients: %w", r.c.describe(err))
	}
	asks := make([]ask, 0, len(clients))
	for _, cl := range clients {
		r.realm.Clients[deref(cl.ClientID)] = deref(cl.ID)
		r.clientIDs = append(r.clientIDs, deref(cl.ClientID))
		asks = append(asks, r.c.list(r.c.realmURL("clients", deref(cl.ID), "roles"), brief))
	}
	r.then(clientRoles, asks...)
	return nil
}

func (r *holdersRead) takeClientRoles(answers []answer) error {
	for i, clientID := range r.clientIDs {
		roles, err := listing[gocloak.Role](answers[i])
		if err != nil {
			return fmt.Errorf("listing roles of client %q: %w", clientID, r.c.describe(err))
		}
		r.noteRoles(clientID, roles)
	}
	asks := make([]ask, 0, len(r.composites))
	for _, id := range r.composites {
		asks = append(asks, ask{url: r.c.realmURL("roles-by-id", id, "composites")})
	}
	r.then(compositeContents, asks...)
	return nil
}

func (r *holdersRead) takeComposites(answers []answer) error {
	for i, id := range r.composites {
		var contents []gocloak.Role
		if err := answers[i].decode(&contents); err != nil {
			return fmt.Errorf("reading composites of %s: %w", r.keyOf[id], r.c.describe(err))
		}
		for _, cr := range contents {
			if k, ok := r.keyOf[deref(cr.ID)]; ok {
				r.realm.Composites[r.keyOf[id]] = append(r.realm.Composites[r.keyOf[id]], k)
			}
		}
	}
	return r.askTree()
}

// askTree asks the tree's next round, or, once the tree is complete, the
// groups of every role that grants the target.
func (r *holdersRead) askTree() error {
	if asks := r.tree.asks(); len(asks) > 0 {
		r.then(groupTree, asks...)
		return nil
	}
	if err := r.knowRelevant(); err != nil {
		return err
	}
	asks := make([]ask, 0, len(r.urls))
	for _, url := range r.urls {
		// One request: Keycloak orders this listing by group name, which is not
		// unique (/Sales/Admins, /Eng/Admins), so offset pages over it can skip or
		// repeat a group (the page overlap check caught it, differential test seed
		// 1795469930247011448). Every other listing is ordered by a unique key.
		asks = append(asks, ask{url: url + "/groups", query: brief, page: unpagedSize})
	}
	r.then(roleGroups, asks...)
	return nil
}

// takeRoleGroups maps the relevant roles onto the group tree; a group created
// since the tree was read joins it at the top.
func (r *holdersRead) takeRoleGroups(answers []answer) error {
	known := map[string]bool{}
	for _, g := range Flatten(r.tree.forest) {
		known[g.ID] = true
	}
	roles := map[string][]string{} // group ID -> keys of the relevant roles mapped to it
	var strays []RealmGroup
	for i, k := range r.keys {
		groups, err := listing[Group](answers[i])
		if err != nil {
			return r.listingFailed(k, "groups holding", err)
		}
		for _, g := range groups {
			roles[g.ID] = append(roles[g.ID], k)
			if !known[g.ID] {
				known[g.ID] = true
				strays = append(strays, RealmGroup{ID: g.ID, Path: g.Path})
			}
		}
	}
	r.realm.Groups = realmGroups(r.tree.forest, roles)
	for _, g := range strays {
		g.Roles = roles[g.ID]
		r.realm.Groups = append(r.realm.Groups, g)
	}
	r.askHolders()
	return nil
}

func realmGroups(gs []*Group, roles map[string][]string) []RealmGroup {
	out := make([]RealmGroup, 0, len(gs))
	for _, g := range gs {
		out = append(out, RealmGroup{ID: g.ID, Path: g.Path, Roles: roles[g.ID], Children: realmGroups(g.Children, roles)})
	}
	return out
}

// knowRelevant notes the roles that grant the target and their URLs (a role
// of a client the realm lacks is an error).
func (r *holdersRead) knowRelevant() error {
	r.keys = r.realm.relevantKeys()
	r.urls = make([]string, len(r.keys))
	for i, k := range r.keys {
		url, err := r.c.keyURL(r.realm, k)
		if err != nil {
			return err
		}
		r.urls[i] = url
	}
	return nil
}

// askHolders asks, in one round, for the users of every role that grants the
// target and the members of every group that inherits it.
func (r *holdersRead) askHolders() {
	r.inheriting = r.realm.Inheriting()
	asks := make([]ask, 0, len(r.urls)+len(r.inheriting))
	for _, url := range r.urls {
		asks = append(asks, r.c.list(url+"/users", brief))
	}
	for _, id := range r.inheriting {
		asks = append(asks, r.c.membersAsk(id))
	}
	r.then(holderListings, asks...)
}

func (r *holdersRead) takeHolders(answers []answer) error {
	r.done = true
	r.realm.RoleUsers, r.realm.Members = map[string][]User{}, map[string][]User{}
	for i, k := range r.keys {
		users, err := listing[User](answers[i])
		if err != nil {
			return r.listingFailed(k, "holders of", err)
		}
		r.realm.RoleUsers[k] = users
	}
	for i, id := range r.inheriting {
		members, err := r.c.members(answers[len(r.keys)+i], id)
		if err != nil {
			return err
		}
		r.realm.Members[id] = members
	}
	return nil
}

// listingFailed words a failed listing of a role's holders or groups: a
// target role that is not there is named as such.
func (r *holdersRead) listingFailed(k, what string, err error) error {
	if k == r.realm.Target && IsNotFound(err) {
		return r.c.noRole(k)
	}
	return fmt.Errorf("listing %s %s: %w", what, strings.TrimPrefix(k, "realm:"), r.c.describe(err))
}

// noRole is the error for a target role the roles client does not have.
func (c *Client) noRole(k string) error {
	return fmt.Errorf("client %q in realm %q has no role %q: %w", c.cfg.RolesClientID, c.cfg.Realm, strings.TrimPrefix(k, c.cfg.RolesClientID+"/"), errNotFound)
}

// keyURL is the admin URL of the role with key k of realm r (the realm read
// knows its clients' UUIDs, so no lookup is needed).
func (c *Client) keyURL(r *Realm, k string) (string, error) {
	if name, ok := strings.CutPrefix(k, "realm:"); ok {
		return c.realmURL("roles", url.PathEscape(name)), nil
	}
	cl, name, _ := strings.Cut(k, "/")
	uuid, ok := r.Clients[cl]
	if !ok {
		return "", c.noClient(cl)
	}
	return c.realmURL("clients", uuid, "roles", url.PathEscape(name)), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
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
