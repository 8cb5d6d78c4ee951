#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf pipeline run orders -q
expect_rows output/orders.csv 2
expect_cell output/state.csv rows_loaded 2 watermark "2024-05-01 09:00:00"
cp updates/orders_day2.csv data/orders.csv
sf pipeline run orders -q
expect_rows output/orders.csv 3
expect_cell output/orders.csv order_id 2 status shipped
# only rows at or after the watermark were read: order 2 (updated) and 3 (new)
expect_cell output/state.csv watermark "2024-05-02 11:00:00" rows_loaded 2
sf pipeline run orders -q
expect_cell output/state.csv watermark "2024-05-02 11:00:00" rows_loaded 1
