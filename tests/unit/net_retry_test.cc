// The shared resilience policy (CONNECTORS.md §2.2-2.7) against a fake clock: exact sleep sequences with and
// without jitter, Retry-After in each form, the max_retry_after rule, separate error and throttle budgets,
// cancellation of waits, the retry log line, defaults and overrides.
#include <gtest/gtest.h>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/net/circuit_breaker.h"
#include "sqlflow/net/classify.h"
#include "sqlflow/net/clock.h"
#include "sqlflow/net/rate_limiter.h"
#include "sqlflow/net/retry_params.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::net {
namespace {

// A policy on a fake clock with jitter 0 unless a test sets it: delays are exactly d(n).
struct FakePolicy {
  FakeClock clock;
  RetryRandom random{7};
  RetryPolicy policy;

  explicit FakePolicy(RetryOptions options) {
    policy.options = options;
    policy.clock = &clock;
    policy.sleeper = &clock;
    policy.random = [this] { return random.Next(); };
    policy.prefix = "REST source 'users'";
  }
};

RetryOptions NoJitter(int64_t max_retries, double delay, double max_delay = 30) {
  RetryOptions o;
  o.max_retries = max_retries;
  o.retry_delay = delay;
  o.retry_max_delay = max_delay;
  o.retry_backoff_multiplier = 2.0;
  o.retry_jitter = 0;
  o.max_throttle_retries = 10;
  return o;
}

AttemptError Status(int code, const std::string& retry_after = "") {
  const ErrorKind kind = ClassifyHttpStatus(code, !retry_after.empty());
  return AttemptError(kind, "GET http://api.test/v1/users failed: HTTP " + std::to_string(code),
                      "HTTP " + std::to_string(code), retry_after);
}

// Runs an operation that throws `failures` in order, then succeeds. Returns the attempt count.
int RunScript(const RetryPolicy& policy, const std::vector<AttemptError>& failures) {
  int attempts = 0;
  RunWithRetry(policy, "GET http://api.test/v1/users", [&](int n) {
    attempts = n;
    if (static_cast<size_t>(n) <= failures.size()) throw failures[n - 1];
  });
  return attempts;
}

std::string HttpDate(double epoch_seconds) {
  const time_t t = static_cast<time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

TEST(NetRetry, DefaultsFollowTheTableOfSection26) {
  const RetryOptions pg = DefaultRetryOptions("postgres");
  EXPECT_EQ(pg.max_retries, 2);
  EXPECT_DOUBLE_EQ(pg.retry_delay, 0.5);
  EXPECT_DOUBLE_EQ(pg.retry_max_delay, 10);
  EXPECT_DOUBLE_EQ(pg.requests_per_second, 0);
  EXPECT_EQ(pg.circuit_breaker_threshold, 10);
  const RetryOptions s3 = DefaultRetryOptions("s3");
  EXPECT_EQ(s3.max_retries, 4);
  EXPECT_DOUBLE_EQ(s3.retry_delay, 0.2);
  EXPECT_DOUBLE_EQ(s3.retry_max_delay, 20);
  EXPECT_EQ(s3.max_throttle_retries, 10);
  EXPECT_DOUBLE_EQ(s3.timeout_seconds, 60);
  const RetryOptions rest = DefaultRetryOptions("rest");
  EXPECT_EQ(rest.max_retries, 3);
  EXPECT_DOUBLE_EQ(rest.retry_delay, 1.0);
  EXPECT_DOUBLE_EQ(rest.requests_per_second, 0);
  EXPECT_EQ(rest.rate_limit_burst, 10);
  EXPECT_DOUBLE_EQ(rest.timeout_seconds, 30);
  const RetryOptions sheets = DefaultRetryOptions("google_sheets");
  EXPECT_EQ(sheets.max_retries, 5);
  EXPECT_DOUBLE_EQ(sheets.retry_max_delay, 64);
  EXPECT_DOUBLE_EQ(sheets.requests_per_second, 1.0);
  EXPECT_EQ(sheets.rate_limit_burst, 10);
  const RetryOptions shopify = DefaultRetryOptions("shopify");
  EXPECT_EQ(shopify.max_throttle_retries, 20);
  EXPECT_DOUBLE_EQ(shopify.requests_per_second, 2.0);
  EXPECT_EQ(shopify.rate_limit_burst, 40);
  for (const char* type : {"postgres", "s3", "rest", "google_sheets", "shopify"}) {
    const RetryOptions o = DefaultRetryOptions(type);
    EXPECT_DOUBLE_EQ(o.max_retry_after_seconds, 120) << type;
    EXPECT_DOUBLE_EQ(o.retry_backoff_multiplier, 2.0) << type;
    EXPECT_DOUBLE_EQ(o.retry_jitter, 0.2) << type;
    EXPECT_DOUBLE_EQ(o.connect_timeout_seconds, 10) << type;
    EXPECT_DOUBLE_EQ(o.circuit_breaker_recovery_seconds, 30) << type;
  }
  EXPECT_EQ(DefaultRetryOptions("csv").max_retries, 0);
  EXPECT_EQ(DefaultRetryOptions("csv").circuit_breaker_threshold, 0);
}

TEST(NetRetry, BackoffIsCappedExponentialWithJitterBounds) {
  RetryOptions o = NoJitter(5, 0.5, 3);
  o.retry_jitter = 0.2;
  EXPECT_DOUBLE_EQ(BaseDelay(o, 1), 0.5);
  EXPECT_DOUBLE_EQ(BaseDelay(o, 2), 1.0);
  EXPECT_DOUBLE_EQ(BaseDelay(o, 3), 2.0);
  EXPECT_DOUBLE_EQ(BaseDelay(o, 4), 3.0);  // capped by retry_max_delay
  EXPECT_DOUBLE_EQ(JitteredDelay(o, 1, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(JitteredDelay(o, 1, 0.0), 0.4);  // 1 - jitter
  EXPECT_DOUBLE_EQ(JitteredDelay(o, 1, 1.0), 0.6);  // 1 + jitter
  o.retry_jitter = 1.0;
  EXPECT_GT(JitteredDelay(o, 1, 0.0), 0.0);  // never a zero-delay retry
}

TEST(NetRetry, TransientFailuresSleepTheExactBackoffSequence) {
  FakePolicy f(NoJitter(3, 1.0));
  EXPECT_EQ(RunScript(f.policy, {Status(503), Status(500), Status(502)}), 4);
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{1, 2, 4}));
}

TEST(NetRetry, ExhaustedBudgetFailsWithTheAttemptCount) {
  FakePolicy f(NoJitter(3, 1.0, 3));
  try {
    RunScript(f.policy, {Status(503), Status(503), Status(503), Status(503), Status(503)});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTransient);
    EXPECT_STREQ(error.what(),
                 "REST source 'users': GET http://api.test/v1/users failed: HTTP 503 (after 4 attempts)");
  }
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{1, 2, 3}));  // the third delay is capped at 3
}

TEST(NetRetry, SeededJitterIsReproducibleAndWithinBounds) {
  RetryOptions o = NoJitter(4, 1.0);
  o.retry_jitter = 0.2;
  FakePolicy f(o);
  RetryRandom seeded(42);
  f.policy.random = [&] { return seeded.Next(); };
  EXPECT_EQ(RunScript(f.policy, {Status(503), Status(503), Status(503), Status(503)}), 5);
  RetryRandom replay(42);
  std::vector<double> expected;
  for (int n = 1; n <= 4; ++n) expected.push_back(BaseDelay(o, n) * (0.8 + 0.4 * replay.Next()));
  const std::vector<double> got = f.clock.sleeps();
  ASSERT_EQ(got.size(), 4u);
  bool all_base = true;
  for (int n = 1; n <= 4; ++n) {
    EXPECT_DOUBLE_EQ(got[n - 1], expected[n - 1]);
    EXPECT_GE(got[n - 1], 0.8 * BaseDelay(o, n));
    EXPECT_LE(got[n - 1], 1.2 * BaseDelay(o, n));
    all_base = all_base && got[n - 1] == BaseDelay(o, n);
  }
  EXPECT_FALSE(all_base) << "jitter had no effect";
}

TEST(NetRetry, RetrySeedComesFromTheEnvironment) {
  setenv("SQLFLOW_RETRY_SEED", "12345", 1);
  EXPECT_EQ(RetrySeedFromEnvironment(), std::optional<uint64_t>(12345));
  setenv("SQLFLOW_RETRY_SEED", "abc", 1);
  EXPECT_EQ(RetrySeedFromEnvironment(), std::nullopt);
  unsetenv("SQLFLOW_RETRY_SEED");
  EXPECT_EQ(RetrySeedFromEnvironment(), std::nullopt);
}

TEST(NetRetry, RetryAfterParsesSecondsDecimalsAndHttpDates) {
  const double now = 1767225600.0;
  EXPECT_EQ(ParseRetryAfter("2", now), 2.0);
  EXPECT_EQ(ParseRetryAfter(" 2.0 ", now), 2.0);
  EXPECT_EQ(ParseRetryAfter("0", now), 0.0);
  EXPECT_EQ(ParseRetryAfter(HttpDate(now + 7), now), 7.0);
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:09 GMT", now), 9.0);
  EXPECT_EQ(ParseRetryAfter("Thursday, 01-Jan-26 00:00:09 GMT", now), 9.0);  // RFC 850
  EXPECT_EQ(ParseRetryAfter("Thu Jan  1 00:00:09 2026", now), 9.0);          // asctime
  EXPECT_EQ(ParseRetryAfter(HttpDate(now - 60), now), 0.0);                  // in the past
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("2s", now), std::nullopt);
}

TEST(NetRetry, RetryAfterWinsWhenLongerThanTheBackoff) {
  FakePolicy f(NoJitter(3, 1.0));
  const double wall = f.clock.WallNow();
  EXPECT_EQ(RunScript(f.policy, {Status(429, "2"), Status(429, "2.0"), Status(429, HttpDate(wall + 4 + 6)),
                                 Status(429, "0.5")}),
            5);
  // max(Retry-After, d(n)): 2 vs d(1)=1; 2.0 vs d(2)=2; a date 6 s after the third attempt (4 s in) vs
  // d(3)=4; 0.5 vs d(4)=8.
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{2, 2, 6, 8}));
}

TEST(NetRetry, RetryAfterZeroStillWaitsTheBackoff) {
  FakePolicy f(NoJitter(3, 0.05));
  EXPECT_EQ(RunScript(f.policy, {Status(429, "0"), Status(429, "0"), Status(429, "0")}), 4);
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{0.05, 0.1, 0.2}));
}

TEST(NetRetry, RetryAfterBeyondTheMaximumFailsAtOnce) {
  FakePolicy f(NoJitter(3, 1.0));
  try {
    RunScript(f.policy, {Status(429, "3600")});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kThrottled);
    EXPECT_STREQ(error.what(),
                 "REST source 'users': GET http://api.test/v1/users failed: HTTP 429; server asked to wait "
                 "3600 s, more than max_retry_after_seconds (120)");
  }
  EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(NetRetry, ServiceUnavailableWithRetryAfterIsThrottled) {
  EXPECT_EQ(ClassifyHttpStatus(503, true), ErrorKind::kThrottled);
  FakePolicy f(NoJitter(0, 1.0));  // no error retries at all: only the throttle budget can retry
  EXPECT_EQ(RunScript(f.policy, {Status(503, "1")}), 2);
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{1}));
}

TEST(NetRetry, ThrottleBudgetIsSeparateFromTheErrorBudget) {
  RetryOptions o = NoJitter(1, 1.0);
  o.max_throttle_retries = 3;
  FakePolicy f(o);
  // Three throttles do not use the single error retry, which is still there for the 503.
  EXPECT_EQ(RunScript(f.policy, {Status(429), Status(429), Status(429), Status(503)}), 5);
  EXPECT_EQ(f.clock.sleeps(), (std::vector<double>{1, 2, 4, 1}));

  FakePolicy g(o);
  try {
    RunScript(g.policy, {Status(429), Status(429), Status(429), Status(429), Status(429)});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kThrottled);
    EXPECT_NE(std::string(error.what()).find("(after 4 attempts)"), std::string::npos) << error.what();
  }
  EXPECT_EQ(g.clock.sleeps(), (std::vector<double>{1, 2, 4}));
}

TEST(NetRetry, NonRetryableErrorsEndTheLoopAtOnce) {
  for (int code : {400, 401, 403, 404}) {
    FakePolicy f(NoJitter(3, 1.0));
    try {
      RunScript(f.policy, {Status(code)});
      FAIL() << code;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ClassifyHttpStatus(code, false)) << code;
      EXPECT_EQ(std::string(error.what()).find("attempts"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(f.clock.sleeps().empty()) << code;
  }
}

TEST(NetRetry, ReturnsTheOperationsValue) {
  FakePolicy f(NoJitter(2, 1.0));
  const int value = RunWithRetry(f.policy, "GET x", [](int n) {
    if (n == 1) throw Status(503);
    return n * 10;
  });
  EXPECT_EQ(value, 20);
}

TEST(NetRetry, CancellationInterruptsTheWait) {
  FakePolicy f(NoJitter(3, 1.0));
  CancelToken cancel;
  f.policy.cancel = &cancel;
  int attempts = 0;
  try {
    RunWithRetry(f.policy, "GET http://api.test/x", [&](int n) {
      attempts = n;
      cancel.Cancel();  // e.g. Ctrl-C while the request fails
      throw Status(503);
    });
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCancelled);
  }
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(NetRetry, RealSleeperWakesOnCancel) {
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(RealSleeper().Sleep(10.0, &cancel));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  canceller.join();
  EXPECT_LT(elapsed, 1.0);
  EXPECT_THROW(SleepOrThrow(RealSleeper(), 1.0, &cancel, "backoff"), Error);
}

TEST(NetRetry, EachRetryIsLoggedWithDelayAttemptAndCause) {
  FakePolicy f(NoJitter(3, 1.0));
  f.policy.prefix.clear();
  ::testing::internal::CaptureStderr();
  RunScript(f.policy, {Status(503), Status(429)});
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("retrying GET http://api.test/v1/users in 1.0 s (attempt 2 of 4): HTTP 503\n"),
            std::string::npos)
      << log;
  EXPECT_NE(
      log.find("retrying GET http://api.test/v1/users in 1.0 s (throttled, attempt 2 of 11): HTTP 429\n"),
      std::string::npos)
      << log;
}

TEST(NetRetry, OptionsFromParamsOverrideTheDefaults) {
  nlohmann::ordered_json params = {{"max_retries", 7},
                                   {"retry_delay", 0.05},
                                   {"retry_max_delay", 0.01},
                                   {"retry_jitter", 0},
                                   {"timeout_seconds", 2.5},
                                   {"requests_per_second", 4},
                                   {"rate_limit_burst", 2},
                                   {"circuit_breaker_threshold", 0},
                                   {"max_throttle_retries", nullptr}};
  const RetryOptions o = ParseRetryOptions("rest", params);
  EXPECT_EQ(o.max_retries, 7);
  EXPECT_DOUBLE_EQ(o.retry_delay, 0.05);
  EXPECT_DOUBLE_EQ(o.retry_max_delay, 0.05);  // raised to retry_delay
  EXPECT_DOUBLE_EQ(o.retry_jitter, 0);
  EXPECT_DOUBLE_EQ(o.timeout_seconds, 2.5);
  EXPECT_DOUBLE_EQ(o.requests_per_second, 4);
  EXPECT_EQ(o.rate_limit_burst, 2);
  EXPECT_EQ(o.circuit_breaker_threshold, 0);
  EXPECT_EQ(o.max_throttle_retries, 10);  // null = absent: the rest default
  EXPECT_DOUBLE_EQ(o.retry_backoff_multiplier, 2.0);
}

TEST(NetRetry, InvalidOverridesAreConfigErrorsNamingTheParameter) {
  const std::vector<std::pair<nlohmann::ordered_json, std::string>> cases = {
      {{{"max_retries", -1}}, "REST connector: 'max_retries' must be an integer >= 0, got -1"},
      {{{"max_retries", 1.5}}, "REST connector: 'max_retries' must be an integer >= 0, got 1.5"},
      {{{"retry_delay", 0}}, "REST connector: 'retry_delay' must be a number > 0, got 0"},
      {{{"retry_jitter", 1.5}}, "REST connector: 'retry_jitter' must be a number between 0 and 1, got 1.5"},
      {{{"retry_backoff_multiplier", 0.5}},
       "REST connector: 'retry_backoff_multiplier' must be a number >= 1, got 0.5"},
      {{{"rate_limit_burst", 0}}, "REST connector: 'rate_limit_burst' must be an integer >= 1, got 0"},
      {{{"timeout_seconds", "30"}}, "REST connector: 'timeout_seconds' must be a number > 0, got \"30\""},
  };
  for (const auto& [params, message] : cases) {
    try {
      ParseRetryOptions("rest", params);
      ADD_FAILURE() << params.dump();
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kInvalidConfig);
      EXPECT_EQ(error.what(), message);
    }
  }
}

TEST(NetClassify, HttpStatuses) {
  EXPECT_EQ(ClassifyHttpStatus(200, false), ErrorKind::kOk);
  EXPECT_EQ(ClassifyHttpStatus(204, false), ErrorKind::kOk);
  EXPECT_EQ(ClassifyHttpStatus(408, false), ErrorKind::kTimeout);
  EXPECT_EQ(ClassifyHttpStatus(429, false), ErrorKind::kThrottled);
  EXPECT_EQ(ClassifyHttpStatus(503, false), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyHttpStatus(500, false), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyHttpStatus(502, false), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyHttpStatus(504, false), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyHttpStatus(401, false), ErrorKind::kAuthFailed);
  EXPECT_EQ(ClassifyHttpStatus(403, false), ErrorKind::kPermissionDenied);
  EXPECT_EQ(ClassifyHttpStatus(404, false), ErrorKind::kNotFound);
  EXPECT_EQ(ClassifyHttpStatus(400, false), ErrorKind::kInvalidConfig);
  EXPECT_EQ(ClassifyHttpStatus(422, false), ErrorKind::kInvalidConfig);
  EXPECT_EQ(ClassifyHttpStatus(501, false), ErrorKind::kProtocolError);
}

TEST(NetClassify, CurlCodes) {
  EXPECT_EQ(ClassifyCurlCode(CURLE_COULDNT_CONNECT), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_COULDNT_RESOLVE_HOST), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_SEND_ERROR), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_RECV_ERROR), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_GOT_NOTHING), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_PARTIAL_FILE), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_SSL_CONNECT_ERROR), ErrorKind::kTransient);
  EXPECT_EQ(ClassifyCurlCode(CURLE_OPERATION_TIMEDOUT), ErrorKind::kTimeout);
  EXPECT_EQ(ClassifyCurlCode(CURLE_PEER_FAILED_VERIFICATION), ErrorKind::kInvalidConfig);
  EXPECT_EQ(ClassifyCurlCode(CURLE_URL_MALFORMAT), ErrorKind::kInvalidConfig);
  EXPECT_EQ(ClassifyCurlCode(CURLE_TOO_MANY_REDIRECTS), ErrorKind::kProtocolError);
  EXPECT_EQ(ClassifyCurlCode(CURLE_ABORTED_BY_CALLBACK), ErrorKind::kCancelled);
}

TEST(NetClassify, SqlStates) {
  struct Case {
    const char* state;
    bool lost;
    ErrorKind kind;
    bool retry;
  };
  const Case cases[] = {
      {"08006", false, ErrorKind::kTransient, true},
      {"57P01", false, ErrorKind::kTransient, true},
      {"40001", false, ErrorKind::kTransient, true},
      {"40P01", false, ErrorKind::kTransient, true},
      {"53300", false, ErrorKind::kTransient, true},
      {"55P03", false, ErrorKind::kTransient, true},
      {"58030", false, ErrorKind::kTransient, true},
      {"", true, ErrorKind::kTransient, true},
      {"28P01", false, ErrorKind::kAuthFailed, false},
      {"28000", true, ErrorKind::kAuthFailed, false},
      {"3D000", false, ErrorKind::kNotFound, false},
      {"42P01", false, ErrorKind::kNotFound, false},
      {"42501", false, ErrorKind::kPermissionDenied, false},
      {"23505", false, ErrorKind::kDataError, false},
      {"57014", false, ErrorKind::kTimeout, false},
      {"42601", false, ErrorKind::kInvalidConfig, false},
      {"0A000", false, ErrorKind::kUnsupported, false},
      {"XX000", false, ErrorKind::kDataError, false},
  };
  for (const auto& c : cases) {
    const SqlStateClassification got = ClassifySqlState(c.state, c.lost);
    EXPECT_EQ(got.kind, c.kind) << c.state;
    EXPECT_EQ(got.retryable, c.retry) << c.state;
  }
}

}  // namespace
}  // namespace sqlflow::net
