// Circuit breaker per (connector type, host:port) per process (CONNECTORS.md §2.4). It counts consecutive
// attempts that failed as Transient or Timeout across all requests to the host; throttled responses and
// non-retryable errors neither count nor reset; any success resets. At the threshold it opens: every request,
// including retry loops in progress, fails at its next attempt with CircuitOpen. After the recovery time one
// probe is let through (half-open): success closes it, failure reopens it for another recovery period.
//
// Thread-safe. Breakers live for the process (references from For() never dangle).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "sqlflow/net/clock.h"

namespace sqlflow::net {

class CircuitBreaker {
 public:
  explicit CircuitBreaker(std::string host) : host_(std::move(host)) {}
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // The breaker of (connector_type, host_port), created on first use.
  static CircuitBreaker& For(std::string_view connector_type, std::string_view host_port);
  // Closes every breaker and forgets every configuration (tests).
  static void ResetAllForTesting();

  // Merges one requester's settings: the lowest non-zero threshold (and lowest recovery among those) wins;
  // 0 = this requester wants no breaker. Unconfigured or all-zero: disabled.
  void Configure(int64_t threshold, double recovery_seconds);

  // Throws Error(kCircuitOpen, "circuit open for <host> after <n> consecutive failures (last: <error>); not
  // retrying for <r> s") when open, or when half-open and the probe is already out.
  void Check(const Clock& clock);
  void RecordFailure(const Clock& clock, std::string_view last_error);  // a Transient / Timeout attempt
  void RecordSuccess();
  void RecordNeutral();  // throttled or non-retryable: releases a half-open probe without a verdict
  void Reset();

  int64_t threshold() const;

 private:
  enum class State { kClosed, kOpen, kHalfOpen };
  [[noreturn]] void ThrowOpenLocked(double now) const;

  mutable std::mutex mutex_;
  const std::string host_;
  int64_t threshold_ = 0;
  double recovery_seconds_ = 30;
  State state_ = State::kClosed;
  int64_t failures_ = 0;
  double opened_at_ = 0;
  bool probe_out_ = false;
  std::string last_error_;
};

}  // namespace sqlflow::net
