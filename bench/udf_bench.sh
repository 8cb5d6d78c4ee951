#!/usr/bin/env bash
# Python UDF costs, side by side in one run (issue 12):
#   - f(x) = x * 2 + 1 on BIGINT over ROWS rows (default 10,000,000): plain SQL, a row-at-a-time UDF, a
#     vectorized UDF receiving numpy arrays and one receiving pandas Series;
#   - a table UDF that returns its 1,000,000-row input (the DataFrame round trip: table -> DataFrame ->
#     temporary table).
# Step times come from sqlflow's own step timing (interpreter start and discovery happen at compile time and
# are reported separately); peak RSS from /usr/bin/time. Each figure is the best of REPEAT runs (default 3).
# Targets: row UDF <= 150 ns/row; vectorized <= 3x plain SQL; vectorized peak RSS <= 1.2x plain SQL.
#   bench/udf_bench.sh [ROWS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
ROWS="${1:-10000000}"
TABLE_ROWS="${TABLE_ROWS:-1000000}"
REPEAT="${REPEAT:-3}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench-udf}"
[[ -x "$SQLFLOW" ]] || { echo "build first (make build)"; exit 2; }

rm -rf "$WORK" && mkdir -p "$WORK/profiles" "$WORK/pipelines" "$WORK/python_udfs"
cd "$WORK"
printf 'engines:\n  duckdb:\n    mode: memory\n' > profiles/dev.yml
cat > python_udfs/bench.py <<'PY'
import numpy as np
from sqlflow.udfs import python_scalar_udf, python_table_udf

@python_scalar_udf
def f_row(x: int) -> int:
    return x * 2 + 1

@python_scalar_udf(vectorized=True, return_type="BIGINT", param_types=["BIGINT"])
def f_numpy(x: np.ndarray):
    return x * 2 + 1

@python_scalar_udf(vectorized=True)
def f_series(x: int) -> int:
    return x * 2 + 1

@python_table_udf(output_schema={"id": "BIGINT", "v": "DOUBLE", "s": "VARCHAR"})
def passthrough(df):
    return df
PY
query() { echo "CREATE TABLE r AS SELECT sum($1) AS s FROM range($ROWS);"; }
query "range * 2 + 1" > pipelines/plain.sf
# The same plain query with Python and numpy loaded by a one-row UDF call: the memory floor of a UDF run.
{ echo "CREATE TABLE warm AS SELECT f_numpy(1) AS w;"; query "range * 2 + 1"; } > pipelines/plain_py.sf
query "f_row(range)" > pipelines/row.sf
query "f_numpy(range)" > pipelines/numpy.sf
query "f_series(range)" > pipelines/series.sf
cat > pipelines/table.sf <<SQL
CREATE TABLE src AS SELECT range AS id, range * 0.5 AS v, 'row ' || range AS s FROM range($TABLE_ROWS);
CREATE TABLE t AS SELECT * FROM PYTHON_FUNC('bench.passthrough', src);
CREATE TABLE copy AS SELECT * FROM src;
SQL

# measure NAME STEP_TARGET -> "seconds_of_step peak_kib total_seconds" (best of REPEAT by step time)
measure() {
  local best="" line
  for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%M %e" -o time.txt "$SQLFLOW" pipeline run "$1" > out.txt 2>&1 || { cat out.txt; exit 1; }
    local step
    step=$(grep -E "^\[[0-9]+/[0-9]+\] transform $2 \.\.\. ok" out.txt | sed -E 's/.*\(([0-9.]+)s\)$/\1/')
    line="$step $(cat time.txt)"
    if [[ -z "$best" ]] || awk -v a="$step" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best="$line"; fi
  done
  echo "$best"
}

read -r plain_s plain_kib plain_wall < <(measure plain r)
read -r plainpy_s plainpy_kib plainpy_wall < <(measure plain_py r)
read -r row_s row_kib row_wall < <(measure row r)
read -r np_s np_kib np_wall < <(measure numpy r)
read -r ser_s ser_kib ser_wall < <(measure series r)
read -r tab_s tab_kib tab_wall < <(measure table t)
read -r copy_s _ _ < <(measure table copy)

# The floor of a row-at-a-time UDF on this machine right now: the same function called from a Python loop.
py_ns=$(/usr/bin/python3 -c '
import time
def f(x): return x * 2 + 1
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    for i in range(2000000): f(i)
    best = min(best, (time.perf_counter() - t) / 2000000 * 1e9)
print("%.1f" % best)')

# All variants must compute the same sum.
sums=""
for p in plain row numpy series; do
  printf 'EXPORT SELECT s FROM r TO "sum_%s.csv";\n' "$p" >> "pipelines/$p.sf"
  "$SQLFLOW" pipeline run "$p" -q >/dev/null 2>&1
  sums="$sums $(tail -1 "sum_$p.csv")"
done
read -r s_plain s_row s_np s_ser <<<"$sums"
[[ "$s_plain" == "$s_row" && "$s_plain" == "$s_np" && "$s_plain" == "$s_ser" ]] \
  || { echo "sums differ: $sums"; exit 1; }
awk -v plain="$plain_s" -v plainpy="$plainpy_s" -v row="$row_s" -v np="$np_s" -v ser="$ser_s" -v tab="$tab_s" \
    -v copy="$copy_s" -v rows="$ROWS" -v trows="$TABLE_ROWS" -v pk="$plain_kib" -v ppk="$plainpy_kib" \
    -v pyns="$py_ns" -v rk="$row_kib" -v nk="$np_kib" -v sk="$ser_kib" -v tk="$tab_kib" 'BEGIN {
  printf "rows: %d (table UDF: %d), best of '"$REPEAT"' runs, step time without interpreter start\n", rows, trows
  printf "%-34s %10s %12s %10s %12s\n", "variant", "step s", "ns/row", "x plain", "peak MiB"
  printf "%-34s %10.3f %12.1f %10.2f %12.1f\n", "plain SQL x*2+1", plain, plain*1e9/rows, 1, pk/1024
  printf "%-34s %10.3f %12.1f %10.2f %12.1f\n", "plain SQL, Python+numpy loaded", plainpy, plainpy*1e9/rows, plainpy/plain, ppk/1024
  printf "%-34s %10.3f %12.1f %10.2f %12.1f\n", "UDF row at a time", row, row*1e9/rows, row/plain, rk/1024
  printf "%-34s %10.3f %12.1f %10.2f %12.1f\n", "UDF vectorized (numpy.ndarray)", np, np*1e9/rows, np/plain, nk/1024
  printf "%-34s %10.3f %12.1f %10.2f %12.1f\n", "UDF vectorized (pandas.Series)", ser, ser*1e9/rows, ser/plain, sk/1024
  printf "%-34s %10.3f %12.1f %10s %12.1f\n", "table UDF round trip (3 columns)", tab, tab*1e9/trows, "-", tk/1024
  printf "%-34s %10.3f %12.1f\n", "same table copied in SQL", copy, copy*1e9/trows
  printf "row UDF: %.1f ns/row (target <= 150); the same call in a Python loop here: %.1f ns\n", row*1e9/rows, pyns
  printf "vectorized numpy: %.2fx plain SQL (target <= 3)\n", np/plain
  printf "peak RSS vectorized / plain: %.2fx; vectorized / plain with Python+numpy loaded: %.2fx (target <= 1.2)\n", nk/pk, nk/ppk
}'
