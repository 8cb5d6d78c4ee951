#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf pipeline run catalog -q
expect_rows output/products.csv 5
expect_cell output/products.csv sku B2 price 5.25
expect_cell output/products.csv sku D4 name drum
expect_cell output/products.csv sku E5 price 45.0
if sf pipeline run bad_upsert 2>err.txt >/dev/null; then fail "expected failure"; fi
grep -q "SF605" err.txt || fail "expected SF605"
grep -q "A1" err.txt || fail "expected the duplicate key in the message"
expect_rows output/before.csv 3
[[ ! -e output/after.csv ]] || fail "a step after the failure ran"
