#include "sqlflow/connectors/in_memory/in_memory_options.h"

#include "sqlflow/connectors/in_memory/in_memory_registration.h"
#include "sqlflow/connectors/registry/type_strings.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

// `data` must be an array of objects (the schema types it as any JSON).
bool CheckData(const Json& data, std::vector<ParamIssue>& issues) {
  if (!data.is_array()) {
    AddIssue(issues, Severity::kError, "SF404",
             "IN_MEMORY connector: parameter 'data' must be an array of objects, got " + JsonTypeName(data) +
                 " " + ShortJson(data),
             "data");
    return false;
  }
  for (size_t i = 0; i < data.size(); ++i) {
    if (!data[i].is_object()) {
      AddIssue(issues, Severity::kError, "SF406",
               "IN_MEMORY connector: parameter 'data' must be an array of objects; element " +
                   std::to_string(i) + " is " + JsonTypeName(data[i]),
               "data");
      return false;
    }
  }
  return true;
}

}  // namespace

InMemorySourceOptions ParseInMemorySourceOptions(const Json& canonical, std::vector<ParamIssue>& issues) {
  const ResolvedParams params = WithDefaults(InMemorySourceInfo(), "", canonical);
  InMemorySourceOptions o;
  o.table_name = params.GetString("table_name");
  if (params.Has("data") && CheckData(params.values["data"], issues)) o.data = params.values["data"];
  o.columns = params.GetStringList("columns");
  if (params.Has("column_types") && params.values["column_types"].is_object()) {
    for (const auto& [column, type] : params.values["column_types"].items())
      if (type.is_string()) o.column_types.emplace_back(column, NormalizeTypeString(type.get<std::string>()));
  }
  return o;
}

InMemoryDestinationOptions ParseInMemoryDestinationOptions(const Json& canonical,
                                                           std::vector<ParamIssue>& issues) {
  (void)issues;  // the schema covers every rule of the destination
  const ResolvedParams params = WithDefaults(InMemoryDestinationInfo(), "", canonical);
  InMemoryDestinationOptions o;
  o.table_name = params.GetString("table_name");
  o.keys = params.GetStringList("keys");
  return o;
}

}  // namespace sqlflow::connectors
