// Registry entries of the In-Memory connector, defined in in_memory_registration.cc: the parameter schemas,
// compile-time rules and factories. connectors/builtin.cc calls RegisterInMemoryConnector.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct ParamIssue;
struct ParamSpec;
struct Registries;

void RegisterInMemoryConnector(Registries& registries);
ConnectorTypeInfo InMemorySourceInfo();
ConnectorTypeInfo InMemoryDestinationInfo();

}  // namespace sqlflow::connectors
