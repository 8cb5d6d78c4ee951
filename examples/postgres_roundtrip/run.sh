#!/usr/bin/env bash
# Needs a PostgreSQL server: SQLFLOW_TEST_PG_DSN (scripts/pg-test-server.sh start prints it).
if [[ -z "${SQLFLOW_TEST_PG_DSN:-}" ]]; then
  echo "SKIP postgres_roundtrip: SQLFLOW_TEST_PG_DSN is not set (start a server with scripts/pg-test-server.sh start)"
  exit 0
fi
source "$(dirname "$0")/../lib.sh"
psql "$SQLFLOW_TEST_PG_DSN" -qX -c "DROP TABLE IF EXISTS example_orders, example_customer_totals" 2>/dev/null
sf pipeline run roundtrip -q
expect_rows output/totals.csv 3
expect_cell output/totals.csv customer ada total 15.50
expect_cell output/totals.csv customer grace orders 2
expect_cell output/totals.csv customer linus total 19.99
# Re-running replaces the orders table and upserts the same totals: nothing is duplicated.
sf pipeline run roundtrip -q
expect_rows output/totals.csv 3
[[ "$(psql "$SQLFLOW_TEST_PG_DSN" -qAtX -c "SELECT count(*) FROM example_orders")" == 5 ]] || fail "example_orders"
[[ "$(psql "$SQLFLOW_TEST_PG_DSN" -qAtX -c "SELECT total FROM example_customer_totals WHERE customer = 'ada'")" == 15.50 ]] ||
  fail "example_customer_totals"
