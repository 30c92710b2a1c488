#!/usr/bin/env bash
# Runs a command with Keycloak available: starts it when none is running and
# stops it afterwards only if this script started it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=0
if ! "${HERE}/keycloak.sh" status >/dev/null 2>&1; then
  "${HERE}/keycloak.sh" up
  started=1
fi
cleanup() { if [[ "${started}" == 1 ]]; then "${HERE}/keycloak.sh" down; fi; }
trap cleanup EXIT
"$@"
