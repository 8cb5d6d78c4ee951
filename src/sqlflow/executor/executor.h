// Runs a compiled plan on one DuckDB database (LANGUAGE.md §9): LOAD / transform / EXPORT / SQL steps,
// each in its own transaction with its watermark, fail fast, progress and the run summary.
#pragma once

#include <string>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/planner/plan.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::executor {

struct RunOptions {
  std::string run_id;
  std::string run_ts;  // "YYYY-MM-DDTHH:MM:SSZ", the run start (`now` of INCREMENTAL windows)
};

// Executes the plan and prints progress (stderr) and the summary (stdout) through the Console.
// Returns the exit code: 0 success, 1 a step failed, 130 interrupted.
int RunPlan(const planner::Plan& plan, const project::Profile& profile, const RunOptions& options,
            SourceCache& sources);

// Installs the SIGINT handler used while a plan runs (idempotent).
void InstallInterruptHandler();

}  // namespace sqlflow::executor
