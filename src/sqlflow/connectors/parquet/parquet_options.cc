#include "sqlflow/connectors/parquet/parquet_options.h"

#include "sqlflow/connectors/parquet/parquet_registration.h"
#include "sqlflow/connectors/registry/type_strings.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {

ParquetReadOptions ParseParquetReadOptions(const nlohmann::ordered_json& canonical,
                                           std::vector<ParamIssue>& issues) {
  (void)issues;  // the schema's types and enums cover every rule of the source
  const ResolvedParams params = WithDefaults(ParquetSourceInfo(), "", canonical);
  ParquetReadOptions o;
  o.union_by_name = params.GetBool("union_by_name");
  o.include_filename = params.GetBool("include_filename");
  o.hive_partitioning = params.GetString("hive_partitioning");
  if (params.Has("column_types") && params.values["column_types"].is_object()) {
    for (const auto& [column, type] : params.values["column_types"].items())
      if (type.is_string()) o.column_types.emplace_back(column, NormalizeTypeString(type.get<std::string>()));
  }
  return o;
}

ParquetWriteOptions ParseParquetWriteOptions(const nlohmann::ordered_json& canonical,
                                             std::vector<ParamIssue>& issues) {
  const ResolvedParams params = WithDefaults(ParquetDestinationInfo(), "", canonical);
  ParquetWriteOptions o;
  o.compression = params.GetString("compression");
  if (params.Has("compression_level")) o.compression_level = params.GetInt("compression_level");
  o.row_group_size = params.GetInt("row_group_size");
  if (o.compression_level && o.compression != "zstd") {
    AddIssue(issues, Severity::kError, "SF406",
             "PARQUET connector: 'compression_level' requires compression 'zstd'", "compression_level");
  }
  return o;
}

}  // namespace sqlflow::connectors
