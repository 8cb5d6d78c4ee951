// The google_sheets source (CONNECTORS.md §3.8): a tab of a spreadsheet through the Sheets API v4, read in
// row windows with `values.get` through the shared HTTP client and resilience policy (src/sqlflow/net), cells
// turned into DuckDB chunks by the JSON records builder the rest source uses
// (connectors/rest/json_records.h).
#pragma once

#include <memory>

#include "sqlflow/connectors/base/source.h"
#include "sqlflow/net/clock.h"

namespace sqlflow::connectors::google_sheets {

// Seams for tests: the clock and sleeper of the retry loop and the token cache.
struct SheetsRuntime {
  net::Clock* clock = &net::RealClock();
  net::Sleeper* sleeper = &net::RealSleeper();
};

std::unique_ptr<Source> MakeSheetsSource(SheetsRuntime runtime = {});

}  // namespace sqlflow::connectors::google_sheets
