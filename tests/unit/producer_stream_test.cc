// ProducerStream (connectors/base/producer_stream.h), the shared stream of the network sources: order of
// events, back-pressure, the producer's error, cancellation (Cancel(), the run's token, the stop token seen
// by the producer, Interrupt) and destruction of a stream whose producer is blocked.
#include "sqlflow/connectors/base/producer_stream.h"

#include <duckdb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sqlflow/common/error.h"

namespace sqlflow::connectors {
namespace {

using namespace std::chrono_literals;

ReadEvent Batch(uint64_t rows) {
  std::vector<engine::LogicalType> types;
  types.emplace_back(duckdb_create_logical_type(DUCKDB_TYPE_INTEGER));
  engine::DataChunk chunk = engine::DataChunk::Create(types);
  chunk.set_size(rows);
  ReadEvent event;
  event.kind = ReadEvent::Kind::kBatch;
  event.chunks.push_back(std::move(chunk));
  return event;
}

ReadEvent End(std::string warning = "") {
  ReadEvent event;
  event.kind = ReadEvent::Kind::kEnd;
  if (!warning.empty()) event.end.warnings.push_back(warning);
  return event;
}

// A producer whose body is a test lambda; it records its interruptions.
class LambdaProducer : public Producer {
 public:
  explicit LambdaProducer(std::function<void(LambdaProducer&, ProducerSink&)> body)
      : body_(std::move(body)) {}
  void Produce(ProducerSink& sink) override { body_(*this, sink); }
  void Interrupt(Interruption why) override { (why == Interruption::kCancel ? cancels : stops).fetch_add(1); }
  std::atomic<int> cancels{0};
  std::atomic<int> stops{0};
  std::atomic<int> pushed{0};

 private:
  std::function<void(LambdaProducer&, ProducerSink&)> body_;
};

// The error Next() throws (a failure when it returns).
Error NextError(ReadStream& stream) {
  try {
    stream.Next();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "Next() did not throw";
  return Error(ErrorKind::kOk, "");
}

// Waits up to 5 s for `done`.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(ProducerStream, DeliversEventsInOrderAndCountsRows) {
  auto producer = std::make_unique<LambdaProducer>([](LambdaProducer&, ProducerSink& sink) {
    ReadEvent schema;
    schema.kind = ReadEvent::Kind::kSchema;
    schema.schema.push_back(Field{"a", "INTEGER", true, "int4"});
    sink.Push(std::move(schema));
    std::vector<ReadEvent> batches;
    batches.push_back(Batch(3));
    batches.push_back(Batch(4));
    EXPECT_TRUE(sink.PushAll(std::move(batches)));
    sink.UpdateStats([](ReadStats& stats) { stats.requests = 7; });
    sink.Push(End("w"));
  });
  ProducerStream stream(std::move(producer), "SRC");
  EXPECT_EQ(stream.Next().kind, ReadEvent::Kind::kSchema);
  ReadEvent first = stream.Next();
  ASSERT_EQ(first.kind, ReadEvent::Kind::kBatch);
  EXPECT_EQ(first.chunks[0].size(), 3u);
  EXPECT_EQ(stream.Next().chunks[0].size(), 4u);
  ReadEvent end = stream.Next();
  ASSERT_EQ(end.kind, ReadEvent::Kind::kEnd);
  EXPECT_EQ(end.end.warnings, std::vector<std::string>{"w"});
  const ReadStats stats = stream.Stats();
  EXPECT_EQ(stats.rows, 7);
  EXPECT_EQ(stats.requests, 7);
  EXPECT_GE(stats.elapsed_ms, 0);
  EXPECT_EQ(stream.Next().kind, ReadEvent::Kind::kEnd);  // exhausted
}

TEST(ProducerStream, AtMostTwoBatchesWaitForTheConsumer) {
  auto producer = std::make_unique<LambdaProducer>([](LambdaProducer& self, ProducerSink& sink) {
    for (int i = 0; i < 6; ++i) {
      if (!sink.Push(Batch(1))) return;
      ++self.pushed;
    }
    sink.Push(End());
  });
  LambdaProducer* p = producer.get();
  ProducerStream stream(std::move(producer), "SRC");
  ReadEvent first = stream.Next();  // starts the producer
  EXPECT_EQ(first.kind, ReadEvent::Kind::kBatch);
  ASSERT_TRUE(Eventually([&] { return p->pushed.load() >= 3; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(p->pushed.load(), 3);  // one handed out, two queued, the fourth waits for room
  int batches = 1;
  while (stream.Next().kind == ReadEvent::Kind::kBatch) ++batches;
  EXPECT_EQ(batches, 6);
}

TEST(ProducerStream, TheProducersErrorFollowsTheEventsBeforeIt) {
  auto producer = std::make_unique<LambdaProducer>([](LambdaProducer&, ProducerSink& sink) {
    sink.Push(Batch(2));
    throw Error(ErrorKind::kTransient, "SRC: page 2 failed");
  });
  ProducerStream stream(std::move(producer), "SRC");
  EXPECT_EQ(stream.Next().kind, ReadEvent::Kind::kBatch);
  const Error error = NextError(stream);
  EXPECT_EQ(error.kind(), ErrorKind::kTransient);
  EXPECT_STREQ(error.what(), "SRC: page 2 failed");
}

TEST(ProducerStream, AProducerThatEndsWithoutEndIsAnInternalError) {
  ProducerStream stream(std::make_unique<LambdaProducer>([](LambdaProducer&, ProducerSink&) {}), "SRC");
  EXPECT_EQ(NextError(stream).kind(), ErrorKind::kInternal);
}

// The producer waits on its stop token (as a request or a backoff sleep does): Cancel() from another thread
// makes Next() throw Cancelled promptly, and the producer is interrupted once.
TEST(ProducerStream, CancelStopsABlockedProducerPromptly) {
  auto producer = std::make_unique<LambdaProducer>([](LambdaProducer& self, ProducerSink&) {
    self.stop_token().WaitFor(60s);
    throw Error(ErrorKind::kTransient, "request aborted");
  });
  LambdaProducer* p = producer.get();
  ProducerStream stream(std::move(producer), "SRC");
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    stream.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const Error error = NextError(stream);
  EXPECT_EQ(error.kind(), ErrorKind::kCancelled);
  EXPECT_STREQ(error.what(), "SRC: read cancelled");
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(p->cancels.load(), 1);
  EXPECT_EQ(NextError(stream).kind(), ErrorKind::kCancelled);  // stays cancelled
}

TEST(ProducerStream, TheRunsTokenCancelsTheStream) {
  CancelToken run;
  auto producer = std::make_unique<LambdaProducer>([](LambdaProducer& self, ProducerSink& sink) {
    sink.Push(Batch(1));
    self.stop_token().WaitFor(60s);
  });
  ProducerStream stream(std::move(producer), "SRC", &run);
  EXPECT_EQ(stream.Next().kind, ReadEvent::Kind::kBatch);
  run.Cancel();
  EXPECT_EQ(NextError(stream).kind(), ErrorKind::kCancelled);
}

// The executor drops a stream early (an append failed): the producer, blocked on back-pressure, is released
// (Push returns false, the stop token is cancelled), told to stop (not cancel) and joined.
TEST(ProducerStream, DestroyingTheStreamReleasesAProducerWaitingForRoom) {
  std::atomic<int> pushed{0}, stops{0}, cancels{0};
  std::atomic<bool> returned{false};
  class Pusher : public Producer {
   public:
    Pusher(std::atomic<int>& pushed, std::atomic<int>& stops, std::atomic<int>& cancels,
           std::atomic<bool>& returned)
        : pushed_(pushed), stops_(stops), cancels_(cancels), returned_(returned) {}
    void Produce(ProducerSink& sink) override {
      while (sink.Push(Batch(1))) ++pushed_;
      EXPECT_TRUE(sink.Stopping());
      EXPECT_TRUE(stop_token().IsCancelled());
      returned_ = true;
    }
    void Interrupt(Interruption why) override { ++(why == Interruption::kStop ? stops_ : cancels_); }

   private:
    std::atomic<int>&pushed_, &stops_, &cancels_;
    std::atomic<bool>& returned_;
  };
  auto stream =
      std::make_unique<ProducerStream>(std::make_unique<Pusher>(pushed, stops, cancels, returned), "SRC");
  EXPECT_EQ(stream->Next().kind, ReadEvent::Kind::kBatch);
  ASSERT_TRUE(Eventually([&] { return pushed.load() >= 3; }));
  const auto start = std::chrono::steady_clock::now();
  stream.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(stops.load(), 1);
  EXPECT_EQ(cancels.load(), 0);
}

}  // namespace
}  // namespace sqlflow::connectors
