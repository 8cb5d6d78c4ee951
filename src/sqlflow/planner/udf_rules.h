// Compile-time rules for Python UDFs (LANGUAGE.md §6.1 phase 5, §13.1, §13.5): decide whether Python must
// start, resolve PYTHON_FUNC calls (SF701-SF704, SF702 when Python is unavailable), rewrite scalar calls to
// their internal SQL names, and count a table UDF's table argument as a read.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/planner/plan.h"

namespace sqlflow::planner {

// Position of `length` bytes at `offset` of the SQL text of step `step_index` (its query / statement text).
using StepSqlLocator = std::function<SourcePos(size_t step_index, size_t offset, size_t length)>;

void ApplyUdfRules(const std::filesystem::path& project_root, std::vector<Step>& steps,
                   const StepSqlLocator& locate, Diagnostics& diagnostics);

}  // namespace sqlflow::planner
