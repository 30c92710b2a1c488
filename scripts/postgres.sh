#!/usr/bin/env bash
# A PostgreSQL cluster on loopback for a production-shaped Keycloak (the
# machine's PostgreSQL 15, run as the postgres user when started by root).
# Usage: scripts/postgres.sh up|down|reset|status|jdbc
#
# Settings (environment):
#   PG_PORT  port on 127.0.0.1 (default 15432)
#   PG_DATA  cluster directory (default /tmp/dashenterprise-postgres-<port>:
#            outside /root, which the postgres user cannot enter)
# The database is "keycloak", owned by the role keycloak (password keycloak).
set -euo pipefail

PG_PORT="${PG_PORT:-15432}"
PG_DATA="${PG_DATA:-/tmp/dashenterprise-postgres-${PG_PORT}}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [[ -z "${PG_BIN}" || ! -x "${PG_BIN}/initdb" ]]; then
  echo "postgres: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install postgresql-15)" >&2
  exit 1
fi

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
sql() { "${PG_BIN}/psql" -h 127.0.0.1 -p "${PG_PORT}" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
ready() { "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}"; }

up() {
  if ready; then
    echo "postgres: already running on 127.0.0.1:${PG_PORT}"
  else
    mkdir -p "${PG_DATA}"
    if [[ "$(id -u)" == 0 ]]; then chown postgres: "${PG_DATA}"; fi
    chmod 700 "${PG_DATA}"
    if [[ ! -f "${PG_DATA}/PG_VERSION" ]]; then
      as_postgres "${PG_BIN}/initdb" -D "${PG_DATA}" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    echo "postgres: starting $("${PG_BIN}/postgres" --version) on 127.0.0.1:${PG_PORT} (data ${PG_DATA})"
    as_postgres "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_DATA}/server.log" -w -t 60 \
      -o "-p ${PG_PORT} -c listen_addresses=127.0.0.1 -k ${PG_DATA}" start >/dev/null
  fi
  if [[ -z "$(sql -c "select 1 from pg_roles where rolname = 'keycloak'")" ]]; then
    sql -c "create role keycloak login password 'keycloak'"
  fi
  if [[ -z "$(sql -c "select 1 from pg_database where datname = 'keycloak'")" ]]; then
    sql -c "create database keycloak owner keycloak"
  fi
}

# reset drops and creates the keycloak database (a fresh realm import).
reset() {
  sql -c "drop database if exists keycloak with (force)"
  sql -c "create database keycloak owner keycloak"
}

down() {
  if [[ -f "${PG_DATA}/postmaster.pid" ]]; then
    echo "postgres: stopping"
    as_postgres "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -m fast -w stop >/dev/null || true
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  reset) reset ;;
  status) if ready; then echo "postgres: running on 127.0.0.1:${PG_PORT}"; else echo "postgres: not running"; exit 1; fi ;;
  jdbc) echo "jdbc:postgresql://127.0.0.1:${PG_PORT}/keycloak" ;;
  *) echo "usage: $0 up|down|reset|status|jdbc" >&2; exit 2 ;;
esac
