#!/usr/bin/env bash
# Starts / stops the real servers the test suites need and writes their environment to
# build/test-servers.env (sourced by scripts/run_tests.sh).
#   scripts/test-servers.sh start|stop
# Today: PostgreSQL 15 (scripts/pg-test-server.sh) and s3rver (scripts/s3-test-server.sh, port
# $SQLFLOW_S3_TEST_PORT, default 18110). A server that cannot start is reported; the tests that
# need it then fail under CI (SQLFLOW_CI=1) and are skipped with the reason otherwise.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
ENV_FILE="$BUILD_DIR/test-servers.env"
PG_PORT="${SQLFLOW_PG_TEST_PORT:-55432}"
S3_PORT="${SQLFLOW_S3_TEST_PORT:-18110}"

case "${1:-}" in
  start)
    mkdir -p "$BUILD_DIR"
    : >"$ENV_FILE"
    if SQLFLOW_PG_ENV_FILE="$BUILD_DIR/pg-test-server.env" "$ROOT/scripts/pg-test-server.sh" start "$PG_PORT" \
        --owner run_tests >/dev/null; then
      cat "$BUILD_DIR/pg-test-server.env" >>"$ENV_FILE"
      echo "test servers: PostgreSQL on 127.0.0.1:$PG_PORT"
    else
      echo "test servers: PostgreSQL did not start (see ${TMPDIR:-/tmp}/sqlflow-pg-$PG_PORT/server.log)" >&2
      exit 1
    fi
    if SQLFLOW_S3_ENV_FILE="$BUILD_DIR/s3-test-server.env" "$ROOT/scripts/s3-test-server.sh" start "$S3_PORT" \
        sqlflow-test --owner run_tests >/dev/null; then
      cat "$BUILD_DIR/s3-test-server.env" >>"$ENV_FILE"
      echo "test servers: s3rver on 127.0.0.1:$S3_PORT"
    else
      echo "test servers: s3rver did not start (see ${TMPDIR:-/tmp}/sqlflow-s3-$S3_PORT/server.log)" >&2
      exit 1
    fi
    ;;
  stop)
    "$ROOT/scripts/pg-test-server.sh" stop "$PG_PORT" --owner run_tests >/dev/null 2>&1 || true
    SQLFLOW_S3_ENV_FILE="$BUILD_DIR/s3-test-server.env" "$ROOT/scripts/s3-test-server.sh" stop "$S3_PORT" \
      --owner run_tests >/dev/null 2>&1 || true
    rm -f "$ENV_FILE"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
