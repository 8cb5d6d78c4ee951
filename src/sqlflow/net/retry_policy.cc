#include "sqlflow/net/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sqlflow/common/console.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/circuit_breaker.h"
#include "sqlflow/net/rate_limiter.h"

namespace sqlflow::net {
namespace {

RetryOptions NetworkDefaults(int64_t max_retries, double delay, double max_delay, int64_t throttle_retries,
                             double timeout) {
  RetryOptions o;
  o.max_retries = max_retries;
  o.retry_delay = delay;
  o.retry_max_delay = max_delay;
  o.retry_backoff_multiplier = 2.0;
  o.retry_jitter = 0.2;
  o.max_throttle_retries = throttle_retries;
  o.timeout_seconds = timeout;
  return o;
}

bool IsErrorRetry(ErrorKind kind) {
  return kind == ErrorKind::kTransient || kind == ErrorKind::kTimeout;
}

std::string Prefixed(const RetryPolicy& policy, std::string_view text) {
  return policy.prefix.empty() ? std::string(text) : policy.prefix + ": " + std::string(text);
}

// The error that ends the loop: the attempt's kind, code and hint, with the prefix and the attempt count.
Error FinalError(const RetryPolicy& policy, const Error& error, int attempts, std::string_view extra = "") {
  std::string message = Prefixed(policy, error.what());
  if (!extra.empty()) message += "; " + std::string(extra);
  if (attempts > 1) message += " (after " + std::to_string(attempts) + " attempts)";
  return Error(error.kind(), message, error.code(), error.hint());
}

std::string NumberText(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

// Breaker check and bucket acquire before an attempt; both failures end the loop.
void BeforeAttempt(const RetryPolicy& policy, std::string_view operation, int attempt) {
  try {
    if (policy.breaker) policy.breaker->Check(*policy.clock);
  } catch (const Error& error) {
    throw FinalError(policy, Error(error.kind(), std::string(operation) + " failed: " + error.what()),
                     attempt);
  }
  if (policy.limiter && !policy.limiter->Acquire(*policy.clock, *policy.sleeper, policy.cancel))
    throw Error(ErrorKind::kCancelled, Prefixed(policy, std::string(operation) + " cancelled"));
}

void RecordOutcome(const RetryPolicy& policy, const Error& error, std::string_view cause) {
  if (!policy.breaker) return;
  if (IsErrorRetry(error.kind()))
    policy.breaker->RecordFailure(*policy.clock, cause);
  else
    policy.breaker->RecordNeutral();
}

struct RetryCounts {
  int64_t error_retries = 0;
  int64_t throttle_retries = 0;
};

struct PlannedRetry {
  double delay;
  std::string budget_text;  // "attempt 2 of 4" / "throttled, attempt 2 of 11"
};

// The wait before the next attempt after `error`, or the final error when the error is not retried, its
// budget is spent or the server asks for a longer wait than max_retry_after_seconds.
PlannedRetry PlanRetry(const RetryPolicy& policy, RetryCounts& counts, const Error& error, int attempt) {
  const RetryOptions& o = policy.options;
  const bool throttled = error.kind() == ErrorKind::kThrottled;
  if (!throttled && !IsErrorRetry(error.kind())) throw FinalError(policy, error, attempt);
  int64_t& used = throttled ? counts.throttle_retries : counts.error_retries;
  const int64_t budget = throttled ? o.max_throttle_retries : o.max_retries;
  if (used >= budget) throw FinalError(policy, error, attempt);
  ++used;
  double delay = JitteredDelay(o, used, policy.random ? policy.random() : RetryRandom::Process().Next());
  const auto* attempt_error = dynamic_cast<const AttemptError*>(&error);
  if (attempt_error && !attempt_error->retry_after().empty()) {
    const auto retry_after = ParseRetryAfter(attempt_error->retry_after(), policy.clock->WallNow());
    if (retry_after && *retry_after > o.max_retry_after_seconds)
      throw FinalError(policy, error, attempt,
                       "server asked to wait " + NumberText(*retry_after) +
                           " s, more than max_retry_after_seconds (" + NumberText(o.max_retry_after_seconds) +
                           ")");
    if (retry_after) delay = std::max(delay, *retry_after);
  }
  const std::string budget_text = std::string(throttled ? "throttled, " : "") + "attempt " +
                                  std::to_string(used + 1) + " of " + std::to_string(budget + 1);
  return {delay, budget_text};
}

void WaitBeforeRetry(const RetryPolicy& policy, std::string_view operation, const Error& error,
                     const PlannedRetry& retry) {
  const auto* attempt_error = dynamic_cast<const AttemptError*>(&error);
  const std::string cause =
      attempt_error && !attempt_error->cause().empty() ? attempt_error->cause() : std::string(error.what());
  Console::Get().Warn(Prefixed(policy, "retrying " + std::string(operation) + " in " +
                                           FormatSeconds(retry.delay) + " s (" + retry.budget_text +
                                           "): " + cause) +
                      "\n");
  // Other requests to a host that throttled us wait too (§2.5).
  if (error.kind() == ErrorKind::kThrottled && policy.limiter)
    policy.limiter->Hold(retry.delay, *policy.clock);
  if (!policy.sleeper->Sleep(retry.delay, policy.cancel))
    throw Error(ErrorKind::kCancelled, Prefixed(policy, std::string(operation) + " cancelled"));
}

}  // namespace

RetryOptions DefaultRetryOptions(std::string_view connector_type) {
  const std::string type = ToLower(connector_type);
  if (type == "postgres") {
    RetryOptions o = NetworkDefaults(2, 0.5, 10, 0, 0);
    return o;
  }
  if (type == "s3") return NetworkDefaults(4, 0.2, 20, 10, 60);
  if (type == "rest") return NetworkDefaults(3, 1.0, 30, 10, 30);
  if (type == "google_sheets") {
    RetryOptions o = NetworkDefaults(5, 1.0, 64, 10, 30);
    o.requests_per_second = 1.0;
    o.rate_limit_burst = 10;
    return o;
  }
  if (type == "shopify") {
    RetryOptions o = NetworkDefaults(5, 1.0, 30, 20, 30);
    o.requests_per_second = 2.0;
    o.rate_limit_burst = 40;
    return o;
  }
  RetryOptions local;  // files and in_memory: errors are deterministic, nothing is retried
  local.circuit_breaker_threshold = 0;
  return local;
}

double BaseDelay(const RetryOptions& options, int64_t retry) {
  const double grown =
      options.retry_delay * std::pow(options.retry_backoff_multiplier, static_cast<double>(retry - 1));
  return std::min(options.retry_max_delay, grown);
}

double JitteredDelay(const RetryOptions& options, int64_t retry, double random01) {
  const double factor = 1.0 - options.retry_jitter + 2.0 * options.retry_jitter * random01;
  return std::max(0.001, BaseDelay(options, retry) * factor);
}

double RetryRandom::Next() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
}

RetryRandom& RetryRandom::Process() {
  static RetryRandom random(RetrySeedFromEnvironment().value_or(std::random_device{}()));
  return random;
}

std::optional<uint64_t> RetrySeedFromEnvironment() {
  const char* text = std::getenv("SQLFLOW_RETRY_SEED");
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  const unsigned long long seed = std::strtoull(text, &end, 10);
  if (*end != '\0') return std::nullopt;
  return static_cast<uint64_t>(seed);
}

std::optional<double> ParseRetryAfter(std::string_view value, double wall_now) {
  const std::string text = Trim(value);
  if (text.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (*end == '\0' && std::isfinite(seconds)) return std::max(0.0, seconds);
    return std::nullopt;
  }
  // HTTP-date in any of the three RFC 9110 forms; curl_getdate parses them all.
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max(0.0, static_cast<double>(when) - wall_now);
}

RetryPolicy MakeRetryPolicy(const RetryOptions& options, std::string_view connector_type,
                            std::string_view host_port, std::string prefix, CancelToken* cancel) {
  RetryPolicy policy;
  policy.options = options;
  policy.prefix = std::move(prefix);
  policy.cancel = cancel;
  if (options.circuit_breaker_threshold > 0) {
    policy.breaker = &CircuitBreaker::For(connector_type, host_port);
    policy.breaker->Configure(options.circuit_breaker_threshold, options.circuit_breaker_recovery_seconds);
  }
  policy.limiter = &RateLimiter::For(connector_type, host_port);
  policy.limiter->Configure(options.requests_per_second, options.rate_limit_burst);
  return policy;
}

void RunAttempts(const RetryPolicy& policy, std::string_view operation,
                 const std::function<void(int)>& attempt) {
  RetryCounts counts;
  for (int n = 1;; ++n) {
    BeforeAttempt(policy, operation, n);
    try {
      attempt(n);
      if (policy.breaker) policy.breaker->RecordSuccess();
      return;
    } catch (const Error& error) {
      const auto* attempt_error = dynamic_cast<const AttemptError*>(&error);
      RecordOutcome(policy, error, attempt_error ? attempt_error->cause() : std::string(error.what()));
      const PlannedRetry retry = PlanRetry(policy, counts, error, n);
      WaitBeforeRetry(policy, operation, error, retry);
    }
  }
}

std::string FormatSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), seconds >= 0.95 ? "%.1f" : "%.2g", seconds);
  return text;
}

}  // namespace sqlflow::net
