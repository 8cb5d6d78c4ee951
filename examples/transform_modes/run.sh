#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
sf pipeline run traffic -q
expect_cell output/page_counts.csv page /home visits 2
expect_cell output/snapshots.csv snapshots 1 snapshots 1
expect_rows output/daily_visits.csv 2
cp updates/visits.csv data/visits.csv
sf pipeline run traffic -q
expect_cell output/page_counts.csv page /docs visits 2
expect_cell output/snapshots.csv snapshots 2 snapshots 2
expect_cell output/page_latest.csv page /docs last_visit "2024-06-02 17:45:00"
expect_rows output/daily_visits.csv 3
expect_cell output/daily_visits.csv day "2024-06-02 00:00:00" visits 2
expect_cell output/daily_visits.csv day "2024-06-01 00:00:00" visits 2
