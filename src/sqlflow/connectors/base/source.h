// The source connector interface (CONNECTORS.md §1.3-1.5).
//
// A Source is configured once (no I/O), then Read() returns a ReadStream of events that the executor turns
// into rows of a staging table inside the step's transaction. File sources emit one FileScan event (DuckDB's
// own reader does the parsing); batch sources (postgres, rest, in_memory, ...) emit Schema and Batch events
// carrying DuckDB data chunks. Errors are thrown as sqlflow::Error with an ErrorKind (§1.11).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/connectors/base/types.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors {

enum class ObjectMode { kSingle, kMultiple };
enum class IncrementalSupport { kNone, kEngineFilter, kPushdown };

struct TypedValue {
  std::string type;  // DuckDB type of the cursor column
  std::string text;  // CAST(value AS VARCHAR)
};

struct CursorBound {
  std::string field;
  TypedValue value;
  bool inclusive = false;  // true: cursor >= value; false: cursor > value
};

struct ReadRequest {
  std::string object;                // "" for Single sources
  std::vector<std::string> columns;  // projection in output order; empty = all
  std::optional<CursorBound> cursor;
  int64_t batch_size = 10000;
  std::optional<int64_t> limit;
};

// What the executor offers a read. The connection belongs to the pipeline database and is inside the
// step's transaction; a source may use it for metadata queries (DESCRIBE, sniff_csv) but must not commit.
struct ReadContext {
  std::string source_name;   // the SOURCE name, for messages
  std::string run_temp_dir;  // per-run temp directory (created)
  engine::Connection* connection = nullptr;
  // The run's cancel token (outlives the stream). The executor also calls ReadStream::Cancel() when it fires;
  // network sources pass it to their requests and backoff sleeps.
  CancelToken* cancel = nullptr;
};

// A native file scan: the executor runs
//   INSERT INTO <staging> SELECT <select_list> FROM <table_function> [WHERE <where>]
// (or CREATE TABLE ... AS the same). `table_function` is complete SQL, e.g.
//   read_csv(['data/a.csv'], header = true, delim = ',', ...)
struct FileScan {
  std::string reader;  // read_csv | read_parquet | read_json
  std::vector<std::string> files;
  std::string table_function;  // complete call
  std::string select_list = "*";
  std::string where;                                 // without WHERE; empty = none
  std::map<std::string, std::string> display_names;  // local file -> name shown in `filename`
  bool collect_rejects = false;  // ignore_errors: report rejected rows at End
  std::optional<int64_t> max_rejected_rows;
  // CSV with collect_rejects: the scan passes store_rejects with these temp table names (DuckDB's
  // reject_errors / reject_scans layout) on the connection that runs it; the executor reads them after the
  // INSERT (count, first 5 by line: line, column_name, error_type, csv_line) and drops both tables.
  std::string rejects_table;
  std::string rejects_scan;
  // The ReadRequest::limit, applied as LIMIT by the executor.
  std::optional<int64_t> limit;
};

struct EndInfo {
  std::map<std::string, std::string> refine;  // column -> DATE / TIMESTAMP / TIMESTAMPTZ
  std::vector<std::string> warnings;
};

struct ReadEvent {
  enum class Kind { kSchema, kBatch, kFileScan, kReset, kEnd };
  Kind kind = Kind::kEnd;
  Schema schema;                          // kSchema
  std::vector<engine::DataChunk> chunks;  // kBatch: chunks typed per the latest schema
  FileScan scan;                          // kFileScan
  std::string reason;                     // kReset
  EndInfo end;                            // kEnd
};

struct ReadStats {
  int64_t rows = 0;
  int64_t bytes = 0;
  int64_t requests = 0;
  int64_t retries = 0;
  int64_t elapsed_ms = 0;
};

class ReadStream {
 public:
  virtual ~ReadStream() = default;
  // The next event; after kEnd the stream is exhausted. Blocks; retries happen inside. Throws Error.
  virtual ReadEvent Next() = 0;
  // Thread-safe; Next() then throws Error(kCancelled) promptly.
  virtual void Cancel() = 0;
  virtual ReadStats Stats() const = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // Validates and stores parameters; no I/O. Throws Error(kInvalidConfig).
  virtual void Configure(const ResolvedParams& params) = 0;
  // Never throws.
  virtual ConnectionTestResult TestConnection(engine::Connection& scratch) = 0;
  virtual std::vector<ObjectRef> Discover(engine::Connection& scratch) = 0;
  virtual Schema GetSchema(std::string_view object, engine::Connection& scratch) = 0;
  virtual std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) = 0;
  virtual IncrementalSupport SupportsIncremental() const = 0;
  virtual ObjectMode Objects() const = 0;
};

}  // namespace sqlflow::connectors
