#!/usr/bin/env bash
# UPSERT of NEW_ROWS rows (half of them updates of existing keys, half new keys) into a persistent table of
# BASE_ROWS rows: `LOAD items FROM src MODE UPSERT KEY id` from a Parquet file, vs the floor, the same work
# done directly in DuckDB (bench/duckdb_baseline): DELETE the matching keys, INSERT the batch, in one
# transaction; a second floor also makes sqlflow's key checks (NULL keys, repeated keys). Each run starts
# from a copy of the same database file (the copy is not timed). Checks both results are the same table.
# Median of REPEAT runs (default 5).
#   bench/upsert_bench.sh [BASE_ROWS] [NEW_ROWS]     (defaults: 10000000 1000000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
BASELINE="$BUILD_DIR/bench/duckdb_baseline"
BASE_ROWS="${1:-10000000}"
NEW_ROWS="${2:-1000000}"
source "$ROOT/bench/lib.sh"
[[ -x "$SQLFLOW" && -x "$BASELINE" ]] || { echo "build first (make build)"; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/profiles" "$WORK/pipelines" "$WORK/data" "$WORK/target"
cd "$WORK"
printf 'engines:\n  duckdb:\n    mode: persistent\n    path: target/run.duckdb\n' > profiles/dev.yml

cat > gen.sql <<SQL
CREATE TABLE items AS SELECT range AS id, 'name ' || range AS name, (range % 1000) / 10.0 AS price,
  TIMESTAMP '2024-01-01' + INTERVAL (range % 100000) SECOND AS updated_at FROM range($BASE_ROWS);
COPY (SELECT range + $BASE_ROWS - $NEW_ROWS / 2 AS id, 'new ' || range AS name, 1.5 AS price,
  TIMESTAMP '2025-01-01' AS updated_at FROM range($NEW_ROWS)) TO 'data/batch.parquet' (FORMAT parquet);
SQL
"$BASELINE" gen.sql base.duckdb >/dev/null 2>gen.log || { cat gen.log; exit 1; }
cat > pipelines/upsert.sf <<'SF'
SOURCE src TYPE PARQUET PARAMS {"path": "data/batch.parquet"};
LOAD items FROM src MODE UPSERT KEY id;
SF
cat > floor.sql <<'SQL'
BEGIN;
CREATE TEMP TABLE batch AS SELECT * FROM read_parquet('data/batch.parquet');
DELETE FROM items WHERE id IN (SELECT id FROM batch);
INSERT INTO items SELECT * FROM batch;
COMMIT;
SQL
# The same work plus the checks sqlflow makes before it merges (§9.4): no NULL key, no key twice in the batch.
cat > floor_checked.sql <<'SQL'
BEGIN;
CREATE TEMP TABLE batch AS SELECT * FROM read_parquet('data/batch.parquet');
SELECT count(*) FROM batch WHERE id IS NULL;
SELECT count(*) - count(DISTINCT id) FROM batch;
DELETE FROM items WHERE id IN (SELECT id FROM batch);
INSERT INTO items SELECT * FROM batch;
COMMIT;
SQL

one_run() {  # one_run OUT_VAR DB CMD...: copies base.duckdb to DB, times CMD; appends "seconds rss_kb"
  local out="$1" db="$2"; shift 2
  rm -f "$db" "$db.wal"; cp base.duckdb "$db"
  /usr/bin/time -f "%e %M" -o time.txt "$@" >run.log 2>&1 || { cat run.log; exit 1; }
  cat time.txt >>"$out"
}
: >ours.txt; : >floor.txt; : >checked.txt
for ((i = 0; i < REPEAT; i++)); do
  one_run ours.txt target/run.duckdb "$SQLFLOW" -q pipeline run upsert
  one_run floor.txt floor.duckdb "$BASELINE" floor.sql floor.duckdb
  one_run checked.txt checked.duckdb "$BASELINE" floor_checked.sql checked.duckdb
done
median() { sort -n -k1,1 "$1" | sed -n "$(((REPEAT + 1) / 2))p"; }
read -r ours_s ours_kb <<<"$(median ours.txt)"
read -r floor_s _ <<<"$(median floor.txt)"
read -r checked_s _ <<<"$(median checked.txt)"

cat > check.sql <<'SQL'
ATTACH 'target/run.duckdb' AS a (READ_ONLY);
ATTACH 'floor.duckdb' AS b (READ_ONLY);
CREATE TABLE diff AS SELECT (SELECT count(*) FROM a.items) AS na, (SELECT count(*) FROM b.items) AS nb,
  (SELECT count(*) FROM (SELECT id, name, price, updated_at FROM a.items EXCEPT
                         SELECT id, name, price, updated_at FROM b.items)) AS differ;
COPY diff TO 'diff.csv' (HEADER false);
SQL
"$BASELINE" check.sql >/dev/null 2>check.log || { cat check.log; exit 1; }
IFS=, read -r na nb differ < diff.csv
expected=$((BASE_ROWS + NEW_ROWS / 2 + NEW_ROWS % 2))
[[ "$na" == "$nb" && "$differ" == "0" && "$na" == "$expected" ]] ||
  { echo "results differ: sqlflow $na rows, floor $nb rows, $differ differing, expected $expected"; exit 1; }
echo "upsert $NEW_ROWS into $BASE_ROWS: both give $na rows, identical"
record "UPSERT $NEW_ROWS into $BASE_ROWS rows" "$ours_s" "$floor_s" "$((ours_kb / 1024))" "DuckDB DELETE+INSERT"
record "UPSERT $NEW_ROWS into $BASE_ROWS rows" "$ours_s" "$checked_s" "$((ours_kb / 1024))" \
  "DuckDB DELETE+INSERT with the same key checks"
