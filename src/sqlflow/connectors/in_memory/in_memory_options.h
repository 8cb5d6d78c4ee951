// Options of the in_memory source and destination (CONNECTORS.md §3.4), parsed once from the canonical
// parameters: the registry's compile-time validation (in_memory_registration.cc) and Configure call the same
// functions. Defaults come from the registry schema only.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

struct InMemorySourceOptions {
  std::string table_name;                                         // "" = the LOAD target
  std::optional<nlohmann::ordered_json> data;                     // inline rows: an array of objects
  std::vector<std::string> columns;                               // projection; empty = all
  std::vector<std::pair<std::string, std::string>> column_types;  // declared types, normalized
};

struct InMemoryDestinationOptions {
  std::string table_name;  // "" = the EXPORT target
  std::vector<std::string> keys;
};

// Never throw for bad values: problems go to `issues` (kError: the options must not be used).
InMemorySourceOptions ParseInMemorySourceOptions(const nlohmann::ordered_json& canonical,
                                                 std::vector<ParamIssue>& issues);
InMemoryDestinationOptions ParseInMemoryDestinationOptions(const nlohmann::ordered_json& canonical,
                                                           std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
