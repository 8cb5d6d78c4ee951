#!/usr/bin/env bash
# google_sheets read throughput (issue 13): a 100,000-row x 20-column tab served by `sqlflow-mockd sheets`
# (generated on the fly, plus the header row), read by `sqlflow pipeline run` with a service account whose key
# pair is made now with openssl. Prints the wall time of the run and the number of requests it made, from the
# mock's request log.
#   bench/sheets_bench.sh [ROWS] [BATCH_SIZE]        (defaults: 100000 10000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
MOCKD="$BUILD_DIR/tests/integration/mockd/sqlflow-mockd"
ROWS="${1:-100000}"
BATCH="${2:-10000}"
[[ -x "$SQLFLOW" && -x "$MOCKD" ]] || { echo "build first (scripts/build.sh)"; exit 2; }
WORK="$(mktemp -d)"
trap 'kill $MOCK_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/profiles" "$WORK/pipelines"
cd "$WORK"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.pem 2>/dev/null
openssl pkey -in sa.pem -pubout -out sa.pub.pem 2>/dev/null
cat > scenario.json <<JSON
{"sheets": {"spreadsheet_id": "bench", "title": "Bench",
  "auth": {"type": "service_account", "public_key_file": "sa.pub.pem", "client_email": "bench@x.iam.gserviceaccount.com"},
  "sheets": [{"title": "big", "generate": {"rows": $((ROWS + 1)), "columns": 20}}]}}
JSON
"$MOCKD" sheets --scenario scenario.json --port-file port --log requests.jsonl >/dev/null &
MOCK_PID=$!
for _ in $(seq 100); do [[ -s port ]] && break; sleep 0.05; done
BASE="http://127.0.0.1:$(cat port)"
python3 - "$BASE" <<'PY'
import json, sys
json.dump({"type": "service_account", "private_key": open("sa.pem").read(), "private_key_id": "k1",
           "client_email": "bench@x.iam.gserviceaccount.com", "token_uri": sys.argv[1] + "/token"}, open("sa.json", "w"))
PY
printf 'engines:\n  duckdb:\n    mode: persistent\n    path: target/bench.duckdb\n' > profiles/dev.yml
cat > pipelines/read.sf <<SF
SOURCE book TYPE google_sheets PARAMS {"spreadsheet_id": "bench", "base_url": "$BASE", "credentials_file": "sa.json",
                                       "batch_size": $BATCH};
LOAD big FROM book;
SF
start=$(date +%s.%N)
"$SQLFLOW" --project-dir . pipeline run read -q
end=$(date +%s.%N)
requests=$(wc -l < requests.jsonl)
values=$(grep -c '/values/' requests.jsonl || true)
printf 'rows=%s columns=20 batch_size=%s wall=%.2fs requests=%s (values.get=%s, metadata=%s, token=%s)\n' \
  "$ROWS" "$BATCH" "$(echo "$end - $start" | bc)" "$requests" "$values" \
  "$(grep -c '"path":"/v4/spreadsheets/bench"' requests.jsonl)" "$(grep -c '"path":"/token"' requests.jsonl)"
source "$ROOT/bench/lib.sh"
record "Sheets -> DuckDB, $ROWS x 20 in $values windows (one run)" "$(printf "%.2f" "$(echo "$end - $start" | bc)")" "-" "-" "none"
