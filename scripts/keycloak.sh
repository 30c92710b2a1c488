#!/usr/bin/env bash
# Fetches, starts and stops the pinned Keycloak used by tests and the demo.
# Usage: scripts/keycloak.sh fetch|up|down|restart|status|wait|url|pidfile|cafile
#
# Settings (environment):
#   KC_VERSION  Keycloak version (default 26.7.3; also tested: 22.0.5, 24.0.5)
#   KC_PATH     HTTP path prefix, "/auth" for the legacy layout (default none);
#               the tests read it too and set keycloak_base_path from it
#   KC_PORT, KC_MGMT_PORT  ports on 127.0.0.1 (management: Keycloak 25+ only)
#   KC_KEEP_DATA  1 keeps the dev database on `up`; by default `up` starts from
#               a fresh import of the realm (`restart` always keeps the data)
#   KC_PRODUCTION 1 runs Keycloak as Dash Enterprise does: production mode
#               (`kc.sh start`, built for PostgreSQL, from its own copy of the
#               distribution), on the PostgreSQL of scripts/postgres.sh, HTTPS
#               only, with a certificate from a CA generated here (`cafile`
#               prints its path). Keycloak 25+.
set -euo pipefail

KC_VERSION="${KC_VERSION:-26.7.3}"
KC_MAJOR="${KC_VERSION%%.*}"
KC_PATH="${KC_PATH:-}"
KC_PORT="${KC_PORT:-18080}"
KC_MGMT_PORT="${KC_MGMT_PORT:-19000}"
# One fixed hostname: token issuers follow it, so every client must use exactly this URL.
KC_PRODUCTION="${KC_PRODUCTION:-0}"
KC_SCHEME=http
if [[ "${KC_PRODUCTION}" == 1 ]]; then KC_SCHEME=https; fi
KC_URL="${KC_SCHEME}://127.0.0.1:${KC_PORT}${KC_PATH}"
CACHE="${DASHENTERPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dashenterprise}"
KC_HOME="${CACHE}/keycloak-${KC_VERSION}"
if [[ "${KC_PRODUCTION}" == 1 ]]; then KC_HOME="${CACHE}/keycloak-${KC_VERSION}-production"; fi
RUN_DIR="${CACHE}/run"
TLS_DIR="${RUN_DIR}/tls-${KC_PORT}"
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
  if (( KC_MAJOR >= 25 )); then url="${KC_SCHEME}://127.0.0.1:${KC_MGMT_PORT}${KC_PATH}/health/ready"; fi
  kc_curl -fsS --max-time 2 "${url}" >/dev/null 2>&1
}

# kc_curl is curl trusting the generated CA in production mode.
kc_curl() {
  if [[ "${KC_PRODUCTION}" == 1 ]]; then curl --cacert "${TLS_DIR}/ca.pem" "$@"; else curl "$@"; fi
}

# tls generates, once, a CA and a certificate for 127.0.0.1 signed by it.
tls() {
  if [[ -s "${TLS_DIR}/server.pem" ]]; then return 0; fi
  mkdir -p "${TLS_DIR}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=terraform-provider-dashenterprise test CA" \
    -keyout "${TLS_DIR}/ca.key" -out "${TLS_DIR}/ca.pem" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "${TLS_DIR}/server.key" -out "${TLS_DIR}/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"${TLS_DIR}/server.ext"
  openssl x509 -req -in "${TLS_DIR}/server.csr" -CA "${TLS_DIR}/ca.pem" -CAkey "${TLS_DIR}/ca.key" -CAcreateserial \
    -days 3650 -extfile "${TLS_DIR}/server.ext" -out "${TLS_DIR}/server.pem" 2>/dev/null
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
  if [[ ! -x "${KC_HOME}/bin/kc.sh" && "${KC_PRODUCTION}" == 1 ]]; then
    # Its own copy: a production build changes the distribution.
    local tmp
    tmp="$(mktemp -d "${CACHE}/extract.XXXXXX")"
    tar -xzf "${tarball}" -C "${tmp}"
    mv "${tmp}/keycloak-${KC_VERSION}" "${KC_HOME}"
    rmdir "${tmp}"
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
  if [[ "${KC_PRODUCTION}" == 1 ]]; then production_up; return; fi
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

# production_up starts Keycloak in production mode on PostgreSQL behind TLS.
production_up() {
  if (( KC_MAJOR < 25 )); then echo "keycloak: KC_PRODUCTION=1 needs Keycloak 25 or later" >&2; exit 1; fi
  tls
  "$(dirname "${BASH_SOURCE[0]}")/postgres.sh" up
  if [[ "${KC_KEEP_DATA:-0}" != 1 ]]; then "$(dirname "${BASH_SOURCE[0]}")/postgres.sh" reset; fi
  rm -rf "${KC_HOME}/data/import"
  mkdir -p "${KC_HOME}/data/import"
  cp "${REALM_FILE}" "${KC_HOME}/data/import/dash-realm.json"
  export JAVA_HOME="${KC_JAVA_HOME:-${JAVA_HOME:-}}"
  if [[ ! -f "${KC_HOME}/.built-for-postgres" ]]; then
    echo "keycloak: building ${KC_VERSION} for PostgreSQL (once)"
    local build=(build --db=postgres --health-enabled=true)
    if [[ -n "${KC_PATH}" ]]; then build+=(--http-relative-path="${KC_PATH}"); fi
    "${KC_HOME}/bin/kc.sh" "${build[@]}" >"${LOG_FILE}.build" 2>&1 || { tail -n 30 "${LOG_FILE}.build" >&2; exit 1; }
    touch "${KC_HOME}/.built-for-postgres"
  fi
  echo "keycloak: starting ${KC_VERSION} in production mode on ${KC_URL} (PostgreSQL, TLS; log ${LOG_FILE})"
  local args=(start --optimized --import-realm
    --db-url="$("$(dirname "${BASH_SOURCE[0]}")/postgres.sh" jdbc)" --db-username=keycloak --db-password=keycloak
    --https-port="${KC_PORT}" --http-enabled=false --http-host=127.0.0.1
    --https-certificate-file="${TLS_DIR}/server.pem" --https-certificate-key-file="${TLS_DIR}/server.key"
    --hostname="${KC_URL}" --http-management-port="${KC_MGMT_PORT}")
  (
    export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_ADMIN_USERNAME:-admin}" KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_ADMIN_PASSWORD:-admin}"
    export JAVA_OPTS_KC_HEAP="-Xms256m -Xmx1g"
    nohup "${KC_HOME}/bin/kc.sh" "${args[@]}" >"${LOG_FILE}" 2>&1 &
    echo $! >"${PID_FILE}"
  )
  wait_ready
}

wait_ready() {
  for _ in $(seq 1 180); do
    if healthy; then
      # The realm import finishes before readiness, but check the realm itself to be sure.
      if kc_curl -fsS --max-time 2 "${KC_URL}/realms/dash/.well-known/openid-configuration" >/dev/null 2>&1; then
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
  cafile) echo "${TLS_DIR}/ca.pem" ;;
  status) if healthy; then echo "keycloak: running at ${KC_URL}"; else echo "keycloak: not running"; exit 1; fi ;;
  url) echo "${KC_URL}" ;;
  *) echo "usage: $0 fetch|up|down|restart|status|wait|url|pidfile|cafile" >&2; exit 2 ;;
esac
