#!/usr/bin/env bash
# Keycloak as Dash Enterprise runs it: production mode (`kc.sh start`) on
# PostgreSQL 15, HTTPS only with a certificate from a CA generated for the run,
# which the provider trusts through ca_cert_pem (DASHENTERPRISE_CA_CERT_PEM) and
# the tests' own clients through SSL_CERT_FILE. Runs the differential test, the
# Keycloak client and emulator tests and the smoke subset of the acceptance
# tests. Its own ports, so the dev-mode Keycloak may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."

export KC_PRODUCTION=1 KC_PATH="" KC_PORT="${KC_PRODUCTION_PORT:-18443}" KC_MGMT_PORT="${KC_PRODUCTION_MGMT_PORT:-19443}"
export TF_ACC=1 DIFF_BUDGET="${DIFF_BUDGET:-45s}"
smoke='TestAccLicenseSeat_lifecycle|TestAccLicenseSeat_seatThroughGroupAndComposite|TestAccLicenseSeat_malformedImportID|TestAccLicenseSeats_authoritative|TestAccUsersDataSource_filters|TestAccUsersDataSource_activity|TestAccAppCoOwner_user|TestAccAppCoOwner_group|TestAccAppTransfer_lifecycle|TestAccSeatRevocation_warnsNamingEveryApp|TestAccUserOffboarding_lifecycle|TestAccUserOffboarding_logoutEndsOfflineSessions'

scripts/keycloak.sh up
trap 'scripts/keycloak.sh down; scripts/postgres.sh down' EXIT
export KC_SCHEME=https KC_CA_FILE
KC_CA_FILE="$(scripts/keycloak.sh cafile)"
export SSL_CERT_FILE="${KC_CA_FILE}"
echo "--- Keycloak $(scripts/keycloak.sh url) in production mode on PostgreSQL, TLS (CA ${KC_CA_FILE})"
go test -count=1 -p 1 -timeout 15m ./internal/keycloak ./internal/emulator
go test -count=1 -timeout 20m -run "^(${smoke})\$" ./internal/provider
