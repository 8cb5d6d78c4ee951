// The compiled plan (LANGUAGE.md §8): fully resolved steps in execution (= file) order.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/table_name.h"
#include "sqlflow/common/write_mode.h"
#include "sqlflow/connectors/base/types.h"
#include "sqlflow/parser/ast.h"
#include "sqlflow/project/profile.h"
#include "sqlflow/variables/scope.h"

namespace sqlflow::planner {

struct SourceDetail {
  std::string name;
  std::string connector_type;                                                 // canonical
  std::optional<std::string> connector;                                       // profile connector name
  nlohmann::ordered_json params_as_given = nlohmann::ordered_json::object();  // merged, before defaults
  connectors::ResolvedParams resolved;  // canonical names, coerced, defaults filled
  std::string sync_mode = "full_refresh";
  std::optional<std::string> cursor_field;
  std::vector<std::string> primary_key;
};

struct LoadDetail {
  TableName table;
  std::string source;  // the SOURCE name as written in the LOAD
  size_t source_step =
      0;  // index in Plan::steps of the SOURCE step it reads (set by the cross-statement rules)
  WriteMode mode = WriteMode::kReplace;
  std::vector<std::string> key;
};

struct TransformDetail {
  TableName table;
  WriteMode mode = WriteMode::kReplace;
  bool or_replace = false;
  std::vector<std::string> key;
  std::optional<std::string> incremental_by;
  std::optional<std::string> lookback;  // normalised "7 day"
  std::string sql;
};

struct ExportDetail {
  std::string format;  // csv | parquet | json | ndjson, or the connector type (postgres, in_memory)
  std::optional<std::string> destination;  // path / URI
  std::optional<std::string> connector;    // profile connector name
  std::string destination_type;  // canonical destination registry type (csv, parquet, json, s3, ...)
  std::string sql;
  nlohmann::ordered_json options_as_given = nlohmann::ordered_json::object();
  connectors::ResolvedParams resolved;  // validated options with defaults
  WriteMode mode = WriteMode::kReplace;
  std::vector<std::string> keys;
  bool directory_target = false;
};

struct SqlDetail {
  std::string sql;
  bool autocommit = false;  // ATTACH, DETACH, CHECKPOINT, VACUUM, EXPORT/IMPORT DATABASE
};

struct Step {
  std::string id;
  std::string kind;  // source | load | transform | export | sql
  SourcePos pos;     // statement's first token
  std::optional<std::string> target;
  std::vector<std::string> depends_on;
  std::vector<std::string> reads;   // lower-cased table names read
  std::vector<std::string> writes;  // lower-cased table names written
  std::variant<SourceDetail, LoadDetail, TransformDetail, ExportDetail, SqlDetail> detail;
};

struct ConditionRecord {
  std::string file;
  int line = 0;
  std::string text;
  bool result = false;
};

struct Plan {
  std::string pipeline;
  std::string file;
  std::string profile;
  // The engine the plan runs on (engines.duckdb of the profile): the executor never reads the Profile.
  project::EngineConfig engine;
  std::vector<variables::ResolvedVariable> variables;
  std::vector<ConditionRecord> conditions;
  std::vector<Step> steps;
  std::vector<Diagnostic> warnings;
  std::map<std::string, std::string> builtins;  // run_id, run_ts, ... of this invocation
};

// The plan as JSON in the exact key order of §8 (secrets masked by the caller's redactor when printed).
nlohmann::ordered_json PlanToJson(const Plan& plan);

}  // namespace sqlflow::planner
