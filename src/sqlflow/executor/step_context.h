// Internal to the executor: what one step's implementation gets, and the table-merge helpers shared by
// LOAD and CREATE TABLE (LANGUAGE.md §9.4-9.7).
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/table_name.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/executor/executor.h"
#include "sqlflow/planner/plan.h"

namespace sqlflow::executor {

struct StepContext {
  engine::Connection& conn;
  const planner::Plan& plan;
  const planner::Step& step;
  const RunOptions& options;
  std::string temp_dir;                 // per-run temp directory
  std::atomic<int64_t>& progress_rows;  // rows processed so far, for the progress line
  std::vector<Diagnostic>& warnings;    // runtime warnings of this step
  int index = 0;                        // 0-based step index
  CancelToken& cancel;                  // the run's token: reads, requests and sleeps observe it
};

struct StepOutcome {
  std::optional<int64_t> rows;  // nullopt = "-"
  std::string detail;           // verbose-only extra (e.g. inserted/updated counts)
};

StepOutcome RunLoad(StepContext& ctx);
StepOutcome RunTransform(StepContext& ctx);
StepOutcome RunExport(StepContext& ctx);
StepOutcome RunSql(StepContext& ctx);

// ---- table helpers

// The executor's table handle is the plan's qualified name; it is never re-parsed from a display string.
using TableRef = TableName;

struct Column {
  std::string name;
  std::string type;
};

// Columns of a table, or nullopt when it does not exist.
std::optional<std::vector<Column>> DescribeTable(engine::Connection& conn, const TableRef& table);
int64_t CountRows(engine::Connection& conn, const std::string& table_sql);
// Runs CREATE TABLE ... AS / INSERT and returns the rows it wrote (DuckDB's one-row count result), so that
// no second pass over the table is needed.
int64_t ExecuteCountingRows(engine::Connection& conn, const std::string& sql);

// Moves the rows of `staging` (a table in the step's transaction) into `target` with the semantics of
// LANGUAGE.md §9.4/§9.5, then drops `staging`. `batch_name` names the batch in messages (the SOURCE name or
// "the query"). Throws sqlflow::Error with SF602-SF606. Returns the (inserted, updated) counts for UPSERT.
std::pair<int64_t, int64_t> MergeStaging(engine::Connection& conn, const TableRef& staging,
                                         const TableRef& target, WriteMode mode,
                                         const std::vector<std::string>& keys, const std::string& batch_name);

// A fresh staging table for the rows a step writes into `target`: beside the target when it will become the
// target (the target does not exist yet, or `merge` is false: the rows replace it; a rename, no copy), a TEMP
// table when its rows will be copied into an existing target (append, upsert: written in memory, not into
// the database file, which a persistent database would do twice).
TableRef StagingFor(engine::Connection& conn, const TableRef& target, int step_index, bool merge);
// "CREATE TABLE <staging>" or, for a TEMP staging table, "CREATE TEMP TABLE <staging>".
std::string CreateStaging(const TableRef& staging);

// ---- state (§9.7)

struct StateKey {
  std::string pipeline;
  std::string kind;    // source | transform
  std::string source;  // '' for transforms
  std::string target;  // lower case
  std::string cursor;
};
struct Watermark {
  std::string value;
  std::string type;
};
void EnsureStateTable(engine::Connection& conn);
std::optional<Watermark> ReadWatermark(engine::Connection& conn, const StateKey& key);
void WriteWatermark(engine::Connection& conn, const StateKey& key, const Watermark& watermark, int64_t rows,
                    const std::string& run_id);

}  // namespace sqlflow::executor
