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
tf() {
  env -i PATH=/usr/bin:/bin HOME="${WORK}" TF_CLI_CONFIG_FILE="${WORK}/terraformrc" CHECKPOINT_DISABLE=1 \
    "${TF}" "$@"
}
validate() { tf validate -no-color; }

failed=0
count=0
tests=0
while IFS= read -r dir; do
  rel="${dir#"${ROOT}/"}"
  case_dir="${WORK}/$(echo "${rel}" | tr '/' '_')"
  mkdir -p "${case_dir}"
  # import-by-identity.tf needs 1.12: validated below, with OpenTofu 1.12.
  find "${dir}" -maxdepth 1 -name '*.tf' -not -name 'import-by-identity.tf' -exec cp {} "${case_dir}/" \;
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
  # terraform test files (mock_provider: no server, no credentials).
  if compgen -G "${dir}/*.tftest.hcl" >/dev/null; then
    cp "${dir}"/*.tftest.hcl "${dir}"/*.csv "${case_dir}/" 2>/dev/null || true
    tests=$((tests + 1))
    if out="$(cd "${case_dir}" && tf test -no-color 2>&1)"; then
      echo "ok    ${rel} (terraform test: $(echo "${out}" | grep -Eo '[0-9]+ passed, [0-9]+ failed'))"
    else
      echo "FAIL  ${rel} (terraform test)"; echo "${out}" | sed 's/^/      /'
      failed=1
    fi
  fi
done < <(find "${ROOT}/examples" -name '*.tf' -not -path '*/examples/actions/*' -printf '%h\n' | sort -u)
echo "validated ${count} example directories, ran terraform test in ${tests}"

# examples/resources/*/import-by-identity.tf import by resource identity,
# which terraform 1.11.4 does not know: OpenTofu 1.12 (built from the Go module
# proxy, cached) validates them together in one module.
TOFU12_VERSION="${TOFU12_VERSION:-v1.12.6}"
TOFU_VERSION="${TOFU12_VERSION}" "${ROOT}/scripts/tofu.sh" build >&2
CACHE="${DASHENTERPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dashenterprise}"
TF="${CACHE}/tofu-${TOFU12_VERSION}/tofu"
case_dir="${WORK}/examples_identity"
mkdir -p "${case_dir}"
for f in "${ROOT}"/examples/resources/*/import-by-identity.tf; do
  cp "${f}" "${case_dir}/$(basename "$(dirname "${f}")").tf"
done
printf 'terraform {\n  required_providers {\n    dashenterprise = { source = "plotly-community/dashenterprise" }\n  }\n}\n' >"${case_dir}/zz_providers.tf"
if out="$(cd "${case_dir}" && validate 2>&1)"; then
  echo "ok    examples/resources/*/import-by-identity.tf (OpenTofu ${TOFU12_VERSION})"
else
  echo "FAIL  examples/resources/*/import-by-identity.tf (OpenTofu ${TOFU12_VERSION})"; echo "${out}" | sed 's/^/      /'
  failed=1
fi
exit "${failed}"
