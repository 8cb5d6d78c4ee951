// The process-wide named-table store behind the in_memory connector (CONNECTORS.md §3.4): a private
// in-memory DuckDB instance, separate from the pipeline database, whose tables are the store's tables. It
// lives until the process exits. Tests seed and inspect it through Put / Get / Clear.
//
// Thread-safe: the helper methods share one connection under a mutex; streams and writes use their own
// connections from Connect(). Table names are matched as DuckDB matches quoted identifiers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/base/types.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors {

class InMemoryStore {
 public:
  // The process-wide store (created on first use).
  static InMemoryStore& Get();

  InMemoryStore(const InMemoryStore&) = delete;
  InMemoryStore& operator=(const InMemoryStore&) = delete;

  // (Re)creates `table` from `rows`, a JSON array of objects, typed by DuckDB's JSON reader. Throws
  // Error(kInvalidConfig) when `rows` is not a non-empty array of objects.
  void Put(const std::string& table, const nlohmann::ordered_json& rows);
  // (Re)creates `table` as the result of `select_sql` run inside the store.
  void PutSql(const std::string& table, const std::string& select_sql);
  // The rows of `table` as JSON objects, in table order (optionally ordered by `order_by`, SQL text).
  // Throws Error(kNotFound).
  nlohmann::ordered_json Get(const std::string& table, const std::string& order_by = "");
  bool Exists(const std::string& table);
  std::vector<std::string> TableNames();         // sorted
  Schema TableSchema(const std::string& table);  // throws Error(kNotFound)
  void Drop(const std::string& table);
  void Clear();  // drops every table
  // Runs SQL inside the store (tests, fixtures).
  void Execute(const std::string& sql);
  // A fresh connection to the store database; it must not outlive the process-wide store (it cannot).
  std::unique_ptr<engine::Connection> Connect();

  // Error(kNotFound) "in-memory table '<t>' does not exist; available: <list>".
  [[noreturn]] void ThrowMissing(const std::string& table);

 private:
  InMemoryStore();
  bool ExistsLocked(const std::string& table);

  std::unique_ptr<engine::Database> database_;
  std::mutex mutex_;
  std::unique_ptr<engine::Connection> connection_;  // guarded by mutex_
};

}  // namespace sqlflow::connectors
