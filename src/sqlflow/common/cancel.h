// One cancel token per run (Ctrl-C / SIGTERM, or a test): everything that can block for long — a DuckDB
// query, a ReadStream, a network request, an upload, a backoff sleep — observes it.
//
// Thread rules: Cancel() is safe from any thread but not from a signal handler (the executor's signal
// handler wakes a watcher thread that calls it). Callbacks run on the thread that calls Cancel(), outside the
// token's lock, at most once each; a callback registered after cancellation runs immediately on the
// registering thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace sqlflow {

class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  bool IsCancelled() const { return cancelled_.load(std::memory_order_acquire); }

  // Marks the token cancelled, wakes every WaitFor() and runs the registered callbacks once.
  void Cancel();

  // Sleeps up to `duration`; returns false early when the token is (or becomes) cancelled.
  bool WaitFor(std::chrono::milliseconds duration);

  using CallbackId = uint64_t;
  // Registers `callback` to run on Cancel(). Returns an id for Unregister (0 when it already ran).
  CallbackId Register(std::function<void()> callback);
  // After Unregister returns, the callback is not running and will not run.
  void Unregister(CallbackId id);

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<CallbackId, std::function<void()>> callbacks_;
  CallbackId next_id_ = 1;
  std::atomic<CallbackId> running_{0};
};

// RAII registration of a cancel callback for the lifetime of a scope (e.g. one HTTP request).
class CancelRegistration {
 public:
  CancelRegistration(CancelToken* token, std::function<void()> callback)
      : token_(token), id_(token ? token->Register(std::move(callback)) : 0) {}
  ~CancelRegistration() {
    if (token_ && id_) token_->Unregister(id_);
  }
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;

 private:
  CancelToken* token_;
  CancelToken::CallbackId id_;
};

}  // namespace sqlflow
