package keycloak

import (
	"context"
	"sort"
)

// Holders is a snapshot of who holds one client role of the roles client,
// and how: a direct mapping, a group (members of its sub-groups inherit), or a
// composite role that contains it.
type Holders struct {
	Role string
	// Direct holds users with a direct mapping, by user ID.
	Direct map[string]User
	// Via lists, per user ID, the other ways the user holds the role, sorted:
	// "group:/Parent/child" and "composite:<client>/<role>" ("composite:<role>" for realm roles).
	Via map[string][]string
	// Users holds every user seen while building the snapshot, by user ID.
	Users map[string]User
	// Groups lists the paths of groups that hold the role themselves.
	Groups []string
	// byName maps usernames to user IDs for the lookups every resource makes.
	byName map[string]string
}

func newHoldersFor(role string) *Holders {
	return &Holders{Role: role, Direct: map[string]User{}, Via: map[string][]string{}, Users: map[string]User{}, byName: map[string]string{}}
}

// remember records a user seen while building or updating the snapshot.
func (h *Holders) remember(u User) {
	h.Users[u.ID] = u
	h.byName[u.Username] = u.ID
}

// Effective reports whether the user holds the role in any way.
func (h *Holders) Effective(userID string) bool {
	_, direct := h.Direct[userID]
	return direct || len(h.Via[userID]) > 0
}

// EffectiveCount is the number of distinct users who hold the role in any way.
func (h *Holders) EffectiveCount() int {
	n := 0
	for id := range h.Users {
		if h.Effective(id) {
			n++
		}
	}
	return n
}

// EffectiveByUsername reports whether the user holds the role in any way.
func (h *Holders) EffectiveByUsername(username string) bool {
	u, ok := h.UserByUsername(username)
	return ok && h.Effective(u.ID)
}

// EffectiveUsernames is the set of usernames that hold the role in any way.
func (h *Holders) EffectiveUsernames() map[string]bool {
	out := map[string]bool{}
	for id, u := range h.Users {
		if h.Effective(id) {
			out[u.Username] = true
		}
	}
	return out
}

// Indirect maps the username of everyone holding the role through a group or
// composite role to those grants (whether or not they also hold it directly).
func (h *Holders) Indirect() map[string][]string {
	out := map[string][]string{}
	for id, via := range h.Via {
		if len(via) > 0 {
			out[h.Users[id].Username] = via
		}
	}
	return out
}

// DirectByUsername finds a direct holder by username.
func (h *Holders) DirectByUsername(username string) (User, bool) {
	u, ok := h.Direct[h.byName[username]]
	return u, ok
}

// UserByUsername finds any user seen in the snapshot.
func (h *Holders) UserByUsername(username string) (User, bool) {
	u, ok := h.Users[h.byName[username]]
	return u, ok
}

func (h *Holders) clone() *Holders {
	c := newHoldersFor(h.Role)
	c.Groups = append([]string(nil), h.Groups...)
	for k, v := range h.Direct {
		c.Direct[k] = v
	}
	for k, v := range h.Via {
		c.Via[k] = append([]string(nil), v...)
	}
	for _, u := range h.Users {
		c.remember(u)
	}
	return c
}

func (h *Holders) addVia(u User, grant string) {
	h.remember(u)
	for _, g := range h.Via[u.ID] {
		if g == grant {
			return
		}
	}
	h.Via[u.ID] = append(h.Via[u.ID], grant)
	sort.Strings(h.Via[u.ID])
}

// RoleHolders returns the run-scoped snapshot of the holders of roleName,
// built once per Client (concurrent callers share one build). Writes made
// through this Client update the snapshot, also while it is being built, so
// it stays exact for them.
func (c *Client) RoleHolders(ctx context.Context, roleName string) (*Holders, error) {
	return c.holders.Get(roleName, func() (*Holders, error) { return c.buildHolders(ctx, roleName) })
}

// Holding is how one user holds a role: a direct mapping, and the other ways
// ("group:/Parent/child", "composite:<client>/<role>").
type Holding struct {
	Direct bool
	Via    []string
}

// SeatsRead is what a plan reads of a role in one call: its holders, the
// direct groups of some users, and the users the realm does not have.
type SeatsRead struct {
	Holders *Holders
	// Seats maps the username of every holder to how they hold the role.
	Seats map[string]Holding
	// Groups maps a username to the sorted paths of its direct groups.
	Groups map[string][]string
	// Absent holds the usernames the realm does not have.
	Absent map[string]bool
}

// ReadSeats reads the run's holders of roleName, the direct groups of each
// user of groupsOf (a user the realm lacks is left out), and which users of
// lookUp that hold no direct mapping the realm lacks (a lookup that fails for
// another reason counts as existing: the apply looks again and says why).
func (c *Client) ReadSeats(ctx context.Context, roleName string, groupsOf, lookUp []string) (SeatsRead, error) {
	read := SeatsRead{Groups: map[string][]string{}, Absent: map[string]bool{}}
	h, err := c.RoleHolders(ctx, roleName)
	if err != nil {
		return read, err
	}
	read.Holders, read.Seats = h, map[string]Holding{}
	for id, u := range h.Users {
		if h.Effective(id) {
			_, direct := h.Direct[id]
			read.Seats[u.Username] = Holding{Direct: direct, Via: h.Via[id]}
		}
	}
	for _, username := range lookUp {
		if _, ok := h.DirectByUsername(username); ok {
			continue
		}
		if _, err := c.UserByUsername(ctx, username); IsNotFound(err) {
			read.Absent[username] = true
		}
	}
	for _, username := range groupsOf {
		u, err := c.UserByUsername(ctx, username)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return read, err
		}
		if read.Groups[username], err = c.UserGroupPaths(ctx, u.ID); err != nil {
			return read, err
		}
	}
	return read, nil
}

// noteDirect records a write in the run-scoped snapshot (copy-on-write, so
// readers holding the old snapshot are not disturbed).
func (c *Client) noteDirect(roleName string, u User, direct bool) {
	c.holders.Update(roleName, func(h *Holders) *Holders {
		h = h.clone()
		h.remember(u)
		if direct {
			h.Direct[u.ID] = u
		} else {
			delete(h.Direct, u.ID)
		}
		return h
	})
}

// buildHolders reads who holds roleName: the realm's export (read once per
// run), then the rounds holdersRead decides.
func (c *Client) buildHolders(ctx context.Context, roleName string) (*Holders, error) {
	ex, err := c.export(ctx)
	if err != nil {
		return nil, err
	}
	read := &holdersRead{c: c}
	err = read.start(roleKey(c.cfg.RolesClientID, roleName), ex)
	for err == nil && !read.done {
		err = read.take(c.send(ctx, read.next))
	}
	if err != nil {
		return nil, err
	}
	return Inherit(read.realm), nil
}
