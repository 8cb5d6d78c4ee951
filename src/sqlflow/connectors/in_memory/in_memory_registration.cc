// Registry entries of the in_memory type (CONNECTORS.md §3.4).
#include "sqlflow/connectors/in_memory/in_memory_registration.h"

#include "sqlflow/connectors/in_memory/in_memory_connector.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

ParamSpec TableNameParam() {
  return P("table_name", ParamType::kString, "Store table; default: the LOAD target or EXPORT table name.")
      .Alias({"table", "name"});
}

void ValidateData(const Json& canonical, std::vector<ParamIssue>& issues) {
  if (!canonical.contains("data")) return;
  const Json& data = canonical["data"];
  if (!data.is_array()) {
    AddIssue(issues, Severity::kError, "SF404",
             "IN_MEMORY connector: parameter 'data' must be an array of objects, got " + JsonTypeName(data) +
                 " " + ShortJson(data),
             "data");
    return;
  }
  for (size_t i = 0; i < data.size(); ++i) {
    if (!data[i].is_object()) {
      AddIssue(issues, Severity::kError, "SF406",
               "IN_MEMORY connector: parameter 'data' must be an array of objects; element " +
                   std::to_string(i) + " is " + JsonTypeName(data[i]),
               "data");
      return;
    }
  }
}

}  // namespace

ConnectorTypeInfo InMemorySourceInfo() {
  ConnectorTypeInfo info;
  info.name = "in_memory";
  info.aliases = {"memory", "inmemory"};
  info.description = "Process-wide named in-memory tables, for tests and pipeline fixtures.";
  info.params = {
      TableNameParam(),
      P("data", ParamType::kJson,
        "Inline rows; when given, the table is (re)created from them at the start of each read.")
          .Label("array of objects"),
  };
  AppendParams(info.params, CommonSourceParams(nullptr));
  info.validate = ValidateData;
  info.capabilities = {"multiple", "pushdown", true, {}, false, "none"};
  info.make_source = [] { return std::make_unique<InMemorySource>(); };
  return info;
}

ConnectorTypeInfo InMemoryDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "in_memory";
  info.aliases = {"memory", "inmemory"};
  info.description = "Process-wide named in-memory tables, for tests and pipeline fixtures.";
  info.params = DestinationModeParams();
  info.params.push_back(TableNameParam());
  info.other_side_params = {{"data", "'data' is only valid on a source"}};
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, false, "none"};
  info.make_destination = [] { return std::make_unique<InMemoryDestination>(); };
  return info;
}

void RegisterInMemoryConnector(Registries& registries) {
  registries.sources.Register(InMemorySourceInfo());
  registries.destinations.Register(InMemoryDestinationInfo());
}

}  // namespace sqlflow::connectors
