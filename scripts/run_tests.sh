#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts the test servers, runs every suite
# (unit tests and end-to-end cases under ctest, the public acceptance cases, the example projects) and ends
# with one line "N passed, M failed". Exit status 0 only when nothing failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
LOG_DIR="$BUILD_DIR/test-logs"

scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$LOG_DIR"

passed=0
failed=0
failures=()

cleanup() { [[ -x scripts/test-servers.sh ]] && scripts/test-servers.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [[ -x scripts/test-servers.sh ]]; then
  scripts/test-servers.sh start || echo "warning: some test servers did not start (see above)"
  if [[ -f "$BUILD_DIR/test-servers.env" ]]; then set -a; source "$BUILD_DIR/test-servers.env"; set +a; fi
fi

# count_ctest LOG NAME: adds the counts of a ctest summary line to the totals.
count_ctest() {
  local summary total nfail
  summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$1" | tail -1)
  if [[ -n "$summary" ]]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")
    nfail=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
    passed=$((passed + total - nfail)); failed=$((failed + nfail))
    ((nfail > 0)) && failures+=("$2: $nfail failed (see $1)")
  else
    failed=$((failed + 1)); failures+=("$2 did not run (see $1)")
  fi
}

# 1. ctest: unit tests (one ctest entry per GoogleTest case) and our own end-to-end cases.
echo "== ctest (unit + end-to-end)"
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 900 -LE integration) | tee "$LOG_DIR/ctest.log" | \
  grep -E "tests passed|\*\*\*(Failed|Timeout|Exception)" || true
count_ctest "$LOG_DIR/ctest.log" ctest

# 2. Integration tests against the real servers.
echo "== integration tests (real PostgreSQL)"
BUILD_DIR="$BUILD_DIR" scripts/run_integration_tests.sh >"$LOG_DIR/integration.log" 2>&1
grep -E "tests passed|\*\*\*(Failed|Timeout|Exception)" "$LOG_DIR/integration.log" || true
count_ctest "$LOG_DIR/integration.log" integration

# 3. The public acceptance cases (the shared copy when present, else the vendored copy).
ACCEPTANCE_DIR="${SQLFLOW_ACCEPTANCE_DIR:-}"
if [[ -z "$ACCEPTANCE_DIR" ]]; then
  if [[ -f "$ROOT/../shared/acceptance/run_cases.py" ]]; then ACCEPTANCE_DIR="$ROOT/../shared/acceptance"
  else ACCEPTANCE_DIR="$ROOT/tests/acceptance"; fi
fi
echo "== acceptance cases ($ACCEPTANCE_DIR)"
python3 "$ACCEPTANCE_DIR/run_cases.py" --sqlflow "$BUILD_DIR/sqlflow" -j 2 -v "$ACCEPTANCE_DIR" \
  >"$LOG_DIR/acceptance.log" 2>&1
grep -E "^(PASS|FAIL)" "$LOG_DIR/acceptance.log"
line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG_DIR/acceptance.log" | tail -1)
if [[ -n "$line" ]]; then
  p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f))
  ((f > 0)) && failures+=("acceptance: $f failed (see $LOG_DIR/acceptance.log)")
else
  failed=$((failed + 1)); failures+=("acceptance runner did not finish")
fi

# 4. Example projects: each run.sh checks its own outputs.
if [[ -x scripts/run_all_examples.sh ]]; then
  echo "== examples"
  SQLFLOW="$BUILD_DIR/sqlflow" scripts/run_all_examples.sh >"$LOG_DIR/examples.log" 2>&1
  grep -E "^(PASS|FAIL)" "$LOG_DIR/examples.log"
  p=$(grep -c "^PASS" "$LOG_DIR/examples.log"); f=$(grep -c "^FAIL" "$LOG_DIR/examples.log")
  passed=$((passed + p)); failed=$((failed + f))
  ((f > 0)) && failures+=("examples: $f failed (see $LOG_DIR/examples.log)")
fi

# 5. Formatting: every C++ file matches the checked-in .clang-format (one test).
echo "== format"
if scripts/check-format.sh >"$LOG_DIR/format.log" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); failures+=("format: see $LOG_DIR/format.log (fix: make format)")
fi
tail -1 "$LOG_DIR/format.log"

# 6. Fuzzing (tests/fuzz/): the regression seeds, one test each, then a bounded 60 s seeded run, one test.
#    New failures are saved under tests/fuzz/seeds/ (commit them as regression seeds).
echo "== fuzz"
python3 tests/fuzz/fuzz.py --sqlflow "$BUILD_DIR/sqlflow" --replay tests/fuzz/seeds >"$LOG_DIR/fuzz-seeds.log" 2>&1
seeds=$(grep -oE "^fuzz: [0-9]+" "$LOG_DIR/fuzz-seeds.log" | grep -oE "[0-9]+$" || echo 0)
bad=$(grep -c "^FAIL" "$LOG_DIR/fuzz-seeds.log")
grep -E "^fuzz: " "$LOG_DIR/fuzz-seeds.log" | sed 's/^/seeds: /'
passed=$((passed + seeds - bad)); failed=$((failed + bad))
((bad > 0)) && failures+=("fuzz seeds: $bad failed (see $LOG_DIR/fuzz-seeds.log)")
python3 tests/fuzz/fuzz.py --sqlflow "$BUILD_DIR/sqlflow" --seconds "${SQLFLOW_FUZZ_SECONDS:-60}" \
  --seed "${SQLFLOW_FUZZ_SEED:-$(date +%j)}" --jobs 2 >"$LOG_DIR/fuzz.log" 2>&1
fuzz_status=$?
grep -E "^(FAIL|fuzz: )" "$LOG_DIR/fuzz.log" | tail -5
if ((fuzz_status == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("fuzz: see $LOG_DIR/fuzz.log"); fi

# 7. The sanitizer job: ASan + UBSan build (build-asan/) running the unit tests, e2e cases and fuzz seeds.
if [[ "${SQLFLOW_SKIP_SANITIZERS:-}" != "1" ]]; then
  echo "== sanitizers (address, undefined)"
  scripts/run_sanitizer_tests.sh >"$LOG_DIR/sanitizers.log" 2>&1
  grep -E "^(asan |sanitizer job|FAIL)" "$LOG_DIR/sanitizers.log"
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG_DIR/sanitizers.log" | tail -1)
  if [[ -n "$line" ]]; then
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
    ((f > 0)) && failures+=("sanitizers: $f failed (see $LOG_DIR/sanitizers.log)")
  else
    failed=$((failed + 1)); failures+=("sanitizer job did not finish (see $LOG_DIR/sanitizers.log)")
  fi
fi

echo
for failure in "${failures[@]}"; do echo "FAILED: $failure"; done
echo "$passed passed, $failed failed"
((failed == 0))
