package keycloak

import (
	"strings"
	"testing"
)

// runTree drives a treeRead to its end against the script.
func (s *script) runTree(t *treeRead) error {
	for asks := t.asks(); len(asks) > 0; asks = t.asks() {
		if err := t.take(s.answer(asks)); err != nil {
			return err
		}
	}
	return nil
}

// Keycloak before 23 carries whole trees inline and has no /children; 23 and
// later count sub-groups and are asked for the ones a listing left out; 24's
// group-by-path sends neither, and an old server's 404 or 405 on /children
// then means no sub-groups. A counted group whose /children fails is an error.
func TestTreeReadAsksOnlyForMissingSubGroups(t *testing.T) {
	s := newScript(t)
	s.answers["groups"] = `[{"id": "a", "name": "A", "path": "/A", "subGroups": [{"id": "a1", "name": "One", "subGroups": [{"id": "a11", "name": "Deep"}]}]},
	                        {"id": "b", "name": "B", "path": "/B", "subGroupCount": 2, "subGroups": [{"id": "b1", "name": "X", "path": "/B/X", "subGroupCount": 0}]}]`
	s.answers["groups/b/children"] = `[{"id": "b1", "name": "X", "path": "/B/X", "subGroupCount": 0}, {"id": "b2", "name": "Y", "path": "/B/Y", "subGroupCount": 1}]`
	s.answers["groups/b2/children"] = `[{"id": "b21", "name": "Z", "path": "/B/Y/Z", "subGroupCount": 0}]`
	tree := &treeRead{c: scriptClient()}
	if err := s.runTree(tree); err != nil {
		t.Fatal(err)
	}
	s.wantRounds("groups", "groups/b/children", "groups/b2/children")
	var paths []string
	for _, g := range Flatten(tree.forest) {
		paths = append(paths, g.Path)
	}
	if got, want := strings.Join(paths, " "), "/A /A/One /A/One/Deep /B /B/X /B/Y /B/Y/Z"; got != want {
		t.Errorf("tree %s, want %s", got, want)
	}

	s = newScript(t)
	s.codes["groups/g/children"] = 405
	g := &Group{ID: "g", Name: "G", Path: "/G"}
	tree = &treeRead{c: scriptClient(), listed: true}
	tree.add(g, false)
	if err := s.runTree(tree); err != nil || len(g.Children) != 0 {
		t.Errorf("an uncounted group on a server without /children: %v, %d children", err, len(g.Children))
	}
	s.wantRounds("groups/g/children")

	s = newScript(t)
	s.codes["groups/g/children"] = 404
	tree = &treeRead{c: scriptClient(), listed: true}
	three := 3
	tree.add(&Group{ID: "g", Name: "G", Path: "/G", SubGroupCount: &three}, false)
	if err := s.runTree(tree); err == nil || !strings.Contains(err.Error(), `listing child groups of "/G"`) {
		t.Errorf("a counted group whose children cannot be listed: %v", err)
	}
}
