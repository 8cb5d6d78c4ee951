// The postgres source (CONNECTORS.md §3.5 "Source behaviour"): one REPEATABLE READ READ ONLY snapshot per
// attempt, schema from the catalog, data by binary COPY OUT decoded into DuckDB chunks. A connection lost
// mid-stream restarts the read from the beginning after a Reset event (§2.8 rule 4).
#include <libpq-fe.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <deque>
#include <mutex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/postgres/pg_catalog.h"
#include "sqlflow/connectors/postgres/pg_common.h"
#include "sqlflow/connectors/postgres/pg_copy_decoder.h"
#include "sqlflow/connectors/postgres/pg_copy_encoder.h"
#include "sqlflow/connectors/postgres/pg_factories.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::connectors::pg {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct SourceOptions {
  std::string schema = "public";
  std::string table;  // configured table ("" = the LOAD's object)
  std::string query;  // configured query ("" = none)
  int64_t query_timeout_seconds = 0;
  std::vector<std::pair<std::string, std::string>> column_types;
};

std::string StripQuery(std::string query) {
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';'))
    query.pop_back();
  return query;
}

const CatalogColumn* FindColumn(const Relation& relation, const std::string& name) {
  for (const auto& column : relation.columns)
    if (column.name == name) return &column;
  const CatalogColumn* found = nullptr;
  for (const auto& column : relation.columns)
    if (EqualsIgnoreCase(column.name, name)) {
      if (found) return nullptr;  // ambiguous without the exact case
      found = &column;
    }
  return found;
}

void ThrowMissingColumn(const Relation& relation, const std::string& name, const std::string& prefix) {
  std::vector<ColumnInfo> available;
  for (const auto& column : relation.columns) available.push_back({column.name, column.format_type});
  try {
    CheckColumnsExist({name}, available, relation.label);
  } catch (const Error& error) {
    throw Error(error.kind(), prefix + ": " + error.what(), error.code(), error.hint());
  }
  throw Error(ErrorKind::kNotFound, prefix + ": column '" + name + "' is ambiguous in " + relation.label +
                                        " (several columns differ only in case); spell it exactly");
}

// What one attempt reads: the COPY statement, the decoders and the schema event.
struct ReadPlan {
  std::string copy_sql;
  std::vector<DecodeColumn> decode;
  Schema schema;
  std::vector<std::string> type_strings;
  std::vector<engine::LogicalType> types;  // DuckDB types of the schema, in order
  std::vector<std::string> warnings;
};

ReadPlan PlanRead(PgConnection& connection, const Relation& relation, const ReadRequest& request,
                  const SourceOptions& options, TypeResolver& resolver, const std::string& prefix) {
  std::vector<const CatalogColumn*> chosen;
  if (request.columns.empty()) {
    for (const auto& column : relation.columns) chosen.push_back(&column);
  } else {
    for (const auto& name : request.columns) {
      const CatalogColumn* column = FindColumn(relation, name);
      if (!column) ThrowMissingColumn(relation, name, prefix);
      chosen.push_back(column);
    }
  }
  if (chosen.empty()) throw Error(ErrorKind::kDataError, prefix + ": " + relation.label + " has no columns");

  // Declared types: each must have an exact binary counterpart; the column is cast to it in the SELECT.
  std::vector<std::optional<WireType>> declared(chosen.size());
  std::vector<std::string> declared_names, declared_strings;
  std::vector<size_t> declared_index;
  for (const auto& [name, type] : options.column_types) {
    bool matched = false;
    for (size_t i = 0; i < chosen.size(); ++i)
      if (EqualsIgnoreCase(chosen[i]->name, name)) {
        declared_index.push_back(i);
        declared_names.push_back(name);
        declared_strings.push_back(EqualsIgnoreCase(type, "number") ? "DOUBLE" : type);
        matched = true;
      }
    (void)matched;
  }
  if (!declared_strings.empty()) {
    std::vector<engine::LogicalType> types;
    try {
      types = resolver.Resolve(declared_strings, nullptr);
    } catch (const Error& error) {
      throw Error(ErrorKind::kInvalidConfig, prefix + ": column_types: " + error.what());
    }
    for (size_t k = 0; k < types.size(); ++k) {
      std::optional<WireType> wire = ExactWireFor(types[k].get());
      if (!wire)
        throw Error(
            ErrorKind::kInvalidConfig,
            prefix + ": column_types: type '" + declared_strings[k] + "' of column '" + declared_names[k] +
                "' cannot be read from PostgreSQL",
            "",
            "use BOOLEAN, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, BLOB, DATE, "
            "TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, UUID, JSON or a list of these");
      declared[declared_index[k]] = wire;
    }
  }

  ReadPlan plan;
  std::vector<std::string> select;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const CatalogColumn& column = *chosen[i];
    const std::string quoted = connection.QuoteIdent(column.name);
    WireType wire;
    if (declared[i]) {
      wire = *declared[i];
      select.push_back(quoted + "::" + wire.PgTypeName() + " AS " + quoted);
    } else {
      bool quiet = false;
      std::optional<WireType> mapped =
          ReadMapping(column.type_oid, column.typmod, column.dims, relation.types, &quiet);
      if (mapped) {
        wire = *mapped;
        select.push_back(quoted);
      } else {
        wire.kind = WireKind::kText;
        select.push_back(quoted + "::text AS " + quoted);
        if (!quiet)
          plan.warnings.push_back("column '" + column.name + "' of type " + column.format_type +
                                  " has no binary decoder; read as text (VARCHAR)");
      }
    }
    plan.decode.push_back({column.name, wire});
    plan.type_strings.push_back(wire.DuckDBType());
    plan.schema.push_back({column.name, wire.DuckDBType(), !column.not_null, column.format_type});
  }

  std::string sql = "COPY (SELECT " + Join(select, ", ") + " FROM " + relation.from_sql;
  if (request.cursor) {
    const CatalogColumn* cursor = FindColumn(relation, request.cursor->field);
    if (!cursor) ThrowMissingColumn(relation, request.cursor->field, prefix);
    sql += " WHERE " + connection.QuoteIdent(cursor->name) + (request.cursor->inclusive ? " >= " : " > ") +
           connection.QuoteLiteral(request.cursor->value.text) +
           "::" + (cursor->base_format_type.empty() ? cursor->format_type : cursor->base_format_type);
  }
  if (request.limit) sql += " LIMIT " + std::to_string(*request.limit);
  sql += ") TO STDOUT (FORMAT binary)";
  plan.copy_sql = std::move(sql);

  std::vector<std::string> canonical;
  plan.types = resolver.Resolve(plan.type_strings, &canonical);
  for (size_t i = 0; i < plan.schema.size(); ++i) plan.schema[i].type = canonical[i];
  return plan;
}

bool SameSchema(const Schema& a, const Schema& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  return true;
}

class PgReadStream : public ReadStream {
 public:
  PgReadStream(OpContext context, SourceOptions options, ReadRequest request, engine::Connection* duck)
      : ctx_(std::move(context)),
        options_(std::move(options)),
        request_(std::move(request)),
        resolver_(duck),
        started_ms_(NowMs()) {
    object_label_ =
        options_.query.empty() ? ParseQualifiedName(request_.object, options_.schema).Display() : "query";
  }

  ReadEvent Next() override {
    if (cancelled_) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
    if (!pending_.empty()) return Pop();
    if (ended_) return ReadEvent{};
    if (!started_) {
      started_ = true;
      Start();
      return Pop();
    }
    while (true) {
      try {
        if (decoder_->HasBatch()) return EmitBatch();
        if (copy_done_) {
          ended_ = true;
          ReadEvent end;
          end.kind = ReadEvent::Kind::kEnd;
          end.end.warnings = warnings_;
          stats_.elapsed_ms = NowMs() - started_ms_;
          return end;
        }
        ReadMore();
      } catch (const PgError& error) {
        Recover(error);
        if (!pending_.empty()) return Pop();
      }
    }
  }

  void Cancel() override {
    cancelled_ = true;
    std::lock_guard<std::mutex> lock(connection_mutex_);
    if (connection_) connection_->Cancel();
  }

  ReadStats Stats() const override { return stats_; }

 private:
  ReadEvent Pop() {
    ReadEvent event = std::move(pending_.front());
    pending_.pop_front();
    return event;
  }

  ReadEvent EmitBatch() {
    ReadEvent event;
    event.kind = ReadEvent::Kind::kBatch;
    event.chunks = decoder_->TakeBatch();
    for (const auto& chunk : event.chunks) stats_.rows += static_cast<int64_t>(chunk.size());
    ++batches_delivered_;
    stats_.elapsed_ms = NowMs() - started_ms_;
    return event;
  }

  void SetConnection(std::unique_ptr<PgConnection> connection) {
    std::lock_guard<std::mutex> lock(connection_mutex_);
    connection_ = std::move(connection);
  }

  // One attempt: connect, snapshot, schema, COPY started.
  void OpenOnce() {
    phase_ = "connect to " + ctx_.endpoint;
    SetConnection(PgConnection::Open(ctx_.settings));
    PgConnection& connection = *connection_;
    phase_ = "read " + object_label_ + " on " + connection.endpoint();
    if (options_.query_timeout_seconds > 0)
      connection.Exec("SET statement_timeout = " + std::to_string(options_.query_timeout_seconds * 1000));
    connection.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const Relation relation =
        options_.query.empty()
            ? DescribeTable(connection, ParseQualifiedName(request_.object, options_.schema), ctx_.prefix)
            : DescribeQuery(connection, options_.query);
    ReadPlan plan = PlanRead(connection, relation, request_, options_, resolver_, ctx_.prefix);
    phase_ = "COPY from " + object_label_ + " on " + connection.endpoint();
    PgResult copy(PQexec(connection.get(), plan.copy_sql.c_str()));
    connection.Expect(copy, {PGRES_COPY_OUT});
    ++stats_.requests;

    if (!schema_emitted_ || !SameSchema(schema_, plan.schema)) {
      types_ = std::move(plan.types);
      schema_ = plan.schema;
      schema_emitted_ = true;
      ReadEvent event;
      event.kind = ReadEvent::Kind::kSchema;
      event.schema = schema_;
      pending_.push_back(std::move(event));
    }
    warnings_ = plan.warnings;
    decoder_ = std::make_unique<CopyDecoder>(std::move(plan.decode), types_, request_.batch_size,
                                             !connection.server_utf8());
    copy_done_ = false;
  }

  void Start() {
    while (true) {
      ctx_.CheckBreaker();
      try {
        OpenOnce();
        return;
      } catch (const PgError& error) {
        SetConnection(nullptr);
        if (cancelled_) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
        if (!ctx_.BackoffBeforeRetry(phase_, error, attempt_)) throw ctx_.ToError(phase_, error, attempt_);
        ++attempt_;
        ++stats_.retries;
      }
    }
  }

  // After a failure mid-stream: the whole read restarts (new snapshot); rows already delivered are
  // withdrawn with a Reset event first.
  void Recover(const PgError& error) {
    SetConnection(nullptr);
    if (cancelled_) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
    if (!ctx_.BackoffBeforeRetry(phase_, error, attempt_)) throw ctx_.ToError(phase_, error, attempt_);
    ++attempt_;
    ++stats_.retries;
    decoder_.reset();
    if (batches_delivered_ > 0) {
      ReadEvent reset;
      reset.kind = ReadEvent::Kind::kReset;
      reset.reason =
          ctx_.settings.Mask(phase_ + " failed: " + error.Describe() + "; reading " + object_label_ +
                             " again from the start (attempt " + std::to_string(attempt_) + " of " +
                             std::to_string(ctx_.policy.max_retries + 1) + ")");
      pending_.push_back(std::move(reset));
      batches_delivered_ = 0;
      stats_.rows = 0;
    }
    Start();
  }

  // Reads CopyData messages until a batch is complete or the COPY ends.
  void ReadMore() {
    PgConnection& connection = *connection_;
    while (!decoder_->HasBatch() && !copy_done_) {
      if (cancelled_) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
      char* buffer = nullptr;
      const int size = PQgetCopyData(connection.get(), &buffer, 0);
      if (size > 0) {
        stats_.bytes += size;
        try {
          decoder_->Feed(buffer, static_cast<size_t>(size));
        } catch (const Error& error) {
          PQfreemem(buffer);
          throw Error(error.kind(), ctx_.prefix + ": " + phase_ + " failed: " + error.what(), error.code(),
                      error.hint());
        }
        PQfreemem(buffer);
        continue;
      }
      if (size == -1) {
        PgResult result(PQgetResult(connection.get()));
        connection.Expect(result, {PGRES_COMMAND_OK});
        while (PgResult(PQgetResult(connection.get())).get()) {
        }
        if (!decoder_->finished())
          throw Error(ErrorKind::kProtocolError,
                      ctx_.prefix + ": " + phase_ + " failed: COPY ended without a trailer");
        decoder_->Finish();
        connection.Exec("COMMIT");
        ctx_.breaker().RecordSuccess();
        SetConnection(nullptr);
        copy_done_ = true;
        return;
      }
      PgResult result(PQgetResult(connection.get()));
      if (cancelled_) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
      throw connection.ErrorOf(result.get());
    }
  }

  OpContext ctx_;
  SourceOptions options_;
  ReadRequest request_;
  TypeResolver resolver_;
  std::string object_label_;
  std::string phase_;
  std::mutex connection_mutex_;
  std::unique_ptr<PgConnection> connection_;
  std::vector<engine::LogicalType> types_;
  std::unique_ptr<CopyDecoder> decoder_;
  Schema schema_;
  bool schema_emitted_ = false;
  std::deque<ReadEvent> pending_;
  int attempt_ = 1;
  int64_t batches_delivered_ = 0;
  bool started_ = false;
  bool copy_done_ = false;
  bool ended_ = false;
  std::vector<std::string> warnings_;
  std::atomic<bool> cancelled_{false};
  ReadStats stats_;
  int64_t started_ms_;
};

class PostgresSource : public Source {
 public:
  explicit PostgresSource(Runtime runtime) : runtime_(std::move(runtime)) {}

  void Configure(const ResolvedParams& params) override {
    params_ = params;
    options_ = SourceOptions{};
    options_.schema = params.GetString("schema", "public");
    options_.table = params.GetString("table");
    options_.query = StripQuery(params.GetString("query"));
    options_.query_timeout_seconds = params.GetInt("query_timeout_seconds", 0);
    if (!options_.table.empty() && !options_.query.empty())
      throw Error(ErrorKind::kInvalidConfig,
                  "POSTGRES connector: parameters 'table' and 'query' cannot be used together");
    if (!options_.table.empty()) (void)ParseQualifiedName(options_.table, options_.schema);
    if (params.Has("column_types")) {
      const auto& types = params.values["column_types"];
      if (types.is_object())
        for (const auto& [name, type] : types.items())
          if (type.is_string()) options_.column_types.emplace_back(name, type.get<std::string>());
    }
    ctx_ = MakeOpContext("source", params, runtime_);
  }

  ConnectionTestResult TestConnection(engine::Connection& scratch) override {
    (void)scratch;
    ConnectionTester tester;
    std::unique_ptr<PgConnection> connection;
    std::string server;
    tester.Run("connect", [&] {
      ctx_.Run("connect to " + ctx_.endpoint, [&] { connection = PgConnection::Open(ctx_.settings); });
      return "connected to " + connection->endpoint();
    });
    tester.Run("server", [&] {
      server = DescribeServer(*connection);
      return server;
    });
    if (!options_.query.empty()) {
      tester.Run("query", [&] {
        try {
          DescribeQuery(*connection, options_.query);
        } catch (const PgError& error) {
          throw ctx_.ToError("prepare the query", error, 1);
        }
        return std::string("the query prepares");
      });
    } else if (!options_.table.empty()) {
      tester.Run("privileges", [&] {
        const QualifiedName name = ParseQualifiedName(options_.table, options_.schema);
        try {
          if (!FindRelation(*connection, name))
            throw Error(ErrorKind::kNotFound,
                        ctx_.prefix + ": relation \"" + name.Display() + "\" does not exist");
          PgResult result = connection->ExecParams(
              "SELECT pg_catalog.has_table_privilege($1, 'SELECT')",
              {connection->QuoteIdent(name.schema) + "." + connection->QuoteIdent(name.name)});
          if (!result.GetBool(0, 0))
            throw Error(ErrorKind::kPermissionDenied,
                        ctx_.prefix + ": no SELECT privilege on " + name.Display());
        } catch (const PgError& error) {
          throw ctx_.ToError("check privileges on " + name.Display(), error, 1);
        }
        return "SELECT on " + name.Display();
      });
    }
    return tester.Finish(server);
  }

  std::vector<ObjectRef> Discover(engine::Connection& scratch) override {
    (void)scratch;
    std::vector<ObjectRef> objects;
    ctx_.Run("list tables on " + ctx_.endpoint, [&] {
      auto connection = PgConnection::Open(ctx_.settings);
      objects = ListObjects(*connection);
    });
    return objects;
  }

  Schema GetSchema(std::string_view object, engine::Connection& scratch) override {
    Schema schema;
    const std::string target = !options_.table.empty() ? options_.table : std::string(object);
    TypeResolver resolver(&scratch);
    ctx_.Run("read the schema of " + (options_.query.empty() ? target : std::string("the query")) + " on " +
                 ctx_.endpoint,
             [&] {
               auto connection = PgConnection::Open(ctx_.settings);
               connection->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
               const Relation relation =
                   options_.query.empty()
                       ? DescribeTable(*connection, ParseQualifiedName(target, options_.schema), ctx_.prefix)
                       : DescribeQuery(*connection, options_.query);
               ReadRequest request;
               request.object = target;
               schema = PlanRead(*connection, relation, request, options_, resolver, ctx_.prefix).schema;
             });
    return schema;
  }

  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override {
    ReadRequest effective = request;
    if (options_.query.empty()) {
      if (!options_.table.empty()) effective.object = options_.table;
      if (effective.object.empty())
        throw Error(ErrorKind::kInvalidConfig, ctx_.prefix + ": no table to read (set 'table' or 'query')");
    }
    return std::make_unique<PgReadStream>(ctx_, options_, std::move(effective), context.connection);
  }

  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kPushdown; }
  ObjectMode Objects() const override { return ObjectMode::kMultiple; }

 private:
  Runtime runtime_;
  ResolvedParams params_;
  SourceOptions options_;
  OpContext ctx_;
};

}  // namespace

std::unique_ptr<Source> MakeSource(const Runtime& runtime) {
  return std::make_unique<PostgresSource>(runtime);
}

}  // namespace sqlflow::connectors::pg

namespace sqlflow::connectors {

std::unique_ptr<Source> MakePostgresSource() {
  return pg::MakeSource(pg::DefaultRuntime());
}

}  // namespace sqlflow::connectors
