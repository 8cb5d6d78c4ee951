#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf connect describe in_memory | grep -q "table_name" || fail "describe lacks table_name"
sf connect list --types | grep -q "^in_memory" || fail "in_memory not registered"
sf pipeline run roundtrip -q
expect_rows output/shouting.csv 2
expect_cell output/shouting.csv id 3 name LINUS
