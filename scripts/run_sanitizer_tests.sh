#!/usr/bin/env bash
# The sanitizer job (docs/testing.md): builds SQLFlow with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ and runs the unit tests, the end-to-end cases and the fuzz regression seeds with it.
# Prints one line "N passed, M failed" (and the time taken); exit status 0 only when nothing failed.
#
# libduckdb.so is prebuilt and not instrumented: its own allocations are invisible to ASan, and leak
# detection is off (detect_leaks=0) because DuckDB keeps process-lifetime caches that LeakSanitizer would
# report. Every other check is on and fatal (halt_on_error, -fno-sanitize-recover=undefined).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ASAN_DIR="${ASAN_BUILD_DIR:-$ROOT/build-asan}"
LOG_DIR="$ASAN_DIR/test-logs"
start=$(date +%s)

GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
if [[ ! -f "$ASAN_DIR/CMakeCache.txt" ]]; then
  # -O1: sanitizer builds are compiled once per CI run; -O1 halves the compile time of -O2 and keeps the
  # instrumented binary fast enough for the e2e cases.
  cmake -S "$ROOT" -B "$ASAN_DIR" "${GEN[@]}" -DSQLFLOW_SANITIZE=ON -DSQLFLOW_BUILD_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null ||
    { echo "sanitizer build: cmake failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! cmake --build "$ASAN_DIR" -j "$(nproc)" --target sqlflow sqlflow_unit_tests >"$ASAN_DIR/build.log" 2>&1; then
  tail -30 "$ASAN_DIR/build.log"
  echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1
fi
build_done=$(date +%s)
mkdir -p "$LOG_DIR"

export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
passed=0
failed=0

# 1. Unit tests (one gtest binary; tests that run the CLI use the instrumented binary next to it).
"$ASAN_DIR/tests/sqlflow_unit_tests" --gtest_brief=1 >"$LOG_DIR/unit.log" 2>&1
p=$(grep -oE "\[  PASSED  \] [0-9]+" "$LOG_DIR/unit.log" | grep -oE "[0-9]+$" || echo 0)
f=$(grep -oE "\[  FAILED  \] [0-9]+ test" "$LOG_DIR/unit.log" | grep -oE "[0-9]+" || echo 0)
if ! grep -q "\[  PASSED  \]" "$LOG_DIR/unit.log"; then f=$((f + 1)); fi  # crashed before the summary
grep -E "^\[  FAILED  \] [A-Za-z]|ERROR: AddressSanitizer|runtime error:" "$LOG_DIR/unit.log" | head -20
echo "asan unit: $p passed, $f failed"
passed=$((passed + p)); failed=$((failed + f))

# 2. End-to-end cases.
python3 tests/acceptance/run_cases.py --sqlflow "$ASAN_DIR/sqlflow" -j 2 -v --timeout 300 \
  --pass-env ASAN_OPTIONS --pass-env UBSAN_OPTIONS tests/e2e >"$LOG_DIR/e2e.log" 2>&1
line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG_DIR/e2e.log" | tail -1)
grep -E "^FAIL" "$LOG_DIR/e2e.log"
if [[ -n "$line" ]]; then
  p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
else
  p=0; f=1
fi
echo "asan e2e: $p passed, $f failed"
passed=$((passed + p)); failed=$((failed + f))

# 3. Fuzz regression seeds (every input that ever failed).
python3 tests/fuzz/fuzz.py --sqlflow "$ASAN_DIR/sqlflow" --replay tests/fuzz/seeds --timeout 120 \
  >"$LOG_DIR/fuzz-seeds.log" 2>&1
line=$(grep -E "^fuzz: " "$LOG_DIR/fuzz-seeds.log" | tail -1)
grep -E "^FAIL" "$LOG_DIR/fuzz-seeds.log"
echo "asan ${line:-fuzz seeds did not finish}"
n=$(sed -E 's/^fuzz: ([0-9]+) inputs.*/\1/' <<<"${line:-fuzz: 0 inputs}")
bad=$(grep -c "^FAIL" "$LOG_DIR/fuzz-seeds.log")
[[ -z "$line" ]] && bad=$((bad + 1))
passed=$((passed + n - $(grep -c "^FAIL" "$LOG_DIR/fuzz-seeds.log"))); failed=$((failed + bad))

end=$(date +%s)
echo "sanitizer job: build $((build_done - start)) s, tests $((end - build_done)) s"
echo "$passed passed, $failed failed"
((failed == 0))
