// Time behind seams (CONNECTORS.md §1.12): retry, rate-limit and breaker code read a Clock and wait through a
// Sleeper, so tests use a FakeClock and assert the exact sleep sequence without waiting.
#pragma once

#include <mutex>
#include <string_view>
#include <vector>

namespace sqlflow {
class CancelToken;
}

namespace sqlflow::net {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic seconds from an arbitrary origin (delays, breaker recovery, token refill).
  virtual double Now() const = 0;
  // Seconds since the Unix epoch (only for HTTP-date Retry-After values).
  virtual double WallNow() const = 0;
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `seconds` (nothing when <= 0). Returns false, promptly and without waiting the rest, when `cancel`
  // (may be null) is or becomes cancelled. Thread-safe.
  virtual bool Sleep(double seconds, CancelToken* cancel) = 0;
};

// Sleep, throwing Error(kCancelled, "<what> cancelled") when the wait was cut short by cancellation.
void SleepOrThrow(Sleeper& sleeper, double seconds, CancelToken* cancel, std::string_view what);

// The process-wide real clock (steady_clock / system_clock) and sleeper (wakes at once on Cancel()).
Clock& RealClock();
Sleeper& RealSleeper();

// Test double for both seams: Sleep records the requested delay and advances time at once; a cancelled token
// makes Sleep return false without recording. Thread-safe.
class FakeClock : public Clock, public Sleeper {
 public:
  explicit FakeClock(double now = 1000.0, double wall_now = 1767225600.0 /* 2026-01-01T00:00:00Z */)
      : now_(now), wall_offset_(wall_now - now) {}

  double Now() const override;
  double WallNow() const override;
  bool Sleep(double seconds, CancelToken* cancel) override;

  void Advance(double seconds);
  std::vector<double> sleeps() const;  // every recorded Sleep, in order
  void ClearSleeps();

 private:
  mutable std::mutex mutex_;
  double now_;
  double wall_offset_;
  std::vector<double> sleeps_;
};

}  // namespace sqlflow::net
