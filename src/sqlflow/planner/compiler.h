// Compilation (LANGUAGE.md §6): parse, resolve variables and IF branches, validate every statement and the
// cross-statement rules, and build the plan. Nothing is read from data sources or written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/planner/plan.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::planner {

struct CompileRequest {
  std::filesystem::path project_root;  // the process has already chdir'ed here
  std::string pipeline;                // name without .sf (may contain '/')
  const project::Profile* profile = nullptr;
  std::vector<std::pair<std::string, std::string>> cli_vars;
  std::map<std::string, std::string> builtins;
  // (schema, table) of the tables and views that already exist in the profile's persistent database; the
  // caller lists them (executor::ListExistingTables), the compiler opens no database for them.
  std::vector<std::pair<std::string, std::string>> existing_tables;
};

// Returns the plan, or nullopt when errors were added to `diagnostics`. Warnings are added to
// `diagnostics` too (and copied into the plan).
std::optional<Plan> CompilePipeline(const CompileRequest& request, Diagnostics& diagnostics,
                                    SourceCache& sources);

// Pipelines under pipelines/ (names without .sf, sorted). With `include_hidden`, files and directories
// starting with '_' or '.' are included.
std::vector<std::string> ListPipelines(const std::filesystem::path& root, bool include_hidden = false);

// True when `name` names a file under pipelines/ (no '..', '.', empty or absolute parts, no backslash, and
// no symbolic link leading out of pipelines/). LANGUAGE.md §6.5: pipeline names are names, not paths.
bool IsPipelineName(const std::filesystem::path& root, const std::string& name);

// Normalises a pipeline argument (drops a trailing .sf) and checks it is a name (IsPipelineName) and exists:
// SF502 with the list of available pipelines.
std::optional<std::string> ResolvePipelineName(const std::filesystem::path& root, const std::string& argument,
                                               Diagnostics& diagnostics);

// SF401 `unknown connector type '<t>'` with did-you-mean and the list of known types.
Diagnostic& ReportUnknownConnectorType(Diagnostics& diagnostics, const std::string& type, SourcePos pos);
// SF407 `unknown connector '<n>' in profile '<p>'` with did-you-mean and the profile's connectors.
Diagnostic& ReportUnknownProfileConnector(Diagnostics& diagnostics, const std::string& name,
                                          const project::Profile* profile, SourcePos pos);

// Tables read and written by one SQL text, from DuckDB's parse tree (json_serialize_sql) for queries and
// from the statement's leading keywords for DDL/DML. Names are lower-cased; catalog-qualified names and
// information_schema / pg_catalog are dropped.
struct TableRefs {
  std::vector<std::string> reads;
  std::vector<std::string> writes;   // created or modified
  std::vector<std::string> creates;  // subset of writes that the statement creates
};
class TableExtractor;

}  // namespace sqlflow::planner
