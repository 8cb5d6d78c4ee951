#include "sqlflow/net/rate_limiter.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

namespace sqlflow::net {
namespace {

// Float residue of a refill (1/3 tokens per second...) must not cause a second, microscopic sleep.
constexpr double kTokenEpsilon = 1e-9;

std::mutex& LimiterRegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::unique_ptr<RateLimiter>>& LimiterRegistry() {
  static std::map<std::string, std::unique_ptr<RateLimiter>> buckets;
  return buckets;
}

}  // namespace

RateLimiter& RateLimiter::For(std::string_view connector_type, std::string_view host_port) {
  std::lock_guard<std::mutex> lock(LimiterRegistryMutex());
  auto& slot = LimiterRegistry()[std::string(connector_type) + " " + std::string(host_port)];
  if (!slot) slot = std::make_unique<RateLimiter>();
  return *slot;
}

void RateLimiter::ResetAllForTesting() {
  std::lock_guard<std::mutex> lock(LimiterRegistryMutex());
  for (auto& [key, bucket] : LimiterRegistry()) {
    std::lock_guard<std::mutex> bucket_lock(bucket->mutex_);
    bucket->rate_ = 0;
    bucket->burst_ = 0;
    bucket->tokens_ = 0;
    bucket->started_ = false;
    bucket->holding_ = false;
  }
}

void RateLimiter::Configure(double requests_per_second, int64_t burst) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (requests_per_second > 0 && (rate_ == 0 || requests_per_second < rate_)) rate_ = requests_per_second;
  if (burst >= 1 && (burst_ == 0 || burst < burst_)) {
    burst_ = burst;
    tokens_ = std::min(tokens_, static_cast<double>(burst_));
  }
}

void RateLimiter::RefillLocked(double now) {
  if (!started_) {
    started_ = true;
    tokens_ = static_cast<double>(std::max<int64_t>(1, burst_));
  } else if (now > last_refill_) {
    tokens_ =
        std::min(static_cast<double>(std::max<int64_t>(1, burst_)), tokens_ + (now - last_refill_) * rate_);
  }
  last_refill_ = now;
}

bool RateLimiter::Acquire(const Clock& clock, Sleeper& sleeper, CancelToken* cancel) {
  while (true) {
    double wait = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = clock.Now();
      if (holding_) wait = std::max(0.0, not_before_ - now);
      if (rate_ > 0) {
        RefillLocked(now);
        if (tokens_ < 1 - kTokenEpsilon) wait = std::max(wait, (1 - tokens_) / rate_);
      }
      if (wait <= 0) {
        if (rate_ > 0) tokens_ -= 1;
        return true;
      }
    }
    if (!sleeper.Sleep(wait, cancel)) return false;
  }
}

void RateLimiter::Hold(double seconds, const Clock& clock) {
  std::lock_guard<std::mutex> lock(mutex_);
  const double until = clock.Now() + seconds;
  not_before_ = holding_ ? std::max(not_before_, until) : until;
  holding_ = true;
}

void RateLimiter::LimitAvailable(double tokens, const Clock& clock) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (rate_ <= 0) return;
  RefillLocked(clock.Now());
  tokens_ = std::min(tokens_, tokens);
}

double RateLimiter::requests_per_second() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rate_;
}

int64_t RateLimiter::burst() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return burst_;
}

}  // namespace sqlflow::net
