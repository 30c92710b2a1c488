package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/Nerzal/gocloak/v13"
)

// A scripted Keycloak for the readers: what each URL answers, and the rounds
// the reader asked, URL by URL. Nothing is sent.
type script struct {
	t       *testing.T
	answers map[string]string // path after /admin/realms/dash/ -> JSON
	codes   map[string]int    // path -> HTTP status of a failed read
	rounds  [][]string
}

const scriptRealm = "http://kc.test/admin/realms/dash/"

func newScript(t *testing.T) *script {
	return &script{t: t, answers: map[string]string{}, codes: map[string]int{}}
}

func scriptClient() *Client {
	return New(Config{BaseURL: "http://kc.test", Realm: "dash", RolesClientID: "dash"})
}

// answer answers a round the way send would, from the script.
func (s *script) answer(asks []ask) []answer {
	s.t.Helper()
	var round []string
	out := make([]answer, len(asks))
	for i, a := range asks {
		path := strings.TrimPrefix(a.url, scriptRealm)
		round = append(round, path)
		out[i].ask = a
		if code, ok := s.codes[path]; ok {
			out[i].err = &gocloak.APIError{Code: code, Message: "scripted"}
			continue
		}
		body, ok := s.answers[path]
		if !ok {
			s.t.Fatalf("asked for %s, which the script does not answer", path)
		}
		if a.page == 0 {
			out[i].body = json.RawMessage(body)
		} else if err := json.Unmarshal([]byte(body), &out[i].items); err != nil {
			s.t.Fatalf("script answer for %s: %v", path, err)
		}
	}
	s.rounds = append(s.rounds, round)
	return out
}

// runHolders drives a holdersRead to its end against the script.
func (s *script) runHolders(target string, ex *realmExport) (*Realm, error) {
	r := &holdersRead{c: scriptClient()}
	err := r.start(target, ex)
	for err == nil && !r.done {
		err = r.take(s.answer(r.next))
	}
	return r.realm, err
}

func (s *script) wantRounds(want ...string) {
	s.t.Helper()
	got := make([]string, len(s.rounds))
	for i, r := range s.rounds {
		got[i] = strings.Join(r, " ")
	}
	if len(got) != len(want) {
		s.t.Fatalf("%d rounds, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			s.t.Errorf("round %d asks\n %s\nwant\n %s", i+1, got[i], want[i])
		}
	}
}

// send answers every ask of a round in the order asked, listings read to
// their end and single reads whole; one failed read does not stop the others.
func TestSendAnswersEveryAskInOrder(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/admin/realms/dash/groups/g1/members", func(w http.ResponseWriter, r *http.Request) {
		first, _ := strconv.Atoi(r.URL.Query().Get("first"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("max"))
		var page []User
		for i := first; i < min(first+limit, 5); i++ {
			page = append(page, User{ID: fmt.Sprint("u", i), Username: fmt.Sprint("user", i)})
		}
		answerJSON(w, page)
	})
	mux.HandleFunc("/admin/realms/dash/groups/gone/members", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such group", http.StatusNotFound)
	})
	mux.HandleFunc("/admin/realms/dash/roles-by-id/r1/composites", func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, []map[string]string{{"id": "r2", "name": "x"}})
	})
	c := serveKeycloak(t, mux)
	c.cfg.PageSize = 2
	answers := c.send(context.Background(), []ask{
		c.membersAsk("gone"), c.membersAsk("g1"), {url: c.realmURL("roles-by-id", "r1", "composites")},
	})
	if len(answers) != 3 {
		t.Fatalf("%d answers to 3 asks", len(answers))
	}
	if _, err := c.members(answers[0], "gone"); !IsNotFound(err) {
		t.Errorf("the missing group: %v, want not found", err)
	}
	users, err := c.members(answers[1], "g1")
	if err != nil || len(users) != 5 || users[4].Username != "user4" {
		t.Errorf("the listing read in pages of 2: %v, %v", users, err)
	}
	var comps []gocloak.Role
	if err := answers[2].decode(&comps); err != nil || len(comps) != 1 || deref(comps[0].ID) != "r2" {
		t.Errorf("the single read: %v, %v", comps, err)
	}
}
