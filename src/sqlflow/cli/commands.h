// Command implementations behind the CLI parser (LANGUAGE.md §11). Each returns the exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"

namespace sqlflow::cli {

struct GlobalOptions {
  bool verbose = false;
  bool quiet = false;
  bool no_color = false;
  std::string project_dir;
};

struct PipelineOptions {
  std::string name;
  std::string profile = "dev";
  std::vector<std::string> vars;
  std::string output;  // compile -o
  bool json = false;   // list --json
};

int PipelineList(const GlobalOptions& global, const PipelineOptions& options);
int PipelineValidate(const GlobalOptions& global, const PipelineOptions& options);
int PipelineCompile(const GlobalOptions& global, const PipelineOptions& options);
int PipelineRun(const GlobalOptions& global, const PipelineOptions& options);

int ProfilesList(const GlobalOptions& global, bool json);
int ProfilesShow(const GlobalOptions& global, const std::string& name);
int ProfilesValidate(const GlobalOptions& global, const std::optional<std::string>& name);

int ConnectList(const GlobalOptions& global, const std::string& profile, bool types, bool json);
int ConnectDescribe(const GlobalOptions& global, const std::string& type, const std::string& format);
int ConnectTest(const GlobalOptions& global, const std::string& name, const std::string& profile);

int Init(const GlobalOptions& global, const std::string& dir, bool minimal, bool force);

// udf_commands.cc
int UdfList(const GlobalOptions& global, bool json);
int UdfInfo(const GlobalOptions& global, const std::string& name);

// Prints diagnostics (stderr) followed by the count line; returns 2 when there are errors, else 0.
int ReportDiagnostics(Diagnostics& diagnostics, SourceCache& sources);

}  // namespace sqlflow::cli
