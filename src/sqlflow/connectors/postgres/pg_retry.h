// The seams of the postgres connector's resilience policy. Backoff, defaults (CONNECTORS.md §2.6), overrides
// (§2.7), SQLSTATE classification (§2.3) and the circuit breaker (§2.4) are the shared ones of
// src/sqlflow/net; this header only bundles the clock, sleeper and jitter source one source or destination
// uses, so tests can inject a net::FakeClock and assert the exact sleep sequence.
#pragma once

#include <functional>

#include "sqlflow/net/clock.h"

namespace sqlflow::connectors::pg {

// What the pointers refer to must outlive the source / destination that uses the Runtime.
struct Runtime {
  net::Clock* clock = &net::RealClock();
  net::Sleeper* sleeper = &net::RealSleeper();
  std::function<double()>
      random;  // uniform [0, 1) for jitter; empty = the per-process PRNG (SQLFLOW_RETRY_SEED)
};

// Real time, real sleeps, the per-process PRNG.
inline Runtime DefaultRuntime() {
  return Runtime{};
}

}  // namespace sqlflow::connectors::pg
