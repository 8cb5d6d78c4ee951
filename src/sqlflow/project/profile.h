// Projects and profiles (LANGUAGE.md §1, §10): project detection, profiles/<name>.yml loading with full
// schema validation, ${ENV} substitution, .env loading, and secret redaction for display.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/variables/scope.h"

namespace sqlflow::project {

// A scalar from the profile after environment substitution.
struct ProfileScalar {
  std::string text;                      // value after substitution ("" when unresolved or null)
  bool is_null = false;                  // null, ~ or empty
  bool quoted = false;                   // written as a quoted YAML scalar
  std::optional<std::string> unset_env;  // first ${VAR} (without default) that was not set
  std::string raw;                       // as written in the file
  SourcePos pos;                         // position of the value in the profile file
};

struct EngineConfig {
  std::string mode = "memory";  // memory | persistent
  std::string path;             // relative to the project root; required when persistent
  std::string memory_limit;
  int threads = 0;  // 0 = default
  std::string temp_directory;
};

struct ConnectorConfig {
  std::string name;
  std::string type;  // as written
  SourcePos type_pos;
  // params converted to JSON (plain YAML scalars become numbers/booleans when they look like one,
  // quoted scalars stay strings; nested maps and sequences are converted recursively).
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  std::map<std::string, ProfileScalar> param_scalars;  // top-level scalar params, for positions / unset env
  // Every unresolved param scalar at any depth, keyed by its dotted path ("password", "auth.token",
  // "headers.X-Api-Key", "items.2"), in file order. Top-level ones are also in param_scalars.
  std::vector<std::pair<std::string, ProfileScalar>> unresolved_params;
  SourcePos pos;  // the connector's name in the profile file
};

struct Profile {
  std::string name;
  std::string file;  // relative to the project root, e.g. "profiles/dev.yml"
  EngineConfig engine;
  std::map<std::string, variables::ProfileVariable> variables;
  std::vector<ConnectorConfig> connectors;  // in file order
  std::string log_level = "info";
  // INCLUDE may name a file outside the project root (LANGUAGE.md §6.5; docs/limits.md). Off by default.
  bool allow_include_outside_project = false;
  // engines.duckdb values that are unresolved (SF513 when used): key -> scalar. LoadProfile already reports
  // SF513 for the used ones, so after a successful load only unused ones remain here (e.g. `path` in
  // memory mode).
  std::map<std::string, ProfileScalar> engine_scalars;
  const ConnectorConfig* FindConnector(const std::string& name) const;  // case-insensitive
};

// SF501 when `root` has no profiles/ directory.
bool CheckProject(const std::filesystem::path& root, Diagnostics& diagnostics);

// Sorted profile names (files profiles/*.yml and *.yaml).
std::vector<std::string> ListProfiles(const std::filesystem::path& root);

// Loads and validates profiles/<name>.yml|.yaml (SF503 missing with the list of available profiles,
// SF504 invalid YAML / ambiguous, SF505-SF510, SF513 for unresolved engines.duckdb values, W501 unknown
// keys with suggestions). Returns nullopt when errors were reported.
std::optional<Profile> LoadProfile(const std::filesystem::path& root, const std::string& name,
                                   Diagnostics& diagnostics, SourceCache& sources);

// Reads <root>/.env (§10.4) into the process environment without overriding existing variables.
// Malformed lines are warnings naming .env:<line>.
void LoadDotEnv(const std::filesystem::path& root, Diagnostics& diagnostics);

// The entries of a .env text, in file order (later duplicates are kept; the first one set wins in
// LoadDotEnv because it never overrides). Malformed lines are W503 warnings without a position (the line
// may hold a secret), message "malformed line in .env:<n>: <detail>".
std::vector<std::pair<std::string, std::string>> ParseDotEnv(std::string_view text, Diagnostics& diagnostics);

// `profiles validate`: one warning per unresolved environment reference that loading did not report
// (profile variables: SF513 text, connector params: SF412 text, unused engines.duckdb values: SF513 text),
// positioned at the reference in the profile file.
void WarnUnresolved(const Profile& profile, Diagnostics& diagnostics);

// `profiles show`: the profile as YAML after substitution, secrets masked as ***, unresolved values shown
// as written followed by "  # unset: VAR".
std::string ShowProfile(const std::filesystem::path& root, const std::string& name, Diagnostics& diagnostics,
                        SourceCache& sources);

// Every secret value in the profile (by the name rule on keys, variables and connector params), for the
// console redactor.
std::vector<std::string> SecretValues(const Profile& profile);

}  // namespace sqlflow::project
