#include "pg_test_util.h"

#include <libpq-fe.h>

#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>

#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::testing {

std::optional<std::string> TestDsn() {
  if (const char* dsn = std::getenv("SQLFLOW_TEST_PG_DSN"); dsn && *dsn) return std::string(dsn);
  std::ifstream file(SQLFLOW_PG_ENV_FILE);
  std::string line;
  const std::string key = "export SQLFLOW_TEST_PG_DSN=";
  while (std::getline(file, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::string value = line.substr(key.size());
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

bool InCi() {
  const char* ci = std::getenv("SQLFLOW_CI");
  return ci && std::string(ci) == "1";
}

bool PgAvailable(std::string* dsn, std::string* reason) {
  auto found = TestDsn();
  if (!found) {
    *reason = "no PostgreSQL test server: SQLFLOW_TEST_PG_DSN is unset and " +
              std::string(SQLFLOW_PG_ENV_FILE) +
              " does not exist (start one with scripts/pg-test-server.sh start)";
    return false;
  }
  PGconn* conn = PQconnectdb(found->c_str());
  const bool ok = PQstatus(conn) == CONNECTION_OK;
  if (!ok) *reason = "PostgreSQL test server " + *found + " is unreachable: " + PQerrorMessage(conn);
  PQfinish(conn);
  *dsn = *found;
  return ok;
}

PgAdmin::PgAdmin(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK)
    throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn_));
  Exec("SET client_min_messages = warning; SET TimeZone = 'UTC'");
}

PgAdmin::~PgAdmin() {
  PQfinish(conn_);
}

void PgAdmin::Exec(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  const auto status = PQresultStatus(result);
  std::string error = PQresultErrorMessage(result);
  PQclear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("SQL failed: " + error + " in: " + sql.substr(0, 300));
}

std::vector<std::string> PgAdmin::Rows(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error("SQL failed: " + error + " in: " + sql.substr(0, 300));
  }
  std::vector<std::string> rows;
  for (int r = 0; r < PQntuples(result); ++r) {
    std::string row;
    for (int c = 0; c < PQnfields(result); ++c) {
      if (c) row += "|";
      row += PQgetisnull(result, r, c) ? "NULL" : PQgetvalue(result, r, c);
    }
    rows.push_back(row);
  }
  PQclear(result);
  return rows;
}

std::string PgAdmin::Value(const std::string& sql) {
  auto rows = Rows(sql);
  if (rows.empty()) return "";
  std::string first = rows[0];
  return first == "NULL" ? "" : first.substr(0, first.find('|'));
}

int PgAdmin::BackendPid() {
  return PQbackendPID(conn_);
}

namespace {

connectors::ResolvedParams Resolve(const connectors::Registry& registry, const nlohmann::ordered_json& params,
                                   const std::string& name, bool source) {
  const auto* type = registry.Find("postgres");
  if (!type) throw std::runtime_error("postgres is not registered");
  auto validated = source ? connectors::ValidateSourceParams(*type, params)
                          : connectors::ValidateExportOptions(*type, "", params, false);
  for (const auto& issue : validated.issues)
    if (issue.severity == Severity::kError) throw std::runtime_error("invalid parameters: " + issue.message);
  return connectors::WithDefaults(*type, name, validated.canonical);
}

}  // namespace

connectors::ResolvedParams SourceParams(const nlohmann::ordered_json& params, const std::string& name) {
  return Resolve(connectors::BuiltinRegistries().sources, params, name, true);
}

connectors::ResolvedParams DestinationParams(const nlohmann::ordered_json& params, const std::string& name) {
  return Resolve(connectors::BuiltinRegistries().destinations, params, name, false);
}

ReadOutcome ReadInto(connectors::Source& source, const connectors::ReadRequest& request,
                     engine::Connection& duck, const std::string& table,
                     const std::function<void(int64_t)>& on_batch) {
  ReadOutcome outcome;
  connectors::ReadContext context;
  context.source_name = "pg_test";
  context.connection = &duck;
  auto stream = source.Read(request, context);
  std::unique_ptr<engine::Appender> appender;
  while (true) {
    connectors::ReadEvent event = stream->Next();
    switch (event.kind) {
      case connectors::ReadEvent::Kind::kSchema: {
        appender.reset();
        std::string columns;
        for (size_t i = 0; i < event.schema.size(); ++i)
          columns += (i ? ", " : "") + QuoteIdent(event.schema[i].name) + " " + event.schema[i].type;
        duck.Execute("CREATE OR REPLACE TABLE " + QuoteIdent(table) + " (" + columns + ")");
        appender = std::make_unique<engine::Appender>(duck, "", table);
        outcome.schema = event.schema;
        break;
      }
      case connectors::ReadEvent::Kind::kBatch:
        if (!appender) throw std::runtime_error("batch before schema");
        for (const auto& chunk : event.chunks) {
          if (chunk.size() > 2048) throw std::runtime_error("chunk larger than 2048 rows");
          appender->AppendChunk(chunk);
          outcome.rows += static_cast<int64_t>(chunk.size());
        }
        ++outcome.batches;
        if (on_batch) on_batch(outcome.batches);
        break;
      case connectors::ReadEvent::Kind::kReset:
        if (appender) appender->Flush();
        duck.Execute("DELETE FROM " + QuoteIdent(table));
        outcome.rows = 0;
        ++outcome.resets;
        outcome.reset_reasons.push_back(event.reason);
        break;
      case connectors::ReadEvent::Kind::kEnd:
        if (appender) appender->Close();
        outcome.warnings = event.end.warnings;
        return outcome;
      case connectors::ReadEvent::Kind::kFileScan:
        throw std::runtime_error("unexpected FileScan event");
    }
  }
}

const connectors::Schema& TestExportInput::OutputSchema() const {
  if (!schema_) {
    connectors::Schema schema;
    auto prepared = connection_.Prepare(sql_);
    for (uint64_t i = 0; i < prepared.column_count(); ++i) {
      std::string type = prepared.column_type(i).ToString();
      schema.push_back({prepared.column_name(i), type, true, type});
    }
    schema_ = std::move(schema);
  }
  return *schema_;
}

int64_t TestExportInput::CopyTo(const std::string&, const std::string&) {
  throw std::runtime_error("CopyTo is not used by table destinations");
}

engine::QueryResult TestExportInput::Stream(const std::vector<std::string>& select_exprs) {
  ++streams;
  std::string list = select_exprs.empty() ? "*" : Join(select_exprs, ", ");
  return connection_.Stream("SELECT " + list + " FROM (" + sql_ + ") AS sqlflow_export");
}

connectors::WriteResult ExportTo(connectors::Destination& destination, engine::Connection& duck,
                                 const std::string& sql, const std::string& table, connectors::WriteMode mode,
                                 const std::vector<std::string>& keys) {
  TestExportInput input(duck, sql);
  connectors::WriteRequest request;
  request.object = table;
  request.mode = mode;
  request.keys = keys;
  request.run_id = "test-run";
  return destination.Write(request, input);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sqlflow-pgtest-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path);
  out << text;
}

std::string TestTableName(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = ToLower(std::string(info->test_suite_name()) + "_" + info->name());
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  // PostgreSQL identifiers hold 63 bytes; leave room for suffixes such as "_back" and "_child".
  if (name.size() > 40)
    name = name.substr(0, 32) + "_" + std::to_string(std::hash<std::string>{}(name) % 1000000);
  return suffix.empty() ? name : name + "_" + suffix;
}

}  // namespace sqlflow::testing
