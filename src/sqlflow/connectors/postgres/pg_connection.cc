#include "sqlflow/connectors/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/net/classify.h"

namespace sqlflow::connectors::pg {
namespace {

// libpq's compiled-in socket directory on Debian (pg_config --configure: DEFAULT_PGSOCKET_DIR).
constexpr const char* kDefaultSocketDir = "/var/run/postgresql";

// libpq messages end with a newline and continue on tab-indented lines; messages here are one line.
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Parts of a URI / key=value string as libpq parses them (nothing on a parse error).
std::vector<std::pair<std::string, std::string>> ParseConninfo(const std::string& conninfo) {
  std::vector<std::pair<std::string, std::string>> out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error) PQfreemem(error);
  if (!options) return out;
  for (PQconninfoOption* option = options; option->keyword; ++option)
    if (option->val && *option->val) out.emplace_back(option->keyword, option->val);
  PQconninfoFree(options);
  return out;
}

}  // namespace

std::string PgError::Describe() const {
  std::string text = what();
  if (!sqlstate_.empty()) text += " (SQLSTATE " + sqlstate_ + ")";
  return text;
}

std::string SqlStateOfConnectFailure(std::string_view message) {
  if (Contains(message, "password authentication failed") || Contains(message, "no password supplied"))
    return "28P01";
  if (Contains(message, "no pg_hba.conf entry")) return "28000";
  if (Contains(message, "role \"") && Contains(message, "does not exist")) return "28000";
  if (Contains(message, "database \"") && Contains(message, "does not exist")) return "3D000";
  if (Contains(message, "permission denied for database")) return "42501";
  if (Contains(message, "too many clients") || Contains(message, "too many connections")) return "53300";
  if (Contains(message, "the database system is starting up") ||
      Contains(message, "the database system is shutting down") ||
      Contains(message, "the database system is in recovery mode"))
    return "57P03";
  return "";
}

bool IsTlsConfigFailure(std::string_view message) {
  return Contains(message, "does not support SSL") || Contains(message, "certificate verify failed") ||
         Contains(message, "root certificate file") || Contains(message, "certificate file \"") ||
         Contains(message, "private key file") || Contains(message, "does not match host name");
}

ConnectSettings ConnectSettings::FromOptions(const PgConnectionOptions& options) {
  ConnectSettings settings;
  std::vector<std::pair<std::string, std::string>> before, after;
  const bool has_uri = !options.uri.empty();

  settings.connect_timeout_seconds = options.connect_timeout_seconds;
  // Values equal to the registry default go before the URI, so that the URI's own parts win over them;
  // port and sslmode at their defaults are left to libpq (PGPORT, PGSSLMODE) when there is no URI.
  auto place = [&](const std::string& keyword, const std::string& value, bool is_default, bool omit_default) {
    if (!is_default)
      after.emplace_back(keyword, value);
    else if (has_uri)
      before.emplace_back(keyword, value);
    else if (!omit_default)
      after.emplace_back(keyword, value);
  };
  place("connect_timeout", std::to_string(settings.connect_timeout_seconds),
        options.AtDefault("connect_timeout_seconds"), false);
  place("application_name", options.application_name, options.AtDefault("application_name"), false);
  if (!options.port.empty()) place("port", options.port, options.AtDefault("port"), true);
  if (!options.sslmode.empty()) place("sslmode", options.sslmode, options.AtDefault("sslmode"), true);
  const std::pair<const char*, const std::optional<std::string>*> explicit_keys[] = {
      {"host", &options.host},         {"user", &options.user},
      {"password", &options.password}, {"sslrootcert", &options.sslrootcert},
      {"sslcert", &options.sslcert},   {"sslkey", &options.sslkey},
      {"dbname", &options.database}};
  for (const auto& [keyword, value] : explicit_keys)
    if (*value) after.emplace_back(keyword, **value);
  after.emplace_back("client_encoding", "UTF8");

  settings.keywords = before;
  if (has_uri) settings.keywords.emplace_back("dbname", options.uri);
  settings.keywords.insert(settings.keywords.end(), after.begin(), after.end());

  if (options.password) settings.secrets.push_back(*options.password);
  if (has_uri) {
    for (const auto& [keyword, value] : ParseConninfo(options.uri))
      if (keyword == "password") settings.secrets.push_back(value);
  }
  return settings;
}

std::string ConnectSettings::Mask(std::string_view text) const {
  std::string out = MaskConnectionSecrets(text);
  for (const auto& secret : secrets) {
    // Very short values would mask ordinary words; libpq never echoes a password anyway.
    if (secret.size() < 3) continue;
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  // key=value connection strings: password=... up to the next space.
  size_t pos = 0;
  while ((pos = out.find("password=", pos)) != std::string::npos) {
    size_t start = pos + 9;
    size_t end = out.find_first_of(" &'\"", start);
    if (end == std::string::npos) end = out.size();
    if (out.compare(start, end - start, "***") != 0) out.replace(start, end - start, "***");
    pos = start + 3;
  }
  return out;
}

std::string ConnectSettings::Endpoint() const {
  std::string host, port;
  for (const auto& [keyword, value] : keywords) {
    if (keyword == "dbname" && (value.find('=') != std::string::npos || StartsWith(value, "postgres"))) {
      for (const auto& [k, v] : ParseConninfo(value)) {
        if (k == "host") host = v;
        if (k == "port") port = v;
      }
    } else if (keyword == "host") {
      host = value;
    } else if (keyword == "port") {
      port = value;
    }
  }
  if (host.empty() && std::getenv("PGHOST")) host = std::getenv("PGHOST");
  if (port.empty() && std::getenv("PGPORT")) port = std::getenv("PGPORT");
  if (host.empty()) host = kDefaultSocketDir;
  if (port.empty()) port = "5432";
  return host + ":" + port;
}

PgResult::~PgResult() {
  if (result_) PQclear(result_);
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const {
  return result_ ? PQntuples(result_) : 0;
}
int PgResult::columns() const {
  return result_ ? PQnfields(result_) : 0;
}
bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}
std::string PgResult::Get(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), PQgetlength(result_, row, column));
}
int64_t PgResult::GetInt(int row, int column) const {
  return IsNull(row, column) ? 0 : std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}
bool PgResult::GetBool(int row, int column) const {
  return !IsNull(row, column) && PQgetvalue(result_, row, column)[0] == 't';
}
std::string PgResult::CommandTuples() const {
  return result_ ? PQcmdTuples(result_) : "";
}

PgConnection::PgConnection(pg_conn* conn, ConnectSettings settings)
    : conn_(conn), settings_(std::move(settings)) {
  std::string host = PQhost(conn_) ? PQhost(conn_) : "";
  std::string port = PQport(conn_) ? PQport(conn_) : "";
  endpoint_ = (host.empty() ? std::string(kDefaultSocketDir) : host) + ":" + (port.empty() ? "5432" : port);
  cancel_ = PQgetCancel(conn_);
  const char* encoding = PQparameterStatus(conn_, "server_encoding");
  server_utf8_ = !(encoding && std::strcmp(encoding, "SQL_ASCII") == 0);
}

PgConnection::~PgConnection() {
  if (cancel_) PQfreeCancel(cancel_);
  if (conn_) PQfinish(conn_);
}

std::unique_ptr<PgConnection> PgConnection::Open(const ConnectSettings& settings) {
  std::vector<const char*> keywords, values;
  bool expand = false;
  for (const auto& [keyword, value] : settings.keywords) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
    if (keyword == "dbname" && !expand)
      expand = value.find('=') != std::string::npos || StartsWith(value, "postgres");
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* conn = PQconnectdbParams(keywords.data(), values.data(), expand ? 1 : 0);
  if (!conn) throw PgError(ErrorKind::kTransient, true, "", "out of memory creating a libpq connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = settings.Mask(OneLine(PQerrorMessage(conn)));
    PQfinish(conn);
    const std::string sqlstate = SqlStateOfConnectFailure(message);
    net::SqlStateClassification c = net::ClassifySqlState(sqlstate, sqlstate.empty());
    if (sqlstate == "3D000") c = {ErrorKind::kNotFound, false};
    if (sqlstate.empty() && IsTlsConfigFailure(message)) c = {ErrorKind::kInvalidConfig, false};
    throw PgError(c.kind, c.retryable, sqlstate, message);
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, settings));
  connection->Exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
  return connection;
}

int PgConnection::backend_pid() const {
  return PQbackendPID(conn_);
}
bool PgConnection::lost() const {
  return PQstatus(conn_) == CONNECTION_BAD;
}
int PgConnection::server_version() const {
  return PQserverVersion(conn_);
}

PgError PgConnection::ErrorOf(pg_result* result) const {
  std::string sqlstate, message, detail;
  if (result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail_text = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    if (state) sqlstate = state;
    if (primary)
      message = primary;
    else
      message = PQresultErrorMessage(result);
    if (detail_text) detail = detail_text;
  }
  if (message.empty()) message = PQerrorMessage(conn_);
  message = OneLine(message);
  if (StartsWith(message, "ERROR: ")) message = message.substr(7);
  if (StartsWith(message, "FATAL: ")) message = message.substr(7);
  if (message.empty()) message = "unknown libpq error";
  const bool connection_lost = PQstatus(conn_) == CONNECTION_BAD;
  const net::SqlStateClassification c = net::ClassifySqlState(sqlstate, connection_lost);
  return PgError(c.kind, c.retryable, sqlstate, settings_.Mask(message), settings_.Mask(OneLine(detail)));
}

void PgConnection::Expect(const PgResult& result, std::initializer_list<int> statuses) const {
  if (result.get()) {
    const int status = PQresultStatus(result.get());
    for (int expected : statuses)
      if (status == expected) return;
  }
  throw ErrorOf(result.get());
}

PgResult PgConnection::Exec(const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  Expect(result, {PGRES_COMMAND_OK, PGRES_TUPLES_OK});
  return result;
}

PgResult PgConnection::ExecParams(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0));
  Expect(result, {PGRES_COMMAND_OK, PGRES_TUPLES_OK});
  return result;
}

std::string PgConnection::QuoteIdent(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
  if (!quoted) return QuotePgIdent(name);
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

std::string PgConnection::QuoteLiteral(std::string_view value) const {
  char* quoted = PQescapeLiteral(conn_, value.data(), value.size());
  if (!quoted) throw ErrorOf(nullptr);
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

void PgConnection::Cancel() {
  if (!cancel_) return;
  char buffer[256];
  PQcancel(cancel_, buffer, sizeof(buffer));
}

void PgConnection::Shutdown() {
  const int socket = PQsocket(conn_);
  if (socket >= 0) ::shutdown(socket, SHUT_RDWR);
}

std::string QuotePgIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

QualifiedName ParseQualifiedName(std::string_view text, const std::string& default_schema) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted_part = false;
  size_t i = 0;
  auto finish = [&] {
    parts.push_back(quoted_part ? current : ToLower(Trim(current)));
    current.clear();
    quoted_part = false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      quoted_part = true;
      ++i;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            current += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        current += text[i++];
      }
      continue;
    }
    if (c == '.') {
      finish();
      ++i;
      continue;
    }
    current += c;
    ++i;
  }
  finish();
  if (parts.size() > 2 || parts.empty() || parts.back().empty())
    throw Error(ErrorKind::kInvalidConfig,
                "POSTGRES connector: 'table' '" + std::string(text) +
                    "' is not a valid identifier (use schema.name, quote parts with "
                    "double quotes)");
  if (parts.size() == 1) return {default_schema.empty() ? "public" : default_schema, parts[0]};
  return {parts[0], parts[1]};
}

std::string QualifiedName::Display() const {
  auto part = [](const std::string& p) {
    bool plain = !p.empty() && (std::islower(static_cast<unsigned char>(p[0])) || p[0] == '_');
    for (char c : p)
      plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                        std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '$');
    return plain ? p : QuotePgIdent(p);
  };
  return part(schema) + "." + part(name);
}

}  // namespace sqlflow::connectors::pg
