// `sqlflow udf list|info` (LANGUAGE.md §11.7).
#include <nlohmann/json.hpp>

#include "sqlflow/cli/commands.h"
#include "sqlflow/cli/project_context.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/udf/udf.h"

namespace fs = std::filesystem;

namespace sqlflow::cli {

namespace {

// Starts Python for the project; nullptr with SF702 reported when it is unavailable. `no_files` is set
// (and Python not started) when python_udfs/ has no .py file.
const udf::Discovery* Discover(ProjectContext& context, bool* no_files) {
  *no_files = !udf::ProjectHasUdfFiles(fs::path("."));
  if (*no_files) return nullptr;
  std::string reason;
  const udf::Discovery* discovery = udf::StartRuntime(fs::current_path(), &reason);
  if (!discovery)
    context.diagnostics.Error("SF702", "Python UDFs are not available: " + reason)
        .hints.push_back("install Python 3 with pandas and numpy (scripts/install-deps.sh)");
  else
    for (const auto& w : discovery->warnings) context.diagnostics.Add(w);
  return discovery;
}

nlohmann::ordered_json ToJson(const udf::UdfInfo& u) {
  nlohmann::ordered_json params = nlohmann::ordered_json::array();
  for (const auto& p : u.params)
    params.push_back({{"name", p.name}, {"type", p.type}, {"has_default", p.has_default}});
  nlohmann::ordered_json j = {{"name", u.full_name},
                              {"kind", u.kind},
                              {"module", u.module},
                              {"file", u.file},
                              {"line", u.line},
                              {"sql_names", u.SqlNames()},
                              {"signature", u.Signature()},
                              {"params", params}};
  if (u.kind == "scalar") {
    j["return_type"] = u.return_type;
    j["null_handling"] = u.null_handling;
    j["vectorized"] = u.vectorized;
    j["deterministic"] = u.deterministic;
  } else {
    nlohmann::ordered_json schema = nlohmann::ordered_json::object();
    for (const auto& [col, type] : u.output_schema) schema[col] = type;
    j["output_schema"] = u.infer ? nlohmann::ordered_json("inferred") : schema;
    j["required_columns"] = u.required_columns;
  }
  j["doc"] = u.doc;
  return j;
}

}  // namespace

int UdfList(const GlobalOptions& global, bool json) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  bool no_files = false;
  const udf::Discovery* discovery = Discover(context, &no_files);
  Console& console = Console::Get();
  if (no_files) {
    if (json) console.Out("[]\n");
    return 0;
  }
  if (!discovery) {
    ReportDiagnostics(context.diagnostics, context.sources);
    return 1;
  }
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& u : discovery->udfs) list.push_back(ToJson(u));
    console.Out(DumpJson(list, 2) + "\n");
  } else {
    for (const auto& u : discovery->udfs)
      console.Out(u.full_name + "  " + u.kind + "  " + u.Signature() + "\n");
  }
  if (!context.diagnostics.All().empty()) ReportDiagnostics(context.diagnostics, context.sources);
  return discovery->module_failed ? 1 : 0;
}

int UdfInfo(const GlobalOptions& global, const std::string& name) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  bool no_files = false;
  const udf::Discovery* discovery = Discover(context, &no_files);
  if (!discovery && !no_files) {
    ReportDiagnostics(context.diagnostics, context.sources);
    return 1;
  }
  const udf::UdfInfo* u = discovery ? udf::ResolveUdf(*discovery, name) : nullptr;
  if (!u) {
    std::vector<std::string> names;
    if (discovery)
      for (const auto& d : discovery->udfs) names.insert(names.end(), {d.full_name, d.relative_name, d.name});
    auto& d = context.diagnostics.Error("SF701", "unknown Python UDF '" + name + "'");
    if (auto s = DidYouMean(name, names)) d.hints.push_back("did you mean '" + *s + "'?");
    d.hints.push_back("run 'sqlflow udf list'");
    return ReportDiagnostics(context.diagnostics, context.sources);
  }
  std::string out = "name: " + u->full_name + "\nkind: " + u->kind + "\nmodule: " + u->module +
                    "\nfile: " + u->file + ":" + std::to_string(u->line) +
                    "\nsql_names: " + Join(u->SqlNames(), ", ") + "\nsignature: " + u->Signature() + "\n";
  if (u->kind == "scalar") {
    out += "return_type: " + u->return_type + "\nnull_handling: " + u->null_handling +
           "\nvectorized: " + (u->vectorized ? "true" : "false") +
           "\ndeterministic: " + (u->deterministic ? "true" : "false") + "\n";
  } else {
    std::vector<std::string> cols;
    for (const auto& [col, type] : u->output_schema) cols.push_back(col + " " + type);
    out +=
        "output_schema: " + (u->infer ? std::string("inferred from the result") : Join(cols, ", ")) +
        "\nrequired_columns: " + (u->required_columns.empty() ? "(none)" : Join(u->required_columns, ", ")) +
        "\n";
  }
  if (!u->doc.empty()) out += "\n" + u->doc + "\n";
  Console::Get().Out(out);
  if (!context.diagnostics.All().empty()) ReportDiagnostics(context.diagnostics, context.sources);
  return 0;
}

}  // namespace sqlflow::cli
