// Shared set-up of commands that work on a project: change to the project root, check it, load .env and a
// profile, and register secrets with the console redactor.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sqlflow/cli/commands.h"
#include "sqlflow/common/diagnostic.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::cli {

struct ProjectContext {
  std::filesystem::path root;
  SourceCache sources{"."};
  Diagnostics diagnostics;
};

// chdir to the project root (§1 rule 2), SF501 when it is not a project, then .env. False on error
// (diagnostics already printed by the caller through ReportDiagnostics).
bool EnterProject(const GlobalOptions& global, ProjectContext& context);

// Loads a profile, applies its log_level unless -v / -q were given, registers its secrets.
std::optional<project::Profile> LoadProfileFor(const GlobalOptions& global, ProjectContext& context,
                                               const std::string& name);

}  // namespace sqlflow::cli
