#!/usr/bin/env bash
# Runs `terraform validate` on every example directory with the provider built
# from this repository (dev_overrides; nothing is downloaded).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${ROOT}/bin"
# Always this tree's provider, never a stale binary.
(cd "${ROOT}" && go build -o "${BIN_DIR}/terraform-provider-dashenterprise" .)
WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
cat >"${WORK}/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "plotly-community/dashenterprise" = "${BIN_DIR}"
  }
  direct {}
}
RC
# Validation runs as a pull-request job without secrets would: an empty
# environment (no DASHENTERPRISE_* variable, no URL, no credentials).
TF="$(command -v terraform)"
validate() {
  env -i PATH=/usr/bin:/bin HOME="${WORK}" TF_CLI_CONFIG_FILE="${WORK}/terraformrc" CHECKPOINT_DISABLE=1 \
    "${TF}" validate -no-color
}

failed=0
count=0
while IFS= read -r dir; do
  rel="${dir#"${ROOT}/"}"
  case_dir="${WORK}/$(echo "${rel}" | tr '/' '_')"
  mkdir -p "${case_dir}"
  cp "${dir}"/*.tf "${case_dir}/"
  if ! grep -q required_providers "${case_dir}"/*.tf; then
    printf 'terraform {\n  required_providers {\n    dashenterprise = { source = "plotly-community/dashenterprise" }\n  }\n}\n' >"${case_dir}/zz_providers.tf"
  fi
  count=$((count + 1))
  if out="$(cd "${case_dir}" && validate 2>&1)"; then
    echo "ok    ${rel}"
  else
    echo "FAIL  ${rel}"; echo "${out}" | sed 's/^/      /'
    failed=1
  fi
done < <(find "${ROOT}/examples" -name '*.tf' -printf '%h\n' | sort -u)
echo "validated ${count} example directories"
exit "${failed}"
