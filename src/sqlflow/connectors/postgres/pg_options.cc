#include "sqlflow/connectors/postgres/pg_options.h"

#include <cctype>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/postgres/postgres_registration.h"
#include "sqlflow/connectors/registry/options_util.h"
#include "sqlflow/connectors/registry/validate_util.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors::pg {
namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kPrefix = "POSTGRES connector: ";

std::string NumberText(const Json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return std::to_string(static_cast<int64_t>(value.get<double>()));
  if (value.is_string()) return value.get<std::string>();
  return DumpJson(value);
}

std::string StripQuery(std::string query) {
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';'))
    query.pop_back();
  return query;
}

void CheckUri(const std::string& uri, std::vector<ParamIssue>& issues) {
  const bool url = StartsWith(uri, "postgres://") || StartsWith(uri, "postgresql://");
  if (!url && uri.find('=') == std::string::npos) {
    AddIssue(
        issues, Severity::kError, "SF405",
        std::string(kPrefix) +
            "parameter 'uri' must start with postgres:// or postgresql:// or be a keyword=value connection "
            "string",
        "uri");
  }
}

// The settings both sides share; `params` has the schema defaults of `type` filled in.
PgConnectionOptions ParseConnection(const ConnectorTypeInfo& type, const ResolvedParams& params,
                                    std::vector<ParamIssue>& issues) {
  PgConnectionOptions o;
  o.uri = params.GetString("uri");
  if (params.Has("uri")) CheckUri(o.uri, issues);
  o.host = OptionalString(params, "host");
  o.database = OptionalString(params, "database");
  o.user = OptionalString(params, "user");
  o.password = OptionalString(params, "password");
  o.sslrootcert = OptionalString(params, "sslrootcert");
  o.sslcert = OptionalString(params, "sslcert");
  o.sslkey = OptionalString(params, "sslkey");
  if (params.Has("port")) o.port = NumberText(params.values["port"]);
  o.sslmode = params.GetString("sslmode");
  o.connect_timeout_seconds = static_cast<int>(params.GetInt("connect_timeout_seconds"));
  o.application_name = params.GetString("application_name");
  o.schema = params.GetString("schema");
  o.table = params.GetString("table");
  for (const char* key : {"port", "sslmode", "connect_timeout_seconds", "application_name"})
    if (params.Has(key) && EqualsSchemaDefault(type, key, params.values[key])) o.at_default.insert(key);
  if (params.Has("table") && !IsPostgresTableName(o.table)) {
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "'table' '" + o.table +
                 "' is not a valid identifier (use schema.name, quote parts with double quotes)",
             "table");
  }
  return o;
}

// The §2.7 retry keys; their ranges were checked by the schema, so a failure here is unexpected.
net::RetryOptions ParseRetry(const Json& values, std::vector<ParamIssue>& issues) {
  try {
    return net::ParseRetryOptions("postgres", values);
  } catch (const Error& error) {
    AddIssue(issues, Severity::kError, "SF405", error.what());
    return net::DefaultRetryOptions("postgres");
  }
}

std::vector<std::pair<std::string, std::string>> ColumnTypes(const ResolvedParams& params) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!params.Has("column_types") || !params.values["column_types"].is_object()) return out;
  for (const auto& [name, type] : params.values["column_types"].items())
    if (type.is_string()) out.emplace_back(name, type.get<std::string>());
  return out;
}

}  // namespace

bool IsPostgresTableName(const std::string& text) {
  static const std::regex name(
      "(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)(\\.(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))?");
  return std::regex_match(text, name);
}

PgSourceOptions ParsePgSourceOptions(const Json& canonical, std::vector<ParamIssue>& issues) {
  const ConnectorTypeInfo type = PostgresSourceInfo();
  const ResolvedParams params = WithDefaults(type, "", canonical);
  PgSourceOptions o;
  o.connection = ParseConnection(type, params, issues);
  o.query = StripQuery(params.GetString("query"));
  o.query_timeout_seconds = params.GetInt("query_timeout_seconds");
  if (params.Has("lookback_window")) o.lookback_window = params.values["lookback_window"];
  o.column_types = ColumnTypes(params);
  o.retry = ParseRetry(params.values, issues);
  // Also a schema constraint (reported once at compile time); Configure enforces it through this.
  if (!o.connection.table.empty() && !o.query.empty())
    AddIssueOnce(issues, Severity::kError, "SF406",
                 std::string(kPrefix) + "parameters 'table' and 'query' cannot be used together", "query");
  return o;
}

PgDestinationOptions ParsePgDestinationOptions(const Json& canonical, std::vector<ParamIssue>& issues) {
  const ConnectorTypeInfo type = PostgresDestinationInfo();
  const ResolvedParams params = WithDefaults(type, "", canonical);
  PgDestinationOptions o;
  o.connection = ParseConnection(type, params, issues);
  o.mode = params.GetString("mode");
  o.create_table = params.GetBool("create_table");
  o.replace_strategy = params.GetString("replace_strategy");
  o.timeout_seconds = params.GetNumber("timeout_seconds");
  o.retry = ParseRetry(params.values, issues);
  // The registry reports it as a source-only parameter; Configure enforces it through this.
  if (params.Has("query"))
    AddIssueOnce(issues, Severity::kError, "SF406",
                 std::string(kPrefix) + "'query' is only valid on a source", "query");
  return o;
}

}  // namespace sqlflow::connectors::pg
