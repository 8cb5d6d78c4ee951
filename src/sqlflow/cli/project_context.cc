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

// The project root: the given (or current) directory, or the nearest parent that has a profiles/ directory,
// so that commands work from a subfolder such as pipelines/.
std::optional<fs::path> FindProjectRoot(const fs::path& start) {
  std::error_code ec;
  for (fs::path dir = start;; dir = dir.parent_path()) {
    if (fs::is_directory(dir / "profiles", ec)) return dir;
    if (dir == dir.root_path() || dir.parent_path() == dir) return std::nullopt;
  }
}

bool EnterProject(const GlobalOptions& global, ProjectContext& context) {
  std::error_code ec;
  const std::string given = global.project_dir.empty() ? "." : global.project_dir;
  fs::path start = fs::weakly_canonical(fs::absolute(given, ec), ec);
  if (!fs::is_directory(start, ec)) {
    context.diagnostics
        .Error("SF501", "No SQLFlow project found: directory '" + start.string() + "' does not exist")
        .hints.push_back("create a project with: sqlflow init " + given);
    return false;
  }
  auto root = FindProjectRoot(start);
  if (!root) {
    context.diagnostics
        .Error("SF501", "No SQLFlow project found in " + start.string() +
                            " or any parent directory: missing profiles/ directory")
        .hints.push_back("create one with: sqlflow init " + given);
    return false;
  }
  if (chdir(root->c_str()) != 0) {
    context.diagnostics.Error("SF501", "cannot enter the project directory " + root->string());
    return false;
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
    if (profile->log_level == "debug")
      console.set_verbosity(Verbosity::kVerbose);
    else if (profile->log_level == "warning")
      console.set_verbosity(Verbosity::kWarning);
    else if (profile->log_level == "error")
      console.set_verbosity(Verbosity::kError);
  }
  for (const auto& secret : project::SecretValues(*profile)) console.redactor().AddSecret(secret);
  return profile;
}

}  // namespace sqlflow::cli
