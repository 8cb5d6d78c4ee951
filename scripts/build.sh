#!/usr/bin/env bash
# Configures (once) and builds SQLFlow into build/. Quick when nothing changed.
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
cmake --build "$BUILD_DIR" -j "$(nproc)"
