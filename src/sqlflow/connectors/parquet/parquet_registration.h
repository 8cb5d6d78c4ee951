// Registry entries of the Parquet connector, defined in parquet_registration.cc: the parameter schemas,
// compile-time rules and factories. connectors/builtin.cc calls RegisterParquetConnector.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct ParamIssue;
struct ParamSpec;
struct Registries;

void RegisterParquetConnector(Registries& registries);
ConnectorTypeInfo ParquetSourceInfo();
ConnectorTypeInfo ParquetDestinationInfo();

}  // namespace sqlflow::connectors
