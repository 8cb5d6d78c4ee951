// Registry entries of the postgres type (CONNECTORS.md §3.5): parameter schemas (the one place their defaults
// are written), capabilities, compile-time rules (the same ParsePg*Options that Configure uses) and
// factories.
#include "sqlflow/connectors/postgres/postgres_registration.h"

#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/connectors/postgres/postgres.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

// ---- postgres ----

ResilienceDefaults PostgresResilience() {
  ResilienceDefaults d = ResilienceDefaultsOf("postgres");
  d.max_throttle_retries.reset();  // no throttling, no bucket, statement time limit is query_timeout_seconds
  d.requests_per_second.reset();
  d.rate_limit_burst.reset();
  d.timeout_seconds.reset();
  d.include_connect_timeout = false;
  return d;
}

std::vector<ParamSpec> PostgresConnectionParams() {
  return {
      P("uri", ParamType::kString,
        "Connection string: postgres[ql]://... or libpq keyword=value pairs; explicit parameters override "
        "its parts.")
          .Alias({"connection", "dsn"}),
      P("host", ParamType::kString, "Server host or socket directory; default: libpq (PGHOST, socket)."),
      P("port", ParamType::kInteger, "Server port.").Min(1).Max(65535).Default(5432),
      P("database", ParamType::kString, "Database name; default: libpq.").Alias({"dbname"}),
      P("user", ParamType::kString, "User name; default: libpq.").Alias({"username"}),
      P("password", ParamType::kString, "Password; default: libpq (PGPASSWORD, ~/.pgpass).").Secret(),
      P("sslmode", ParamType::kString, "TLS mode.")
          .Alias({"ssl_mode"})
          .Enum({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
          .Default("prefer"),
      P("sslrootcert", ParamType::kString, "Path of the root certificate file."),
      P("sslcert", ParamType::kString, "Path of the client certificate file."),
      P("sslkey", ParamType::kString, "Path of the client key file."),
      P("connect_timeout_seconds", ParamType::kInteger, "Connect time limit in seconds.")
          .Alias({"connect_timeout"})
          .Min(1)
          .Default(10),
      P("application_name", ParamType::kString, "application_name of the session.").Default("sqlflow"),
      P("schema", ParamType::kString, "Schema for an unqualified table.").Default("public"),
      P("table", ParamType::kString,
        "name or schema.name (quoted parts kept exactly); default: the LOAD or EXPORT table name.")
          .Alias({"table_name"}),
  };
}

}  // namespace

ConnectorTypeInfo PostgresSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables and queries over libpq binary COPY.";
  info.params = PostgresConnectionParams();
  info.params.push_back(P("query", ParamType::kString, "An arbitrary SELECT to read instead of a table."));
  info.params.push_back(
      P("query_timeout_seconds", ParamType::kInteger, "statement_timeout in seconds; 0 = none.")
          .Min(0)
          .Default(0));
  const ResilienceDefaults resilience = PostgresResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf, {"table", "query"}}};
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)pg::ParsePgSourceOptions(canonical, issues);
  };
  info.other_side_params = OnlyOn("destination", {"replace_strategy", "create_table"});
  info.capabilities = {"multiple", "pushdown", true, {}, true, "password, TLS certificates"};
  info.make_source = [] { return MakePostgresSource(); };
  return info;
}

ConnectorTypeInfo PostgresDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables, written in one transaction with binary COPY.";
  info.params = DestinationModeParams();
  AppendParams(info.params, PostgresConnectionParams());
  info.params.push_back(
      P("create_table", ParamType::kBoolean, "Create a missing target table.").Default(true));
  info.params.push_back(P("replace_strategy", ParamType::kString, "How replace empties an existing table.")
                            .Enum({"truncate", "delete", "drop"})
                            .Default("truncate"));
  AppendParams(info.params, ResilienceParams(PostgresResilience(), true));
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)pg::ParsePgDestinationOptions(canonical, issues);
  };
  info.other_side_params = OnlyOn("source", {"query", "query_timeout_seconds"});
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, true, "password, TLS certificates"};
  info.make_destination = [] { return MakePostgresDestination(); };
  return info;
}

void RegisterPostgresConnector(Registries& registries) {
  registries.sources.Register(PostgresSourceInfo());
  registries.destinations.Register(PostgresDestinationInfo());
}

}  // namespace sqlflow::connectors
