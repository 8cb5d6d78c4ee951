// Registry entries of the parquet type (CONNECTORS.md §3.2): parameter schemas (the one place their defaults
// are written), compile-time rules (the parse functions of parquet_options.h, also used at run time) and
// factories.
#include "sqlflow/connectors/parquet/parquet_registration.h"

#include "sqlflow/connectors/parquet/parquet_connector.h"
#include "sqlflow/connectors/parquet/parquet_options.h"
#include "sqlflow/connectors/registry/param_builder.h"

namespace sqlflow::connectors {

ConnectorTypeInfo ParquetSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "parquet";
  info.aliases = {"pq"};
  info.description = "Local Parquet files, read by DuckDB's Parquet reader with row-group pruning.";
  info.params = {
      P("path", ParamType::kStringOrArray,
        "File, glob, directory (its **/*.parquet and **/*.pq files) or a list of these, relative to the "
        "working "
        "directory.")
          .Required(),
      P("union_by_name", ParamType::kBoolean, "Align the columns of several files by name.").Default(true),
      P("hive_partitioning", ParamType::kString, "Read key=value/ directory names as columns.")
          .Enum({"auto", "true", "false"})
          .Default("auto"),
      P("include_filename", ParamType::kBoolean, "Add a filename column.").Default(false),
      P("combine_files", ParamType::kBoolean, "Accepted for portability; files are always read as one table.")
          .Default(true),
      P("allow_no_files", ParamType::kBoolean, "A path that matches nothing reads 0 rows instead of failing.")
          .Default(false),
  };
  AppendParams(info.params, CommonSourceParams(nullptr));
  info.validate = [](const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues) {
    (void)ParseParquetReadOptions(canonical, issues);
  };
  info.capabilities = {"single", "engine_filter", true, {}, false, "none"};
  info.make_source = [] { return std::make_unique<ParquetSource>(); };
  info.missing_files = MissingFilesHook<ParquetSource>();
  return info;
}

ConnectorTypeInfo ParquetDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "parquet";
  info.aliases = {"pq"};
  info.description = "Local Parquet files, written with DuckDB's COPY through a temporary file and a rename.";
  info.params = DestinationModeParams();
  AppendParams(
      info.params,
      {
          P("compression", ParamType::kString, "Compression codec.")
              .Enum({"snappy", "zstd", "gzip", "lz4", "brotli", "uncompressed"})
              .Default("snappy"),
          P("compression_level", ParamType::kInteger, "zstd compression level (compression zstd only).")
              .Min(1)
              .Max(22),
          P("row_group_size", ParamType::kInteger, "Rows per row group.").Min(1).Default(122880),
          P("partition_by", ParamType::kArrayOfStrings,
            "Write a Hive-partitioned directory (col=value/); the target must end in '/'."),
      });
  info.validate = [](const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues) {
    (void)ParseParquetWriteOptions(canonical, issues);
  };
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, false, "none"};
  info.make_destination = [] { return std::make_unique<ParquetDestination>(); };
  return info;
}

void RegisterParquetConnector(Registries& registries) {
  registries.sources.Register(ParquetSourceInfo());
  registries.destinations.Register(ParquetDestinationInfo());
}

}  // namespace sqlflow::connectors
