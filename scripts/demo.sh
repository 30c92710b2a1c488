#!/usr/bin/env bash
# The main job: a local Keycloak and platform emulator, the provider built from
# this repository, `terraform apply` of the organisation example, then the plan
# of an offboarding that would orphan apps. `scripts/demo.sh down` stops what it
# started (a Keycloak that was already running, e.g. for tests, is left alone).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="${ROOT}/.demo"
EMULATOR_ADDR="127.0.0.1:18090"
export CHECKPOINT_DISABLE=1

if [[ "${1:-}" == "down" ]]; then
  if [[ -f "${DEMO}/emulator.pid" ]]; then kill "$(cat "${DEMO}/emulator.pid")" 2>/dev/null || true; rm -f "${DEMO}/emulator.pid"; echo "emulator: stopped"; fi
  if [[ -f "${DEMO}/keycloak.started" ]]; then
    "${ROOT}/scripts/keycloak.sh" down
    rm -f "${DEMO}/keycloak.started"
  else
    echo "keycloak: left running (the demo did not start it; scripts/keycloak.sh down stops it)"
  fi
  exit 0
fi

banner() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

banner "Keycloak (realm dash, test users and groups)"
mkdir -p "${DEMO}"
if ! "${ROOT}/scripts/keycloak.sh" status >/dev/null 2>&1; then
  "${ROOT}/scripts/keycloak.sh" up
  touch "${DEMO}/keycloak.started"
else
  "${ROOT}/scripts/keycloak.sh" up
fi

banner "Building the provider and the platform API emulator"
mkdir -p "${DEMO}/bin"
(cd "${ROOT}" && go build -o "${DEMO}/bin/terraform-provider-dashenterprise" . && go build -o "${DEMO}/bin/dashenterprise-emulator" ./cmd/dashenterprise-emulator)

banner "Platform API emulator on http://${EMULATOR_ADDR}/Manager/graphql"
if [[ -f "${DEMO}/emulator.pid" ]]; then kill "$(cat "${DEMO}/emulator.pid")" 2>/dev/null || true; sleep 1; fi
rm -f "${DEMO}/emulator-state.json"
nohup "${DEMO}/bin/dashenterprise-emulator" -listen "${EMULATOR_ADDR}" \
  -fixture "${ROOT}/testdata/emulator/demo-fixture.json" -state "${DEMO}/emulator-state.json" \
  >"${DEMO}/emulator.log" 2>&1 &
echo $! >"${DEMO}/emulator.pid"
for _ in $(seq 1 50); do curl -fsS "http://${EMULATOR_ADDR}/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

cat >"${DEMO}/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "plotly-community/dashenterprise" = "${DEMO}/bin"
  }
  direct {}
}
RC
cat >"${DEMO}/env.sh" <<ENV
export CHECKPOINT_DISABLE=1
export TF_CLI_CONFIG_FILE="${DEMO}/terraformrc"
export DASHENTERPRISE_URL="http://${EMULATOR_ADDR}"
export DASHENTERPRISE_KEYCLOAK_URL="http://127.0.0.1:18080"
export DASHENTERPRISE_ADMIN_USERNAME=admin DASHENTERPRISE_ADMIN_PASSWORD=admin
export DASHENTERPRISE_PLATFORM_CLIENT_ID=dash-platform DASHENTERPRISE_PLATFORM_CLIENT_SECRET=dash-platform-secret
ENV
# shellcheck source=/dev/null
source "${DEMO}/env.sh"

WORK="${DEMO}/organisation"
rm -rf "${WORK}" && mkdir -p "${WORK}"
cp "${ROOT}/examples/organisation/"* "${WORK}/"
cd "${WORK}"

banner "terraform plan: seats from team.csv, group co-owners, henry's apps to alice (listed before they move)"
terraform plan -input=false -no-color | grep -vE '^\s*$' | sed -n '1,400p'

banner "terraform apply"
terraform apply -input=false -auto-approve -no-color | grep -E '^(Apply complete|dashenterprise_.*(Creation complete|Error))' || true
terraform output -no-color

banner "Offboarding grace without a transfer: orphan_protection = \"error\" fails the plan, naming the apps she would orphan"
grep -v '^grace,' team.csv >team-without-grace.csv
# The plan fails on purpose (exit status 1), so a pull request doing this is blocked before merge.
{ terraform plan -input=false -no-color -var team_csv=team-without-grace.csv 2>&1 || true; } | sed -n '/Error: Revoking the seat of grace/,/offboarding guide/p'

banner "Done"
cat <<MSG
Where to look:
  ${WORK}
      the applied organisation example (main.tf, team.csv) and its state
  ${DEMO}/emulator-state.json
      platform state after the apply: henry's apps now belong to alice, the new co-owners
  ${DEMO}/emulator.log
      platform API emulator log
  http://127.0.0.1:18080/admin/  (admin / admin, realm "dash")
      Keycloak: the licensed_user role of client dash, groups, users
Try it yourself:
  source ${DEMO}/env.sh && cd ${WORK} && terraform plan
Stop everything (the emulator, and Keycloak if the demo started it):
  make demo-down
MSG
