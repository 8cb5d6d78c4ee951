// What the three local file sources (csv, parquet, json) share: parameters -> file list, the FileScan
// event, projection / cursor / column checks, Discover and GetSchema. Each format supplies the reader call.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/connectors/files/file_paths.h"

namespace sqlflow::connectors {

// A stream over events decided up front (file sources do all their work in Read()).
class FixedEventStream : public ReadStream {
 public:
  FixedEventStream(std::vector<ReadEvent> events, ReadStats stats);
  ReadEvent Next() override;
  void Cancel() override { cancelled_ = true; }
  ReadStats Stats() const override { return stats_; }

 private:
  std::deque<ReadEvent> events_;
  std::atomic<bool> cancelled_{false};
  ReadStats stats_;
};

struct ColumnInfo {
  std::string name;
  std::string type;
};

// ['a.csv', 'b.csv']
std::string SqlStringList(const std::vector<std::string>& values);
// "c" > CAST('2024-01-01' AS DATE)   (>= when inclusive)
std::string CursorPredicate(const CursorBound& bound);
// "a", "b"  or * for an empty list
std::string QuotedSelectList(const std::vector<std::string>& columns);
// Result columns of `SELECT * FROM <relation>` (binds, does not execute).
std::vector<ColumnInfo> DescribeRelation(engine::Connection& connection, const std::string& relation);
// Throws Error(kNotFound) "column '<c>' not found in <object>; available: <list>" (+ did you mean).
void CheckColumnsExist(const std::vector<std::string>& requested, const std::vector<ColumnInfo>& available,
                       const std::string& object);

// Runs named connection checks in order, stopping at the first failure (CONNECTORS.md §1.7).
class ConnectionTester {
 public:
  // `check` returns the detail text; an Error (or other exception) fails the check.
  bool Run(const std::string& name, const std::function<std::string()>& check);
  ConnectionTestResult Finish(const std::string& success_message);

 private:
  ConnectionTestResult result_;
  bool failed_ = false;
  int64_t started_ms_ = 0;
};

// The hooks every file scan carries: a failed scan names the source and, for a single file, the file:
// "<KIND> source '<name>': <file>: <reader's message>".
class FileScanHooks : public ScanHooks {
 public:
  FileScanHooks(std::string kind, std::string source_name, std::vector<std::string> files)
      : kind_(std::move(kind)), source_name_(std::move(source_name)), files_(std::move(files)) {}
  Error TranslateError(const Error& error) const override;

 protected:
  std::string Prefix() const;  // "CSV source 'src': a.csv: "

  std::string kind_;  // CSV | PARQUET | JSON
  std::string source_name_;
  std::vector<std::string> files_;
};

struct ParamIssue;

// What every file source reads the same way (each format parses its reader options itself, e.g.
// ParseJsonReadOptions). Defaults come from the format's registry schema, already in the parameters.
struct FileSourceOptions {
  std::string type;  // csv | parquet | json (the connector type, for messages)
  std::string name;  // the SOURCE name, for messages
  std::vector<std::string> paths;
  bool allow_no_files = false;
  std::vector<std::string> columns;  // the configured projection; empty = all
};

// Never throws: a missing `path` (required by every file schema) goes to `issues`.
FileSourceOptions ParseFileSourceOptions(const ResolvedParams& params, std::vector<ParamIssue>& issues);

// Base of the csv, parquet and json sources. A format that overrides Configure calls FileSource::Configure.
class FileSource : public Source {
 public:
  void Configure(const ResolvedParams& params) override;
  std::vector<ObjectRef> Discover(engine::Connection& scratch) override;
  Schema GetSchema(std::string_view object, engine::Connection& scratch) override;
  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override;
  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kEngineFilter; }
  ObjectMode Objects() const override { return ObjectMode::kSingle; }
  // The message MatchedFiles() would throw (NotFound) now, or nullopt when the path matches files.
  std::optional<std::string> MissingFiles() const;

 protected:
  virtual PathRules Rules() const = 0;
  virtual std::string Reader() const = 0;      // read_csv | read_parquet | read_json
  virtual std::string TypePrefix() const = 0;  // csv | parquet | json (Field::source_type prefix)
  // Per-format checks of the matched files before any scan (0-byte CSV, Parquet magic bytes).
  virtual void CheckFiles(const std::vector<std::string>& files) const { (void)files; }
  // The relation whose columns are the source's columns: a reader call, or a parenthesised subquery over
  // one when the format needs transformations. `connection` may be null (then no metadata queries).
  virtual std::string Relation(const std::vector<std::string>& files,
                               engine::Connection* connection) const = 0;
  // Sets the scan's table function (by default Relation(files)) and any last touches (CSV: width checks,
  // pinned columns, its own hooks). Runs before the projection is checked against the scan's columns;
  // `scan.hooks` holds the FileScanHooks already.
  virtual void FinishScan(FileScan& scan, const std::string& source_name,
                          engine::Connection* connection) const {
    (void)source_name;
    scan.table_function = Relation(scan.files, connection);
  }

  std::vector<std::string> MatchedFiles() const;  // throws NotFound per the path rules
  std::string ObjectLabel() const;                // the configured path(s), for messages

  FileSourceOptions file_options_;
};

// The registry's missing_files hook of a file source type T: configures a T and asks it.
template <typename T>
std::function<std::optional<std::string>(const ResolvedParams&)> MissingFilesHook() {
  return [](const ResolvedParams& params) -> std::optional<std::string> {
    T source;
    try {
      source.Configure(params);
    } catch (const Error&) {
      return std::nullopt;  // invalid parameters are validation's business
    }
    return source.MissingFiles();
  };
}

}  // namespace sqlflow::connectors
