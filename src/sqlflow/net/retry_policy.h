// One resilience policy per request (CONNECTORS.md §2): the options with per-connector defaults (§2.6), the
// jittered exponential backoff and Retry-After rules (§2.2), and the retry loop
//   retry loop -> circuit breaker check -> token bucket acquire -> attempt -> classify the outcome.
//
// Operations run inside RunWithRetry and report a failed attempt by throwing sqlflow::Error (or AttemptError
// to pass a Retry-After value and a short cause for the log line). The ErrorKind decides: kTransient and
// kTimeout use the error budget (max_retries), kThrottled the separate throttle budget
// (max_throttle_retries), every other kind ends the loop at once.
//
// Thread rules: a RetryPolicy is read-only during RunWithRetry, so several threads may share one; the clock,
// sleeper, breaker and bucket it points to are thread-safe, and so must be its `random` function.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sqlflow/common/error.h"
#include "sqlflow/net/clock.h"

namespace sqlflow {
class CancelToken;
}

namespace sqlflow::net {

class CircuitBreaker;
class RateLimiter;

// The §2.7 settings. Defaults here are the generic ones; DefaultRetryOptions gives a connector's (§2.6).
struct RetryOptions {
  int64_t max_retries = 0;                 // error retries after the first attempt
  double retry_delay = 1.0;                // seconds, > 0
  double retry_max_delay = 30.0;           // cap on one delay, >= retry_delay
  double retry_backoff_multiplier = 2.0;   // >= 1
  double retry_jitter = 0.2;               // 0..1
  int64_t max_throttle_retries = 0;        // retries after 429 / SlowDown
  double max_retry_after_seconds = 120.0;  // longest honoured Retry-After
  double timeout_seconds = 0;              // request limit (stall limit for bodies); 0 = none
  double connect_timeout_seconds = 10.0;
  double requests_per_second = 0;          // token refill rate; 0 = unlimited
  int64_t rate_limit_burst = 10;           // bucket capacity
  int64_t circuit_breaker_threshold = 10;  // 0 = off
  double circuit_breaker_recovery_seconds = 30.0;
};

// The §2.6 table, defined once: postgres, s3, rest, google_sheets, shopify. Local types (csv, parquet, json,
// in_memory) and unknown types get no retries and no timeouts.
RetryOptions DefaultRetryOptions(std::string_view connector_type);

// d(n) = min(retry_max_delay, retry_delay * multiplier^(n-1)) for retry n >= 1, before jitter.
double BaseDelay(const RetryOptions& options, int64_t retry);
// d(n) * uniform factor in [1 - jitter, 1 + jitter], where `random01` in [0, 1) picks the factor
// (factor = 1 - jitter + 2 * jitter * random01). Never zero: at least 1 ms.
double JitteredDelay(const RetryOptions& options, int64_t retry, double random01);

// Uniform [0, 1) numbers for jitter. Thread-safe.
class RetryRandom {
 public:
  explicit RetryRandom(uint64_t seed) : engine_(seed) {}
  double Next();
  // The per-process generator: seeded from SQLFLOW_RETRY_SEED when set, else from std::random_device.
  static RetryRandom& Process();

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};
// SQLFLOW_RETRY_SEED as a number, if set and valid.
std::optional<uint64_t> RetrySeedFromEnvironment();

// A Retry-After header value in seconds: an integer or decimal ("2", "2.0") or an HTTP-date (a date in the
// past gives 0). nullopt when empty or unparseable. `wall_now` is Clock::WallNow().
std::optional<double> ParseRetryAfter(std::string_view value, double wall_now);

// A failed attempt that carries server feedback for the retry loop.
class AttemptError : public Error {
 public:
  // `message` names the operation ("GET <url> failed: HTTP 503 Service Unavailable, body ..."); `cause` is
  // the short form for the retry log line ("HTTP 503"); `retry_after` the raw Retry-After header value.
  AttemptError(ErrorKind kind, std::string message, std::string cause, std::string retry_after = "",
               std::string hint = "")
      : Error(kind, std::move(message), "", std::move(hint)),
        cause_(std::move(cause)),
        retry_after_(std::move(retry_after)) {}
  const std::string& cause() const { return cause_; }
  const std::string& retry_after() const { return retry_after_; }

 private:
  std::string cause_;
  std::string retry_after_;
};

// Everything one retry loop needs. Pointers are non-owning and must outlive the loop; null breaker / limiter
// / cancel mean none.
struct RetryPolicy {
  RetryOptions options;
  Clock* clock = &RealClock();
  Sleeper* sleeper = &RealSleeper();
  std::function<double()> random;  // uniform [0, 1) for jitter; empty = RetryRandom::Process()
  CircuitBreaker* breaker = nullptr;
  RateLimiter* limiter = nullptr;
  CancelToken* cancel = nullptr;
  std::string prefix;  // "REST source 'users'": starts final error messages and retry log lines
};

// A policy with the process-wide breaker and bucket of (connector_type, host_port), both configured with
// `options` (the lowest non-zero threshold / rate and the lowest burst configured for a host win, §2.7). With
// circuit_breaker_threshold 0 the policy has no breaker: its requests neither check nor feed the host's one.
RetryPolicy MakeRetryPolicy(const RetryOptions& options, std::string_view connector_type,
                            std::string_view host_port, std::string prefix, CancelToken* cancel);

// Runs `attempt(n)` (n = 1, 2, ... counting every attempt) until it returns, retrying per the policy. Each
// retry is logged at warning level: `<prefix>: retrying <operation> in 1.8 s (attempt 2 of 4): <cause>`.
// The final error keeps the attempt's kind and hint; its message is
// `<prefix>: <attempt message>[ (after N attempts)]`. Waits are cut short by `policy.cancel`
// (Error(kCancelled)).
void RunAttempts(const RetryPolicy& policy, std::string_view operation,
                 const std::function<void(int)>& attempt);

// RunAttempts returning the operation's value.
template <typename Fn>
auto RunWithRetry(const RetryPolicy& policy, std::string_view operation, Fn&& fn)
    -> std::invoke_result_t<Fn&, int> {
  using Result = std::invoke_result_t<Fn&, int>;
  if constexpr (std::is_void_v<Result>) {
    RunAttempts(policy, operation, [&](int n) { fn(n); });
  } else {
    std::optional<Result> result;
    RunAttempts(policy, operation, [&](int n) { result.emplace(fn(n)); });
    return std::move(*result);
  }
}

// "1.8" for 1.8 seconds, "0.05" for 0.05: the delay text of log lines.
std::string FormatSeconds(double seconds);

}  // namespace sqlflow::net
