#include "sqlflow/net/clock.h"

#include <chrono>
#include <string>
#include <thread>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"

namespace sqlflow::net {
namespace {

class SystemClock : public Clock {
 public:
  double Now() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  double WallNow() const override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
};

class SystemSleeper : public Sleeper {
 public:
  bool Sleep(double seconds, CancelToken* cancel) override {
    if (cancel && cancel->IsCancelled()) return false;
    if (seconds <= 0) return true;
    const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(seconds) + std::chrono::microseconds(999));
    if (!cancel) {
      std::this_thread::sleep_for(duration);
      return true;
    }
    return cancel->WaitFor(duration);  // woken by Cancel() at once
  }
};

}  // namespace

void SleepOrThrow(Sleeper& sleeper, double seconds, CancelToken* cancel, std::string_view what) {
  if (!sleeper.Sleep(seconds, cancel)) throw Error(ErrorKind::kCancelled, std::string(what) + " cancelled");
}

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}

Sleeper& RealSleeper() {
  static SystemSleeper sleeper;
  return sleeper;
}

double FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_;
}

double FakeClock::WallNow() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_ + wall_offset_;
}

bool FakeClock::Sleep(double seconds, CancelToken* cancel) {
  if (cancel && cancel->IsCancelled()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  sleeps_.push_back(seconds);
  if (seconds > 0) now_ += seconds;
  return true;
}

void FakeClock::Advance(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  now_ += seconds;
}

std::vector<double> FakeClock::sleeps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sleeps_;
}

void FakeClock::ClearSleeps() {
  std::lock_guard<std::mutex> lock(mutex_);
  sleeps_.clear();
}

}  // namespace sqlflow::net
