// Python UDFs (LANGUAGE.md §13): what the rest of SQLFlow sees of the embedded interpreter.
//
// Nothing here includes Python.h: the interpreter lives in the *_py.cc files of this directory (or the
// *_nopy.cc stand-in when sqlflow is built without Python). The interpreter is started at most once per
// process, and only by StartRuntime, which the planner calls only when a pipeline needs UDFs (§13.1).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/error.h"

namespace sqlflow::engine {
class Connection;
}

namespace sqlflow::udf {

struct UdfParam {
  std::string name;
  std::string type;  // DuckDB type string, ANY when unannotated
  bool has_default = false;
};

struct UdfInfo {
  std::string kind;                  // scalar | table
  std::string name;                  // the decorator's `name` (default: the function's __name__)
  std::string module;                // python_udfs.text_utils
  std::string full_name;             // python_udfs.text_utils.capitalize_words
  std::string relative_name;         // text_utils.capitalize_words
  std::string internal_name;         // python_udfs__text_utils__capitalize_words (always registered)
  bool sql_name_registered = false;  // `name` is registered too (unique, not an engine function)
  std::string file;                  // python_udfs/text_utils.py
  int line = 0;
  std::vector<UdfParam> params;
  // scalar
  std::string return_type;
  std::string null_handling = "default";
  bool vectorized = false;
  bool deterministic = true;
  // table
  std::vector<std::pair<std::string, std::string>> output_schema;
  bool infer = false;
  std::vector<std::string> required_columns;
  std::string doc;

  size_t MinArity() const;  // parameters without defaults
  std::vector<std::string> SqlNames() const;
  std::string Signature() const;  // name(a BIGINT, b VARCHAR = default) -> VARCHAR
};

struct Discovery {
  std::vector<UdfInfo> udfs;         // sorted by full name
  std::vector<Diagnostic> warnings;  // W701 (module skipped), W702 (name clash)
  bool module_failed = false;
};

// True when python_udfs/ holds at least one .py file (§13.1: otherwise Python is never started).
bool ProjectHasUdfFiles(const std::filesystem::path& project_root);

// Starts the interpreter (once per process; later calls return the same discovery) and discovers the UDFs
// of `project_root`. Returns nullptr with `reason` set when Python is unavailable (SF702).
const Discovery* StartRuntime(const std::filesystem::path& project_root, std::string* reason);

// The discovery of the started runtime, or nullptr when the interpreter was never started.
const Discovery* StartedRuntime();

// True once the interpreter has been started in this process (for tests and --verbose output).
bool InterpreterStarted();

// Resolves a full, module-relative or SQL name, in that order (§13.5).
const UdfInfo* ResolveUdf(const Discovery& discovery, const std::string& name);

// Registers every scalar UDF of the started runtime as engine scalar functions on `conn` (no-op when the
// runtime was not started). Throws sqlflow::Error.
void RegisterScalarUdfs(engine::Connection& conn);

// Runs a table UDF inside the caller's transaction (§13.5): reads `table` into a DataFrame, checks
// required_columns (SF707), calls the function with `kwargs` (name, SQL literal text), checks the result
// (SF708) and loads it into the temporary table `temp_name`. Throws sqlflow::Error.
void RunTableUdf(engine::Connection& conn, const UdfInfo& udf, const std::string& table,
                 const std::vector<std::pair<std::string, std::string>>& kwargs,
                 const std::string& temp_name);

// The failure of the first scalar UDF call that failed since the last call (SF705 / SF706), and clears it.
// A scalar UDF fails inside a DuckDB query, which only carries text; the executor takes the typed error
// from here instead of reading codes out of the engine's message.
std::optional<Error> TakeScalarUdfFailure();

// Names of the engine's built-in functions (lower case), from a private in-memory database.
const std::vector<std::string>& EngineFunctionNames();

}  // namespace sqlflow::udf
