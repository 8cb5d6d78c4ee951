#!/usr/bin/env bash
# Configures (once) and builds SQLFlow into build/. Quick when nothing changed.
#   scripts/build.sh            everything (the binary, unit and integration tests, test programs)
#   scripts/build.sh sqlflow    only the targets named (make run builds just the binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
WERROR=OFF
[[ "${CI:-}" == "true" || "${SQLFLOW_WERROR:-}" == "1" ]] && WERROR=ON
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSQLFLOW_WERROR=$WERROR >/dev/null
elif [[ "$WERROR" == "ON" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DSQLFLOW_WERROR=ON >/dev/null
fi
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
