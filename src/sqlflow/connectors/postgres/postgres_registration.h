// Registry entries of the PostgreSQL connector, defined in postgres_registration.cc: the parameter schemas,
// compile-time rules and factories. connectors/builtin.cc calls RegisterPostgresConnector.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct ParamIssue;
struct ParamSpec;
struct Registries;

void RegisterPostgresConnector(Registries& registries);
ConnectorTypeInfo PostgresSourceInfo();
ConnectorTypeInfo PostgresDestinationInfo();

}  // namespace sqlflow::connectors
