// Circuit breaker (CONNECTORS.md §2.4) and token bucket (§2.5) with a fake clock: open / half-open / close
// with the exact message, what counts as a failure, the breaker inside the retry loop, and bucket spacing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/net/circuit_breaker.h"
#include "sqlflow/net/clock.h"
#include "sqlflow/net/rate_limiter.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::net {
namespace {

std::string OpenMessage(CircuitBreaker& breaker, const Clock& clock) {
  try {
    breaker.Check(clock);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCircuitOpen);
    return error.what();
  }
  return "";
}

TEST(NetBreaker, OpensAtTheThresholdProbesAfterRecoveryAndCloses) {
  FakeClock clock;
  CircuitBreaker breaker("api.test:443");
  breaker.Configure(3, 30);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NO_THROW(breaker.Check(clock));
    breaker.RecordFailure(clock, "HTTP 503");
  }
  EXPECT_EQ(
      OpenMessage(breaker, clock),
      "circuit open for api.test:443 after 3 consecutive failures (last: HTTP 503); not retrying for 30 s");
  clock.Advance(10);
  EXPECT_EQ(
      OpenMessage(breaker, clock),
      "circuit open for api.test:443 after 3 consecutive failures (last: HTTP 503); not retrying for 20 s");
  clock.Advance(20);
  EXPECT_NO_THROW(breaker.Check(clock));               // half-open: the probe
  EXPECT_NE(OpenMessage(breaker, clock), "");          // a second request while the probe is out
  breaker.RecordFailure(clock, "connection refused");  // the probe failed: open again
  EXPECT_EQ(OpenMessage(breaker, clock),
            "circuit open for api.test:443 after 4 consecutive failures (last: connection refused); not "
            "retrying for 30 s");
  clock.Advance(30);
  EXPECT_NO_THROW(breaker.Check(clock));
  breaker.RecordSuccess();  // the probe succeeded: closed
  for (int i = 0; i < 2; ++i) {
    EXPECT_NO_THROW(breaker.Check(clock));
    breaker.RecordFailure(clock, "HTTP 503");
  }
  EXPECT_NO_THROW(breaker.Check(clock));  // the count started again from zero
}

TEST(NetBreaker, ThrottledAndNonRetryableOutcomesDoNotCountAndSuccessResets) {
  FakeClock clock;
  CircuitBreaker breaker("h:1");
  breaker.Configure(2, 30);
  breaker.RecordFailure(clock, "HTTP 503");
  breaker.RecordNeutral();  // 429 or 404
  breaker.RecordNeutral();
  EXPECT_NO_THROW(breaker.Check(clock));
  breaker.RecordSuccess();
  breaker.RecordFailure(clock, "HTTP 503");
  EXPECT_NO_THROW(breaker.Check(clock));
  breaker.RecordFailure(clock, "HTTP 503");
  EXPECT_THROW(breaker.Check(clock), Error);
}

TEST(NetBreaker, LowestNonZeroThresholdWinsAndZeroDisables) {
  FakeClock clock;
  CircuitBreaker off("off:1");
  off.Configure(0, 30);
  for (int i = 0; i < 50; ++i) off.RecordFailure(clock, "x");
  EXPECT_NO_THROW(off.Check(clock));
  CircuitBreaker shared("shared:1");
  shared.Configure(10, 30);
  shared.Configure(0, 30);
  shared.Configure(4, 30);
  shared.Configure(6, 30);
  EXPECT_EQ(shared.threshold(), 4);
}

TEST(NetBreaker, OpenBreakerStopsARetryLoopInProgress) {
  CircuitBreaker::ResetAllForTesting();
  FakeClock clock;
  RetryRandom random(1);
  RetryOptions options;
  options.max_retries = 5;
  options.retry_delay = 1;
  options.retry_jitter = 0;
  options.circuit_breaker_threshold = 2;
  RetryPolicy policy =
      MakeRetryPolicy(options, "rest", "breaker-loop.test:80", "REST source 'users'", nullptr);
  policy.clock = &clock;
  policy.sleeper = &clock;
  policy.random = [&] { return random.Next(); };
  int attempts = 0;
  try {
    RunWithRetry(policy, "GET http://breaker-loop.test/x", [&](int n) {
      attempts = n;
      throw AttemptError(ErrorKind::kTransient, "GET http://breaker-loop.test/x failed: HTTP 503",
                         "HTTP 503");
    });
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCircuitOpen);
    EXPECT_STREQ(error.what(),
                 "REST source 'users': GET http://breaker-loop.test/x failed: circuit open for "
                 "breaker-loop.test:80 after 2 consecutive failures (last: HTTP 503); not retrying for 28 s "
                 "(after 3 attempts)");
  }
  EXPECT_EQ(attempts, 2);  // the third attempt never ran; the breaker opened 2 s (one backoff) before it
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{1, 2}));
}

TEST(NetBreaker, SharedPerTypeAndHost) {
  EXPECT_EQ(&CircuitBreaker::For("s3", "a:1"), &CircuitBreaker::For("s3", "a:1"));
  EXPECT_NE(&CircuitBreaker::For("s3", "a:1"), &CircuitBreaker::For("rest", "a:1"));
  EXPECT_NE(&CircuitBreaker::For("s3", "a:1"), &CircuitBreaker::For("s3", "a:2"));
}

TEST(NetRateLimiter, BurstThenExactSpacing) {
  FakeClock clock;
  RateLimiter bucket;
  bucket.Configure(4, 2);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{0.25, 0.25, 0.25}));
  clock.ClearSleeps();
  clock.Advance(10);  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{0.25}));
}

TEST(NetRateLimiter, ZeroRateIsUnlimited) {
  FakeClock clock;
  RateLimiter bucket;
  bucket.Configure(0, 10);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(NetRateLimiter, LowestRateAndBurstWin) {
  RateLimiter bucket;
  bucket.Configure(2, 40);
  bucket.Configure(0, 10);
  bucket.Configure(1, 20);
  EXPECT_DOUBLE_EQ(bucket.requests_per_second(), 1);
  EXPECT_EQ(bucket.burst(), 10);
}

TEST(NetRateLimiter, ThrottleHoldAndCallLimitFeedbackTightenIt) {
  FakeClock clock;
  RateLimiter bucket;
  bucket.Configure(2, 40);
  EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  bucket.Hold(3, clock);  // a 429 with a 3 s delay: the next request waits it out
  EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{3}));
  clock.ClearSleeps();
  bucket.LimitAvailable(1, clock);  // call limit 39/40: one request left
  EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_TRUE(bucket.Acquire(clock, clock, nullptr));
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{0.5}));
}

TEST(NetRateLimiter, RetryLoopTakesATokenPerAttempt) {
  RateLimiter::ResetAllForTesting();
  FakeClock clock;
  RetryRandom random(1);
  RetryOptions options;
  options.max_retries = 3;
  options.retry_delay = 0.1;
  options.retry_jitter = 0;
  options.requests_per_second = 1;
  options.rate_limit_burst = 1;
  RetryPolicy policy = MakeRetryPolicy(options, "rest", "bucket-loop.test:80", "", nullptr);
  policy.clock = &clock;
  policy.sleeper = &clock;
  policy.random = [&] { return random.Next(); };
  RunWithRetry(policy, "GET x", [&](int n) {
    if (n < 3) throw AttemptError(ErrorKind::kTransient, "GET x failed: HTTP 503", "HTTP 503");
  });
  // backoff 0.1, then the bucket tops the wait up to 1 s since the last token; backoff 0.2, bucket 0.8.
  const std::vector<double> sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 4u);
  EXPECT_DOUBLE_EQ(sleeps[0], 0.1);
  EXPECT_NEAR(sleeps[1], 0.9, 1e-9);
  EXPECT_DOUBLE_EQ(sleeps[2], 0.2);
  EXPECT_NEAR(sleeps[3], 0.8, 1e-9);
}

TEST(NetRateLimiter, CancelledWaitReturnsFalse) {
  FakeClock clock;
  RateLimiter bucket;
  bucket.Configure(1, 1);
  CancelToken cancel;
  EXPECT_TRUE(bucket.Acquire(clock, clock, &cancel));
  cancel.Cancel();
  EXPECT_FALSE(bucket.Acquire(clock, clock, &cancel));
}

}  // namespace
}  // namespace sqlflow::net
