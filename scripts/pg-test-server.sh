#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the integration tests (CONNECTORS.md §4.2).
#
#   scripts/pg-test-server.sh start [PORT] [--owner NAME]   initdb + start on 127.0.0.1:PORT (default 55432)
#   scripts/pg-test-server.sh stop  [PORT] [--owner NAME]   stop and remove the data directory
#   scripts/pg-test-server.sh restart [PORT]                restart a running server (fast shutdown; tests)
#   scripts/pg-test-server.sh env   [PORT]                  print the environment file path
#
# Trust authentication, loopback only, a socket directory inside the state directory, fsync off, database
# sqlflow_test, superuser postgres. As root the server runs as the `postgres` user through runuser (PostgreSQL
# refuses to run as root). `start` is idempotent: a running server is left alone. It writes the exports
# (SQLFLOW_TEST_PG_DSN, PGHOST, PGPORT, PGUSER, PGDATABASE) to <state dir>/env.sh, and also to
# $SQLFLOW_PG_ENV_FILE when that is set, and prints them.
#
# --owner NAME: `start` records NAME as the owner only when it actually started the server; `stop --owner
# NAME` then stops it only if NAME started it. This lets a ctest fixture stop just what it started while a
# server started by the test command stays up for later suites. `stop` without --owner always stops.
set -euo pipefail

action="${1:-}"
shift || true
port=55432
owner=""
while (($#)); do
  case "$1" in
    --owner) owner="${2:?--owner needs a name}"; shift 2 ;;
    [0-9]*) port="$1"; shift ;;
    *) echo "pg-test-server: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
STATE_DIR="${SQLFLOW_PG_STATE_DIR:-${TMPDIR:-/tmp}/sqlflow-pg-$port}"
DATA_DIR="$STATE_DIR/data"
SOCKET_DIR="$STATE_DIR/sock"
LOG_FILE="$STATE_DIR/server.log"
ENV_FILE="$STATE_DIR/env.sh"
OWNER_FILE="$STATE_DIR/owner"

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "$DATA_DIR/postmaster.pid" ]] && as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

write_env() {
  local dsn="postgresql://postgres@127.0.0.1:$port/sqlflow_test"
  local text
  text=$(
    cat <<EOF
export SQLFLOW_TEST_PG_DSN='$dsn'
export PGHOST=127.0.0.1
export PGPORT=$port
export PGUSER=postgres
export PGDATABASE=sqlflow_test
EOF
  )
  printf '%s\n' "$text" >"$ENV_FILE"
  if [[ -n "${SQLFLOW_PG_ENV_FILE:-}" ]]; then
    mkdir -p "$(dirname "$SQLFLOW_PG_ENV_FILE")"
    printf '%s\n' "$text" >"$SQLFLOW_PG_ENV_FILE"
  fi
  printf '%s\n' "$text"
  echo "# source $ENV_FILE"
}

start() {
  if [[ ! -x "$PG_BIN/initdb" ]]; then
    echo "pg-test-server: PostgreSQL server binaries not found in $PG_BIN (apt-get install postgresql)" >&2
    exit 1
  fi
  if is_running; then
    write_env
    return 0
  fi
  # A stale directory (crashed server, half-finished initdb) is rebuilt from scratch.
  rm -rf "$STATE_DIR"
  mkdir -p "$DATA_DIR" "$SOCKET_DIR"
  chmod 700 "$DATA_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres:postgres "$STATE_DIR"
  fi
  as_server_user "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$STATE_DIR/initdb.log" 2>&1 || {
    cat "$STATE_DIR/initdb.log" >&2
    echo "pg-test-server: initdb failed" >&2
    exit 1
  }
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$SOCKET_DIR'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_connections = 50"
    echo "timezone = 'UTC'"
  } >>"$DATA_DIR/postgresql.conf"
  if ! as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 30 start >/dev/null; then
    cat "$LOG_FILE" >&2 || true
    echo "pg-test-server: the server did not start on port $port" >&2
    exit 1
  fi
  "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE sqlflow_test" >/dev/null
  if [[ -n "$owner" ]]; then
    echo "$owner" >"$OWNER_FILE"
  fi
  write_env
}

stop() {
  if [[ -n "$owner" ]]; then
    if [[ ! -f "$OWNER_FILE" || "$(cat "$OWNER_FILE")" != "$owner" ]]; then
      echo "pg-test-server: not stopping port $port (not started by '$owner')"
      return 0
    fi
  fi
  if is_running; then
    as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$STATE_DIR"
  if [[ -n "${SQLFLOW_PG_ENV_FILE:-}" ]]; then
    rm -f "$SQLFLOW_PG_ENV_FILE"
  fi
  echo "pg-test-server: stopped port $port"
}

restart() {
  is_running || { echo "pg-test-server: no server on port $port" >&2; exit 1; }
  as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -m fast -w -t 30 restart >/dev/null
}

case "$action" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  env) echo "$ENV_FILE" ;;
  *)
    echo "usage: $0 start|stop|restart|env [PORT] [--owner NAME]" >&2
    exit 2
    ;;
esac
