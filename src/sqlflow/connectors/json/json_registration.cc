// Registry entries of the json type (CONNECTORS.md §3.3): parameter schemas (the one place their defaults are
// written), compile-time rules (the parse functions of json_options.h, also used at run time) and factories.
#include "sqlflow/connectors/json/json_registration.h"

#include "sqlflow/connectors/json/json_connector.h"
#include "sqlflow/connectors/json/json_options.h"
#include "sqlflow/connectors/registry/param_builder.h"

namespace sqlflow::connectors {
namespace {

const std::vector<std::string> kCompressions = {"auto", "none", "gzip", "zstd"};

}  // namespace

void ValidateJsonReader(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues) {
  (void)ParseJsonReadOptions(canonical, issues);
}

std::vector<ParamSpec> JsonReaderParams() {
  return {
      P("format", ParamType::kString, "Top-level layout of each file.")
          .Enum({"auto", "array", "newline_delimited"},
                {{"ndjson", "newline_delimited"}, {"jsonl", "newline_delimited"}})
          .Default("auto"),
      P("records_path", ParamType::kString,
        "Dotted path (e.g. data.items) of the array inside each document whose elements are the rows."),
      P("flatten", ParamType::kBoolean,
        "Turn nested objects into parent.child columns instead of STRUCT columns.")
          .Default(false),
      P("flatten_separator", ParamType::kString, "Separator of flattened column names.").Default("."),
      P("max_flatten_depth", ParamType::kInteger,
        "Objects nested deeper than this stay JSON when flattening.")
          .Min(1)
          .Default(10),
      P("max_depth", ParamType::kInteger, "DuckDB maximum_depth for type detection; -1 = unlimited.")
          .Min(-1)
          .Default(-1),
      P("sample_size", ParamType::kInteger, "Records sampled for type detection; -1 reads all.")
          .Min(-1)
          .Default(20480),
      P("date_format", ParamType::kString, "strftime format for parsing dates; default: detected."),
      P("timestamp_format", ParamType::kString, "strftime format for parsing timestamps; default: detected."),
      P("ignore_errors", ParamType::kBoolean, "Skip malformed records.").Default(false),
      P("compression", ParamType::kString, "Input compression; auto decides by extension (.gz, .zst).")
          .Enum(kCompressions)
          .Default("auto"),
      P("union_by_name", ParamType::kBoolean, "Align the fields of several files by name.").Default(true),
      P("include_filename", ParamType::kBoolean, "Add a filename column.").Default(false),
  };
}

ConnectorTypeInfo JsonSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "json";
  info.aliases = {"ndjson", "jsonl"};
  info.description = "Local JSON (array) and newline-delimited JSON files, read by DuckDB's JSON reader.";
  info.params = {
      P("path", ParamType::kStringOrArray,
        "File, glob, directory (its *.json, *.jsonl, *.ndjson files, also .gz/.zst) or a list of these, "
        "relative to the working directory.")
          .Required()};
  AppendParams(info.params, JsonReaderParams());
  info.params.push_back(
      P("allow_no_files", ParamType::kBoolean, "A path that matches nothing reads 0 rows instead of failing.")
          .Default(false));
  AppendParams(info.params, CommonSourceParams(nullptr));
  info.validate = ValidateJsonReader;
  info.capabilities = {"single", "engine_filter", true, {}, false, "none"};
  info.make_source = [] { return std::make_unique<JsonSource>(); };
  info.missing_files = MissingFilesHook<JsonSource>();
  return info;
}

ConnectorTypeInfo JsonDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "json";
  info.aliases = {"ndjson", "jsonl"};
  info.description = "Local JSON array or NDJSON files, written with DuckDB's COPY through a temporary file.";
  info.params = DestinationModeParams();
  AppendParams(
      info.params,
      {
          P("format", ParamType::kString,
            "Output layout; default array for .json, newline_delimited for .ndjson and .jsonl targets.")
              .Enum({"array", "newline_delimited"},
                    {{"ndjson", "newline_delimited"}, {"jsonl", "newline_delimited"}}),
          P("compression", ParamType::kString, "Output compression; auto decides by extension (.gz, .zst).")
              .Enum(kCompressions)
              .Default("auto"),
          P("date_format", ParamType::kString, "strftime format for dates; default ISO 8601."),
          P("timestamp_format", ParamType::kString, "strftime format for timestamps; default ISO 8601."),
      });
  info.validate = [](const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues) {
    (void)ParseJsonWriteOptions(canonical, issues);
  };
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, false, "none"};
  info.make_destination = [] { return std::make_unique<JsonDestination>(); };
  return info;
}

void RegisterJsonConnector(Registries& registries) {
  registries.sources.Register(JsonSourceInfo());
  registries.destinations.Register(JsonDestinationInfo());
}

}  // namespace sqlflow::connectors
