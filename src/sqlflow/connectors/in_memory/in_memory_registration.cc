// Registry entries of the in_memory type (CONNECTORS.md §3.4): parameter schemas (the one place their
// defaults are written), compile-time rules (the parse functions of in_memory_options.h, also used by
// Configure) and factories.
#include "sqlflow/connectors/in_memory/in_memory_registration.h"

#include "sqlflow/connectors/in_memory/in_memory_connector.h"
#include "sqlflow/connectors/in_memory/in_memory_options.h"
#include "sqlflow/connectors/registry/param_builder.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

ParamSpec TableNameParam() {
  return P("table_name", ParamType::kString, "Store table; default: the LOAD target or EXPORT table name.")
      .Alias({"table", "name"});
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
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)ParseInMemorySourceOptions(canonical, issues);
  };
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
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)ParseInMemoryDestinationOptions(canonical, issues);
  };
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, false, "none"};
  info.make_destination = [] { return std::make_unique<InMemoryDestination>(); };
  return info;
}

void RegisterInMemoryConnector(Registries& registries) {
  registries.sources.Register(InMemorySourceInfo());
  registries.destinations.Register(InMemoryDestinationInfo());
}

}  // namespace sqlflow::connectors
