#include "sqlflow/connectors/base/producer_stream.h"

#include <utility>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/base/now_ms.h"

namespace sqlflow::connectors {

bool ProducerSink::Push(ReadEvent event) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (event.kind == ReadEvent::Kind::kBatch) {
    changed_.wait(lock, [&] { return queued_batches_ < kQueuedBatches || stop_ || cancelled_; });
    if (stop_ || cancelled_) return false;
    ++queued_batches_;
    for (const auto& chunk : event.chunks) stats_.rows += static_cast<int64_t>(chunk.size());
  }
  queue_.push_back(std::move(event));
  lock.unlock();
  changed_.notify_all();
  return true;
}

bool ProducerSink::PushAll(std::vector<ReadEvent> events) {
  for (auto& event : events)
    if (!Push(std::move(event))) return false;
  return true;
}

bool ProducerSink::Stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_ || cancelled_;
}

ProducerStream::ProducerStream(std::unique_ptr<Producer> producer, std::string prefix,
                               CancelToken* run_cancel)
    : producer_(std::move(producer)),
      prefix_(std::move(prefix)),
      started_ms_(NowMs()),
      run_cancel_(run_cancel, [this] { Cancel(); }) {}

ProducerStream::~ProducerStream() {
  {
    std::lock_guard<std::mutex> lock(sink_.mutex_);
    sink_.stop_ = true;
  }
  producer_->stop_token().Cancel();  // cuts requests and backoff sleeps short
  sink_.changed_.notify_all();       // wakes a producer waiting in Push
  producer_->Interrupt(Producer::Interruption::kStop);
  if (thread_.joinable()) thread_.join();
}

ReadEvent ProducerStream::Next() {
  std::unique_lock<std::mutex> lock(sink_.mutex_);
  if (!thread_.joinable() && !finished_ && !sink_.cancelled_) thread_ = std::thread([this] { Run(); });
  sink_.changed_.wait(lock, [&] {
    return !sink_.queue_.empty() || sink_.error_ || sink_.cancelled_ || sink_.done_ || finished_;
  });
  if (sink_.cancelled_) throw Error(ErrorKind::kCancelled, prefix_ + ": read cancelled");
  if (!sink_.queue_.empty()) {
    ReadEvent event = std::move(sink_.queue_.front());
    sink_.queue_.pop_front();
    if (event.kind == ReadEvent::Kind::kBatch) --sink_.queued_batches_;
    if (event.kind == ReadEvent::Kind::kEnd) finished_ = true;
    lock.unlock();
    sink_.changed_.notify_all();  // room for the next batch
    return event;
  }
  if (sink_.error_) std::rethrow_exception(sink_.error_);
  if (!finished_) throw Error(ErrorKind::kInternal, prefix_ + ": the read ended without an End event");
  return ReadEvent{};  // after kEnd
}

void ProducerStream::Cancel() {
  {
    std::lock_guard<std::mutex> lock(sink_.mutex_);
    sink_.cancelled_ = true;
  }
  producer_->stop_token().Cancel();
  sink_.changed_.notify_all();
  producer_->Interrupt(Producer::Interruption::kCancel);
}

ReadStats ProducerStream::Stats() const {
  std::lock_guard<std::mutex> lock(sink_.mutex_);
  ReadStats stats = sink_.stats_;
  stats.elapsed_ms = NowMs() - started_ms_;
  return stats;
}

void ProducerStream::Run() {
  std::exception_ptr error;
  try {
    producer_->Produce(sink_);
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(sink_.mutex_);
    sink_.error_ = error;
    sink_.done_ = true;
  }
  sink_.changed_.notify_all();
}

}  // namespace sqlflow::connectors
