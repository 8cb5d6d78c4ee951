#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/atomic_file.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/in_memory/in_memory_connector.h"
#include "sqlflow/connectors/in_memory/in_memory_store.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {
namespace {

// Drops the staging table of one write whatever happens.
class StageGuard {
 public:
  StageGuard(engine::Connection& connection, std::string table)
      : connection_(connection), table_(std::move(table)) {}
  ~StageGuard() {
    try {
      connection_.Execute("DROP TABLE IF EXISTS " + QuoteIdent(table_));
    } catch (const Error&) {
    }
  }
  StageGuard(const StageGuard&) = delete;
  StageGuard& operator=(const StageGuard&) = delete;

 private:
  engine::Connection& connection_;
  std::string table_;
};

// Runs `work` in one store transaction, rolling back on any error.
template <typename F>
void InTransaction(engine::Connection& connection, F&& work) {
  connection.Execute("BEGIN TRANSACTION");
  try {
    work();
    connection.Execute("COMMIT");
  } catch (...) {
    try {
      connection.Execute("ROLLBACK");
    } catch (const Error&) {
    }
    throw;
  }
}

std::vector<std::string> ColumnNames(engine::Connection& connection, const std::string& table) {
  auto statement = connection.Prepare("SELECT * FROM " + QuoteIdent(table));
  std::vector<std::string> names;
  for (uint64_t i = 0; i < statement.column_count(); ++i) names.push_back(statement.column_name(i));
  return names;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& candidate : names) {
    if (EqualsIgnoreCase(candidate, name)) return true;
  }
  return false;
}

void CheckStageKeys(engine::Connection& connection, const std::string& stage,
                    const std::vector<std::string>& keys) {
  if (keys.empty()) throw Error(ErrorKind::kInvalidConfig, "mode 'upsert' requires option \"keys\"", "SF411");
  const auto names = ColumnNames(connection, stage);
  std::vector<std::string> quoted, null_counts;
  for (const auto& key : keys) {
    if (!Contains(names, key)) {
      throw Error(ErrorKind::kInvalidConfig,
                  "upsert key '" + key + "' is not a column of the export; columns: " + Join(names, ", "));
    }
    quoted.push_back(QuoteIdent(key));
    null_counts.push_back("count(*) FILTER (WHERE " + QuoteIdent(key) + " IS NULL)");
  }
  auto nulls = connection.Query("SELECT " + Join(null_counts, ", ") + " FROM " + QuoteIdent(stage));
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string count = nulls.GetString(i, 0);
    if (count != "0") {
      throw Error(
          ErrorKind::kDataError,
          "key column '" + keys[i] + "' is NULL in " + count + " exported row" + (count == "1" ? "" : "s"),
          "SF606");
    }
  }
  const std::string key_list = Join(quoted, ", ");
  auto duplicates = connection.Query("SELECT " + key_list + " FROM " + QuoteIdent(stage) + " GROUP BY " +
                                     key_list + " HAVING count(*) > 1 LIMIT 1");
  if (duplicates.row_count() > 0) {
    std::vector<std::string> values;
    for (size_t i = 0; i < keys.size(); ++i) values.push_back(duplicates.GetString(i, 0));
    throw Error(ErrorKind::kDataError,
                "duplicate key (" + Join(keys, ", ") + ")=(" + Join(values, ", ") + ") in exported rows",
                "SF605");
  }
}

// Creates `stage` in the store (the caller's StageGuard drops it) with the export's columns and appends its
// chunks; returns the rows.
int64_t StageExport(engine::Connection& connection, ExportInput& input, const std::string& stage) {
  engine::QueryResult result = input.Stream({});
  std::vector<std::string> columns;
  for (uint64_t i = 0; i < result.column_count(); ++i) {
    columns.push_back(QuoteIdent(result.column_name(i)) + " " + result.column_type_name(i));
  }
  connection.Execute("CREATE TABLE " + QuoteIdent(stage) + " (" + Join(columns, ", ") + ")");
  int64_t rows = 0;
  engine::Appender appender(connection, "", stage);
  while (std::optional<engine::DataChunk> chunk = result.FetchChunk()) {
    if (chunk->size() == 0) break;
    rows += static_cast<int64_t>(chunk->size());
    appender.AppendChunk(*chunk);
  }
  appender.Close();
  return rows;
}

}  // namespace

ConnectionTestResult InMemoryDestination::TestConnection() {
  ConnectionTester tester;
  tester.Run("store", [] { return std::string("in-memory store available"); });
  return tester.Finish("in-memory store writable");
}

void InMemoryDestination::Configure(const ResolvedParams& options) {
  std::vector<ParamIssue> issues;
  options_ = ParseInMemoryDestinationOptions(options.values, issues);
  ThrowFirstError(issues);
}

WriteResult InMemoryDestination::Write(const WriteRequest& request, ExportInput& input) {
  std::vector<ParamIssue> issues;
  const InMemoryDestinationOptions requested =
      ParseInMemoryDestinationOptions(request.options.values, issues);
  ThrowFirstError(issues);
  std::string table = request.object;
  if (table.empty()) table = request.options.Has("table_name") ? requested.table_name : options_.table_name;
  if (table.empty()) throw Error(ErrorKind::kInvalidConfig, "IN_MEMORY destination: no table name");
  InMemoryStore& store = InMemoryStore::Get();
  auto connection = store.Connect();

  // 1. Pull the export's chunks into a private staging table of the store.
  const std::string stage = "__sqlflow_stage_" + RandomSuffix();
  StageGuard guard(*connection, stage);
  WriteResult out;
  out.rows = StageExport(*connection, input, stage);

  // 2. Apply the mode in one transaction.
  const std::string target = QuoteIdent(table);
  const std::string from_stage = "SELECT * FROM " + QuoteIdent(stage);
  std::vector<std::string> keys = request.keys;
  if (keys.empty()) keys = requested.keys;
  if (request.mode == WriteMode::kUpsert) CheckStageKeys(*connection, stage, keys);
  const bool exists = store.Exists(table);
  if (request.mode != WriteMode::kReplace && exists) {
    const auto existing = ColumnNames(*connection, table);
    for (const auto& name : ColumnNames(*connection, stage)) {
      if (!Contains(existing, name)) {
        throw Error(ErrorKind::kDataError, "column '" + name +
                                               "' of the export does not exist in in-memory table '" + table +
                                               "' (its columns: " + Join(existing, ", ") + ")");
      }
    }
  }
  InTransaction(*connection, [&] {
    if (request.mode == WriteMode::kReplace || !exists) {
      connection->Execute("CREATE OR REPLACE TABLE " + target + " AS " + from_stage);
      return;
    }
    if (request.mode == WriteMode::kUpsert) {
      std::vector<std::string> matches;
      for (const auto& key : keys) {
        matches.push_back(target + "." + QuoteIdent(key) + " = __sqlflow_new." + QuoteIdent(key));
      }
      connection->Execute("DELETE FROM " + target + " USING " + QuoteIdent(stage) +
                          " AS __sqlflow_new WHERE " + Join(matches, " AND "));
    }
    connection->Execute("INSERT INTO " + target + " BY NAME " + from_stage);
  });
  out.written.push_back(table);
  out.detail = request.mode == WriteMode::kReplace  ? "replaced"
               : request.mode == WriteMode::kAppend ? "appended"
                                                    : "upserted";
  return out;
}

}  // namespace sqlflow::connectors
