#!/usr/bin/env bash
# Start-up cost of the commands that do little work: `sqlflow --version`, `sqlflow --help`, and
# `sqlflow-core --version` (the full program, what --version cost before the front), against the floor of
# starting any process here (/bin/true). Median wall time of RUNS runs each (default 50), measured in-process
# by Python (time.perf_counter around subprocess.run).
#   bench/startup_bench.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
RUNS="${1:-50}"
source "$ROOT/bench/lib.sh"
[[ -x "$BUILD_DIR/sqlflow" && -x "$BUILD_DIR/sqlflow-core" ]] || { echo "build first (make build)"; exit 2; }
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
python3 - "$BUILD_DIR" "$RUNS" >"$RESULTS" <<'PY'
import statistics, subprocess, sys, time
build, runs = sys.argv[1], int(sys.argv[2])
def median_ms(cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # warm the page cache
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append((time.perf_counter() - t) * 1000)
    return statistics.median(walls)
floor = median_ms(["/bin/true"])
for label, cmd in [("sqlflow --version", [f"{build}/sqlflow", "--version"]),
                   ("sqlflow --help", [f"{build}/sqlflow", "--help"]),
                   ("sqlflow-core --version (no front)", [f"{build}/sqlflow-core", "--version"])]:
    print(f"{label}\t{median_ms(cmd) / 1000:.4f}\t{floor / 1000:.4f}")
PY
while IFS=$'\t' read -r work ours floor; do
  record "$work" "$ours" "$floor" "-" "/bin/true"
done <"$RESULTS"
