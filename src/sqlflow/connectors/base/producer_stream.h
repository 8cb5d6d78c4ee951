// The one producer/consumer ReadStream of the network sources (postgres, rest, google_sheets, shopify).
//
// A connector writes a Producer: one Produce(sink) call, on a thread of its own, that reads from the network
// and pushes Schema / Batch / Reset / End events into the sink. ProducerStream owns everything around it:
// the thread (started by the first Next()), a bounded queue (at most kQueuedBatches batches wait, so the
// network, the decoding and the executor's appender overlap while memory stays bounded by a few batches),
// back-pressure, cancellation, the hand-off of the producer's error to Next(), the stats and the join on
// destruction. Push and UpdateStats are plain member calls: the only virtual calls are Produce (once per
// stream) and Interrupt (on Cancel() and destruction).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/connectors/base/source.h"

namespace sqlflow::connectors {

// The producer's side of the queue. Thread-safe.
class ProducerSink {
 public:
  static constexpr size_t kQueuedBatches = 2;

  // Queues an event. A batch waits while kQueuedBatches batches are queued and counts its rows into the
  // stats; other events never wait. False when the stream is going away (cancelled or destroyed): the
  // producer should return.
  bool Push(ReadEvent event);
  // Push of each event in order; false as soon as one is refused.
  bool PushAll(std::vector<ReadEvent> events);

  // True once the stream is cancelled or being destroyed.
  bool Stopping() const;

  // Runs `update(stats)` under the queue's lock (requests, retries, bytes; rows are counted by Push).
  template <class Update>
  void UpdateStats(Update&& update) {
    std::lock_guard<std::mutex> lock(mutex_);
    update(stats_);
  }

 private:
  friend class ProducerStream;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ReadEvent> queue_;
  size_t queued_batches_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;       // the stream is being destroyed
  bool cancelled_ = false;  // Cancel() was called
  bool done_ = false;       // Produce returned or threw
  ReadStats stats_;
};

// What a connector implements.
class Producer {
 public:
  virtual ~Producer() = default;

  // Called once, on the producer thread: pushes the stream's events, ending with kEnd. Throws on failure;
  // the exception is rethrown by Next() as it is, so a connector translates (scrubs, prefixes) its errors
  // here. Returns early, without an error, when Push returns false or the sink is Stopping().
  virtual void Produce(ProducerSink& sink) = 0;

  enum class Interruption { kCancel, kStop };
  // Called from any thread when the stream is cancelled (kCancel) or destroyed (kStop, before the join),
  // after stop_token() is cancelled: wakes the producer from a wait the token does not reach (a socket, a
  // condition variable of its own). Must not call back into the stream.
  virtual void Interrupt(Interruption why) { (void)why; }

  // Cancelled when the stream is cancelled or destroyed: the producer passes it to its requests and backoff
  // sleeps. A producer may also cancel it itself (e.g. to abort a helper's request in flight).
  CancelToken& stop_token() { return stop_token_; }

 private:
  CancelToken stop_token_;  // constructed before the derived producer's members, which may keep its address
};

class ProducerStream final : public ReadStream {
 public:
  // `prefix` starts the stream's own messages ("<prefix>: read cancelled"). `run_cancel` (may be null): the
  // run's token, which then cancels this stream too.
  ProducerStream(std::unique_ptr<Producer> producer, std::string prefix, CancelToken* run_cancel = nullptr);
  ~ProducerStream() override;

  ProducerStream(const ProducerStream&) = delete;
  ProducerStream& operator=(const ProducerStream&) = delete;

  ReadEvent Next() override;
  void Cancel() override;
  ReadStats Stats() const override;

 private:
  void Run();

  std::unique_ptr<Producer> producer_;
  std::string prefix_;
  int64_t started_ms_;
  ProducerSink sink_;
  bool finished_ = false;  // consumer side: kEnd handed out
  std::thread thread_;
  CancelRegistration run_cancel_;  // last: unregistered before anything else goes away
};

}  // namespace sqlflow::connectors
