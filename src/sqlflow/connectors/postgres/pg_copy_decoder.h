// Decodes the PostgreSQL binary COPY format (`COPY ... TO STDOUT (FORMAT binary)`) straight into DuckDB data
// chunks: no text round trip, no per-row allocation besides libpq's message buffer.
//
// Format: 19-byte header (signature, flags, extension length), then per tuple an int16 field count and per
// field an int32 length (-1 = NULL) and the value in the type's binary send format; an int16 -1 trailer.
// Chunks hold at most 2048 rows; a batch is complete every `batch_size` rows (CONNECTORS.md §3.5 step 4).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sqlflow/connectors/postgres/pg_types.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors::pg {

struct DecodeColumn {
  std::string name;  // for messages
  WireType type;
};

struct Sink;  // a DuckDB vector being filled (pg_copy_decoder.cc)

// The DuckDB logical type a column of `type` is decoded into (built with the C API; no database needed).
engine::LogicalType LogicalTypeFor(const WireType& type);

class CopyDecoder {
 public:
  // `types` are the DuckDB logical types of the columns, in order; they must outlive the decoder.
  // `validate_utf8`: check text values (needed only when the server encoding is SQL_ASCII).
  CopyDecoder(std::vector<DecodeColumn> columns, const std::vector<engine::LogicalType>& types,
              int64_t batch_size, bool validate_utf8);
  ~CopyDecoder();
  CopyDecoder(const CopyDecoder&) = delete;
  CopyDecoder& operator=(const CopyDecoder&) = delete;

  // Decodes every complete tuple of one CopyData message (a tuple split across messages is carried over).
  // Throws Error(kDataError) for malformed data or a value DuckDB cannot hold (numeric NaN into DECIMAL).
  void Feed(const char* data, size_t size);
  // The trailer was seen.
  bool finished() const { return finished_; }
  // Completes the partial batch; call after the trailer.
  void Finish();
  bool HasBatch() const { return !batches_.empty(); }
  std::vector<engine::DataChunk> TakeBatch();
  int64_t rows() const { return rows_; }

 private:
  void StartChunk();
  void FinishChunk();
  size_t DecodeTuples(const uint8_t* data, size_t size);
  void DecodeTuple(const uint8_t* data);

  std::vector<DecodeColumn> columns_;
  const std::vector<engine::LogicalType>& types_;
  int64_t batch_size_;
  bool validate_utf8_;
  bool header_done_ = false;
  bool finished_ = false;
  std::string carry_;
  std::unique_ptr<engine::DataChunk> chunk_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  uint64_t chunk_rows_ = 0;
  uint64_t chunk_capacity_ = 2048;
  int64_t batch_rows_ = 0;
  int64_t rows_ = 0;
  std::vector<engine::DataChunk> batch_;
  std::deque<std::vector<engine::DataChunk>> batches_;
};

}  // namespace sqlflow::connectors::pg
