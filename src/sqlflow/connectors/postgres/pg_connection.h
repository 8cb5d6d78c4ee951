// libpq behind RAII: connection settings from the connector parameters, an owning PGconn and PGresult,
// and the one place where libpq failures become an error class (CONNECTORS.md §2.3).
//
// PgConnection and PgResult are not copyable. A PgConnection is used by one thread; only Cancel() may be
// called from another. A PgResult may outlive its connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/base/types.h"

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace sqlflow::connectors::pg {

// A libpq failure, classified once at the boundary. `retryable` is the §2.3 decision (a statement timeout
// is kTimeout but not retried). The message never contains the password.
class PgError : public std::runtime_error {
 public:
  PgError(ErrorKind kind, bool retryable, std::string sqlstate, const std::string& message,
          std::string detail = "")
      : std::runtime_error(message),
        kind_(kind),
        retryable_(retryable),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)) {}
  ErrorKind kind() const { return kind_; }
  bool retryable() const { return retryable_; }
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }  // PG_DIAG_MESSAGE_DETAIL, if any
  // "message (SQLSTATE xxxxx)" or the message alone.
  std::string Describe() const;

 private:
  ErrorKind kind_;
  bool retryable_;
  std::string sqlstate_;
  std::string detail_;
};

// SQLSTATE classification (CONNECTORS.md §2.3) is net::ClassifySqlState (sqlflow/net/classify.h).
// A failed connection attempt has no PGresult; its SQLSTATE is recovered from libpq's message.
std::string SqlStateOfConnectFailure(std::string_view message);
// TLS set-up failures (server without SSL under sslmode=require, bad certificate files, verification
// failures) are configuration errors, not retried.
bool IsTlsConfigFailure(std::string_view message);

struct PgConnectionOptions;

// Where and how to connect. Built from the parsed options (pg_options.h): the URI / DSN first, values at
// their registry defaults before it (so its parts win over them), other parameters after it (so they win
// over its parts).
struct ConnectSettings {
  std::vector<std::pair<std::string, std::string>> keywords;  // for PQconnectdbParams, in order
  std::vector<std::string> secrets;                           // values masked in every message
  int connect_timeout_seconds = 10;

  static ConnectSettings FromOptions(const PgConnectionOptions& options);
  // Replaces every secret value (and URI passwords) in `text` with ***.
  std::string Mask(std::string_view text) const;
  // host:port as libpq would resolve it (for messages before a connection exists).
  std::string Endpoint() const;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  pg_result* get() const { return result_; }
  int rows() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  std::string Get(int row, int column) const;
  int64_t GetInt(int row, int column) const;
  bool GetBool(int row, int column) const;  // 't' / 'f'
  std::string CommandTuples() const;        // PQcmdTuples

 private:
  pg_result* result_ = nullptr;
};

class PgConnection {
 public:
  // Connects (blocking, bounded by connect_timeout), sets client_encoding UTF8, TimeZone UTC and DateStyle
  // ISO. Throws PgError.
  static std::unique_ptr<PgConnection> Open(const ConnectSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  pg_conn* get() const { return conn_; }
  const ConnectSettings& settings() const { return settings_; }
  // host:port of the server (socket directory for Unix sockets).
  const std::string& endpoint() const { return endpoint_; }
  int backend_pid() const;
  bool lost() const;  // PQstatus is CONNECTION_BAD
  bool server_utf8() const { return server_utf8_; }
  int server_version() const;  // e.g. 150020

  // Runs SQL (one or more statements); throws PgError unless the result is COMMAND_OK or TUPLES_OK.
  PgResult Exec(const std::string& sql);
  // One statement with text parameters ($1, $2, ...).
  PgResult ExecParams(const std::string& sql, const std::vector<std::string>& params);
  // The error of a failed result or of the connection, classified.
  PgError ErrorOf(pg_result* result) const;
  // Throws ErrorOf(result) unless `result` has one of the expected statuses.
  void Expect(const PgResult& result, std::initializer_list<int> statuses) const;

  std::string QuoteIdent(std::string_view name) const;     // PQescapeIdentifier
  std::string QuoteLiteral(std::string_view value) const;  // PQescapeLiteral

  // Asks the server to cancel the running command; thread-safe, never throws.
  void Cancel();
  // Shuts the socket down so that a blocked read returns at once (stream teardown); thread-safe, never
  // throws.
  void Shutdown();

 private:
  PgConnection(pg_conn* conn, ConnectSettings settings);
  pg_conn* conn_ = nullptr;
  pg_cancel* cancel_ = nullptr;
  ConnectSettings settings_;
  std::string endpoint_;
  bool server_utf8_ = true;
};

// Splits `schema.name` with PostgreSQL's identifier rules: quoted parts kept exactly ("" -> "), unquoted
// parts folded to lower case. An unqualified name gets `default_schema`.
struct QualifiedName {
  std::string schema;
  std::string name;
  std::string Display() const;  // schema.name, quoted only where needed
};
QualifiedName ParseQualifiedName(std::string_view text, const std::string& default_schema);
// Double-quotes an identifier for PostgreSQL without a connection ("a""b").
std::string QuotePgIdent(std::string_view name);

}  // namespace sqlflow::connectors::pg
