#include "sqlflow/planner/udf_rules.h"

#include <algorithm>
#include <set>

#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/planner/sql_analysis.h"
#include "sqlflow/udf/call_scanner.h"
#include "sqlflow/udf/udf.h"

namespace sqlflow::planner {

namespace {

std::string* StepSql(Step& step) {
  if (auto* t = std::get_if<TransformDetail>(&step.detail)) return &t->sql;
  if (auto* e = std::get_if<ExportDetail>(&step.detail)) return &e->sql;
  if (auto* s = std::get_if<SqlDetail>(&step.detail)) return &s->sql;
  return nullptr;
}

// Engine functions and SQL keywords: a call to anything else may be a UDF (§13.1).
const std::set<std::string>& KnownCallNames() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    for (const auto& f : udf::EngineFunctionNames()) out.insert(f);
    engine::Connection conn(engine::ScratchDatabase());
    auto result = conn.Query("SELECT lower(keyword_name) FROM duckdb_keywords()");
    for (uint64_t r = 0; r < result.row_count(); ++r) out.insert(result.GetString(0, r));
    return out;
  }();
  return names;
}

bool NeedsPython(const std::vector<std::vector<udf::FunctionCall>>& calls) {
  for (const auto& list : calls)
    for (const auto& call : list) {
      std::string lower = ToLower(call.name);
      if (lower == "python_func" || StartsWith(lower, "python_udfs.")) return true;
      if (lower.find('.') == std::string::npos && !KnownCallNames().count(lower)) return true;
    }
  return false;
}

std::vector<std::string> AllNames(const udf::Discovery* discovery) {
  std::vector<std::string> names;
  if (!discovery) return names;
  for (const auto& u : discovery->udfs) {
    names.push_back(u.full_name);
    names.push_back(u.relative_name);
    if (u.sql_name_registered) names.push_back(u.name);
  }
  return names;
}

struct Context {
  const udf::Discovery* discovery = nullptr;
  std::string unavailable;  // SF702 reason when Python could not start
  bool has_files = false;
  Diagnostics& diagnostics;
};

void ReportUnknown(Context& ctx, const std::string& name, SourcePos pos) {
  auto& d = ctx.diagnostics.Error("SF701", "unknown Python UDF '" + name + "'", pos);
  if (auto s = DidYouMean(name, AllNames(ctx.discovery))) d.hints.push_back("did you mean '" + *s + "'?");
  if (!ctx.has_files) d.hints.push_back("python_udfs/ holds no .py files");
  d.hints.push_back("run 'sqlflow udf list'");
}

// Checks one PYTHON_FUNC call; returns the replacement of [call.begin, args[1].begin) for scalar UDFs.
void CheckCall(Context& ctx, Step& step, const udf::FunctionCall& call,
               const std::function<SourcePos(size_t, size_t)>& at,
               std::vector<std::pair<std::pair<size_t, size_t>, std::string>>& edits) {
  SourcePos pos = at(call.begin, 11);
  if (!ctx.unavailable.empty()) {
    ctx.diagnostics.Error("SF702", "Python UDFs are not available: " + ctx.unavailable, pos)
        .hints.push_back(
            "install Python 3 with pandas (scripts/install-deps.sh), or remove the PYTHON_FUNC call");
    return;
  }
  auto name = call.args.empty() ? std::nullopt : udf::QuotedName(call.args[0].text);
  if (!name) {
    ctx.diagnostics.Error("SF703", "PYTHON_FUNC expects a quoted UDF name as its first argument",
                          call.args.empty() ? pos : at(call.args[0].begin, call.args[0].text.size()));
    return;
  }
  const udf::UdfInfo* u = ctx.discovery ? udf::ResolveUdf(*ctx.discovery, *name) : nullptr;
  if (!u) return ReportUnknown(ctx, *name, at(call.args[0].begin, call.args[0].text.size()));
  if (u->kind == "scalar") {
    size_t end = call.args.size() > 1 ? call.args[1].begin : call.end - 1;
    edits.push_back({{call.begin, end}, u->internal_name + "("});
    return;
  }
  auto sf704 = [&](size_t offset, size_t length) {
    ctx.diagnostics.Error("SF704",
                          "table UDF '" + *name +
                              "' expects a table name as its second argument and only "
                              "name => literal arguments after it",
                          at(offset, length));
  };
  if (call.args.size() < 2 || !udf::IsTableName(call.args[1].text))
    return sf704(call.args.size() < 2 ? call.begin : call.args[1].begin,
                 call.args.size() < 2 ? 11 : call.args[1].text.size());
  for (size_t i = 2; i < call.args.size(); ++i) {
    auto named = udf::ParseNamedLiteral(call.args[i].text);
    bool known = named && std::any_of(u->params.begin() + 1, u->params.end(),
                                      [&](const udf::UdfParam& p) { return p.name == named->name; });
    if (!known) return sf704(call.args[i].begin, call.args[i].text.size());
  }
  // The table argument is a read (§6.3), exactly like FROM <table>.
  std::string table = call.args[1].text;
  std::string schema;
  if (size_t dot = table.rfind('.'); dot != std::string::npos) {
    schema = table.substr(0, dot);
    table = table.substr(dot + 1);
  }
  auto unquote = [](std::string s) {
    return s.size() >= 2 && s.front() == '"' ? s.substr(1, s.size() - 2) : s;
  };
  std::string key = TableKey(unquote(schema), unquote(table));
  if (!key.empty() && std::find(step.reads.begin(), step.reads.end(), key) == step.reads.end())
    step.reads.push_back(key);
}

}  // namespace

void ApplyUdfRules(const std::filesystem::path& project_root, std::vector<Step>& steps,
                   const StepSqlLocator& locate, Diagnostics& diagnostics) {
  std::vector<std::vector<udf::FunctionCall>> calls(steps.size());
  bool any_call = false;
  for (size_t i = 0; i < steps.size(); ++i)
    if (std::string* sql = StepSql(steps[i])) {
      calls[i] = udf::FindCalls(*sql);
      any_call |= !calls[i].empty();
    }
  if (!any_call) return;
  Context ctx{nullptr, "", udf::ProjectHasUdfFiles(project_root), diagnostics};
  bool uses_python_func = false;
  for (const auto& list : calls)
    for (const auto& call : list)
      uses_python_func |=
          EqualsIgnoreCase(call.name, "PYTHON_FUNC") || StartsWith(ToLower(call.name), "python_udfs.");
  if (ctx.has_files && NeedsPython(calls)) {
    bool first_start = !udf::StartedRuntime();
    ctx.discovery = udf::StartRuntime(project_root, &ctx.unavailable);
    if (ctx.discovery && first_start)
      for (const auto& w : ctx.discovery->warnings) diagnostics.Add(w);
  }
  if (!uses_python_func) return;
  for (size_t i = 0; i < steps.size(); ++i) {
    std::vector<std::pair<std::pair<size_t, size_t>, std::string>> edits;
    auto at = [&](size_t offset, size_t length) { return locate(i, offset, length); };
    for (const auto& call : calls[i]) {
      std::string lower = ToLower(call.name);
      if (lower == "python_func") {
        CheckCall(ctx, steps[i], call, at, edits);
      } else if (StartsWith(lower, "python_udfs.")) {  // direct call by full name
        const udf::UdfInfo* u = ctx.discovery ? udf::ResolveUdf(*ctx.discovery, call.name) : nullptr;
        if (!ctx.unavailable.empty())
          diagnostics.Error("SF702", "Python UDFs are not available: " + ctx.unavailable,
                            at(call.begin, call.name.size()));
        else if (!u || u->kind != "scalar")
          ReportUnknown(ctx, call.name, at(call.begin, call.name.size()));
        else
          edits.push_back({{call.begin, call.begin + call.name.size()}, u->internal_name});
      }
    }
    std::string* sql = StepSql(steps[i]);
    std::sort(edits.begin(), edits.end());
    for (auto it = edits.rbegin(); it != edits.rend(); ++it)
      sql->replace(it->first.first, it->first.second - it->first.first, it->second);
  }
}

}  // namespace sqlflow::planner
