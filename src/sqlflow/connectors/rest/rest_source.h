// The rest source (CONNECTORS.md §3.7): JSON over HTTP(S) with every auth and pagination type of the spec,
// through the shared HTTP client and resilience policy (src/sqlflow/net).
#pragma once

#include <memory>

#include "sqlflow/connectors/base/source.h"
#include "sqlflow/net/clock.h"

namespace sqlflow::connectors::rest {

// Seams for tests: the clock and sleeper of the retry loop and the OAuth token cache.
struct RestRuntime {
  net::Clock* clock = &net::RealClock();
  net::Sleeper* sleeper = &net::RealSleeper();
};

std::unique_ptr<Source> MakeRestSource(RestRuntime runtime = {});

}  // namespace sqlflow::connectors::rest
