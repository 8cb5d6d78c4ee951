// Runs a compiled plan on one DuckDB database (LANGUAGE.md §9): LOAD / transform / EXPORT / SQL steps,
// each in its own transaction with its watermark, fail fast, progress and the run summary.
#pragma once

#include <string>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/diagnostic.h"
#include "sqlflow/planner/plan.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::executor {

struct RunOptions {
  std::string run_id;
  std::string run_ts;  // "YYYY-MM-DDTHH:MM:SSZ", the run start (`now` of INCREMENTAL windows)
  // The run's cancel token (must outlive RunPlan); null = RunPlan makes its own. SIGINT and SIGTERM cancel it
  // while RunPlan runs.
  CancelToken* cancel = nullptr;
};

// Executes the plan and prints progress (stderr) and the summary (stdout) through the Console.
// Returns the exit code: 0 success, 1 a step failed, 130 interrupted.
int RunPlan(const planner::Plan& plan, const RunOptions& options, SourceCache& sources);

// (schema, table) of the tables and views in a persistent database, for the compiler's "is it defined" rules;
// empty for an in-memory engine, a missing file, or a database that cannot be opened (e.g. locked).
std::vector<std::pair<std::string, std::string>> ListExistingTables(const project::EngineConfig& engine);

// Installs the SIGINT / SIGTERM handlers used while a plan runs (idempotent).
void InstallInterruptHandler();

// An engine error message as a diagnostic shows it: without DuckDB's "LINE n: <statement sqlflow ran>"
// excerpt and with an atomic write's temporary file (.x.csv.sqlflow-tmp-XXXX) named as the file the user
// asked for.
std::string UserFacingMessage(std::string message);

}  // namespace sqlflow::executor
