#!/usr/bin/env bash
# A throwaway S3-compatible server (s3rver 3.7.1 from npm) for the s3 tests (CONNECTORS.md §4.2).
#
#   scripts/s3-test-server.sh start [PORT] [BUCKET] [--owner NAME]   start on 127.0.0.1:PORT with BUCKET
#   scripts/s3-test-server.sh stop  [PORT] [--owner NAME]            stop and remove the data directory
#   scripts/s3-test-server.sh env   [PORT]                           print the environment file path
#
# PORT defaults to $SQLFLOW_S3_TEST_PORT or 18110, BUCKET to sqlflow-test. s3rver is installed by
# scripts/install-deps.sh into .cache/npm (override with SQLFLOW_S3RVER_DIR). Node 20 needs
# NODE_OPTIONS=--openssl-legacy-provider (paged listings fail with HTTP 500 otherwise); the script sets it.
# `start` is idempotent and writes the exports (S3_ENDPOINT, S3_BUCKET, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION) to <state dir>/env.sh, to $SQLFLOW_S3_ENV_FILE when set, and prints them.
# --owner works as in pg-test-server.sh: `stop --owner NAME` stops only a server NAME started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:-}"
shift || true
port="${SQLFLOW_S3_TEST_PORT:-18110}"
bucket="sqlflow-test"
owner=""
positional=0
while (($#)); do
  case "$1" in
    --owner) owner="${2:?--owner needs a name}"; shift 2 ;;
    *)
      if ((positional == 0)); then port="$1"; else bucket="$1"; fi
      positional=$((positional + 1))
      shift
      ;;
  esac
done

S3RVER_DIR="${SQLFLOW_S3RVER_DIR:-$ROOT/.cache/npm}"
S3RVER_BIN="$S3RVER_DIR/node_modules/s3rver/bin/s3rver.js"
STATE_DIR="${SQLFLOW_S3_STATE_DIR:-${TMPDIR:-/tmp}/sqlflow-s3-$port}"
DATA_DIR="$STATE_DIR/data"
PID_FILE="$STATE_DIR/pid"
LOG_FILE="$STATE_DIR/server.log"
ENV_FILE="$STATE_DIR/env.sh"
OWNER_FILE="$STATE_DIR/owner"

is_running() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

write_env() {
  local text
  text=$(
    cat <<EOT
export S3_ENDPOINT='http://127.0.0.1:$port'
export S3_BUCKET='$(cat "$STATE_DIR/bucket")'
export AWS_ACCESS_KEY_ID='S3RVER'
export AWS_SECRET_ACCESS_KEY='S3RVER'
export AWS_REGION='us-east-1'
EOT
  )
  printf '%s\n' "$text" >"$ENV_FILE"
  if [[ -n "${SQLFLOW_S3_ENV_FILE:-}" ]]; then
    mkdir -p "$(dirname "$SQLFLOW_S3_ENV_FILE")"
    printf '%s\n' "$text" >"$SQLFLOW_S3_ENV_FILE"
  fi
  printf '%s\n' "$text"
  echo "# source $ENV_FILE"
}

start() {
  if [[ ! -f "$S3RVER_BIN" ]]; then
    echo "s3-test-server: s3rver not found in $S3RVER_DIR (run scripts/install-deps.sh)" >&2
    exit 1
  fi
  if is_running; then
    write_env
    return 0
  fi
  rm -rf "$STATE_DIR"
  mkdir -p "$DATA_DIR"
  echo "$bucket" >"$STATE_DIR/bucket"
  NODE_OPTIONS=--openssl-legacy-provider setsid node "$S3RVER_BIN" -d "$DATA_DIR" -a 127.0.0.1 -p "$port" \
    --configure-bucket "$bucket" --no-vhost-buckets >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  # Ready when the bucket answers a listing (any HTTP answer at all means the server is up).
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/$bucket?list-type=2&max-keys=1"; then
      [[ -n "$owner" ]] && echo "$owner" >"$OWNER_FILE"
      write_env
      return 0
    fi
    is_running || break
    sleep 0.1
  done
  cat "$LOG_FILE" >&2 || true
  echo "s3-test-server: s3rver did not start on port $port" >&2
  stop_server
  exit 1
}

stop_server() {
  if is_running; then
    local pid
    pid="$(cat "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$STATE_DIR"
}

stop() {
  if [[ -n "$owner" ]]; then
    if [[ ! -f "$OWNER_FILE" || "$(cat "$OWNER_FILE")" != "$owner" ]]; then
      echo "s3-test-server: not stopping port $port (not started by '$owner')"
      return 0
    fi
  fi
  stop_server
  [[ -n "${SQLFLOW_S3_ENV_FILE:-}" ]] && rm -f "$SQLFLOW_S3_ENV_FILE"
  echo "s3-test-server: stopped port $port"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  env) echo "$ENV_FILE" ;;
  *)
    echo "usage: $0 start|stop|env [PORT] [BUCKET] [--owner NAME]" >&2
    exit 2
    ;;
esac
