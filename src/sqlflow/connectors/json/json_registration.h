// Registry entries of the JSON / NDJSON connector, defined in json_registration.cc: the parameter schemas,
// compile-time rules and factories. connectors/builtin.cc calls RegisterJsonConnector.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct ParamIssue;
struct ParamSpec;
struct Registries;

void RegisterJsonConnector(Registries& registries);
ConnectorTypeInfo JsonSourceInfo();
ConnectorTypeInfo JsonDestinationInfo();
// The JSON reader options without `path` and the common source parameters, and their rules (reused by s3).
std::vector<ParamSpec> JsonReaderParams();
// ParseJsonReadOptions for its issues only (s3 validates its JSON reader keys with it).
void ValidateJsonReader(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
