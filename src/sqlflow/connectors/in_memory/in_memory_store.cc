#include "sqlflow/connectors/in_memory/in_memory_store.h"

#include <filesystem>
#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/atomic_file.h"

namespace sqlflow::connectors {

InMemoryStore& InMemoryStore::Get() {
  static InMemoryStore store;
  return store;
}

InMemoryStore::InMemoryStore()
    : database_(engine::Database::Open({})), connection_(std::make_unique<engine::Connection>(*database_)) {}

std::unique_ptr<engine::Connection> InMemoryStore::Connect() {
  return std::make_unique<engine::Connection>(*database_);
}

void InMemoryStore::Put(const std::string& table, const nlohmann::ordered_json& rows) {
  if (!rows.is_array() || rows.empty()) {
    throw Error(ErrorKind::kInvalidConfig,
                "in-memory table '" + table + "': rows must be a non-empty array of objects");
  }
  for (const auto& row : rows) {
    if (!row.is_object()) {
      throw Error(ErrorKind::kInvalidConfig, "in-memory table '" + table + "': rows must be objects");
    }
  }
  // DuckDB's JSON reader reads files; the rows only pass through a private temp file.
  const auto path =
      std::filesystem::temp_directory_path() / ("sqlflow-in-memory-" + RandomSuffix() + ".json");
  TempPathGuard guard(path.string());
  {
    std::ofstream output(path, std::ios::binary);
    output << DumpJson(rows);
    if (!output) throw Error(ErrorKind::kInternal, "cannot write '" + path.string() + "'");
  }
  PutSql(table, "SELECT * FROM read_json(" + QuoteLiteral(path.string()) + ", format = 'array')");
}

void InMemoryStore::PutSql(const std::string& table, const std::string& select_sql) {
  std::lock_guard<std::mutex> lock(mutex_);
  connection_->Execute("CREATE OR REPLACE TABLE " + QuoteIdent(table) + " AS " + select_sql);
}

nlohmann::ordered_json InMemoryStore::Get(const std::string& table, const std::string& order_by) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!ExistsLocked(table)) {
    lock.unlock();
    ThrowMissing(table);
  }
  auto result = connection_->Query("SELECT CAST(to_json(__row) AS VARCHAR) FROM " + QuoteIdent(table) +
                                   " AS __row" + (order_by.empty() ? "" : " ORDER BY " + order_by));
  auto rows = nlohmann::ordered_json::array();
  for (uint64_t row = 0; row < result.row_count(); ++row) {
    rows.push_back(nlohmann::ordered_json::parse(result.GetString(0, row)));
  }
  return rows;
}

bool InMemoryStore::ExistsLocked(const std::string& table) {
  auto statement = connection_->Prepare(
      "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = "
      "'main' AND "
      "lower(table_name) = lower($1)");
  statement.BindString(1, table);
  return statement.Execute().GetString(0, 0) != "0";
}

bool InMemoryStore::Exists(const std::string& table) {
  std::lock_guard<std::mutex> lock(mutex_);
  return ExistsLocked(table);
}

std::vector<std::string> InMemoryStore::TableNames() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto result = connection_->Query(
      "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = "
      "'main' AND "
      "NOT temporary AND NOT starts_with(table_name, '__sqlflow_stage_') ORDER BY table_name");
  std::vector<std::string> names;
  for (uint64_t row = 0; row < result.row_count(); ++row) names.push_back(result.GetString(0, row));
  return names;
}

Schema InMemoryStore::TableSchema(const std::string& table) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!ExistsLocked(table)) {
    lock.unlock();
    ThrowMissing(table);
  }
  auto statement = connection_->Prepare("SELECT * FROM " + QuoteIdent(table));
  Schema schema;
  for (uint64_t i = 0; i < statement.column_count(); ++i) {
    const std::string type = statement.column_type(i).ToString();
    schema.push_back({statement.column_name(i), type, true, type});
  }
  return schema;
}

void InMemoryStore::Drop(const std::string& table) {
  std::lock_guard<std::mutex> lock(mutex_);
  connection_->Execute("DROP TABLE IF EXISTS " + QuoteIdent(table));
}

void InMemoryStore::Clear() {
  for (const auto& table : TableNames()) Drop(table);
}

void InMemoryStore::Execute(const std::string& sql) {
  std::lock_guard<std::mutex> lock(mutex_);
  connection_->Execute(sql);
}

void InMemoryStore::ThrowMissing(const std::string& table) {
  auto names = TableNames();
  throw Error(ErrorKind::kNotFound, "in-memory table '" + table + "' does not exist; available: " +
                                        (names.empty() ? std::string("(none)") : Join(names, ", ")));
}

}  // namespace sqlflow::connectors
