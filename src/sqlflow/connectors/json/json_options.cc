#include "sqlflow/connectors/json/json_options.h"

#include <regex>

#include "sqlflow/connectors/json/json_registration.h"
#include "sqlflow/connectors/registry/options_util.h"
#include "sqlflow/connectors/registry/type_strings.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

void CheckRecordsPath(const JsonReadOptions& o, std::vector<ParamIssue>& issues) {
  if (!o.records_path) return;
  static const std::regex dotted("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  if (!std::regex_match(*o.records_path, dotted)) {
    AddIssue(
        issues, Severity::kError, "SF406",
        "JSON connector: parameter 'records_path' must be a dotted path (letters, digits, '_', '.'); got '" +
            *o.records_path + "'",
        "records_path");
  }
  if (o.format == "newline_delimited") {
    AddIssue(issues, Severity::kError, "SF406",
             "JSON connector: 'records_path' cannot be used with format 'newline_delimited'", "records_path");
  }
}

}  // namespace

JsonReadOptions ParseJsonReadOptions(const nlohmann::ordered_json& canonical,
                                     std::vector<ParamIssue>& issues) {
  const ResolvedParams params = WithDefaults(JsonSourceInfo(), "", canonical);
  JsonReadOptions o;
  o.format = params.GetString("format");
  o.records_path = OptionalString(params, "records_path");
  o.flatten = params.GetBool("flatten");
  o.flatten_separator = params.GetString("flatten_separator");
  o.max_flatten_depth = params.GetInt("max_flatten_depth");
  o.max_depth = params.GetInt("max_depth");
  o.sample_size = params.GetInt("sample_size");
  o.date_format = OptionalString(params, "date_format");
  o.timestamp_format = OptionalString(params, "timestamp_format");
  o.ignore_errors = params.GetBool("ignore_errors");
  o.compression = params.GetString("compression");
  o.union_by_name = params.GetBool("union_by_name");
  o.include_filename = params.GetBool("include_filename");
  if (params.Has("column_types") && params.values["column_types"].is_object()) {
    for (const auto& [column, type] : params.values["column_types"].items())
      if (type.is_string()) o.column_types.emplace_back(column, NormalizeTypeString(type.get<std::string>()));
  }
  CheckRecordsPath(o, issues);
  return o;
}

JsonWriteOptions ParseJsonWriteOptions(const nlohmann::ordered_json& canonical,
                                       std::vector<ParamIssue>& issues) {
  (void)issues;  // the schema's enums cover every rule of the destination
  const ResolvedParams params = WithDefaults(JsonDestinationInfo(), "", canonical);
  JsonWriteOptions o;
  o.format = OptionalString(params, "format");
  o.compression = params.GetString("compression");
  o.date_format = OptionalString(params, "date_format");
  o.timestamp_format = OptionalString(params, "timestamp_format");
  return o;
}

}  // namespace sqlflow::connectors
