#!/usr/bin/env bash
# Times `sqlflow pipeline validate` on a generated pipeline of about 5,000 lines (issue 3: well under 1 s).
#   bench/validate_bench.sh [LINES]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"
SQLFLOW="${BUILD_DIR:-$ROOT/build}/sqlflow"
LINES="${1:-5000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/profiles" "$WORK/pipelines" "$WORK/data"
printf 'engines:\n  duckdb:\n    mode: memory\nvariables:\n  min_amount: 10\n' > "$WORK/profiles/dev.yml"
printf 'id,amount\n1,2\n' > "$WORK/data/x.csv"
python3 - "$WORK/pipelines/big.sf" "$LINES" <<'PY'
import sys
path, target = sys.argv[1], int(sys.argv[2])
out = ["SET region = 'eu';", 'SOURCE src TYPE CSV PARAMS {"path": "data/x.csv", "has_header": true};',
       "LOAD base FROM src;"]
i = 0
while len(out) < target:
    i += 1
    prev = "base" if i == 1 else f"t{i-1}"
    out += [f"-- step {i}",
            f"CREATE TABLE t{i} AS",
            f"  SELECT id, amount + {i} AS amount, '${{region}}' AS region FROM {prev}",
            f"  WHERE amount >= ${{min_amount}} OR id::INT > 0;"]
    if i % 10 == 0:
        out += [f"IF ${{region}} == 'eu' THEN",
                f"  EXPORT SELECT * FROM t{i} ORDER BY id TO \"output/t{i}.csv\";",
                "END IF;"]
open(path, "w").write("\n".join(out) + "\n")
PY
wc -l "$WORK/pipelines/big.sf"
cd "$WORK"
"$SQLFLOW" pipeline validate big
measure "$SQLFLOW" -q pipeline validate big
echo "pipeline validate on $(wc -l < pipelines/big.sf) lines: median of $REPEAT = ${MED_S}s"
record "validate, $(wc -l < pipelines/big.sf) lines" "$MED_S" "-" "$MED_RSS_MB" "none (target < 0.15 s)"
