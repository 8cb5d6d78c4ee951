#include "sqlflow/common/cancel.h"

#include <thread>
#include <vector>

namespace sqlflow {

void CancelToken::Cancel() {
  std::vector<std::pair<CallbackId, std::function<void()>>> to_run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
    to_run.assign(callbacks_.begin(), callbacks_.end());
  }
  wake_.notify_all();
  for (auto& [id, callback] : to_run) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!callbacks_.count(id)) continue;  // unregistered meanwhile
      running_.store(id, std::memory_order_release);
    }
    callback();
    running_.store(0, std::memory_order_release);
  }
}

bool CancelToken::WaitFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return IsCancelled(); });
}

CancelToken::CallbackId CancelToken::Register(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!IsCancelled()) {
      CallbackId id = next_id_++;
      callbacks_.emplace(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancelToken::Unregister(CallbackId id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    callbacks_.erase(id);
  }
  // Wait for a concurrent Cancel() that is running this very callback.
  while (running_.load(std::memory_order_acquire) == id) std::this_thread::yield();
}

}  // namespace sqlflow
