// The built-in connectors: the one list that names them all. Each connector registers both of its sides from
// its own folder (<name>/<name>_registration.cc); the registry itself knows none of them (it imports only
// connectors/base/). To add a connector, add its Register function here (docs/architecture.md).
#include "sqlflow/connectors/csv/csv_registration.h"
#include "sqlflow/connectors/in_memory/in_memory_registration.h"
#include "sqlflow/connectors/json/json_registration.h"
#include "sqlflow/connectors/parquet/parquet_registration.h"
#include "sqlflow/connectors/postgres/postgres_registration.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

void RegisterS3Connector(Registries& registries);
void RegisterRestConnector(Registries& registries);
void RegisterGoogleSheetsConnector(Registries& registries);
void RegisterShopifyConnector(Registries& registries);

void RegisterBuiltinConnectors(Registries& registries) {
  RegisterCsvConnector(registries);
  RegisterParquetConnector(registries);
  RegisterJsonConnector(registries);
  RegisterInMemoryConnector(registries);
  RegisterPostgresConnector(registries);
  RegisterS3Connector(registries);
  RegisterRestConnector(registries);
  RegisterGoogleSheetsConnector(registries);
  RegisterShopifyConnector(registries);
}

const Registries& BuiltinRegistries() {
  static const Registries registries = [] {
    Registries built;
    RegisterBuiltinConnectors(built);
    return built;
  }();
  return registries;
}

}  // namespace sqlflow::connectors
