// Token bucket per (connector type, host:port) per process (CONNECTORS.md §2.5), shared by every source and
// destination talking to the host. Capacity `rate_limit_burst`, refilled continuously at
// `requests_per_second`, initially full; each request takes one token, sleeping exactly until one is
// available. Server feedback tightens it: Hold() after a Throttled response, LimitAvailable() for call-limit
// headers (Shopify).
//
// Thread-safe. Buckets live for the process (references from For() never dangle).
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "sqlflow/net/clock.h"

namespace sqlflow {
class CancelToken;
}

namespace sqlflow::net {

class RateLimiter {
 public:
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // The bucket of (connector_type, host_port), created on first use.
  static RateLimiter& For(std::string_view connector_type, std::string_view host_port);
  // Forgets every configuration and fills every bucket (tests).
  static void ResetAllForTesting();

  // Merges one requester's settings: the lowest non-zero rate and the lowest burst win (§2.7). A rate of 0
  // from every requester leaves the bucket disabled.
  void Configure(double requests_per_second, int64_t burst);

  // Takes one token, sleeping until one is available and until any Hold() has passed. False when `cancel`
  // cut the wait short.
  bool Acquire(const Clock& clock, Sleeper& sleeper, CancelToken* cancel);
  // The next request waits until at least `seconds` from now (after a Throttled response).
  void Hold(double seconds, const Clock& clock);
  // The server reports that only `tokens` requests may be made now (e.g. call limit 36/40 -> 4).
  void LimitAvailable(double tokens, const Clock& clock);

  double requests_per_second() const;
  int64_t burst() const;

 private:
  void RefillLocked(double now);

  mutable std::mutex mutex_;
  double rate_ = 0;
  int64_t burst_ = 0;
  double tokens_ = 0;
  bool started_ = false;  // the first Acquire fills the bucket and starts the refill clock
  double last_refill_ = 0;
  double not_before_ = 0;
  bool holding_ = false;
};

}  // namespace sqlflow::net
