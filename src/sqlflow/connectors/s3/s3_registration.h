// Registry entries of the s3 connector, defined in s3_registration.cc: the parameter schemas, compile-time
// rules (through ParseS3Options) and factories. connectors/builtin.cc calls RegisterS3Connector.
#pragma once

namespace sqlflow::connectors {

struct ConnectorTypeInfo;
struct Registries;

void RegisterS3Connector(Registries& registries);
ConnectorTypeInfo S3SourceInfo();
ConnectorTypeInfo S3DestinationInfo();

}  // namespace sqlflow::connectors
