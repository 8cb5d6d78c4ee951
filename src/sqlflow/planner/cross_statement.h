// The cross-statement rules of LANGUAGE.md §6.3 over the active path of a compiled pipeline: duplicate
// sources and tables, LOAD → SOURCE resolution, reads of undefined or later tables, cycles, several EXPORTs
// to one destination, and the depends_on edges of the plan. Internal to the planner.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/planner/plan.h"

namespace sqlflow::planner {

// Where the names of one step were written, for carets (one per plan step, same order).
struct StepSyntax {
  SourcePos name_pos;   // SOURCE: its name; LOAD: the source it reads
  SourcePos table_pos;  // LOAD / CREATE: the target table
  bool or_replace = false;
  std::map<std::string, SourcePos> read_pos;  // tables the step reads -> where the name is written
};

struct CrossStatementInput {
  const std::vector<StepSyntax>* syntax = nullptr;
  const std::map<size_t, std::vector<std::string>>* sql_creates =
      nullptr;  // step -> tables a SQL step creates
  const std::vector<std::pair<std::string, std::string>>* existing_tables = nullptr;  // persistent database
  // Every table a CREATE or LOAD of the file creates, active path or not -> where (first one): a table that
  // is only created in a branch not taken gets that note on W301.
  const std::map<std::string, SourcePos>* all_creates = nullptr;
};

// Applies every rule to `plan` (sets LoadDetail::source_step, Step::depends_on, self-reads of APPEND /
// UPSERT / INCREMENTAL transforms) and reports findings into `diagnostics`.
void ApplyCrossStatementRules(Plan& plan, const CrossStatementInput& input, Diagnostics& diagnostics);

}  // namespace sqlflow::planner
