// Registry entries of the CSV connector, defined in csv_registration.cc: the parameter schemas,
// compile-time rules and factories. connectors/builtin.cc calls RegisterCsvConnector.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct ParamIssue;
struct ParamSpec;
struct Registries;

void RegisterCsvConnector(Registries& registries);
ConnectorTypeInfo CsvSourceInfo();
ConnectorTypeInfo CsvDestinationInfo();
// The CSV reader options without `path` and the common source parameters, and their rules (reused by s3).
std::vector<ParamSpec> CsvReaderParams();
void ValidateCsvReader(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
