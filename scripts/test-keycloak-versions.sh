#!/usr/bin/env bash
# Runs the differential test, the Keycloak client and emulator tests and a
# smoke subset of the acceptance tests (seats, users data source, co-owners,
# transfer, the orphan warning, import, drift named from the admin events) against the older Keycloak versions
# Dash Enterprise 5 installations run, under the legacy /auth path. Each starts
# on its own port (KC_PORT below), so the main Keycloak may keep running.
# Usage: scripts/test-keycloak-versions.sh [version ...]  (default: 22.0.5 24.0.5)
set -euo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then versions=(22.0.5 24.0.5); fi
smoke='TestAccLicenseSeat_lifecycle|TestAccLicenseSeat_seatThroughGroupAndComposite|TestAccLicenseSeat_malformedImportID|TestAccLicenseSeats_authoritative|TestAccUsersDataSource_filters|TestAccAppCoOwner_user|TestAccAppCoOwner_group|TestAccAppTransfer_lifecycle|TestAccSeatRevocation_warnsNamingEveryApp|TestAccSeatDrift_namesTheAdministrators'

export KC_PATH="${KC_PATH-/auth}" KC_PORT="${KC_LEGACY_PORT:-18081}" TF_ACC=1 DIFF_BUDGET="${DIFF_BUDGET:-45s}"
for v in "${versions[@]}"; do
  export KC_VERSION="${v}"
  echo "--- Keycloak ${v} at http://127.0.0.1:${KC_PORT}${KC_PATH}"
  scripts/keycloak.sh up
  trap 'scripts/keycloak.sh down' EXIT
  go test -count=1 -p 1 -timeout 15m ./internal/keycloak ./internal/emulator
  go test -count=1 -timeout 15m -run "^(${smoke})\$" ./internal/provider
  scripts/keycloak.sh down
  trap - EXIT
done
