#!/usr/bin/env bash
# REST → LOAD with sqlflow vs. the floor (the same pages fetched with curl into files, then DuckDB's read_json
# of those files), side by side, against sqlflow-mockd on loopback. Prints wall time, peak RSS and the ratios.
#   bench/rest_bench.sh [RECORDS]    (default 100000 in 100 pages; the issue's full size: 1000000 = 1000 pages)
# Records have nested objects, text, timestamps and numbers; 1000 records per page.
# Targets (issue 11): sqlflow wall time <= 1.10 x the floor; sqlflow peak RSS < 300 MB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
BASELINE="$BUILD_DIR/bench/duckdb_baseline"
MOCKD="$BUILD_DIR/tests/integration/mockd/sqlflow-mockd"
RECORDS="${1:-100000}"
PAGE_SIZE=1000
PAGES=$(( (RECORDS + PAGE_SIZE - 1) / PAGE_SIZE ))
WORK="${BENCH_DIR:-$BUILD_DIR/bench-rest}"
[[ -x "$SQLFLOW" && -x "$BASELINE" && -x "$MOCKD" ]] ||
  { echo "build first: sqlflow, bench/duckdb_baseline and tests/integration/mockd/sqlflow-mockd"; exit 2; }

rm -rf "$WORK"
mkdir -p "$WORK/profiles" "$WORK/pipelines" "$WORK/output" "$WORK/pages"
cd "$WORK"
echo "{\"rest\": {\"records\": $RECORDS, \"page_size\": $PAGE_SIZE}}" > scenario.json
"$MOCKD" rest --scenario scenario.json --port-file mockd.port >/dev/null &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null' EXIT
for _ in $(seq 100); do [[ -s mockd.port ]] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat mockd.port)/api/link"

printf 'engines:\n  duckdb:\n    mode: memory\n' > profiles/dev.yml
cat > pipelines/load.sf <<SF
SOURCE items_api TYPE REST PARAMS {"url": "$URL?per_page=$PAGE_SIZE", "pagination": {"type": "link_header"}};
LOAD items FROM items_api;
EXPORT SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(score) AS score FROM items TO "output/sqlflow.csv";
SF
cat > floor.sql <<SQL
CREATE TABLE items AS SELECT * FROM read_json('pages/*.json', format = 'array');
COPY (SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(score) AS score FROM items) TO 'output/floor.csv' (HEADER);
SQL

source "$ROOT/bench/lib.sh"
# timed CMD... -> "seconds peak_kb" of the median of REPEAT runs (bench/lib.sh measure)
timed() {
  measure "$@"
  echo "$MED_S $((MED_RSS_MB * 1024))"
}

echo "$RECORDS records in $PAGES pages of $PAGE_SIZE from $URL"
read -r s_sec s_rss < <(timed "$SQLFLOW" -q pipeline run load)
read -r c_sec c_rss < <(timed curl -sf -o "pages/p#1.json" "$URL?page=[1-$PAGES]&per_page=$PAGE_SIZE")
read -r d_sec d_rss < <(timed "$BASELINE" floor.sql)
[[ "$(tail -1 output/sqlflow.csv)" == "$(tail -1 output/floor.csv)" ]] ||
  { echo "results differ: $(tail -1 output/sqlflow.csv) vs $(tail -1 output/floor.csv)"; exit 1; }
awk -v ss="$s_sec" -v sr="$s_rss" -v cs="$c_sec" -v cr="$c_rss" -v ds="$d_sec" -v dr="$d_rss" -v n="$RECORDS" 'BEGIN {
  floor = cs + ds; floor_rss = (cr > dr ? cr : dr);
  printf "sqlflow LOAD          %7.2fs  peak %7.1f MiB  (%d records/s)\n", ss, sr / 1024, n / ss;
  printf "floor curl + read_json %7.2fs  peak %7.1f MiB  (curl %.2fs, read_json %.2fs)\n", floor, floor_rss / 1024, cs, ds;
  printf "time ratio %.3f (target <= 1.10); sqlflow peak RSS %.1f MiB (target < 300)\n", ss / floor, sr / 1024 }'
echo "rows checked: $(tail -1 output/sqlflow.csv)"
record "REST -> DuckDB, $RECORDS records in $PAGES pages" "$s_sec" "$(awk -v a="$c_sec" -v b="$d_sec" 'BEGIN{print a + b}')" \
  "$((s_rss / 1024))" "curl + read_json"
