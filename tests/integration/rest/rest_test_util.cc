#include "rest_test_util.h"

#include <stdexcept>

#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::testing {

RestMock::RestMock(Json scenario, mockd::ServerOptions options) {
  server_ = std::make_unique<mockd::MockServer>(options);
  api_ = std::make_shared<mockd::RestApi>(scenario);
  server_->Add(api_);
  if (server_->Start() <= 0) throw std::runtime_error("mock server did not start");
}

RestMock::~RestMock() {
  server_->Stop();
}

RestHarness::RestHarness(std::string type) : type_(std::move(type)) {
  db_ = engine::Database::Open(engine::EngineOptions{});
  conn_ = std::make_unique<engine::Connection>(*db_);
}

std::vector<std::string> RestHarness::Issues(const Json& params) {
  const auto* type = connectors::BuiltinRegistries().sources.Find(type_);
  auto validated = connectors::ValidateSourceParams(*type, params);
  std::vector<std::string> out;
  for (const auto& issue : validated.issues)
    if (issue.severity == Severity::kError) out.push_back(issue.code + " " + issue.message);
  return out;
}

std::unique_ptr<connectors::Source> RestHarness::Configured(const Json& params) {
  const auto* type = connectors::BuiltinRegistries().sources.Find(type_);
  auto validated = connectors::ValidateSourceParams(*type, params);
  std::string errors;
  for (const auto& issue : validated.issues)
    if (issue.severity == Severity::kError) errors += issue.message + "\n";
  if (!errors.empty()) throw std::runtime_error(errors);
  auto source = type->make_source();
  source->Configure(connectors::WithDefaults(*type, "api", validated.canonical));
  return source;
}

std::string RestHarness::Value(const std::string& sql) {
  return conn_->QueryValue(sql).value_or("NULL");
}

RestOutcome RestHarness::Read(const Json& params, const std::string& table,
                              const connectors::ReadRequest& request, CancelToken* cancel) {
  auto source = Configured(params);
  connectors::ReadRequest effective = request;
  if (effective.columns.empty() && params.contains("columns"))  // as the executor passes them
    for (const auto& c : params["columns"]) effective.columns.push_back(c.get<std::string>());
  RestOutcome outcome;
  connectors::ReadContext context;
  context.source_name = "api";
  context.connection = conn_.get();
  context.cancel = cancel;
  conn_->Execute("DROP TABLE IF EXISTS " + QuoteIdent(table));
  auto stream = source->Read(effective, context);
  std::unique_ptr<engine::Appender> appender;
  bool created = false;
  while (true) {
    connectors::ReadEvent event = stream->Next();
    if (event.kind == connectors::ReadEvent::Kind::kSchema) {
      ++outcome.schema_events;
      outcome.schemas.push_back(event.schema);
      if (appender) appender->Close();
      appender.reset();
      if (!created) {
        std::string columns;
        for (size_t i = 0; i < event.schema.size(); ++i)
          columns += (i ? ", " : "") + QuoteIdent(event.schema[i].name) + " " + event.schema[i].type;
        conn_->Execute("CREATE TABLE " + QuoteIdent(table) + " (" + columns + ")");
        created = true;
      } else {
        for (const auto& field : event.schema) {
          auto type = conn_->QueryValue(
              "SELECT data_type FROM information_schema.columns WHERE table_name = " + QuoteLiteral(table) +
              " AND column_name = " + QuoteLiteral(field.name));
          if (!type)
            conn_->Execute("ALTER TABLE " + QuoteIdent(table) + " ADD COLUMN " + QuoteIdent(field.name) +
                           " " + field.type);
          else if (*type != field.type)
            conn_->Execute("ALTER TABLE " + QuoteIdent(table) + " ALTER COLUMN " + QuoteIdent(field.name) +
                           " SET DATA TYPE " + field.type);
        }
      }
      appender = std::make_unique<engine::Appender>(*conn_, "", table);
    } else if (event.kind == connectors::ReadEvent::Kind::kBatch) {
      if (!appender) throw std::runtime_error("batch before schema");
      for (const auto& chunk : event.chunks) {
        if (chunk.size() > 2048) throw std::runtime_error("chunk larger than 2048 rows");
        appender->AppendChunk(chunk);
        outcome.rows += static_cast<int64_t>(chunk.size());
      }
    } else if (event.kind == connectors::ReadEvent::Kind::kEnd) {
      if (appender) appender->Close();
      for (const auto& [column, type] : event.end.refine)
        conn_->Execute("ALTER TABLE " + QuoteIdent(table) + " ALTER COLUMN " + QuoteIdent(column) +
                       " SET DATA TYPE " + type + " USING CAST(" + QuoteIdent(column) + " AS " + type + ")");
      outcome.warnings = event.end.warnings;
      outcome.refine = event.end.refine;
      outcome.stats = stream->Stats();
      return outcome;
    } else {
      throw std::runtime_error("unexpected event");
    }
  }
}

Json FastRetries(Json params) {
  params["retry_delay"] = 0.05;
  params["retry_max_delay"] = 0.2;
  return params;
}

}  // namespace sqlflow::testing
