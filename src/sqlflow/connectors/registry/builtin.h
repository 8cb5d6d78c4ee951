// Registry entries of the built-in connector types, one function per side, defined in each connector's
// folder (network types: network_schemas.cc until their implementations land). Used by
// RegisterBuiltinConnectors and by the s3 schema, which reuses the file readers' and writers' options.
#pragma once

#include <vector>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

ConnectorTypeInfo CsvSourceInfo();
ConnectorTypeInfo CsvDestinationInfo();
ConnectorTypeInfo ParquetSourceInfo();
ConnectorTypeInfo ParquetDestinationInfo();
ConnectorTypeInfo JsonSourceInfo();
ConnectorTypeInfo JsonDestinationInfo();
ConnectorTypeInfo InMemorySourceInfo();
ConnectorTypeInfo InMemoryDestinationInfo();
ConnectorTypeInfo PostgresSourceInfo();
ConnectorTypeInfo PostgresDestinationInfo();
ConnectorTypeInfo S3SourceInfo();
ConnectorTypeInfo S3DestinationInfo();
ConnectorTypeInfo RestSourceInfo();
ConnectorTypeInfo GoogleSheetsSourceInfo();
ConnectorTypeInfo ShopifySourceInfo();

// Format-specific options shared with s3 (CONNECTORS.md §3.6).
std::vector<ParamSpec> CsvReaderParams();   // without `path` and the common source parameters
std::vector<ParamSpec> JsonReaderParams();  // without `path` and the common source parameters
// Connector-specific rules of the file readers, reused by the s3 source.
void ValidateCsvReader(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);
void ValidateJsonReader(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors
