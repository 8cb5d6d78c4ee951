#include "sqlflow/connectors/postgres/pg_retry.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <thread>

#include "sqlflow/common/error.h"

namespace sqlflow::connectors::pg {
namespace {

class RealSleeper : public Sleeper {
 public:
  void Sleep(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  void SleepUnless(double seconds, const std::function<bool()>& interrupted) override {
    // Slices of at most 50 ms, so that a cancelled read or write stops waiting promptly.
    double remaining = seconds;
    while (remaining > 0 && !(interrupted && interrupted())) {
      const double slice = std::min(remaining, 0.05);
      std::this_thread::sleep_for(std::chrono::duration<double>(slice));
      remaining -= slice;
    }
  }
};

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ProcessRandom() {
  static std::mutex mutex;
  static std::mt19937_64 engine = [] {
    const char* seed = std::getenv("SQLFLOW_RETRY_SEED");
    return std::mt19937_64(seed && *seed ? std::strtoull(seed, nullptr, 10) : std::random_device{}());
  }();
  std::lock_guard<std::mutex> lock(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

Runtime DefaultRuntime() {
  static auto sleeper = std::make_shared<RealSleeper>();
  return Runtime{sleeper, SteadySeconds, ProcessRandom};
}

RetryPolicy RetryPolicy::FromParams(const ResolvedParams& params) {
  RetryPolicy policy;
  policy.max_retries = std::max<int64_t>(0, params.GetInt("max_retries", policy.max_retries));
  policy.retry_delay = params.GetNumber("retry_delay", policy.retry_delay);
  policy.retry_max_delay =
      std::max(policy.retry_delay, params.GetNumber("retry_max_delay", policy.retry_max_delay));
  policy.multiplier = std::max(1.0, params.GetNumber("retry_backoff_multiplier", policy.multiplier));
  policy.jitter = std::clamp(params.GetNumber("retry_jitter", policy.jitter), 0.0, 1.0);
  policy.breaker_threshold = params.GetInt("circuit_breaker_threshold", policy.breaker_threshold);
  policy.breaker_recovery_seconds =
      params.GetNumber("circuit_breaker_recovery_seconds", policy.breaker_recovery_seconds);
  return policy;
}

double RetryPolicy::Delay(int64_t retry, double random01) const {
  const double base =
      std::min(retry_max_delay, retry_delay * std::pow(multiplier, static_cast<double>(retry - 1)));
  const double factor = 1.0 - jitter + 2.0 * jitter * random01;
  return base * factor;
}

CircuitBreaker& CircuitBreaker::For(const std::string& endpoint) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = breakers[endpoint];
  if (!slot) slot = std::make_unique<CircuitBreaker>();
  return *slot;
}

void CircuitBreaker::Check(const RetryPolicy& policy, const Clock& clock, const std::string& endpoint) {
  if (policy.breaker_threshold <= 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  const double waited = clock() - opened_at_;
  if (waited >= policy.breaker_recovery_seconds) {
    // Half-open: this attempt is the probe; a failure reopens the breaker for another period.
    open_ = false;
    consecutive_failures_ = policy.breaker_threshold - 1;
    return;
  }
  char remaining[32];
  std::snprintf(remaining, sizeof(remaining), "%.0f", policy.breaker_recovery_seconds - waited);
  throw Error(ErrorKind::kCircuitOpen,
              "circuit open for " + endpoint + " after " + std::to_string(consecutive_failures_) +
                  " consecutive failures (last: " + last_error_ + "); not retrying for " + remaining + " s");
}

void CircuitBreaker::RecordFailure(const RetryPolicy& policy, const Clock& clock,
                                   const std::string& last_error) {
  if (policy.breaker_threshold <= 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = last_error;
  if (++consecutive_failures_ >= policy.breaker_threshold && !open_) {
    open_ = true;
    opened_at_ = clock();
  }
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mutex_);
  consecutive_failures_ = 0;
  open_ = false;
}

void CircuitBreaker::Reset() {
  RecordSuccess();
}

}  // namespace sqlflow::connectors::pg
