# Shared helpers for examples/*/run.sh. Each example runs in a fresh copy of its folder so that the
# checked-in project stays pristine.
set -euo pipefail
SQLFLOW="${SQLFLOW:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/sqlflow}"
EXAMPLE_DIR="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$EXAMPLE_DIR"/. "$WORK"/
rm -f "$WORK/run.sh"
cd "$WORK"

sf() { "$SQLFLOW" "$@"; }

fail() { echo "check failed: $*" >&2; exit 1; }

# expect_rows FILE N: the CSV has N data rows.
expect_rows() {
  local n
  n=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$1")
  [[ "$n" == "$2" ]] || fail "$1 has $n rows, expected $2"
}

# expect_cell FILE KEY_COLUMN KEY VALUE_COLUMN EXPECTED: the row whose KEY_COLUMN is KEY has VALUE_COLUMN == EXPECTED.
expect_cell() {
  local got
  got=$(python3 - "$@" <<'PY'
import csv, sys
path, key_col, key, val_col = sys.argv[1:5]
for row in csv.DictReader(open(path, newline="")):
    if row[key_col] == key:
        print(row[val_col]); break
else:
    print("<no row>")
PY
)
  [[ "$got" == "$5" ]] || fail "$1: $2=$3 has $4='$got', expected '$5'"
}
