#include "sqlflow/cli/project_context.h"

#include <unistd.h>

#include "sqlflow/common/console.h"
#include "sqlflow/common/text.h"

namespace fs = std::filesystem;

namespace sqlflow::cli {

int ReportDiagnostics(Diagnostics& diagnostics, SourceCache& sources) {
  Console& console = Console::Get();
  diagnostics.SortByPosition();
  Diagnostics shown;
  for (const auto& d : diagnostics.All())
    if (d.severity == Severity::kError || console.verbosity() >= Verbosity::kWarning) shown.Add(d);
  RenderOptions options;
  options.color = console.stderr_color();
  std::string text = RenderAll(shown, sources, options);
  if (!text.empty()) console.Err(text);
  return diagnostics.HasErrors() ? 2 : 0;
}

bool EnterProject(const GlobalOptions& global, ProjectContext& context) {
  fs::path root = global.project_dir.empty() ? fs::current_path() : fs::path(global.project_dir);
  std::error_code ec;
  if (!global.project_dir.empty()) {
    if (!fs::is_directory(root, ec) || chdir(root.c_str()) != 0) {
      context.diagnostics
          .Error("SF501", "No SQLFlow project found in " + global.project_dir + ": missing profiles/ directory")
          .hints.push_back("create one with: sqlflow init " + global.project_dir);
      return false;
    }
  }
  context.root = fs::current_path();
  if (!project::CheckProject(fs::path("."), context.diagnostics)) return false;
  project::LoadDotEnv(fs::path("."), context.diagnostics);
  return true;
}

std::optional<project::Profile> LoadProfileFor(const GlobalOptions& global, ProjectContext& context,
                                               const std::string& name) {
  auto profile = project::LoadProfile(fs::path("."), name, context.diagnostics, context.sources);
  if (!profile) return std::nullopt;
  Console& console = Console::Get();
  if (!global.verbose && !global.quiet) {
    if (profile->log_level == "debug") console.set_verbosity(Verbosity::kVerbose);
    else if (profile->log_level == "warning") console.set_verbosity(Verbosity::kWarning);
    else if (profile->log_level == "error") console.set_verbosity(Verbosity::kError);
  }
  for (const auto& secret : project::SecretValues(*profile)) console.redactor().AddSecret(secret);
  return profile;
}

}  // namespace sqlflow::cli
