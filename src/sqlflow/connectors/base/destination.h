// The destination connector interface (CONNECTORS.md §1.6).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/write_mode.h"
#include "sqlflow/connectors/base/types.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors {

using sqlflow::WriteMode;

struct WriteRequest {
  std::string object;  // table name, local file path (relative to the project root), or s3 URI
  WriteMode mode = WriteMode::kReplace;
  std::vector<std::string> keys;  // Upsert only
  std::string format;             // csv | parquet | json | ndjson for file-like destinations; else ""
  ResolvedParams options;         // validated options, canonical names, defaults filled
  std::string run_id;
  CancelToken* cancel = nullptr;  // the run's token: uploads, requests and sleeps observe it
};

// Provided by the executor for one EXPORT. Lifetime: valid during Destination::Write only.
class ExportInput {
 public:
  virtual ~ExportInput() = default;
  virtual const std::string& Sql() const = 0;  // the EXPORT query, verbatim (after substitution)
  virtual const Schema& OutputSchema() const = 0;
  // COPY (<query>) TO '<path>' (<copy_options>); copy_options is the SQL inside the parentheses,
  // e.g. "FORMAT csv, HEADER true". Returns the rows written.
  virtual int64_t CopyTo(const std::string& path, const std::string& copy_options) = 0;
  // SELECT <select_exprs> FROM (<query>), streamed chunk by chunk (empty exprs = *).
  virtual engine::QueryResult Stream(const std::vector<std::string>& select_exprs) = 0;
  // A path under the run temp directory.
  virtual std::string TempPath(const std::string& suffix) = 0;
  // The pipeline connection (for rewrites like read_csv(<target>) UNION ALL BY NAME <export>).
  virtual engine::Connection& connection() = 0;
};

struct WriteResult {
  int64_t rows = 0;
  int64_t bytes = 0;
  std::vector<std::string> written;
  std::string detail;
};

class Destination {
 public:
  virtual ~Destination() = default;
  virtual void Configure(const ResolvedParams& options) = 0;  // no I/O; throws Error(kInvalidConfig)
  virtual ConnectionTestResult TestConnection() = 0;          // never throws
  virtual std::set<WriteMode> Modes() const = 0;
  virtual WriteResult Write(const WriteRequest& request, ExportInput& input) = 0;  // throws Error
};

}  // namespace sqlflow::connectors
