#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf pipeline run to_parquet -q
[[ -f output/readings.parquet ]] || fail "no parquet file"
[[ -d output/by_site/site=north ]] || fail "no partition directory"
sf pipeline run from_parquet -q
expect_rows output/picked.csv 4
head -1 output/picked.csv | grep -qx 'sensor,reading' || fail "column selection not applied"
expect_cell output/sites.csv site north n 3
expect_cell output/sites.csv site south total 25.25
