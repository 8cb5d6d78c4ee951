#include "sqlflow/udf/table_calls.h"

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/udf/call_scanner.h"
#include "sqlflow/udf/udf.h"

namespace sqlflow::udf {

TableUdfScope::~TableUdfScope() {
  for (const auto& name : temp_tables_) {
    try {
      conn_.Execute("DROP TABLE IF EXISTS temp.main.\"" + name + "\"");
    } catch (...) {
      // The table disappears with the rolled-back transaction or the connection anyway.
    }
  }
}

std::string TableUdfScope::Rewrite(const std::string& sql) {
  if (ToLower(sql).find("python_func") == std::string::npos) return sql;
  const Discovery* discovery = StartedRuntime();
  std::string out = sql;
  auto calls = FindPythonFuncCalls(sql);
  size_t covered_until = 0;
  std::vector<std::pair<FunctionCall, std::string>> replacements;
  for (const auto& call : calls) {
    if (call.begin < covered_until || call.args.size() < 2) continue;
    auto name = QuotedName(call.args[0].text);
    const UdfInfo* udf = discovery && name ? ResolveUdf(*discovery, *name) : nullptr;
    if (!udf || udf->kind != "table") continue;  // the planner reported it already
    std::vector<std::pair<std::string, std::string>> kwargs;
    for (size_t i = 2; i < call.args.size(); ++i)
      if (auto named = ParseNamedLiteral(call.args[i].text)) kwargs.push_back({named->name, named->literal});
    std::string temp =
        "sqlflow_udf_" + std::to_string(step_index_) + "_" + std::to_string(temp_tables_.size() + 1);
    temp_tables_.push_back(temp);
    RunTableUdf(conn_, *udf, call.args[1].text, kwargs, temp);
    replacements.push_back({call, "temp.main.\"" + temp + "\""});
    covered_until = call.end;
  }
  for (auto it = replacements.rbegin(); it != replacements.rend(); ++it)
    out.replace(it->first.begin, it->first.end - it->first.begin, it->second);
  return out;
}

void TableUdfScope::Apply() {
  if (sql_ && StartedRuntime()) *sql_ = Rewrite(*sql_);
}

}  // namespace sqlflow::udf
