#!/usr/bin/env bash
# The users data source's series on each Keycloak backend, side by side in
# BENCHMARKS.md (not CI: it seeds 10,000 users and 20,000 logins per backend).
# First Keycloak in dev mode on H2 (a running dev Keycloak is stopped, and one
# starts from a fresh realm import), then in
# production mode on PostgreSQL 15 behind TLS, as scripts/test-keycloak-production.sh
# runs it. Flags after the script's name go to tools/bench (for example -runs 7).
set -euo pipefail
cd "$(dirname "$0")/.."

dev() {
  scripts/keycloak.sh down
  scripts/keycloak.sh up
  trap 'scripts/keycloak.sh down' EXIT
  go run ./tools/bench -users-backend "dev mode, H2" -runs 5 "$@"
}

production() {
  export KC_PRODUCTION=1 KC_PATH="" KC_PORT="${KC_PRODUCTION_PORT:-18443}" KC_MGMT_PORT="${KC_PRODUCTION_MGMT_PORT:-19443}"
  scripts/keycloak.sh up
  trap 'scripts/keycloak.sh down; scripts/postgres.sh down' EXIT
  export KC_SCHEME=https KC_CA_FILE
  KC_CA_FILE="$(scripts/keycloak.sh cafile)"
  export SSL_CERT_FILE="${KC_CA_FILE}"
  go run ./tools/bench -users-backend "production mode, PostgreSQL 15, TLS" -runs 5 "$@"
}

# BACKENDS chooses (default both): "dev", "production".
for backend in ${BACKENDS:-dev production}; do
  ( "${backend}" "$@" )
done
