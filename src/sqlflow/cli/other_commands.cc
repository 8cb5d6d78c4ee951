// `sqlflow profiles ...`, `connect ...`, `init`, `udf ...` (LANGUAGE.md §11.5-11.7, §12).
#include <chrono>

#include <nlohmann/json.hpp>

#include "sqlflow/cli/project_context.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/planner/compiler.h"
#include "sqlflow/project/init.h"

namespace fs = std::filesystem;

namespace sqlflow::cli {

int ProfilesList(const GlobalOptions& global, bool json) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  Console& console = Console::Get();
  auto names = project::ListProfiles(fs::path("."));
  if (!json) {
    for (const auto& name : names) console.Out(name + "\n");
    return 0;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& name : names) {
    Diagnostics diagnostics;
    SourceCache sources;
    auto profile = project::LoadProfile(fs::path("."), name, diagnostics, sources);
    std::string path =
        fs::exists("profiles/" + name + ".yml") ? "profiles/" + name + ".yml" : "profiles/" + name + ".yaml";
    list.push_back(
        {{"name", name},
         {"path", path},
         {"mode", profile ? nlohmann::ordered_json(profile->engine.mode) : nlohmann::ordered_json(nullptr)},
         {"valid", profile.has_value() && !diagnostics.HasErrors()}});
  }
  console.Out(DumpJson(list, 2) + "\n");
  return 0;
}

int ProfilesShow(const GlobalOptions& global, const std::string& name) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  std::string text = project::ShowProfile(fs::path("."), name, context.diagnostics, context.sources);
  int code = ReportDiagnostics(context.diagnostics, context.sources);
  if (code != 0) return code;
  Console::Get().Out(text);
  return 0;
}

namespace {

// Validates every connector's parameters of a loaded profile (profiles validate, connect test).
void ValidateConnectorParams(const project::Profile& profile, const project::ConnectorConfig& connector,
                             Diagnostics& diagnostics, bool report_unresolved) {
  const auto& registries = connectors::BuiltinRegistries();
  const auto* info = registries.sources.Find(connector.type);
  if (!info) info = registries.destinations.Find(connector.type);
  if (!info) {
    planner::ReportUnknownConnectorType(diagnostics, connector.type, connector.type_pos);
    return;
  }
  if (report_unresolved) {
    for (const auto& [key, scalar] : connector.unresolved_params)
      diagnostics.Error("SF412",
                        "parameter '" + key + "' of connector '" + connector.name +
                            "': environment variable " + scalar.unset_env.value_or("?") + " is not set",
                        scalar.pos);
  }
  auto validated = connectors::ValidateSourceParams(*info, connector.params);
  for (const auto& issue : validated.issues) {
    // A profile connector is a base that pipelines complete: OPTIONS (or an EXPORT's s3:// destination) may
    // give what it leaves out, and the pipeline's compile checks the merged set. Only `connect test`, which
    // uses the connector as it stands, needs it complete.
    if (!report_unresolved && issue.code == "SF403") continue;
    // Destination-only options (table, mode, keys...) are not source parameters; check them on that side.
    Diagnostic d;
    d.severity = issue.severity;
    d.code = issue.code;
    d.message = issue.message;
    auto it = connector.param_scalars.find(issue.key);
    d.pos = it != connector.param_scalars.end() ? it->second.pos : connector.pos;
    d.hints = issue.hints;
    if (issue.code == "SF402" && registries.destinations.Find(connector.type)) {
      const auto* dest = registries.destinations.Find(connector.type);
      bool known = false;
      for (const auto& spec : dest->params) {
        known |= spec.name == issue.key;
        for (const auto& alias : spec.aliases) known |= alias == issue.key;
      }
      if (known) continue;
    }
    diagnostics.Add(std::move(d));
  }
  (void)profile;
}

}  // namespace

int ProfilesValidate(const GlobalOptions& global, const std::optional<std::string>& name) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  std::vector<std::string> names =
      name ? std::vector<std::string>{*name} : project::ListProfiles(fs::path("."));
  bool any_invalid = false;
  for (const auto& profile_name : names) {
    Diagnostics diagnostics;
    auto profile = project::LoadProfile(fs::path("."), profile_name, diagnostics, context.sources);
    if (profile) {
      project::WarnUnresolved(*profile, diagnostics);
      for (const auto& connector : profile->connectors)
        ValidateConnectorParams(*profile, connector, diagnostics, false);
    }
    bool invalid = !profile || diagnostics.HasErrors();
    any_invalid |= invalid;
    ReportDiagnostics(diagnostics, context.sources);
    if (!invalid) Console::Get().Out("ok: profile '" + profile_name + "' is valid\n");
  }
  return any_invalid ? 2 : 0;
}

int ConnectList(const GlobalOptions& global, const std::string& profile_name, bool types, bool json) {
  Console& console = Console::Get();
  const auto& registries = connectors::BuiltinRegistries();
  if (types) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::string text;
    for (const auto& name : registries.sources.CanonicalNames()) {
      const auto* info = registries.sources.Find(name);
      bool dest = registries.destinations.Find(name) != nullptr;
      list.push_back({{"name", name}, {"aliases", info->aliases}, {"source", true}, {"destination", dest}});
      text += name + "  aliases: " + (info->aliases.empty() ? "-" : Join(info->aliases, ", ")) + "  source" +
              (dest ? ", destination" : "") + "\n";
    }
    console.Out(json ? DumpJson(list, 2) + "\n" : text);
    return 0;
  }
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  auto profile = LoadProfileFor(global, context, profile_name);
  if (!profile) return ReportDiagnostics(context.diagnostics, context.sources);
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& c : profile->connectors) {
      nlohmann::ordered_json params = c.params;
      const auto* info = registries.sources.Find(c.type);
      for (auto& [key, value] : params.items())
        if ((info && connectors::IsSecretParam(*info, key)) || IsSecretName(key)) value = "***";
      list.push_back({{"name", c.name}, {"type", c.type}, {"params", params}});
    }
    console.Out(DumpJson(list, 2) + "\n");
    return 0;
  }
  if (profile->connectors.empty()) {
    console.Out("no connectors in profile '" + profile->name + "'\n");
    return 0;
  }
  for (const auto& c : profile->connectors) console.Out(c.name + "  " + c.type + "\n");
  return 0;
}

int ConnectDescribe(const GlobalOptions&, const std::string& type, const std::string& format) {
  const auto& registries = connectors::BuiltinRegistries();
  const auto* info = registries.sources.Find(type);
  if (!info) info = registries.destinations.Find(type);
  if (!info) {
    Diagnostics diagnostics;
    planner::ReportUnknownConnectorType(diagnostics, type, {});
    SourceCache sources;
    return ReportDiagnostics(diagnostics, sources);
  }
  if (format != "text" && format != "markdown" && format != "json") {
    Diagnostics diagnostics;
    diagnostics.Error("SF511", "unknown --format '" + format + "'; expected text, markdown or json");
    SourceCache sources;
    return ReportDiagnostics(diagnostics, sources);
  }
  Console::Get().Out(connectors::DescribeType(registries, info->name, format));
  return 0;
}

int ConnectTest(const GlobalOptions& global, const std::string& name, const std::string& profile_name) {
  ProjectContext context;
  if (!EnterProject(global, context)) return ReportDiagnostics(context.diagnostics, context.sources);
  auto profile = LoadProfileFor(global, context, profile_name);
  if (!profile) return ReportDiagnostics(context.diagnostics, context.sources);
  const auto* connector = profile->FindConnector(name);
  if (!connector) {
    planner::ReportUnknownProfileConnector(context.diagnostics, name, &*profile, {});
    return ReportDiagnostics(context.diagnostics, context.sources);
  }
  ValidateConnectorParams(*profile, *connector, context.diagnostics, true);
  if (ReportDiagnostics(context.diagnostics, context.sources) != 0) return 2;
  const auto& registries = connectors::BuiltinRegistries();
  const auto* info = registries.sources.Find(connector->type);
  auto start = std::chrono::steady_clock::now();
  engine::Connection scratch(engine::ScratchDatabase());
  connectors::ConnectionTestResult result;
  try {
    auto source = info->make_source();
    auto validated = connectors::ValidateSourceParams(*info, connector->params);
    source->Configure(connectors::WithDefaults(*info, connector->name, validated.canonical));
    result = source->TestConnection(scratch);
    if (result.ok) {
      if (const auto* dest_info = registries.destinations.Find(connector->type)) {
        auto dest = dest_info->make_destination();
        auto dv = connectors::ValidateExportOptions(*dest_info, dest_info->name, connector->params, false);
        dest->Configure(connectors::WithDefaults(*dest_info, connector->name, dv.canonical));
        auto dest_result = dest->TestConnection();
        if (!dest_result.ok)
          result = dest_result;
        else if (!dest_result.message.empty())
          result.message += "; " + dest_result.message;
      }
    }
  } catch (const Error& e) {
    result.ok = false;
    result.kind = e.kind();
    result.message = e.what();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f", seconds);
  if (result.ok) {
    Console::Get().Out("connection '" + connector->name + "' (" + info->name + "): ok (" + elapsed + "s)\n" +
                       result.message + "\n");
    return 0;
  }
  Diagnostics diagnostics;
  diagnostics.Error("SF614", result.message);
  ReportDiagnostics(diagnostics, context.sources);
  return 1;
}

int Init(const GlobalOptions&, const std::string& dir, bool minimal, bool force) {
  Diagnostics diagnostics;
  SourceCache sources;
  project::InitResult result;
  bool ok = project::InitProject(fs::path(dir), minimal, force, diagnostics, &result);
  int code = ReportDiagnostics(diagnostics, sources);
  if (!ok) return code == 0 ? 1 : code;
  Console::Get().Out(project::FormatInitSummary(fs::path(dir), minimal, result));
  return 0;
}

}  // namespace sqlflow::cli
