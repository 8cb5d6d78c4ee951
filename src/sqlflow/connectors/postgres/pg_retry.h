// Retry policy of the PostgreSQL connector (CONNECTORS.md §2.1-2.4, 2.6-2.7): exponential backoff with
// jitter, and a circuit breaker per host:port shared by every source and destination of the process.
//
// Time is behind two seams so tests never wait: a Sleeper (interruptible waits) and a Clock (breaker
// recovery). The process-wide defaults use the real steady clock and std::this_thread sleeps.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "sqlflow/connectors/base/types.h"

namespace sqlflow::connectors::pg {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void Sleep(double seconds) = 0;
  // Sleeps, returning early once `interrupted` is true (cancellation; CONNECTORS.md §2.2). The default
  // sleeps in one piece (fakes record the whole delay).
  virtual void SleepUnless(double seconds, const std::function<bool()>& interrupted) {
    (void)interrupted;
    Sleep(seconds);
  }
};

// Monotonic seconds.
using Clock = std::function<double()>;

// The seams of one connector instance. Must outlive the source / destination that uses it.
struct Runtime {
  std::shared_ptr<Sleeper> sleeper;
  Clock clock;
  // Uniform [0, 1) numbers for jitter; a per-process PRNG seeded from SQLFLOW_RETRY_SEED when set.
  std::function<double()> random;
};
// Real time, real sleeps.
Runtime DefaultRuntime();

struct RetryPolicy {
  int64_t max_retries = 2;
  double retry_delay = 0.5;
  double retry_max_delay = 10;
  double multiplier = 2.0;
  double jitter = 0.2;
  int64_t breaker_threshold = 10;
  double breaker_recovery_seconds = 30;

  // From the resolved parameters (registry defaults already applied).
  static RetryPolicy FromParams(const ResolvedParams& params);
  // d(n) = min(retry_max_delay, retry_delay * multiplier^(n-1)) * uniform[1-jitter, 1+jitter]; n >= 1.
  double Delay(int64_t retry, double random01) const;
};

// One breaker per host:port (CONNECTORS.md §2.4). Thread-safe.
class CircuitBreaker {
 public:
  // The breaker of `endpoint`, created on first use.
  static CircuitBreaker& For(const std::string& endpoint);
  // Throws Error(kCircuitOpen) when open and the recovery time has not passed; lets one probe through
  // when half-open.
  void Check(const RetryPolicy& policy, const Clock& clock, const std::string& endpoint);
  void RecordFailure(const RetryPolicy& policy, const Clock& clock, const std::string& last_error);
  void RecordSuccess();
  void Reset();  // tests

 private:
  std::mutex mutex_;
  int64_t consecutive_failures_ = 0;
  bool open_ = false;
  double opened_at_ = 0;
  std::string last_error_;
};

}  // namespace sqlflow::connectors::pg
