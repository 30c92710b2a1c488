package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RESTDirectory is the emulator's own, deliberately simple view of Keycloak,
// written against the admin REST API with net/http and nothing from the
// provider: who holds a role is computed by walking the role's holders, the
// groups that hold it (with every sub-group's members, who inherit it) and
// every composite role that contains it, transitively. The provider computes
// the same thing its own way; the tests compare the two, so a bug in one
// cannot hide in the other.
type RESTDirectory struct {
	// BaseURL is the Keycloak root (with any /auth base path).
	BaseURL string
	// Realm and RolesClientID locate the roles (default dash, dash).
	Realm, RolesClientID string
	// AdminRealm, AdminClientID, Username and Password are the admin login
	// (password grant; default master and admin-cli).
	AdminRealm, AdminClientID, Username, Password string
	// SeatRole and AdminRole are client roles of RolesClientID.
	SeatRole, AdminRole string
	// HTTP is the client (default http.DefaultClient).
	HTTP *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
	graph   *roleGraph
}

// roleGraph is the realm's roles and which composite contains which, read at
// most every 10 s: it changes rarely, role holders change all the time.
type roleGraph struct {
	read    time.Time
	paths   map[string]string   // role id -> admin path of the role (/roles/x or /clients/{id}/roles/x)
	parents map[string][]string // role id -> ids of the composite roles that contain it
	ids     map[string]string   // admin path -> role id
}

func (d *RESTDirectory) client() *http.Client {
	if d.HTTP != nil {
		return d.HTTP
	}
	return http.DefaultClient
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (d *RESTDirectory) adminToken(ctx context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.token != "" && time.Now().Before(d.expires) {
		return d.token, nil
	}
	form := url.Values{"grant_type": {"password"}, "client_id": {or(d.AdminClientID, "admin-cli")}, "username": {d.Username}, "password": {d.Password}}
	tokenURL := strings.TrimRight(d.BaseURL, "/") + "/realms/" + or(d.AdminRealm, "master") + "/protocol/openid-connect/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := d.client().Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&tok) != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("emulator: admin login to keycloak failed (%s)", resp.Status)
	}
	d.token, d.expires = tok.AccessToken, time.Now().Add(time.Duration(tok.ExpiresIn)*time.Second/2)
	return d.token, nil
}

// get decodes one admin API answer (path below /admin/realms/{realm}).
func (d *RESTDirectory) get(ctx context.Context, path string, q url.Values, out any) error {
	token, err := d.adminToken(ctx)
	if err != nil {
		return err
	}
	u := strings.TrimRight(d.BaseURL, "/") + "/admin/realms/" + or(d.Realm, "dash") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := d.client().Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return json.Unmarshal(body, out)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return fmt.Errorf("emulator: GET %s: %s: %w", path, resp.Status, errNotFound)
	default:
		return fmt.Errorf("emulator: GET %s: %s", path, resp.Status)
	}
}

type named struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Username  string `json:"username"`
	ClientID  string `json:"clientId"`
	Path      string `json:"path"`
	Composite bool   `json:"composite"`
}

// all lists a paged endpoint to its end, 100 at a time.
func (d *RESTDirectory) all(ctx context.Context, path string, q url.Values) ([]named, error) {
	var out []named
	for first := 0; ; first += 100 {
		page := url.Values{"first": {strconv.Itoa(first)}, "max": {"100"}}
		for k, v := range q {
			page[k] = v
		}
		var items []named
		if err := d.get(ctx, path, page, &items); err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(items) < 100 {
			return out, nil
		}
	}
}

func (d *RESTDirectory) roles(ctx context.Context) (*roleGraph, error) {
	d.mu.Lock()
	g := d.graph
	d.mu.Unlock()
	if g != nil && time.Since(g.read) < 10*time.Second {
		return g, nil
	}
	g = &roleGraph{read: time.Now(), paths: map[string]string{}, parents: map[string][]string{}, ids: map[string]string{}}
	var composites []string
	add := func(path string, roles []named) {
		for _, r := range roles {
			p := path + "/" + url.PathEscape(r.Name)
			g.paths[r.ID], g.ids[p] = p, r.ID
			if r.Composite {
				composites = append(composites, r.ID)
			}
		}
	}
	realmRoles, err := d.all(ctx, "/roles", url.Values{"briefRepresentation": {"false"}})
	if err != nil {
		return nil, err
	}
	add("/roles", realmRoles)
	clients, err := d.all(ctx, "/clients", nil)
	if err != nil {
		return nil, err
	}
	for _, c := range clients {
		roles, err := d.all(ctx, "/clients/"+c.ID+"/roles", url.Values{"briefRepresentation": {"false"}})
		if err != nil {
			return nil, err
		}
		add("/clients/"+c.ID+"/roles", roles)
	}
	for _, id := range composites {
		var children []named
		if err := d.get(ctx, "/roles-by-id/"+id+"/composites", nil, &children); err != nil {
			return nil, err
		}
		for _, ch := range children {
			g.parents[ch.ID] = append(g.parents[ch.ID], id)
		}
	}
	d.mu.Lock()
	d.graph = g
	d.mu.Unlock()
	return g, nil
}

// holders returns the usernames that hold the client role, in any way.
func (d *RESTDirectory) holders(ctx context.Context, role string) (map[string]bool, error) {
	var clients []named
	if err := d.get(ctx, "/clients", url.Values{"clientId": {or(d.RolesClientID, "dash")}}, &clients); err != nil || len(clients) != 1 {
		return nil, fmt.Errorf("emulator: client %q: %v", or(d.RolesClientID, "dash"), err)
	}
	g, err := d.roles(ctx)
	if err != nil {
		return nil, err
	}
	start, ok := g.ids["/clients/"+clients[0].ID+"/roles/"+url.PathEscape(role)]
	if !ok {
		return nil, fmt.Errorf("emulator: no role %q", role)
	}
	// The role and every composite that contains it, transitively.
	seen, queue := map[string]bool{start: true}, []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, p := range g.parents[id] {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	users := map[string]bool{}
	for id := range seen {
		direct, err := d.all(ctx, g.paths[id]+"/users", url.Values{"briefRepresentation": {"true"}})
		if err != nil {
			return nil, err
		}
		for _, u := range direct {
			users[u.Username] = true
		}
		groups, err := d.all(ctx, g.paths[id]+"/groups", url.Values{"briefRepresentation": {"true"}})
		if err != nil {
			return nil, err
		}
		for _, grp := range groups {
			if err := d.members(ctx, grp.ID, users); err != nil {
				return nil, err
			}
		}
	}
	return users, nil
}

// members adds the members of a group and of all its sub-groups, who inherit its roles.
func (d *RESTDirectory) members(ctx context.Context, groupID string, into map[string]bool) error {
	ms, err := d.all(ctx, "/groups/"+groupID+"/members", url.Values{"briefRepresentation": {"true"}})
	if err != nil {
		return err
	}
	for _, m := range ms {
		into[m.Username] = true
	}
	children, err := d.children(ctx, groupID)
	if err != nil {
		return err
	}
	for _, ch := range children {
		if err := d.members(ctx, ch.ID, into); err != nil {
			return err
		}
	}
	return nil
}

var errNotFound = errors.New("not found")

// children lists a group's sub-groups: /children from Keycloak 23, the group's
// inline subGroups before (where GET /children does not exist: 404 or 405).
func (d *RESTDirectory) children(ctx context.Context, groupID string) ([]named, error) {
	children, err := d.all(ctx, "/groups/"+groupID+"/children", url.Values{"briefRepresentation": {"true"}})
	if !errors.Is(err, errNotFound) {
		return children, err
	}
	var g struct {
		SubGroups []named `json:"subGroups"`
	}
	if err := d.get(ctx, "/groups/"+groupID, nil, &g); err != nil {
		return nil, err
	}
	return g.SubGroups, nil
}

type restSeats struct{ seats, admins map[string]bool }

func (s restSeats) Licensed(u string) bool { return s.seats[u] }
func (s restSeats) Admin(u string) bool    { return s.admins[u] }
func (s restSeats) Assigned() int          { return len(s.seats) }

// Seats reads who holds the seat and admin roles now.
func (d *RESTDirectory) Seats(ctx context.Context) (Seats, error) {
	seats, err := d.holders(ctx, d.SeatRole)
	if err != nil {
		return nil, err
	}
	admins, err := d.holders(ctx, d.AdminRole)
	if err != nil {
		return nil, err
	}
	return restSeats{seats: seats, admins: admins}, nil
}

func (d *RESTDirectory) user(ctx context.Context, username string) (*named, error) {
	var users []named
	if err := d.get(ctx, "/users", url.Values{"username": {username}, "exact": {"true"}, "briefRepresentation": {"true"}}, &users); err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].Username == username {
			return &users[i], nil
		}
	}
	return nil, nil
}

// UserExists looks the user up by exact username.
func (d *RESTDirectory) UserExists(ctx context.Context, username string) (bool, error) {
	u, err := d.user(ctx, username)
	return u != nil, err
}

// UserGroups lists the user's direct groups as Parent/child paths.
func (d *RESTDirectory) UserGroups(ctx context.Context, username string) ([]string, error) {
	u, err := d.user(ctx, username)
	if err != nil || u == nil {
		return nil, err
	}
	groups, err := d.all(ctx, "/users/"+u.ID+"/groups", url.Values{"briefRepresentation": {"true"}})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = strings.TrimPrefix(g.Path, "/")
	}
	return out, nil
}
