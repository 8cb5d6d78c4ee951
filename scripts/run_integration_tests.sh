#!/usr/bin/env bash
# Runs every integration test against the real servers (PostgreSQL today): the GoogleTest integration
# binary under ctest (label `integration`; its fixture starts the server when the caller has not).
# Part of the test command (scripts/run_tests.sh); usable alone after a build:
#   scripts/run_integration_tests.sh
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cd "$BUILD_DIR" || exit 1
ctest --output-on-failure -j "$(nproc)" -L integration --timeout 600
