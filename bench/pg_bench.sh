#!/usr/bin/env bash
# PostgreSQL <-> DuckDB throughput of the postgres connector, side by side with the floor: psql's
# `\copy ... to/from` doing the same transfer (issue 5).
#   bench/pg_bench.sh [ROWS ...]        (default: 1000000 5000000)
# Uses $SQLFLOW_TEST_PG_DSN / PG* when set, else starts scripts/pg-test-server.sh on port 55439 (stopped at
# exit). Per size it builds a mixed-type table (bigint, integer, numeric(12,2), double, text, timestamptz,
# date, boolean) and measures:
#   read:  sqlflow LOADs the table into a memory database and exports its count, vs `\copy t to FILE`
#   write: sqlflow EXPORTs the same rows from a DuckDB file into an empty table, vs `\copy t from FILE`
# and prints rows/s of each, the ratio sqlflow/floor (throughput; target >= 0.8) and sqlflow's peak RSS
# (target < 300 MB at 5 M rows). The read runs twice: into a memory database without a limit (its RSS is
# mostly the loaded table itself) and with engines.duckdb.memory_limit = $READ_MEMORY_LIMIT (default 100MB),
# where DuckDB spills the table to its temp directory and the RSS shows what the transfer itself needs.
# Every figure is the median of REPEAT runs (default 5), floor and sqlflow measured in the same invocation.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="${SQLFLOW:-$BUILD_DIR/sqlflow}"
WORK="${BENCH_DIR:-$BUILD_DIR/pg-bench-work}"
source "$ROOT/bench/lib.sh"
READ_MEMORY_LIMIT="${READ_MEMORY_LIMIT:-100MB}"
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000000 5000000)
[[ -x "$SQLFLOW" ]] || { echo "build first: $SQLFLOW not found"; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is needed (apt-get install time)"; exit 2; }

if [[ -z "${SQLFLOW_TEST_PG_DSN:-}" ]]; then
  PORT=55439
  trap '"$ROOT/scripts/pg-test-server.sh" stop $PORT >/dev/null 2>&1 || true' EXIT
  eval "$("$ROOT/scripts/pg-test-server.sh" start $PORT | grep '^export')"
fi
DSN="$SQLFLOW_TEST_PG_DSN"
PSQL=(psql "$DSN" -qAtX -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"

rm -rf "$WORK"
mkdir -p "$WORK/project/profiles" "$WORK/project/pipelines" "$WORK/project/output"
WORK="$(cd "$WORK" && pwd)"
SQLFLOW="$(cd "$(dirname "$SQLFLOW")" && pwd)/$(basename "$SQLFLOW")"
cd "$WORK/project"
cat > profiles/dev.yml <<YML
engines:
  duckdb:
    mode: memory
connectors:
  pg:
    type: postgres
    params:
      uri: "$DSN"
YML
cat > profiles/limited.yml <<YML
engines:
  duckdb:
    mode: memory
    memory_limit: $READ_MEMORY_LIMIT
connectors:
  pg:
    type: postgres
    params:
      uri: "$DSN"
YML
cat > profiles/file.yml <<YML
engines:
  duckdb:
    mode: persistent
    path: $WORK/bench.duckdb
connectors:
  pg:
    type: postgres
    params:
      uri: "$DSN"
YML

# best_of CMD...: the median run of CMD (bench/lib.sh measure); sets BEST_S and BEST_RSS_MB.
best_of() {
  measure "$@"
  BEST_S=$MED_S
  BEST_RSS_MB=$MED_RSS_MB
}

rate() { awk "BEGIN{printf \"%.0f\", $1 / ($2 > 0 ? $2 : 0.001)}"; }
ratio() { awk "BEGIN{printf \"%.2f\", ($2 > 0 ? $2 : 0.001) / ($1 > 0 ? $1 : 0.001)}"; }  # floor_s / sqlflow_s

printf "%-12s %9s %10s %12s %10s %12s %7s %9s\n" direction rows floor_s floor_rows/s sqlflow_s sqlflow_rows/s ratio peak_MB
for ROWS in "${SIZES[@]}"; do
  T="pg_bench_$ROWS"
  "${PSQL[@]}" -c "DROP TABLE IF EXISTS $T, ${T}_floor, ${T}_out;
    CREATE TABLE $T AS SELECT g::bigint AS id, (g % 1000)::integer AS qty, round((g % 100000) / 7.0, 2)::numeric(12,2) AS amount,
      g / 3.0::double precision AS ratio, 'customer ' || (g % 50000) || ' note ' || md5(g::text) AS name,
      '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second' AS created_at,
      '2020-01-01'::date + (g % 2000) AS day, g % 3 = 0 AS active
    FROM generate_series(1, $ROWS) g;
    CREATE TABLE ${T}_floor (LIKE $T); CREATE TABLE ${T}_out (LIKE $T);" -c "VACUUM ANALYZE $T"

  # Read: PostgreSQL -> DuckDB.
  cat > pipelines/read.sf <<SF
SOURCE src FROM "pg" OPTIONS {"table": "$T"};
LOAD items FROM src;
EXPORT SELECT count(*) AS n FROM items TO "output/count.csv";
SF
  best_of psql "$DSN" -qX -c "\\copy $T to '$WORK/floor.txt'"
  floor_s=$BEST_S
  best_of "$SQLFLOW" -q pipeline run read
  [[ "$(tail -1 output/count.csv)" == "$ROWS" ]] || { echo "read count mismatch: $(cat output/count.csv)"; exit 1; }
  printf "%-12s %9d %10.2f %12s %10.2f %12s %7s %9s\n" read "$ROWS" "$floor_s" "$(rate "$ROWS" "$floor_s")" \
    "$BEST_S" "$(rate "$ROWS" "$BEST_S")" "$(ratio "$BEST_S" "$floor_s")" "$BEST_RSS_MB"
  record "PostgreSQL -> DuckDB, $ROWS rows" "$BEST_S" "$floor_s" "$BEST_RSS_MB" "psql \\copy to"
  best_of "$SQLFLOW" -q pipeline run read --profile limited
  [[ "$(tail -1 output/count.csv)" == "$ROWS" ]] || { echo "read count mismatch: $(cat output/count.csv)"; exit 1; }
  printf "%-12s %9d %10.2f %12s %10.2f %12s %7s %9s\n" "read-limited" "$ROWS" "$floor_s" "$(rate "$ROWS" "$floor_s")" \
    "$BEST_S" "$(rate "$ROWS" "$BEST_S")" "$(ratio "$BEST_S" "$floor_s")" "$BEST_RSS_MB"

  # Write: DuckDB -> PostgreSQL. The rows are first loaded into a DuckDB file (not timed).
  rm -f "$WORK/bench.duckdb" "$WORK/bench.duckdb.wal"
  "$SQLFLOW" -q pipeline run read --profile file >/dev/null
  cat > pipelines/write.sf <<SF
EXPORT SELECT * FROM items TO pg OPTIONS {"table": "${T}_out"};
SF
  best_of psql "$DSN" -qX -c "TRUNCATE ${T}_floor" -c "\\copy ${T}_floor from '$WORK/floor.txt'"
  floor_s=$BEST_S
  best_of "$SQLFLOW" -q pipeline run write --profile file
  [[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${T}_out")" == "$ROWS" ]] || { echo "write count mismatch"; exit 1; }
  same=$("${PSQL[@]}" -c "SELECT count(*) FROM (SELECT * FROM $T EXCEPT SELECT * FROM ${T}_out) d")
  [[ "$same" == "0" ]] || { echo "written rows differ from the source table ($same rows)"; exit 1; }
  printf "%-12s %9d %10.2f %12s %10.2f %12s %7s %9s\n" write "$ROWS" "$floor_s" "$(rate "$ROWS" "$floor_s")" \
    "$BEST_S" "$(rate "$ROWS" "$BEST_S")" "$(ratio "$BEST_S" "$floor_s")" "$BEST_RSS_MB"
  record "DuckDB -> PostgreSQL, $ROWS rows" "$BEST_S" "$floor_s" "$BEST_RSS_MB" "psql \\copy from"
  "${PSQL[@]}" -c "DROP TABLE $T, ${T}_floor, ${T}_out"
done
echo "ratio = floor time / sqlflow time (throughput relative to psql \\copy); target >= 0.80; peak_MB target < 300"
echo "read-limited: engines.duckdb.memory_limit = $READ_MEMORY_LIMIT (the loaded table spills to DuckDB's temp directory)"
