#!/usr/bin/env bash
# The s3 connector against a local s3rver, side by side with the floor (issue 10):
#   read   LOAD of N objects (CSV)        vs  4 parallel curl GETs, then DuckDB reading the local files
#   write  EXPORT of a Parquet result     vs  DuckDB writing the Parquet file, then one curl PUT
# Prints wall times, the ratios (target <= 1.10) and sqlflow's peak RSS.
#   bench/s3_bench.sh [SIZE_MB] [OBJECTS]    default 64 MB in 64 objects (about a minute); 1024 for the 1 GB run
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SQLFLOW="$BUILD_DIR/sqlflow"
SIZE_MB="${1:-64}"
OBJECTS="${2:-64}"
PORT="${SQLFLOW_S3_BENCH_PORT:-18112}"
BUCKET="sqlflow-bench"
WORK="${BENCH_DIR:-$BUILD_DIR/s3-bench-work}"
[[ -x "$SQLFLOW" ]] || { echo "build first (make build)"; exit 2; }

"$ROOT/scripts/s3-test-server.sh" start "$PORT" "$BUCKET" >/dev/null
trap '"$ROOT/scripts/s3-test-server.sh" stop "$PORT" >/dev/null 2>&1' EXIT
ENDPOINT="http://127.0.0.1:$PORT"
rm -rf "$WORK"
mkdir -p "$WORK/project/profiles" "$WORK/project/pipelines" "$WORK/project/output" "$WORK/floor"
cd "$WORK/project"
cat > profiles/dev.yml <<YML
engines:
  duckdb:
    mode: memory
connectors:
  lake:
    type: s3
    params:
      endpoint_url: "$ENDPOINT"
      access_key_id: S3RVER
      secret_access_key: S3RVER
YML

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
peak_rss_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }
# curl's SigV4 needs x-amz-content-sha256 given explicitly (it does not add it).
EMPTY_SHA=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
sign=(--aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: $EMPTY_SHA")
put_sign=(--aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")

# ~60 bytes per row, OBJECTS objects via a partitioned EXPORT (one object per part value).
ROWS=$(( SIZE_MB * 1024 * 1024 / 60 ))
cat > pipelines/seed.sf <<SQL
EXPORT SELECT range AS event_id, 'user_' || (range % 100000) AS user_name, round((range % 10000) / 7.0, 2) AS amount,
              TIMESTAMP '2024-01-01' + INTERVAL (range % 31536000) SECOND AS event_ts, range % $OBJECTS AS part
  FROM range($ROWS) TO "s3://$BUCKET/events/" TYPE S3 OPTIONS {"format": "csv", "partition_by": ["part"]};
SQL
echo "seeding $SIZE_MB MB in $OBJECTS objects ..."
"$SQLFLOW" --project-dir . pipeline run seed -q
KEYS=$(curl -s "${sign[@]}" "$ENDPOINT/$BUCKET?list-type=2&prefix=events/" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g')
echo "$(echo "$KEYS" | wc -l) objects"

# ---- read
cat > pipelines/read.sf <<SQL
SOURCE ev FROM "lake" OPTIONS {"uri": "s3://$BUCKET/events/**/*.csv"};
LOAD events FROM ev;
SQL
t0=$(now); "$SQLFLOW" --project-dir . pipeline run read -q; t1=$(now)
read_sqlflow=$(elapsed "$t0" "$t1")
read_rss=$(peak_rss_mb "$SQLFLOW" --project-dir . pipeline run read -q)

cat > pipelines/floor_read.sf <<SQL
SOURCE ev TYPE CSV PARAMS {"path": "$WORK/floor/*.csv"};
LOAD events FROM ev;
SQL
t0=$(now)
echo "$KEYS" | awk '{print NR " " $0}' | xargs -P 4 -n 2 sh -c \
  "curl -s -f --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER -H 'x-amz-content-sha256: $EMPTY_SHA' -o '$WORK/floor/'\$0'.csv' '$ENDPOINT/$BUCKET/'\$1"
"$SQLFLOW" --project-dir . pipeline run floor_read -q
t1=$(now)
read_floor=$(elapsed "$t0" "$t1")

# ---- write
cat > pipelines/write.sf <<SQL
CREATE TABLE result AS SELECT range AS id, 'v' || range AS v, range * 1.5 AS x FROM range($ROWS);
EXPORT SELECT * FROM result TO "s3://$BUCKET/out/result.parquet" OPTIONS {"multipart_threshold_mb": 8, "part_size_mb": 8};
SQL
cat > pipelines/floor_write.sf <<SQL
CREATE TABLE result AS SELECT range AS id, 'v' || range AS v, range * 1.5 AS x FROM range($ROWS);
EXPORT SELECT * FROM result TO "$WORK/floor/result.parquet";
SQL
t0=$(now); "$SQLFLOW" --project-dir . pipeline run write -q; t1=$(now)
write_sqlflow=$(elapsed "$t0" "$t1")
t0=$(now)
"$SQLFLOW" --project-dir . pipeline run floor_write -q
curl -s -f "${put_sign[@]}" -T "$WORK/floor/result.parquet" "$ENDPOINT/$BUCKET/floor/result.parquet" >/dev/null
t1=$(now)
write_floor=$(elapsed "$t0" "$t1")

printf '%-8s %10s %10s %7s\n' step sqlflow floor ratio
printf '%-8s %9ss %9ss %7s\n' read "$read_sqlflow" "$read_floor" "$(ratio "$read_sqlflow" "$read_floor")"
printf '%-8s %9ss %9ss %7s\n' write "$write_sqlflow" "$write_floor" "$(ratio "$write_sqlflow" "$write_floor")"
echo "sqlflow read peak RSS: ${read_rss} MB ($SIZE_MB MB in $OBJECTS objects)"
source "$ROOT/bench/lib.sh"
record "S3 read, $SIZE_MB MB in $OBJECTS objects (one run)" "$read_sqlflow" "$read_floor" "$read_rss" "4 x curl GET + DuckDB"
record "S3 write, Parquet by multipart (one run)" "$write_sqlflow" "$write_floor" "-" "DuckDB + curl PUT"
