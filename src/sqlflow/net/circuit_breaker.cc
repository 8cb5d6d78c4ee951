#include "sqlflow/net/circuit_breaker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "sqlflow/common/error.h"

namespace sqlflow::net {
namespace {

std::mutex& BreakerRegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::unique_ptr<CircuitBreaker>>& BreakerRegistry() {
  static std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers;
  return breakers;
}

}  // namespace

CircuitBreaker& CircuitBreaker::For(std::string_view connector_type, std::string_view host_port) {
  std::lock_guard<std::mutex> lock(BreakerRegistryMutex());
  auto& slot = BreakerRegistry()[std::string(connector_type) + " " + std::string(host_port)];
  if (!slot) slot = std::make_unique<CircuitBreaker>(std::string(host_port));
  return *slot;
}

void CircuitBreaker::ResetAllForTesting() {
  std::lock_guard<std::mutex> lock(BreakerRegistryMutex());
  for (auto& [key, breaker] : BreakerRegistry()) {
    breaker->Reset();
    std::lock_guard<std::mutex> breaker_lock(breaker->mutex_);
    breaker->threshold_ = 0;
    breaker->recovery_seconds_ = 30;
  }
}

void CircuitBreaker::Configure(int64_t threshold, double recovery_seconds) {
  if (threshold <= 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (threshold_ == 0 || threshold < threshold_) {
    threshold_ = threshold;
    recovery_seconds_ = recovery_seconds;
  } else if (threshold == threshold_) {
    recovery_seconds_ = std::min(recovery_seconds_, recovery_seconds);
  }
}

void CircuitBreaker::Check(const Clock& clock) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (threshold_ <= 0 || state_ == State::kClosed) return;
  const double now = clock.Now();
  if (state_ == State::kOpen && now - opened_at_ >= recovery_seconds_) state_ = State::kHalfOpen;
  if (state_ == State::kHalfOpen && !probe_out_) {
    probe_out_ = true;  // this attempt is the probe
    return;
  }
  ThrowOpenLocked(now);
}

void CircuitBreaker::ThrowOpenLocked(double now) const {
  char remaining[32];
  std::snprintf(remaining, sizeof(remaining), "%.0f", std::max(0.0, recovery_seconds_ - (now - opened_at_)));
  throw Error(ErrorKind::kCircuitOpen, "circuit open for " + host_ + " after " + std::to_string(failures_) +
                                           " consecutive failures (last: " + last_error_ +
                                           "); not retrying for " + remaining + " s");
}

void CircuitBreaker::RecordFailure(const Clock& clock, std::string_view last_error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (threshold_ <= 0) return;
  last_error_ = std::string(last_error);
  ++failures_;
  if (state_ == State::kHalfOpen || (state_ == State::kClosed && failures_ >= threshold_)) {
    state_ = State::kOpen;
    opened_at_ = clock.Now();
    probe_out_ = false;
  }
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_ = 0;
  state_ = State::kClosed;
  probe_out_ = false;
}

void CircuitBreaker::RecordNeutral() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == State::kHalfOpen) probe_out_ = false;
}

void CircuitBreaker::Reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_ = 0;
  state_ = State::kClosed;
  probe_out_ = false;
  last_error_.clear();
}

int64_t CircuitBreaker::threshold() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threshold_;
}

}  // namespace sqlflow::net
