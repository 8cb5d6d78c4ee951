// Variable values and their priority (LANGUAGE.md §4.2-4.5).
//
// A VariableScope answers "what is ${name} here?" while the planner walks the active path in order:
// CLI --vars > profile variables > SET (by position) > process environment > built-ins > inline default >
// a default borrowed from another reference of the same name anywhere in the pipeline (W201 when they
// differ) > undefined (SF201, with the note "it is set later, at line N" when a later SET exists).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/source_file.h"
#include "sqlflow/variables/var_ref.h"

namespace sqlflow::variables {

// A profile `variables:` entry after environment substitution (§10.3).
struct ProfileVariable {
  std::optional<std::string> value;      // nullopt for null / ~ / empty ("not given")
  std::optional<std::string> unset_env;  // the environment variable that was unset, making it unresolved
  SourcePos pos;                         // the value's position in the profile file
};

// A reference somewhere in the pipeline (any file, any branch), used to borrow defaults (§4.4 rule 2)
// and to add "it is set later, at line N" notes.
struct PipelineReference {
  std::string name;
  std::optional<std::string> default_value;
  SourcePos pos;
};

struct ResolvedVariable {
  std::string name;
  std::string value;
  std::string source;  // cli | profile | set | env | builtin | default
  bool secret = false;
};

class VariableScope {
 public:
  struct Inputs {
    std::vector<std::pair<std::string, std::string>> cli;  // --vars, already merged (later wins)
    std::map<std::string, ProfileVariable> profile;
    std::map<std::string, std::string> builtins;  // run_id, run_date, run_ts, pipeline_name, profile_name
    std::function<std::optional<std::string>(const std::string&)> getenv;  // process environment (after .env)
    std::vector<PipelineReference> all_references;                         // in text order, whole pipeline
    std::vector<std::pair<std::string, SourcePos>>
        all_sets;  // every SET in the pipeline (any branch), in text order
  };

  explicit VariableScope(Inputs inputs);

  // SET name = value at `pos` (applies to references after it).
  void Set(const std::string& name, const std::string& value, const SourcePos& pos);

  // Resolves one reference at `pos`. On failure reports SF201 (or SF513 for a profile variable whose
  // environment variable is unset) to `diagnostics` and returns nullopt. Records the variable for Used().
  std::optional<std::string> Resolve(const VarRef& ref, const SourcePos& pos, Diagnostics& diagnostics);

  // Variables referenced so far, in order of first reference, with their value at the last reference.
  const std::vector<ResolvedVariable>& Used() const { return used_; }

  // Values that are secret (by the name rule, §10.5), for the redactor.
  std::vector<std::string> SecretValues() const;

 private:
  void Record(const std::string& name, const std::string& value, const std::string& source);
  // The first reference with a default for each name, and the first whose default differs from it
  // (§4.4 rule 2), indexed once so that resolving stays linear in the number of references.
  struct BorrowedDefault {
    const PipelineReference* first = nullptr;
    const PipelineReference* different = nullptr;
  };
  std::map<std::string, BorrowedDefault> borrowed_defaults_;

  Inputs inputs_;
  std::map<std::string, std::string> set_values_;
  std::vector<ResolvedVariable> used_;
  std::map<std::string, size_t> used_index_;
  std::map<std::string, bool> borrow_warned_;
  std::map<std::string, bool> unset_reported_;  // SF513 once per profile variable
};

// Parses --vars values (§11.3): JSON objects or k=v[,k=v] pairs, merged left to right. Errors are SF205.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseCliVars(
    const std::vector<std::string>& args, Diagnostics& diagnostics);

// Built-in variables for one invocation (§4.2), computed from `now_utc_seconds` and 6 random hex digits.
std::map<std::string, std::string> MakeBuiltins(const std::string& pipeline_name,
                                                const std::string& profile_name, int64_t now_utc_seconds,
                                                const std::string& random_hex6);

}  // namespace sqlflow::variables
