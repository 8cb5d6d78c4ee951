#!/usr/bin/env bash
# Starts a local S3-compatible server (s3rver, scripts/s3-test-server.sh), seeds a bucket with CSV and
# Parquet objects, loads them, transforms, exports partitioned Parquet back to S3 and checks what it reads back.
ROOT_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${SQLFLOW_S3_EXAMPLE_PORT:-18111}"
if ! "$ROOT_DIR/scripts/s3-test-server.sh" start "$PORT" sqlflow-example >/dev/null 2>&1; then
  echo "SKIP s3: s3rver could not start (run scripts/install-deps.sh)"
  exit 0
fi
source "$(dirname "$0")/../lib.sh"
trap '"$ROOT_DIR/scripts/s3-test-server.sh" stop "$PORT" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
export S3_ENDPOINT="http://127.0.0.1:$PORT" S3_SECRET=S3RVER
sf pipeline run seed -q
sf pipeline run lake -q
sf pipeline run check -q
expect_rows output/totals.csv 4
expect_cell output/totals.csv customer ada orders 2
expect_cell output/totals.csv customer ada total 17.5
expect_cell output/totals.csv customer grace total 50.0
expect_cell output/objects.csv customers 4 objects 2
echo "s3 example: 6 orders loaded from 3 objects, 4 customer totals in 2 partitions read back"
