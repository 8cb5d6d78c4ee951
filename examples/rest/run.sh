#!/usr/bin/env bash
# Reads a paginated OAuth2 API served by sqlflow-mockd (built with the tests), over two runs.
source "$(dirname "$0")/../lib.sh"
MOCKD="${SQLFLOW_MOCKD:-$(dirname "$SQLFLOW")/tests/integration/mockd/sqlflow-mockd}"
if [[ ! -x "$MOCKD" ]]; then
  echo "SKIP rest: $MOCKD not built (build the tests, or set SQLFLOW_MOCKD)"
  exit 0
fi
"$MOCKD" rest --scenario scenario.json --port-file mockd.port --log requests.jsonl >/dev/null &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s mockd.port ]] && break; sleep 0.05; done
[[ -s mockd.port ]] || fail "sqlflow-mockd did not start"
export SHOP_API_URL="http://127.0.0.1:$(cat mockd.port)" SHOP_API_SECRET=example-secret

out=$(sf pipeline run customers 2>&1) || fail "first run: $out"
[[ "$out" != *example-secret* ]] || fail "the client secret was printed"
expect_rows output/customers.csv 60
expect_cell output/customers.csv id 7 name "user 7 ü 🎉"
expect_cell output/customers.csv id 60 updated_at "2024-01-01 01:00:00+00"
expect_cell output/city_stats.csv city city3 customers 6
expect_cell output/state.csv rows_loaded 60 watermark "2024-01-01 01:00:00+00"
[[ $(grep -c '"path":"/api/pages"' requests.jsonl) == 3 ]] || fail "first run: expected 3 page requests (25, 25, 10 records)"

# The API gains 15 customers and customer 3 changes; the second run asks only for what is new.
curl -sf -d "" -X POST "$SHOP_API_URL/_control/grow?count=15" >/dev/null
curl -sf -d "" -X POST "$SHOP_API_URL/_control/touch?ids=3" >/dev/null
: > requests.jsonl
sf pipeline run customers -q || fail "second run"
expect_rows output/customers.csv 75
expect_cell output/customers.csv id 3 name "user 3 ü v1"
expect_cell output/customers.csv id 75 updated_at "2024-01-01 01:15:00+00"
expect_cell output/state.csv watermark "2024-12-31 00:03:00+00" rows_loaded 17
grep -q 'updated_since=2024-01-01T01%3A00%3A00Z' requests.jsonl || fail "second run did not send the watermark"
echo "rest example ok"
