// Options of the parquet source and destination (CONNECTORS.md §3.2), parsed once from the canonical
// parameters: the registry's compile-time validation (parquet_registration.cc) and the source's Configure /
// the destination's write call the same functions. Defaults come from the registry schema only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

// The read_parquet arguments of a source (path, allow_no_files and columns are FileSourceOptions).
struct ParquetReadOptions {
  bool union_by_name = false;
  bool include_filename = false;
  std::string hive_partitioning;                                  // auto | true | false
  std::vector<std::pair<std::string, std::string>> column_types;  // declared types, normalized
};

// The COPY options of a write.
struct ParquetWriteOptions {
  std::string compression;                   // snappy zstd gzip lz4 brotli uncompressed
  std::optional<int64_t> compression_level;  // zstd only
  int64_t row_group_size = 0;
};

// Never throw for bad values: problems go to `issues` (kError: the options must not be used).
ParquetReadOptions ParseParquetReadOptions(const nlohmann::ordered_json& canonical,
                                           std::vector<ParamIssue>& issues);
ParquetWriteOptions ParseParquetWriteOptions(const nlohmann::ordered_json& canonical,
                                             std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
