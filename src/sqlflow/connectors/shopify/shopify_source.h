// The shopify source (CONNECTORS.md §3.9): the Admin REST list endpoints through the shared HTTP client and
// resilience policy (src/sqlflow/net), pages of JSON records turned into DuckDB chunks by the rest
// connector's RecordsBuilder (connectors/rest/json_records.h).
#pragma once

#include <memory>

#include "sqlflow/connectors/base/source.h"
#include "sqlflow/net/clock.h"

namespace sqlflow::connectors::shopify {

// Seams for tests: the clock and sleeper of the retry loop and the pacing, and the wall clock that fixes
// the incremental upper bound.
struct ShopifyRuntime {
  net::Clock* clock = &net::RealClock();
  net::Sleeper* sleeper = &net::RealSleeper();
};

std::unique_ptr<Source> MakeShopifySource(ShopifyRuntime runtime = {});

}  // namespace sqlflow::connectors::shopify
