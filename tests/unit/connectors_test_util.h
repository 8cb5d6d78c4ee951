// Test helpers for the connector tests: a per-test temp directory (also the working directory while it
// lives, since connector paths are relative to it) and an ExportInput over an engine::Connection.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors::testing {

// A registered type by name or alias (the test fails when there is none).
inline const ConnectorTypeInfo& SourceType(const std::string& name) {
  const ConnectorTypeInfo* info = BuiltinRegistries().sources.Find(name);
  EXPECT_NE(info, nullptr) << name;
  return *info;
}

inline const ConnectorTypeInfo& DestinationType(const std::string& name) {
  const ConnectorTypeInfo* info = BuiltinRegistries().destinations.Find(name);
  EXPECT_NE(info, nullptr) << name;
  return *info;
}

// Creates a fresh directory and makes it the working directory; restores both on destruction.
class ScopedWorkDir {
 public:
  ScopedWorkDir() {
    static int counter = 0;
    previous_ = std::filesystem::current_path();
    path_ = std::filesystem::temp_directory_path() /
            ("sqlflow_conn_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    std::filesystem::current_path(path_);
  }
  ~ScopedWorkDir() {
    std::error_code ec;
    std::filesystem::current_path(previous_, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ScopedWorkDir(const ScopedWorkDir&) = delete;
  ScopedWorkDir& operator=(const ScopedWorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path previous_;
  std::filesystem::path path_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Files in `dir` whose name contains `needle` (e.g. leftover ".sqlflow-tmp-").
inline int CountFilesContaining(const std::string& dir, const std::string& needle) {
  int count = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::end(it); it.increment(ec)) {
    if (it->path().filename().string().find(needle) != std::string::npos) ++count;
  }
  return count;
}

// An ExportInput that runs the query on a test connection, as the executor would.
class TestExportInput : public ExportInput {
 public:
  TestExportInput(engine::Connection& connection, std::string sql)
      : connection_(connection), sql_(std::move(sql)) {
    auto statement = connection_.Prepare(sql_);
    for (uint64_t i = 0; i < statement.column_count(); ++i) {
      const std::string type = statement.column_type(i).ToString();
      schema_.push_back({statement.column_name(i), type, true, type});
    }
  }
  const std::string& Sql() const override { return sql_; }
  const Schema& OutputSchema() const override { return schema_; }
  int64_t CopyTo(const std::string& path, const std::string& copy_options) override {
    ++copies;
    auto result =
        connection_.Query("COPY (" + sql_ + ") TO " + QuoteLiteral(path) + " (" + copy_options + ")");
    last_copy_options = copy_options;
    return std::stoll(result.GetString(0, 0));
  }
  engine::QueryResult Stream(const std::vector<std::string>& select_exprs) override {
    std::string exprs = select_exprs.empty() ? "*" : Join(select_exprs, ", ");
    return connection_.Stream("SELECT " + exprs + " FROM (" + sql_ + ")");
  }
  std::string TempPath(const std::string& suffix) override {
    return (std::filesystem::temp_directory_path() /
            ("sqlflow_export_" + std::to_string(++temp_counter_) + suffix))
        .string();
  }
  engine::Connection& connection() override { return connection_; }

  int copies = 0;
  std::string last_copy_options;

 private:
  engine::Connection& connection_;
  std::string sql_;
  Schema schema_;
  int temp_counter_ = 0;
};

// Configures a source of `type` from PARAMS-like JSON (validated, defaults applied).
inline std::unique_ptr<Source> MakeSource(const std::string& type, const nlohmann::ordered_json& params,
                                          const std::string& name = "src") {
  const ConnectorTypeInfo* info = BuiltinRegistries().sources.Find(type);
  EXPECT_NE(info, nullptr) << type;
  nlohmann::ordered_json merged = AliasImpliedParams(type);
  for (const auto& [key, value] : params.items()) merged[key] = value;
  ValidatedParams validated = ValidateSourceParams(*info, merged);
  for (const auto& issue : validated.issues) {
    EXPECT_NE(issue.severity, Severity::kError) << issue.code << " " << issue.message;
  }
  auto source = info->make_source();
  source->Configure(WithDefaults(*info, name, validated.canonical));
  return source;
}

inline std::unique_ptr<Destination> MakeDestination(const std::string& type, const std::string& format,
                                                    const nlohmann::ordered_json& options,
                                                    ResolvedParams* resolved, bool directory = false) {
  const ConnectorTypeInfo* info = BuiltinRegistries().destinations.Find(type);
  EXPECT_NE(info, nullptr) << type;
  ValidatedParams validated = ValidateExportOptions(*info, format, options, directory);
  for (const auto& issue : validated.issues) {
    EXPECT_NE(issue.severity, Severity::kError) << issue.code << " " << issue.message;
  }
  *resolved = WithDefaults(*info, "export", validated.canonical);
  auto destination = info->make_destination();
  destination->Configure(*resolved);
  return destination;
}

// Drains a stream into a vector of events.
inline std::vector<ReadEvent> Drain(ReadStream& stream) {
  std::vector<ReadEvent> events;
  for (;;) {
    ReadEvent event = stream.Next();
    const bool end = event.kind == ReadEvent::Kind::kEnd;
    events.push_back(std::move(event));
    if (end) break;
  }
  return events;
}

// Runs a FileScan like the executor: BeforeScan, CREATE TABLE <table> AS SELECT ... FROM ... WHERE ... LIMIT,
// then AfterScan (its warnings are returned) or TranslateError.
inline std::vector<ScanWarning> RunScan(engine::Connection& connection, const FileScan& scan,
                                        const std::string& table) {
  std::string sql = "CREATE OR REPLACE TABLE " + QuoteIdent(table) + " AS SELECT " + scan.select_list +
                    " FROM " + scan.table_function;
  if (!scan.where.empty()) sql += " WHERE " + scan.where;
  if (scan.limit) sql += " LIMIT " + std::to_string(*scan.limit);
  if (scan.hooks) scan.hooks->BeforeScan(connection);
  try {
    connection.Execute(sql);
  } catch (const Error& error) {
    if (scan.hooks) throw scan.hooks->TranslateError(error);
    throw;
  }
  if (!scan.hooks) return {};
  auto count = connection.QueryValue("SELECT count(*) FROM " + QuoteIdent(table));
  return scan.hooks->AfterScan(connection, count ? std::stoll(*count) : 0);
}

// Query result as text rows "a|b|NULL" for compact assertions.
inline std::vector<std::string> Rows(engine::Connection& connection, const std::string& sql) {
  auto result = connection.Query(sql);
  std::vector<std::string> rows;
  for (uint64_t row = 0; row < result.row_count(); ++row) {
    std::string line;
    for (uint64_t column = 0; column < result.column_count(); ++column) {
      if (column) line += "|";
      line += result.IsNull(column, row) ? "NULL" : result.GetString(column, row);
    }
    rows.push_back(line);
  }
  return rows;
}

}  // namespace sqlflow::connectors::testing
