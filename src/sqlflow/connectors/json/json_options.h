// Options of the json source and destination (CONNECTORS.md §3.3), parsed once from the canonical
// parameters: the registry's compile-time validation (json_registration.cc, and s3's through
// ValidateJsonReader) and the source's Configure / the destination's writes call the same functions.
// Defaults come from the registry schema only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

// The read_json arguments and the transformations around it (path, allow_no_files and columns are
// FileSourceOptions).
struct JsonReadOptions {
  std::string format;  // auto | array | newline_delimited
  std::optional<std::string> records_path;
  bool flatten = false;
  std::string flatten_separator;
  int64_t max_flatten_depth = 0;
  int64_t max_depth = 0;    // read_json maximum_depth; -1 = unlimited
  int64_t sample_size = 0;  // -1 = all
  std::optional<std::string> date_format, timestamp_format;
  bool ignore_errors = false;
  std::string compression;  // auto | none | gzip | zstd
  bool union_by_name = false;
  bool include_filename = false;
  std::vector<std::pair<std::string, std::string>> column_types;  // declared types, normalized
};

// The COPY options of a write.
struct JsonWriteOptions {
  std::optional<std::string> format;  // array | newline_delimited; none = by the target's extension
  std::string compression;            // auto | none | gzip | zstd
  std::optional<std::string> date_format, timestamp_format;
};

// Never throw for bad values: problems go to `issues` (kError: the options must not be used).
JsonReadOptions ParseJsonReadOptions(const nlohmann::ordered_json& canonical,
                                     std::vector<ParamIssue>& issues);
JsonWriteOptions ParseJsonWriteOptions(const nlohmann::ordered_json& canonical,
                                       std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
