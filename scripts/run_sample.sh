#!/usr/bin/env bash
# The main job: create the sample project (once) and run its customer_analytics pipeline.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SQLFLOW="${SQLFLOW:-$ROOT/build/sqlflow}"
PROJECT="${SQLFLOW_SAMPLE_DIR:-$ROOT/sample_project}"
"$SQLFLOW" --version
if [[ ! -d "$PROJECT/profiles" ]]; then
  "$SQLFLOW" init "$PROJECT"
fi
cd "$PROJECT"
"$SQLFLOW" profiles validate dev
"$SQLFLOW" pipeline run customer_analytics
echo "outputs:"
ls -l output/
