#!/usr/bin/env bash
# Mutation check of the role-holder and paging code: applies each named
# mutation in turn, runs the tests that guard that code (unit tests and the
# differential test against the local Keycloak), and reports whether a test
# failed ("caught") or not ("SURVIVED"), and whether a unit test caught it or
# only a test against Keycloak did. Exits non-zero if any mutant survives.
# Needs Keycloak (make mutate-holders starts it). Leaves the tree as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

# name | file | exact text | replacement
mutations=(
  "drop sub-group inheritance|internal/keycloak/inherit.go|walk(g.Children, grants)|walk(g.Children, nil)"
  "read no members of sub-groups|internal/keycloak/inherit.go|walk(g.Children, in)|walk(g.Children, false)"
  "skip nested composites|internal/keycloak/inherit.go|if ch == target \|\| reaches(ch, seen) {|if ch == target {"
  "treat a group or composite grant as direct|internal/keycloak/holders.go|h.Via[u.ID] = append(h.Via[u.ID], grant)|h.Direct[u.ID] = u"
  "ignore groups holding the role itself|internal/keycloak/inherit.go|grants = append(grants, \"group:\"+g.Path)|_ = g"
  "ignore realm-role composites held by groups (export)|internal/keycloak/export.go|for _, n := range g.RealmRoles {|for _, n := range g.RealmRoles[:0] {"
  "ignore composites of another client (scan)|internal/keycloak/scan.go|note(deref(cl.ClientID), r)|_ = r"
  "ignore direct holders of composites|internal/keycloak/inherit.go|h.addVia(u, keyLabel(k))|_ = u"
  "stop paging after the first page|internal/keycloak/paging.go|if err != nil \|\| len(page) < size {|if err != nil \|\| true {"
  "read only the counted pages of a listing that grew|internal/keycloak/paging.go|return readOn(ctx, size, all, fetch) // the last page was full|return all, nil // the last page was full"
  "drop the page overlap check|internal/keycloak/paging.go|if len(page) == 0 \|\| itemKey(page[0]) != itemKey(all[len(all)-1]) {|if len(page) == 0 {"
  "forget writes during a snapshot build|internal/runcache/runcache.go|c.journal[key] = append(c.journal[key], entry[T]{gen: c.gen, edit: edit})|_ = edit"
)

export DIFF_BUDGET="${DIFF_BUDGET:-20s}"
tests='./internal/keycloak ./internal/runcache'
survived=0
for m in "${mutations[@]}"; do
  IFS='|' read -r name file from to <<<"${m//\\|/$'\x01'}"
  from="${from//$'\x01'/|}"; to="${to//$'\x01'/|}"; to="${to//\\&/&}"
  cp "${file}" "${file}.orig"
  if ! python3 - "${file}" "${from}" "${to}" <<'PY'
import sys
p, a, b = sys.argv[1:]
s = open(p).read()
if a not in s:
    sys.exit(f"mutation text not found in {p}: {a}")
open(p, "w").write(s.replace(a, b, 1))
PY
  then mv "${file}.orig" "${file}"; echo "ERROR  ${name}: the code changed, update the mutation"; exit 2; fi
  # Unit tests first (no server, seconds); the tests against Keycloak only
  # for what they miss.
  stage=unit
  if go test -count=1 ${tests} >/tmp/mutate-holders.log 2>&1; then
    stage=keycloak
    if TF_ACC=1 go test -count=1 ${tests} >/tmp/mutate-holders.log 2>&1; then stage=; fi
  fi
  if [[ -z "${stage}" ]]; then
    echo "SURVIVED  ${name}"; survived=$((survived + 1))
  else
    echo "caught    ${name}  (${stage}: $(grep -m1 -oE -- '--- FAIL: [A-Za-z0-9_]+' /tmp/mutate-holders.log || echo 'build failed'))"
  fi
  mv "${file}.orig" "${file}"
done
echo "${#mutations[@]} mutations, ${survived} survived"
exit $(( survived > 0 ))
