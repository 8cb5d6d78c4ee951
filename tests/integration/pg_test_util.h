// Helpers of the PostgreSQL integration tests: finding the test server, admin SQL through libpq, driving the
// connector through its Source / Destination interfaces like the executor does, and running the sqlflow
// binary on a temp project.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/engine/database.h"

struct pg_conn;

namespace sqlflow::testing {

// The test server's DSN: $SQLFLOW_TEST_PG_DSN, else the env file the ctest fixture wrote. nullopt when none.
std::optional<std::string> TestDsn();

// Skips the test (or fails it when SQLFLOW_CI=1) when no server is configured or it does not answer.
#define SQLFLOW_REQUIRE_PG(dsn_var)                            \
  std::string dsn_var;                                         \
  {                                                            \
    std::string reason;                                        \
    if (!::sqlflow::testing::PgAvailable(&dsn_var, &reason)) { \
      if (::sqlflow::testing::InCi()) FAIL() << reason;        \
      GTEST_SKIP() << reason;                                  \
    }                                                          \
  }
bool PgAvailable(std::string* dsn, std::string* reason);
bool InCi();

// A plain libpq connection for setting up and checking tables. Throws std::runtime_error on SQL errors.
class PgAdmin {
 public:
  explicit PgAdmin(const std::string& dsn);
  ~PgAdmin();
  PgAdmin(const PgAdmin&) = delete;
  PgAdmin& operator=(const PgAdmin&) = delete;
  void Exec(const std::string& sql);
  // First column of the first row ("" for NULL / no rows).
  std::string Value(const std::string& sql);
  // All rows, columns joined by '|', NULL as "NULL".
  std::vector<std::string> Rows(const std::string& sql);
  int BackendPid();

 private:
  ::pg_conn* conn_;
};

// Connector parameters with the registry defaults applied, as the planner resolves them.
connectors::ResolvedParams SourceParams(const nlohmann::ordered_json& params,
                                        const std::string& name = "pg_test");
connectors::ResolvedParams DestinationParams(const nlohmann::ordered_json& params,
                                             const std::string& name = "pg_test");
// The DSN's parameters as separate keys are not needed: tests pass {"uri": dsn}.

// Result of draining a ReadStream into a DuckDB table, the way the executor stages rows.
struct ReadOutcome {
  connectors::Schema schema;
  int64_t rows = 0;
  int resets = 0;
  int64_t batches = 0;
  std::vector<std::string> warnings;
  std::vector<std::string> reset_reasons;
};

// Reads `request` from `source` into DuckDB table `table` (created from the Schema event; a Reset deletes
// the rows staged so far). `on_batch` runs after each batch with the batch number (1-based).
ReadOutcome ReadInto(connectors::Source& source, const connectors::ReadRequest& request,
                     engine::Connection& duck, const std::string& table,
                     const std::function<void(int64_t)>& on_batch = {});

// An ExportInput over a DuckDB connection and a query, as the executor provides it.
class TestExportInput : public connectors::ExportInput {
 public:
  TestExportInput(engine::Connection& connection, std::string sql)
      : connection_(connection), sql_(std::move(sql)) {}
  const std::string& Sql() const override { return sql_; }
  const connectors::Schema& OutputSchema() const override;
  int64_t CopyTo(const std::string& path, const std::string& copy_options) override;
  engine::QueryResult Stream(const std::vector<std::string>& select_exprs) override;
  std::string TempPath(const std::string& suffix) override { return "/tmp/sqlflow-test" + suffix; }
  engine::Connection& connection() override { return connection_; }
  int streams = 0;  // Stream() calls

 private:
  engine::Connection& connection_;
  std::string sql_;
  mutable std::optional<connectors::Schema> schema_;
};

// Writes `sql` (over `duck`) to the postgres destination.
connectors::WriteResult ExportTo(connectors::Destination& destination, engine::Connection& duck,
                                 const std::string& sql, const std::string& table, connectors::WriteMode mode,
                                 const std::vector<std::string>& keys = {});

// A temp directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = 0;
  std::string output;  // stdout + stderr
};
CommandResult RunCommand(const std::string& command);
void WriteFile(const std::string& path, const std::string& text);

// A name unique to the running test, usable as a table name: "<suite>_<test>" lower-cased.
std::string TestTableName(const std::string& suffix = "");

}  // namespace sqlflow::testing
