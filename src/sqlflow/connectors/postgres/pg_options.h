// Options of the postgres source and destination (CONNECTORS.md §3.5), parsed once from the canonical
// parameters. The registry's compile-time validation (postgres_registration.cc) and Configure both call
// ParsePgSourceOptions / ParsePgDestinationOptions, so a pipeline that passes `pipeline validate` configures
// without surprises. Defaults come from the registry schema (filled in by the parse functions themselves, so
// they work on validation's canonical parameters, which have none, and on Configure's, which have them all).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::pg {

// Where and how to connect, as configured (ConnectSettings turns it into libpq keywords).
struct PgConnectionOptions {
  std::string uri;  // "" = none
  std::optional<std::string> host, database, user, password, sslrootcert, sslcert, sslkey;
  std::string port;     // as text for libpq
  std::string sslmode;  // disable ... verify-full
  int connect_timeout_seconds = 0;
  std::string application_name;
  std::string schema;  // for an unqualified table
  std::string table;   // "" = the LOAD or EXPORT table name
  // Keys whose value equals the registry default. Such values go before the URI in the libpq keywords so
  // the URI's own parts win over them (CONNECTORS.md §3.5).
  std::set<std::string> at_default;

  bool AtDefault(const std::string& key) const { return at_default.count(key) > 0; }
};

struct PgSourceOptions {
  PgConnectionOptions connection;
  std::string query;  // trailing ';' and blanks removed; "" = read a table
  int64_t query_timeout_seconds = 0;
  std::vector<std::pair<std::string, std::string>> column_types;  // as configured
  nlohmann::ordered_json lookback_window;                         // null = none
  net::RetryOptions retry;
};

struct PgDestinationOptions {
  PgConnectionOptions connection;
  std::string mode;  // replace | append | upsert (the configured one; a request may carry its own)
  bool create_table = false;
  std::string replace_strategy;  // truncate | delete | drop
  double timeout_seconds = 0;    // statement_timeout of the write transaction; 0 = none
  net::RetryOptions retry;
};

// Never throw for bad values: problems go to `issues` (kError: the options must not be used).
PgSourceOptions ParsePgSourceOptions(const nlohmann::ordered_json& canonical,
                                     std::vector<ParamIssue>& issues);
PgDestinationOptions ParsePgDestinationOptions(const nlohmann::ordered_json& canonical,
                                               std::vector<ParamIssue>& issues);

// `schema.name` or `name`, each part an unquoted identifier or a double-quoted one.
bool IsPostgresTableName(const std::string& text);

}  // namespace sqlflow::connectors::pg
