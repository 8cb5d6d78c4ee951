// `sqlflow pipeline list|validate|compile|run` (LANGUAGE.md §11.4).
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "sqlflow/cli/project_context.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/executor/executor.h"
#include "sqlflow/planner/compiler.h"
#include "sqlflow/variables/scope.h"

namespace fs = std::filesystem;

namespace sqlflow::cli {

namespace {

std::map<std::string, std::string> Builtins(const std::string& pipeline, const std::string& profile) {
  static int64_t now = static_cast<int64_t>(std::time(nullptr));
  static std::string hex = [] {
    std::random_device device;
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%06x", static_cast<unsigned>(device() & 0xFFFFFF));
    return std::string(buffer);
  }();
  return variables::MakeBuiltins(pipeline, profile, now, hex);
}

// Compiles one pipeline; diagnostics are left in context.diagnostics.
std::optional<planner::Plan> Compile(ProjectContext& context, const project::Profile& profile,
                                     const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& vars) {
  planner::CompileRequest request;
  request.project_root = fs::path(".");
  request.pipeline = name;
  request.profile = &profile;
  request.cli_vars = vars;
  request.builtins = Builtins(name, profile.name);
  request.existing_tables = executor::ListExistingTables(profile.engine);
  auto plan = planner::CompilePipeline(request, context.diagnostics, context.sources);
  if (plan) {
    for (const auto& v : plan->variables)
      if (v.secret) Console::Get().redactor().AddSecret(v.value);
  }
  return plan;
}

bool WritePlan(const planner::Plan& plan, const std::string& path, std::string* error) {
  std::string text = Console::Get().redactor().Mask(DumpJson(planner::PlanToJson(plan), 2)) + "\n";
  if (path == "-") {
    Console::Get().Out(text);
    return true;
  }
  std::error_code ec;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    *error = "cannot write '" + path + "'";
    return false;
  }
  out << text;
  return static_cast<bool>(out);
}

std::string Description(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::string trimmed = Trim(line);
    if (StartsWith(trimmed, "--")) return Trim(trimmed.substr(2));
  }
  return "";
}

}  // namespace

int PipelineList(const GlobalOptions& global, const PipelineOptions& options) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  auto names = planner::ListPipelines(fs::path("."));
  Console& console = Console::Get();
  if (options.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& name : names) {
      std::string path = "pipelines/" + name + ".sf";
      list.push_back({{"name", name}, {"path", path}, {"description", Description(path)}});
    }
    console.Out(DumpJson(list, 2) + "\n");
  } else {
    for (const auto& name : names) {
      std::string path = "pipelines/" + name + ".sf";
      if (global.verbose)
        console.Out(name + "  " + path + "  " + Description(path) + "\n");
      else
        console.Out(name + "\n");
    }
  }
  ReportDiagnostics(context.diagnostics, context.sources);
  return 0;
}

namespace {

// Common start of validate / compile / run with a NAME.
struct Prepared {
  ProjectContext context;
  std::optional<project::Profile> profile;
  std::vector<std::pair<std::string, std::string>> vars;
  std::string name;
};

bool Prepare(const GlobalOptions& global, const PipelineOptions& options, Prepared& p, bool need_name) {
  if (!EnterProject(global, p.context)) return false;
  p.profile = LoadProfileFor(global, p.context, options.profile);
  if (!p.profile) return false;
  auto vars = variables::ParseCliVars(options.vars, p.context.diagnostics);
  if (!vars) return false;
  p.vars = *vars;
  if (need_name) {
    auto name = planner::ResolvePipelineName(fs::path("."), options.name, p.context.diagnostics);
    if (!name) return false;
    p.name = *name;
  }
  return true;
}

}  // namespace

int PipelineValidate(const GlobalOptions& global, const PipelineOptions& options) {
  Prepared p;
  bool one = !options.name.empty();
  if (!Prepare(global, options, p, one)) {
    ReportDiagnostics(p.context.diagnostics, p.context.sources);
    return 2;
  }
  Console& console = Console::Get();
  if (one) {
    auto plan = Compile(p.context, *p.profile, p.name, p.vars);
    int code = ReportDiagnostics(p.context.diagnostics, p.context.sources);
    if (plan && code == 0)
      console.Out("ok: pipeline '" + p.name + "' is valid (" +
                  Plural(static_cast<int64_t>(plan->steps.size()), "step") + ", " +
                  Plural(static_cast<int64_t>(plan->warnings.size()), "warning") + ")\n");
    return plan ? code : 2;
  }
  auto names = planner::ListPipelines(fs::path("."));
  int valid = 0, invalid = 0;
  for (const auto& name : names) {
    auto plan = Compile(p.context, *p.profile, name, p.vars);
    int errors = p.context.diagnostics.ErrorCount();
    if (plan) {
      ++valid;
      console.Out("ok    " + name + "\n");
    } else {
      ++invalid;
      console.Out("FAIL  " + name + " (" + Plural(errors, "error") + ")\n");
    }
    ReportDiagnostics(p.context.diagnostics, p.context.sources);
    p.context.diagnostics.Clear();
  }
  console.Out(std::to_string(names.size()) + " pipelines: " + std::to_string(valid) + " valid, " +
              std::to_string(invalid) + " invalid\n");
  return invalid > 0 ? 2 : 0;
}

int PipelineCompile(const GlobalOptions& global, const PipelineOptions& options) {
  Prepared p;
  if (!Prepare(global, options, p, true)) {
    ReportDiagnostics(p.context.diagnostics, p.context.sources);
    return 2;
  }
  auto plan = Compile(p.context, *p.profile, p.name, p.vars);
  ReportDiagnostics(p.context.diagnostics, p.context.sources);
  if (!plan) return 2;
  std::string path = options.output.empty() ? "target/compiled/" + p.name + ".json" : options.output;
  std::string error;
  if (!WritePlan(*plan, path, &error)) {
    Diagnostics d;
    d.Error("SF611", error);
    ReportDiagnostics(d, p.context.sources);
    return 1;
  }
  Console& console = Console::Get();
  if (path != "-") {
    console.Out("compiled '" + p.name + "': " + std::to_string(plan->steps.size()) + " steps -> " + path +
                "\n");
    if (global.verbose)
      for (const auto& step : plan->steps)
        console.Out(step.id + "  " + step.kind + "  " + step.target.value_or("-") + "  " + step.pos.file +
                    ":" + std::to_string(step.pos.line) + "  depends_on=" + Join(step.depends_on, ",") +
                    "\n");
  }
  return 0;
}

int PipelineRun(const GlobalOptions& global, const PipelineOptions& options) {
  Prepared p;
  if (!Prepare(global, options, p, true)) {
    ReportDiagnostics(p.context.diagnostics, p.context.sources);
    return 2;
  }
  auto plan = Compile(p.context, *p.profile, p.name, p.vars);
  ReportDiagnostics(p.context.diagnostics, p.context.sources);
  if (!plan) return 2;
  Console& console = Console::Get();
  if (global.verbose)
    for (const auto& v : plan->variables)
      console.Verbose("variable " + v.name + " = '" + (v.secret ? "***" : v.value) + "' (" + v.source +
                      ")\n");
  std::string error;
  if (!WritePlan(*plan, "target/compiled/" + p.name + ".json", &error))
    console.Warn("warning: " + error + "\n");
  executor::RunOptions run_options;
  run_options.run_id = plan->builtins.count("run_id") ? plan->builtins.at("run_id") : "";
  run_options.run_ts = plan->builtins.count("run_ts") ? plan->builtins.at("run_ts") : "";
  return executor::RunPlan(*plan, run_options, p.context.sources);
}

}  // namespace sqlflow::cli
