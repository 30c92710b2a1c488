#!/usr/bin/env bash
# Fetches, starts and stops the pinned Keycloak used by tests and the demo.
# Usage: scripts/keycloak.sh fetch|up|down|restart|status|wait|url|pidfile
#
# Settings (environment):
#   KC_VERSION  Keycloak version (default 26.7.3; also tested: 22.0.5, 24.0.5)
#   KC_PATH     HTTP path prefix, "/auth" for the legacy layout (default none);
#               the tests read it too and set keycloak_base_path from it
#   KC_PORT, KC_MGMT_PORT  ports on 127.0.0.1 (management: Keycloak 25+ only)
#   KC_KEEP_DATA  1 keeps the dev database on `up`; by default `up` starts from
#               a fresh import of the realm (`restart` always keeps the data)
set -euo pipefail

KC_VERSION="${KC_VERSION:-26.7.3}"
KC_MAJOR="${KC_VERSION%%.*}"
KC_PATH="${KC_PATH:-}"
KC_PORT="${KC_PORT:-18080}"
KC_MGMT_PORT="${KC_MGMT_PORT:-19000}"
# One fixed hostname: token issuers follow it, so every client must use exactly this URL.
KC_URL="http://127.0.0.1:${KC_PORT}${KC_PATH}"
CACHE="${DASHENTERPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dashenterprise}"
KC_HOME="${CACHE}/keycloak-${KC_VERSION}"
RUN_DIR="${CACHE}/run"
PID_FILE="${RUN_DIR}/keycloak-${KC_PORT}.pid"
LOG_FILE="${RUN_DIR}/keycloak-${KC_PORT}.log"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REALM_FILE="${REPO_ROOT}/testdata/keycloak/dash-realm.json"

# Pinned JDK: the machine's OpenJDK 17 (Keycloak 26 supports 17, 21 and 25; 22 and 24 run on 17).
if [[ -z "${KC_JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [[ -x "${candidate}/bin/java" ]]; then KC_JAVA_HOME="${candidate}"; break; fi
  done
fi

# Keycloak 25+ serves health on the management port (under KC_PATH too);
# older versions on the main port.
healthy() {
  local url="${KC_URL}/health/ready"
  if (( KC_MAJOR >= 25 )); then url="http://127.0.0.1:${KC_MGMT_PORT}${KC_PATH}/health/ready"; fi
  curl -fsS --max-time 2 "${url}" >/dev/null 2>&1
}

fetch() {
  mkdir -p "${CACHE}"
  local tarball="${CACHE}/keycloak-quarkus-dist-${KC_VERSION}.tar.gz"
  if [[ ! -s "${tarball}" ]]; then
    echo "keycloak: downloading org.keycloak:keycloak-quarkus-dist:${KC_VERSION} from Maven Central"
    if command -v mvn >/dev/null 2>&1; then
      mvn -q -B dependency:copy \
        "-Dartifact=org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:tar.gz" \
        "-DoutputDirectory=${CACHE}" >/dev/null
    else
      curl -fsSL -o "${tarball}.part" \
        "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/${KC_VERSION}/keycloak-quarkus-dist-${KC_VERSION}.tar.gz"
      mv "${tarball}.part" "${tarball}"
    fi
  fi
  if [[ ! -x "${KC_HOME}/bin/kc.sh" ]]; then
    tar -xzf "${tarball}" -C "${CACHE}"
  fi
}

up() {
  if healthy; then
    echo "keycloak: already running at ${KC_URL}"
    return 0
  fi
  fetch
  mkdir -p "${RUN_DIR}"
  # Fresh database on every start so tests see exactly the realm in the repo
  # (restart keeps it: KC_KEEP_DATA=1).
  if [[ "${KC_KEEP_DATA:-0}" != 1 ]]; then rm -rf "${KC_HOME}/data/h2"; fi
  rm -rf "${KC_HOME}/data/import"
  mkdir -p "${KC_HOME}/data/import"
  cp "${REALM_FILE}" "${KC_HOME}/data/import/dash-realm.json"
  echo "keycloak: starting ${KC_VERSION} on ${KC_URL} (JDK ${KC_JAVA_HOME:-from PATH}, log ${LOG_FILE})"
  local args=(start-dev --import-realm --http-host=127.0.0.1 --http-port="${KC_PORT}" --health-enabled=true)
  if [[ -n "${KC_PATH}" ]]; then args+=(--http-relative-path="${KC_PATH}"); fi
  if (( KC_MAJOR >= 25 )); then
    # Hostname v2: the full URL, path included.
    args+=(--hostname="${KC_URL}" --http-management-port="${KC_MGMT_PORT}")
  else
    # Hostname v1: the frontend URL fixes the issuer whatever the Host header.
    args+=(--hostname-url="${KC_URL}" --hostname-strict-backchannel=true)
  fi
  (
    export JAVA_HOME="${KC_JAVA_HOME:-${JAVA_HOME:-}}"
    # Bootstrap admin: KC_BOOTSTRAP_ADMIN_* from 26, KEYCLOAK_ADMIN* before.
    export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_ADMIN_USERNAME:-admin}" KEYCLOAK_ADMIN="${KC_ADMIN_USERNAME:-admin}"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_ADMIN_PASSWORD:-admin}" KEYCLOAK_ADMIN_PASSWORD="${KC_ADMIN_PASSWORD:-admin}"
    # Heap cap: JAVA_OPTS_KC_HEAP from 24; before, the last -Xmx appended wins.
    export JAVA_OPTS_KC_HEAP="-Xms256m -Xmx1g" JAVA_OPTS_APPEND="-Xms256m -Xmx1g"
    nohup "${KC_HOME}/bin/kc.sh" "${args[@]}" >"${LOG_FILE}" 2>&1 &
    echo $! >"${PID_FILE}"
  )
  wait_ready
}

wait_ready() {
  for _ in $(seq 1 180); do
    if healthy; then
      # The realm import finishes before readiness, but check the realm itself to be sure.
      if curl -fsS --max-time 2 "${KC_URL}/realms/dash/.well-known/openid-configuration" >/dev/null 2>&1; then
        echo "keycloak: ready at ${KC_URL}"
        return 0
      fi
    fi
    if [[ -f "${PID_FILE}" ]] && ! kill -0 "$(cat "${PID_FILE}")" 2>/dev/null; then
      echo "keycloak: process exited; last log lines:" >&2
      tail -n 40 "${LOG_FILE}" >&2 || true
      return 1
    fi
    sleep 1
  done
  echo "keycloak: not ready after 180s; see ${LOG_FILE}" >&2
  return 1
}

down() {
  if [[ -f "${PID_FILE}" ]]; then
    local pid
    pid="$(cat "${PID_FILE}")"
    if kill -0 "${pid}" 2>/dev/null; then
      echo "keycloak: stopping (pid ${pid})"
      # kc.sh execs java in the same process group as its children.
      pkill -TERM -P "${pid}" 2>/dev/null || true
      kill -TERM "${pid}" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "${pid}" 2>/dev/null || break; sleep 1; done
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    rm -f "${PID_FILE}"
  else
    echo "keycloak: not started by this script"
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) down ;;
  wait) wait_ready ;;
  restart) down; KC_KEEP_DATA=1 up ;;
  pidfile) echo "${PID_FILE}" ;;
  status) if healthy; then echo "keycloak: running at ${KC_URL}"; else echo "keycloak: not running"; exit 1; fi ;;
  url) echo "${KC_URL}" ;;
  *) echo "usage: $0 fetch|up|down|restart|status|wait|url|pidfile" >&2; exit 2 ;;
esac
