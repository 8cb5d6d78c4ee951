#!/usr/bin/env bash
# Runs every examples/*/run.sh; prints PASS/FAIL per example and "N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SQLFLOW="$(realpath "${SQLFLOW:-$ROOT/build/sqlflow}")"
passed=0; failed=0
for script in "$ROOT"/examples/*/run.sh; do
  name="$(basename "$(dirname "$script")")"
  if output=$(bash "$script" 2>&1); then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; echo "$output" | tail -20 | sed 's/^/    /'; failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
