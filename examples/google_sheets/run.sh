#!/usr/bin/env bash
# Reads two tabs of a spreadsheet from the Sheets mock of sqlflow-mockd (built with the tests) with a
# service account whose key pair is generated now with openssl, joins them with a CSV and exports.
source "$(dirname "$0")/../lib.sh"
MOCKD="${SQLFLOW_MOCKD:-$(dirname "$SQLFLOW")/tests/integration/mockd/sqlflow-mockd}"
if [[ ! -x "$MOCKD" ]]; then
  echo "SKIP google_sheets: $MOCKD not built (build the tests, or set SQLFLOW_MOCKD)"
  exit 0
fi
mkdir -p keys
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/sa.pem 2>/dev/null || fail "openssl genpkey"
openssl pkey -in keys/sa.pem -pubout -out keys/sa.pub.pem 2>/dev/null || fail "openssl pkey"
"$MOCKD" sheets --scenario scenario.json --port-file mockd.port --log requests.jsonl >/dev/null &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s mockd.port ]] && break; sleep 0.05; done
[[ -s mockd.port ]] || fail "sqlflow-mockd did not start"
export SHEETS_API_URL="http://127.0.0.1:$(cat mockd.port)"
# The service-account JSON as Google issues it, with token_uri pointing at the mock's token endpoint.
python3 - "$SHEETS_API_URL" <<'PY'
import json, sys
key = open("keys/sa.pem").read()
json.dump({"type": "service_account", "project_id": "demo-project", "private_key_id": "0123abcd",
           "private_key": key, "client_email": "sqlflow-reader@demo-project.iam.gserviceaccount.com",
           "client_id": "100200300", "token_uri": sys.argv[1] + "/token"},
          open("keys/service-account.json", "w"), indent=2)
PY

out=$(sf pipeline run sales 2>&1) || fail "run: $out"
[[ "$out" != *"PRIVATE KEY"* && "$out" != *ya29.* ]] || fail "a secret was printed"
expect_rows output/orders.csv 6
expect_cell output/orders.csv order_id 1004 name "Zoë Müller"
expect_cell output/orders.csv order_id 1004 note 'bulk, "rush"'
expect_cell output/orders.csv order_id 1006 amount ""
expect_cell output/orders.csv order_id 1001 ordered_on "2024-01-15"
expect_cell output/region_sales.csv region_name Europe orders 3
expect_cell output/region_sales.csv region_name Europe revenue 462.75
expect_cell output/region_sales.csv region_name "United States" revenue 80.0
expect_cell output/region_sales.csv region_name "United Kingdom" first_order "2024-03-01"
# One token for the run; per tab: metadata, header, one window (no request repeated or wasted).
[[ $(grep -c '"path":"/token"' requests.jsonl) == 1 ]] || fail "expected one token request"
[[ $(grep -c '"path":"/v4/spreadsheets/1SalesDemoBook_x9"' requests.jsonl) == 2 ]] || fail "expected 2 metadata requests"
[[ $(grep -c '/values/' requests.jsonl) == 4 ]] || fail "expected 4 values requests"
echo "google_sheets example ok"
