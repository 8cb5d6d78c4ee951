#!/usr/bin/env bash
# E-commerce analytics from the Shopify mock of sqlflow-mockd (built with the tests), over two runs: the second
# run loads only the orders created or updated since the first (an updated order is upserted, not duplicated).
# check.py recomputes every exported figure from the shop's API in plain Python and checks the request log.
source "$(dirname "$0")/../lib.sh"
MOCKD="${SQLFLOW_MOCKD:-$(dirname "$SQLFLOW")/tests/integration/mockd/sqlflow-mockd}"
if [[ ! -x "$MOCKD" ]]; then
  echo "SKIP shopify: $MOCKD not built (build the tests, or set SQLFLOW_MOCKD)"
  exit 0
fi
"$MOCKD" shopify --scenario scenario.json --port-file mockd.port --log requests.jsonl >/dev/null &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s mockd.port ]] && break; sleep 0.05; done
[[ -s mockd.port ]] || fail "sqlflow-mockd did not start"
export SHOPIFY_BASE_URL="http://127.0.0.1:$(cat mockd.port)"
export SHOPIFY_ACCESS_TOKEN=shpat_example_0a1b2c3d4e5f

out=$(sf pipeline run analytics 2>&1) || fail "first run: $out"
[[ "$out" != *"$SHOPIFY_ACCESS_TOKEN"* ]] || fail "the access token was printed"
python3 check.py 1 || fail "first run: figures or requests differ"
expect_rows output/changed_orders.csv 0

# The shop gets 120 new orders and two existing orders change; the second run asks only for what changed.
curl -sf -d "" -X POST "$SHOPIFY_BASE_URL/_control/grow?count=120" >/dev/null || fail "grow"
curl -sf -d "" -X POST "$SHOPIFY_BASE_URL/_control/touch?ids=4500000007,4500000042" >/dev/null || fail "touch"
: > requests.jsonl
out=$(sf pipeline run analytics 2>&1) || fail "second run: $out"
[[ "$out" != *"$SHOPIFY_ACCESS_TOKEN"* ]] || fail "the access token was printed"
python3 check.py 2 || fail "second run: figures or requests differ"
expect_cell output/loaded.csv table orders rows 1120
expect_cell output/changed_orders.csv id 4500000042 note "note v1"
echo "shopify example ok"
