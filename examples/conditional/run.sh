#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf pipeline run regional -q
expect_rows output/dev/report.csv 1
expect_cell output/dev/report.csv region all total 745.75
sf pipeline run regional -q --vars region=eu
expect_cell output/dev/report.csv region eu total 175.25
sf pipeline run regional -q -p prod
expect_rows output/prod/report.csv 3
sf pipeline run regional -q -p prod --vars '{"min_total": 200}'
expect_rows output/prod/report.csv 2
expect_cell output/prod/report.csv region apac total 300.0
# An undefined variable in a condition is a compile error and writes nothing.
rm -rf output
sed -i 's/${env}/${stage}/' pipelines/regional.sf
if sf pipeline run regional -q 2>err.txt; then fail "expected exit 2"; fi
grep -q "undefined variable \${stage}" err.txt || fail "missing SF201 message"
[[ ! -e output ]] || fail "output written despite compile error"
