package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Nerzal/gocloak/v13"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
)

// benchPassword is every bench user's password; the realm hashes it with one
// iteration while the bench seeds (hashIterations(1)), so 20,000 real logins
// take minutes, not hours.
const benchPassword = "bench-pw"

type adminAPI struct {
	gc    *gocloak.GoCloak
	token string
}

func newAdminAPI() *adminAPI {
	gc := gocloak.NewClient(acctest.KeycloakBase)
	jwt, err := gc.LoginAdmin(context.Background(), acctest.AdminUsername, acctest.AdminPassword, "master")
	check(err)
	return &adminAPI{gc: gc, token: jwt.AccessToken}
}

func (a *adminAPI) url(path string) string {
	return acctest.KeycloakBase + "/admin/realms/" + acctest.Realm + path
}

// cheapHashing sets the realm's password policy to one hash iteration and
// returns a function restoring the previous policy.
func cheapHashing() func() {
	a := newAdminAPI()
	var realm map[string]any
	resp, err := a.gc.GetRequestWithBearerAuth(context.Background(), a.token).SetResult(&realm).Get(a.url(""))
	check(err)
	if resp.IsError() {
		check(fmt.Errorf("reading realm: %s", resp.Status()))
	}
	old, _ := realm["passwordPolicy"].(string)
	set := func(policy string) {
		a := newAdminAPI()
		resp, err := a.gc.GetRequestWithBearerAuth(context.Background(), a.token).SetBody(map[string]any{"passwordPolicy": policy}).Put(a.url(""))
		check(err)
		if resp.IsError() {
			check(fmt.Errorf("setting the password policy: %s %s", resp.Status(), resp.String()))
		}
	}
	set("hashIterations(1)")
	return func() { set(old) }
}

// seedActivity makes real password-grant logins (client dash): logins in all,
// round-robin over users, then ends every session of the realm and logs the
// first sessions users in once more, so that many sessions stay live. Every
// login stores a LOGIN event. It returns the time the logins took.
func seedActivity(users []string, logins, sessions int) time.Duration {
	start := time.Now()
	tokenURL := acctest.KeycloakBase + "/realms/" + acctest.Realm + "/protocol/openid-connect/token"
	hc := &http.Client{Timeout: 30 * time.Second}
	login := func(username string) error {
		form := url.Values{"grant_type": {"password"}, "client_id": {"dash"}, "username": {username}, "password": {benchPassword}}
		resp, err := hc.PostForm(tokenURL, form)
		for attempt := 1; err != nil && attempt < 3; attempt++ {
			// A connection the server closed as it was reused (seen on the TLS
			// listener of production mode): the login did not happen; try again.
			time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
			resp, err = hc.PostForm(tokenURL, form)
		}
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("login of %s: %s", username, resp.Status)
		}
		return nil
	}
	run := func(n int, user func(i int) string) {
		parallel("activity: logins", n, 4, func(i int) error {
			if i > 0 && i%5000 == 0 {
				log.Printf("activity: %d/%d logins", i, n)
			}
			return login(user(i))
		})
	}
	run(logins-sessions, func(i int) string { return users[i%len(users)] })
	a := newAdminAPI()
	resp, err := a.gc.GetRequestWithBearerAuth(context.Background(), a.token).Post(a.url("/logout-all"))
	check(err)
	if resp.IsError() {
		check(fmt.Errorf("logout-all: %s", resp.Status()))
	}
	run(sessions, func(i int) string { return users[i%len(users)] })
	return time.Since(start)
}

// usersConfig reads every user of the realm through the users data source.
const usersConfig = "data \"dashenterprise_users\" \"all\" {}\n\noutput \"users\" {\n  value = length(data.dashenterprise_users.all.users)\n}\n"

// seedUsers creates users bench users (prefix-<n>) with the bench password and
// makes logins real logins of them, sessions of which stay live, with the
// realm's password hashing cheap meanwhile. It returns the time the logins
// took and a function deleting the users.
func seedUsers(what, prefix string, users, logins, sessions int) (seeding time.Duration, cleanup func()) {
	prefix = fmt.Sprintf("%s-%d", prefix, time.Now().Unix()%100000)
	log.Printf("%s: creating %d users", what, users)
	restore := cheapHashing()
	names, err := acctest.BulkImportWithPassword(prefix, users, nil, benchPassword)
	check(err)
	if logins > 0 {
		log.Printf("%s: %d logins, %d sessions left live", what, logins, sessions)
		seeding = seedActivity(names, logins, sessions)
	}
	restore()
	return seeding, func() { log.Printf("%s: deleting users", what); acctest.DeleteUsersByPrefix(prefix) }
}

// storedLoginEvents counts the realm's stored LOGIN events (what the data source sweeps).
func storedLoginEvents() int {
	events, err := acctest.AllLoginEvents()
	check(err)
	return len(events)
}

func activityNote(r dsResult) string {
	if r.Logins == 0 {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf(`
The realm held %d stored LOGIN events and %d live sessions of the client `+"`dash`"+`, made by %d real password-grant
logins of the bench users (password policy hashIterations(1) while seeding: %s). The data source read them with no
request per user: one events-settings read, one sweep of the LOGIN events (10,000 a page) and one sessions listing.
The physical limit counts the pages its listings need: users (500 a page), LOGIN events (10,000 a page), one member
listing per group for the groups attribute (%d groups), the direct holders of licensed_user and admin (100 a page),
and six single requests (admin token, users count, partial export, events settings, sessions, the holders of the
composite dash/developer).`,
		r.Events, r.Sessions, r.Logins, secs(r.Seeding), r.Groups))
}

// countGroups counts the realm's groups with plain admin calls (sub-groups
// from /children, as Keycloak 23+ serves them).
func countGroups() int {
	a := newAdminAPI()
	var walk func(path string) int
	walk = func(path string) int {
		var groups []struct {
			ID            string `json:"id"`
			SubGroupCount int    `json:"subGroupCount"`
		}
		resp, err := a.gc.GetRequestWithBearerAuth(context.Background(), a.token).SetResult(&groups).
			SetQueryParams(map[string]string{"briefRepresentation": "true", "max": "10000"}).Get(a.url(path))
		check(err)
		if resp.IsError() {
			check(fmt.Errorf("groups: %s", resp.Status()))
		}
		n := len(groups)
		for _, g := range groups {
			if g.SubGroupCount > 0 {
				n += walk("/groups/" + g.ID + "/children")
			}
		}
		return n
	}
	return walk("/groups")
}
