#!/usr/bin/env bash
# Builds a pinned OpenTofu from the Go module proxy (cached outside the repo)
# and runs the whole test suite with it instead of terraform.
# `go install` refuses the module because of its replace directives, so the
# module is downloaded and built inside a writable copy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
CACHE="${DASHENTERPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dashenterprise}"
TOFU="${CACHE}/tofu-${TOFU_VERSION}/tofu"

if [[ ! -x "${TOFU}" ]]; then
  echo "tofu: building OpenTofu ${TOFU_VERSION} from the Go module proxy"
  dir="$(cd "$(mktemp -d)" && pwd)"
  trap 'rm -rf "${dir}"' EXIT
  src="$(cd "${dir}" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  cp -r "${src}" "${dir}/opentofu"
  chmod -R u+w "${dir}/opentofu"
  mkdir -p "$(dirname "${TOFU}")"
  (cd "${dir}/opentofu" && go build -o "${TOFU}" ./cmd/tofu)
fi
"${TOFU}" version

if [[ "${1:-}" == "build" ]]; then exit 0; fi
# terraform-plugin-testing addresses the in-process provider through OpenTofu's registry host.
export TF_ACC_TERRAFORM_PATH="${TOFU}" TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
# The race detector already ran under terraform (make test); the same code under
# another CLI needs no second race run.
cd "${ROOT}" && make test RACE= "$@"
