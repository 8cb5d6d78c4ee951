// What the postgres source and destination share: the operation context (message prefix, retry policy,
// seams, connection settings), the retry loop around one operation, and error messages in the format of
// CONNECTORS.md §1.11: `POSTGRES source '<name>': <operation> failed: <cause> (after N attempts)`.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/connectors/postgres/pg_connection.h"
#include "sqlflow/connectors/postgres/pg_retry.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow {
class CancelToken;
}

namespace sqlflow::connectors::pg {

struct OpContext {
  std::string prefix;  // "POSTGRES source 'orders'"
  // The postgres defaults with the user's overrides, the Runtime's seams, and the shared breaker of
  // ("postgres", endpoint) (none when circuit_breaker_threshold is 0).
  net::RetryPolicy policy;
  ConnectSettings settings;
  std::string endpoint;  // host:port for messages before a connection exists

  // Throws Error(kCircuitOpen) with the prefix when the breaker of the endpoint is open.
  void CheckBreaker() const;
  // An operation succeeded: closes the breaker and resets its failure count.
  void RecordSuccess() const;
  // The user-facing error for a failed operation after `attempts` attempts.
  Error ToError(const std::string& operation, const PgError& error, int attempts,
                std::string hint = "") const;
  // After attempt `attempt` (1-based) failed with `error`: true (after sleeping the backoff delay and
  // logging the retry) when another attempt is allowed, false when the error is final.
  // `cancel` (optional) cuts the wait short; the caller checks for cancellation afterwards.
  bool BackoffBeforeRetry(const std::string& operation, const PgError& error, int attempt,
                          CancelToken* cancel = nullptr) const;
  // Runs `body` with retries; PgError becomes sqlflow::Error with the prefix and attempt count.
  void Run(const std::string& operation, const std::function<void()>& body) const;
};

// `side` is source or destination, `name` the SOURCE or destination name (for the message prefix).
OpContext MakeOpContext(const std::string& side, const std::string& name,
                        const PgConnectionOptions& connection, const net::RetryOptions& retry,
                        const Runtime& runtime);

// "connected to PostgreSQL 15.18 at 127.0.0.1:55432, database sqlflow_test as postgres"
std::string DescribeServer(PgConnection& connection);

// Version text of PQserverVersion: 150018 -> "15.18".
std::string VersionText(int server_version);

// An engine scratch connection for turning type strings into DuckDB logical types: the given one, or a
// private in-memory database when `connection` is null.
class TypeResolver {
 public:
  explicit TypeResolver(engine::Connection* connection);
  ~TypeResolver();
  // Logical types of `type_strings` (in order), and DuckDB's own names for them.
  std::vector<engine::LogicalType> Resolve(const std::vector<std::string>& type_strings,
                                           std::vector<std::string>* canonical_names);

 private:
  engine::Connection* connection_;
  std::unique_ptr<engine::Connection> own_connection_;  // on engine::ScratchDatabase()
};

}  // namespace sqlflow::connectors::pg
