#!/usr/bin/env bash
# Runs every benchmark of the project and prints one table: work, sqlflow, floor, ratio, peak memory.
# Each benchmark measures sqlflow and its floor (the same work done directly: DuckDB, psql, curl, /bin/true)
# side by side in the same invocation, as the median of REPEAT runs (default 5), and checks that both
# produced the same result before it reports a time. See bench/README.md for how to read the table.
#   bench/run_all.sh [--quick]
# --quick uses small sizes (a minute or two in all) to check that every benchmark works; the default sizes are
# those of the issues' targets and take much longer. Needs `make build` first; the PostgreSQL benchmark starts
# its own throwaway server, the S3 one s3rver, the REST and Sheets ones sqlflow-mockd.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
export BENCH_RESULTS
BENCH_RESULTS="$(mktemp)"
LOG_DIR="${BUILD_DIR:-$ROOT/build}/bench-logs"
mkdir -p "$LOG_DIR"
trap 'rm -f "$BENCH_RESULTS"' EXIT

if ((QUICK)); then
  RUNS=(
    "startup_bench.sh 20"
    "validate_bench.sh 5000"
    "csv_bench.sh 50"
    "upsert_bench.sh 1000000 100000"
    "pg_bench.sh 200000"
    "rest_bench.sh 20000"
    "s3_bench.sh 16 16"
    "sheets_bench.sh 20000 5000"
  )
else
  RUNS=(
    "startup_bench.sh"
    "validate_bench.sh"
    "csv_bench.sh 500"
    "upsert_bench.sh"
    "pg_bench.sh 2000000"
    "rest_bench.sh"
    "s3_bench.sh"
    "sheets_bench.sh"
  )
fi

failed=()
for run in "${RUNS[@]}"; do
  read -r script args <<<"$run"
  name="${script%.sh}"
  echo "== $run"
  # shellcheck disable=SC2086
  if ! "$ROOT/bench/$script" $args >"$LOG_DIR/$name.log" 2>&1; then
    failed+=("$name (see $LOG_DIR/$name.log)")
    tail -5 "$LOG_DIR/$name.log"
  fi
done

echo
python3 - "$BENCH_RESULTS" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
head = ["work", "sqlflow (s)", "floor (s)", "floor", "ratio", "peak MiB"]
table = [head] + [[r[0], r[1], r[2], r[5], r[3], r[4]] for r in rows]
widths = [max(len(row[i]) for row in table) for i in range(len(head))]
for k, row in enumerate(table):
    print(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
    if k == 0:
        print("-+-".join("-" * w for w in widths))
PY
echo "ratio = sqlflow time / floor time (below 1: sqlflow faster); median of ${REPEAT:-5} runs each"
for f in "${failed[@]}"; do echo "FAILED: $f"; done
((${#failed[@]} == 0))
