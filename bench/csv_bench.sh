#!/usr/bin/env bash
# CSV -> LOAD -> aggregate -> EXPORT CSV, and a Parquet export, with sqlflow and with the same SQL run
# directly on DuckDB (bench/duckdb_baseline), side by side. Prints wall time, peak RSS and the ratios.
#   bench/csv_bench.sh [SIZE_MB]     (default 1100: a CSV of at least 1 GB)
# Targets (issue 4): sqlflow within 1.10x of the baseline's wall time, peak memory within 1.2x.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
BASELINE="$BUILD_DIR/bench/duckdb_baseline"
SIZE_MB="${1:-1100}"
WORK="${BENCH_DIR:-$ROOT/build/bench-work}"
source "$ROOT/bench/lib.sh"
[[ -x "$SQLFLOW" && -x "$BASELINE" ]] || { echo "build first (make build)"; exit 2; }

mkdir -p "$WORK/project/profiles" "$WORK/project/pipelines" "$WORK/project/data" "$WORK/project/output"
cd "$WORK/project"
cat > profiles/dev.yml <<'YML'
engines:
  duckdb:
    mode: memory
YML

# ~60 bytes per row.
ROWS=$(( SIZE_MB * 1024 * 1024 / 60 ))
if [[ ! -f data/events.csv ]] || [[ "$(cat data/.rows 2>/dev/null)" != "$ROWS" ]]; then
  echo "generating data/events.csv with $ROWS rows ..."
  cat > /tmp/sqlflow_bench_gen.sql <<SQL
COPY (SELECT range AS event_id,
             'user_' || (range % 100000) AS user_name,
             ['click','view','buy','share'][(range % 4) + 1] AS action,
             round((range % 10000) / 7.0, 2) AS amount,
             TIMESTAMP '2024-01-01' + INTERVAL (range % 31536000) SECOND AS event_ts,
             'region_' || (range % 17) AS region
      FROM range($ROWS)) TO 'data/events.csv' (HEADER)
SQL
  "$BASELINE" /tmp/sqlflow_bench_gen.sql
  echo "$ROWS" > data/.rows
fi
ls -l data/events.csv

cat > pipelines/csv_agg.sf <<'SF'
SOURCE events_src TYPE CSV PARAMS {"path": "data/events.csv"};
LOAD events FROM events_src;
CREATE TABLE by_region AS
  SELECT region, action, COUNT(*) AS n, SUM(amount) AS total, MAX(event_ts) AS last_ts
  FROM events GROUP BY region, action;
EXPORT SELECT * FROM by_region ORDER BY region, action TO "output/by_region.csv";
SF
cat > pipelines/parquet_export.sf <<'SF'
EXPORT SELECT * FROM read_csv('data/events.csv') TO "output/events.parquet";
SF
# The baseline runs exactly the scan sqlflow generates for this SOURCE (see `sqlflow -v pipeline run`).
cat > baseline_csv_agg.sql <<'SQL'
CREATE TABLE events AS SELECT * FROM read_csv(['data/events.csv'], header = true, delim = ',', quote = '"', escape = '"', encoding = 'utf-8', nullstr = [''], skip = 0, null_padding = true, ignore_errors = false, strict_mode = true, compression = 'auto', allow_quoted_nulls = false, union_by_name = false, filename = false, all_varchar = false, sample_size = 20480, auto_detect = true);
;
CREATE TABLE by_region AS SELECT region, action, COUNT(*) AS n, SUM(amount) AS total, MAX(event_ts) AS last_ts FROM events GROUP BY region, action;
;
COPY (SELECT * FROM by_region ORDER BY region, action) TO 'output/baseline_by_region.csv' (HEADER);
SQL
cat > baseline_parquet_export.sql <<'SQL'
COPY (SELECT * FROM read_csv('data/events.csv')) TO 'output/baseline_events.parquet' (FORMAT parquet);
SQL

# pair OURS_CMD FLOOR_CMD: prints "sqlflow seconds peak_kb" and "duckdb seconds peak_kb" (two lines), the
# medians of REPEAT alternating runs (bench/lib.sh measure_pair).
pair() {
  measure_pair "$1" "$2"
  echo "sqlflow $MED_A_S $((MED_A_RSS_MB * 1024))"
  echo "duckdb $MED_B_S $((MED_B_RSS_MB * 1024))"
}

report() {
  local name="$1" ours="$2" base="$3"
  read -r _ s_sec s_rss <<<"$ours"; read -r _ b_sec b_rss <<<"$base"
  awk -v n="$name" -v ss="$s_sec" -v sr="$s_rss" -v bs="$b_sec" -v br="$b_rss" 'BEGIN {
    printf "%-16s sqlflow %7.2fs %8.1f MiB | duckdb %7.2fs %8.1f MiB | time ratio %.3f (target <= 1.10) | memory ratio %.3f (target <= 1.20)\n",
      n, ss, sr/1024, bs, br/1024, ss/bs, sr/br }'
  record "$name ($SIZE_MB MB CSV)" "$s_sec" "$b_sec" "$((s_rss / 1024))" "same SQL on DuckDB"
}

both=$(pair "'$SQLFLOW' -q pipeline run csv_agg" "'$BASELINE' baseline_csv_agg.sql")
ours=$(sed -n 1p <<<"$both"); base=$(sed -n 2p <<<"$both")
python3 - output/by_region.csv output/baseline_by_region.csv <<'PY' || { echo "outputs differ"; exit 1; }
import csv, math, sys
a, b = (sorted(csv.reader(open(p))) for p in sys.argv[1:3])
def same(x, y):
    try: return math.isclose(float(x), float(y), rel_tol=1e-9)
    except ValueError: return x == y
sys.exit(0 if len(a) == len(b) and all(len(r) == len(s) and all(map(same, r, s)) for r, s in zip(a, b)) else 1)
PY
report csv_agg "$ours" "$base"
both=$(pair "'$SQLFLOW' -q pipeline run parquet_export" "'$BASELINE' baseline_parquet_export.sql")
ours=$(sed -n 1p <<<"$both"); base=$(sed -n 2p <<<"$both")
report parquet_export "$ours" "$base"
