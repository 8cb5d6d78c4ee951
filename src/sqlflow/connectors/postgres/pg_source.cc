// The postgres source (CONNECTORS.md §3.5 "Source behaviour"): one REPEATABLE READ READ ONLY snapshot per
// attempt, schema from the catalog, data by binary COPY OUT decoded into DuckDB chunks. A connection lost
// mid-stream restarts the read from the beginning after a Reset event (§2.8 rule 4).
#include <libpq-fe.h>

#include <cctype>
#include <mutex>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/base/producer_stream.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/postgres/pg_catalog.h"
#include "sqlflow/connectors/postgres/pg_common.h"
#include "sqlflow/connectors/postgres/pg_copy_decoder.h"
#include "sqlflow/connectors/postgres/pg_copy_encoder.h"
#include "sqlflow/connectors/postgres/pg_factories.h"
#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/connectors/postgres/postgres.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors::pg {
namespace {

// column_types resolved to the binary formats that carry them exactly (column name -> wire type).
using DeclaredTypes = std::vector<std::pair<std::string, WireType>>;

// Declared types need DuckDB's type parser; resolved once, on the caller's thread.
DeclaredTypes ResolveDeclaredTypes(const PgSourceOptions& options, engine::Connection* connection,
                                   const std::string& prefix) {
  DeclaredTypes declared;
  if (options.column_types.empty()) return declared;
  std::vector<std::string> strings;
  for (const auto& [name, type] : options.column_types)
    strings.push_back(EqualsIgnoreCase(type, "number") ? "DOUBLE" : type);
  TypeResolver resolver(connection);
  std::vector<engine::LogicalType> types;
  try {
    types = resolver.Resolve(strings, nullptr);
  } catch (const Error& error) {
    throw Error(ErrorKind::kInvalidConfig, prefix + ": column_types: " + error.what());
  }
  for (size_t i = 0; i < types.size(); ++i) {
    std::optional<WireType> wire = ExactWireFor(types[i].get());
    if (!wire)
      throw Error(
          ErrorKind::kInvalidConfig,
          prefix + ": column_types: type '" + strings[i] + "' of column '" + options.column_types[i].first +
              "' cannot be read from PostgreSQL",
          "",
          "use BOOLEAN, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, BLOB, DATE, TIME, "
          "TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, UUID, JSON or a list of these");
    declared.emplace_back(options.column_types[i].first, *wire);
  }
  return declared;
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
  std::vector<std::string> warnings;
};

ReadPlan PlanRead(PgConnection& connection, const Relation& relation, const ReadRequest& request,
                  const DeclaredTypes& declared_types, const nlohmann::ordered_json& lookback,
                  const std::string& prefix) {
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

  ReadPlan plan;
  std::vector<std::string> select;
  for (const CatalogColumn* column : chosen) {
    const std::string quoted = connection.QuoteIdent(column->name);
    const WireType* declared = nullptr;
    for (const auto& [name, wire] : declared_types)
      if (EqualsIgnoreCase(name, column->name)) declared = &wire;
    WireType wire;
    if (declared) {
      // Declared types win: PostgreSQL casts the column to the type that carries it.
      wire = *declared;
      select.push_back(quoted + "::" + wire.PgTypeName() + " AS " + quoted);
    } else {
      bool quiet = false;
      std::optional<WireType> mapped =
          ReadMapping(column->type_oid, column->typmod, column->dims, relation.types, &quiet);
      if (mapped) {
        wire = *mapped;
        select.push_back(quoted);
      } else {
        wire.kind = WireKind::kText;
        select.push_back(quoted + "::text AS " + quoted);
        if (!quiet)
          plan.warnings.push_back("column '" + column->name + "' of type " + column->format_type +
                                  " has no binary decoder; read as text (VARCHAR)");
      }
    }
    plan.decode.push_back({column->name, wire});
    plan.schema.push_back({column->name, wire.DuckDBType(), !column->not_null, column->format_type});
  }

  std::string sql = "COPY (SELECT " + Join(select, ", ") + " FROM " + relation.from_sql;
  if (request.cursor) {
    const CatalogColumn* cursor = FindColumn(relation, request.cursor->field);
    if (!cursor) ThrowMissingColumn(relation, request.cursor->field, prefix);
    // The bound is DuckDB's text of the watermark, cast to the column's type without its modifier (so a
    // varchar(n) bound is not truncated).
    std::string bound = connection.QuoteLiteral(request.cursor->value.text) + "::" +
                        (cursor->base_format_type.empty() ? cursor->format_type : cursor->base_format_type);
    // lookback_window widens a stored watermark (not cursor_start, which has no stored type); the engine
    // re-applies its exact bound afterwards, so the pushed-down bound only has to be loose enough.
    if (!lookback.is_null() && !request.cursor->value.type.empty()) {
      bool quiet = false;
      const std::optional<WireType> cursor_type =
          ReadMapping(cursor->type_oid, cursor->typmod, cursor->dims, relation.types, &quiet);
      const bool numeric =
          cursor_type && (cursor_type->kind == WireKind::kInt2 || cursor_type->kind == WireKind::kInt4 ||
                          cursor_type->kind == WireKind::kInt8 || cursor_type->kind == WireKind::kOid ||
                          cursor_type->kind == WireKind::kNumeric || cursor_type->kind == WireKind::kFloat4 ||
                          cursor_type->kind == WireKind::kFloat8);
      if (lookback.is_number()) {
        const std::string amount = DumpJson(lookback);
        bound = "(" + bound + " - " + (numeric ? amount : amount + " * interval '1 second'") + ")";
      } else if (lookback.is_string() && !numeric) {
        bound = "(" + bound + " - " + connection.QuoteLiteral(lookback.get<std::string>()) + "::interval)";
      }
    }
    sql += " WHERE " + connection.QuoteIdent(cursor->name) + (request.cursor->inclusive ? " >= " : " > ") +
           bound;
  }
  if (request.limit) sql += " LIMIT " + std::to_string(*request.limit);
  sql += ") TO STDOUT (FORMAT binary)";
  plan.copy_sql = std::move(sql);
  return plan;
}

bool SameSchema(const Schema& a, const Schema& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  return true;
}

// The producer of a postgres read (ProducerStream runs it on its thread): connect, snapshot, COPY OUT,
// decode; finished batches wait in the stream's small queue so that PostgreSQL, the decoder and the
// executor's appender work in parallel while memory stays bounded by a few batches.
class PgProducer : public Producer {
 public:
  PgProducer(OpContext context, ReadRequest request, DeclaredTypes declared, const PgSourceOptions& options)
      : ctx_(std::move(context)),
        request_(std::move(request)),
        declared_(std::move(declared)),
        options_(options) {
    object_label_ = options_.query.empty()
                        ? ParseQualifiedName(request_.object, options_.connection.schema).Display()
                        : "query";
  }

  // Cancel: asks the server to cancel the COPY; destruction: shuts the socket down, which unblocks a
  // producer waiting for COPY data at once.
  void Interrupt(Interruption why) override {
    std::lock_guard<std::mutex> lock(connection_mutex_);
    if (!connection_) return;
    if (why == Interruption::kCancel)
      connection_->Cancel();
    else
      connection_->Shutdown();
  }

  void Produce(ProducerSink& sink) override {
    sink_ = &sink;
    Start();
    while (!sink.Stopping()) {
      try {
        if (decoder_->HasBatch()) {
          ReadEvent event;
          event.kind = ReadEvent::Kind::kBatch;
          event.chunks = decoder_->TakeBatch();
          ++batches_pushed_;
          if (!sink.Push(std::move(event))) return;
          continue;
        }
        if (copy_done_) {
          ReadEvent end;
          end.kind = ReadEvent::Kind::kEnd;
          end.end.warnings = warnings_;
          sink.Push(std::move(end));
          return;
        }
        ReadMore();
      } catch (const PgError& error) {
        Recover(error);
      }
    }
  }

 private:
  void SetConnection(std::unique_ptr<PgConnection> connection) {
    std::lock_guard<std::mutex> lock(connection_mutex_);
    connection_ = std::move(connection);
  }

  void ThrowIfCancelled() {
    if (sink_->Stopping()) throw Error(ErrorKind::kCancelled, ctx_.prefix + ": read cancelled");
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
            ? DescribeTable(connection, ParseQualifiedName(request_.object, options_.connection.schema),
                            ctx_.prefix)
            : DescribeQuery(connection, options_.query);
    ReadPlan plan =
        PlanRead(connection, relation, request_, declared_, options_.lookback_window, ctx_.prefix);
    phase_ = "COPY from " + object_label_ + " on " + connection.endpoint();
    PgResult copy(PQexec(connection.get(), plan.copy_sql.c_str()));
    connection.Expect(copy, {PGRES_COPY_OUT});
    sink_->UpdateStats([](ReadStats& stats) { ++stats.requests; });
    if (!schema_sent_ || !SameSchema(schema_, plan.schema)) {
      types_.clear();
      for (const auto& column : plan.decode) types_.push_back(LogicalTypeFor(column.type));
      schema_ = plan.schema;
      schema_sent_ = true;
      ReadEvent event;
      event.kind = ReadEvent::Kind::kSchema;
      event.schema = schema_;
      sink_->Push(std::move(event));
    }
    warnings_ = plan.warnings;
    decoder_ = std::make_unique<CopyDecoder>(std::move(plan.decode), types_, request_.batch_size,
                                             !connection.server_utf8());
    copy_done_ = false;
  }

  void Start() {
    while (true) {
      ThrowIfCancelled();
      ctx_.CheckBreaker();
      try {
        OpenOnce();
        return;
      } catch (const PgError& error) {
        SetConnection(nullptr);
        ThrowIfCancelled();
        if (!ctx_.BackoffBeforeRetry(phase_, error, attempt_, &stop_token()))
          throw ctx_.ToError(phase_, error, attempt_);
        ++attempt_;
        sink_->UpdateStats([](ReadStats& stats) { ++stats.retries; });
      }
    }
  }

  // After a failure mid-stream the whole read restarts (new snapshot); rows already queued are withdrawn with
  // a Reset event first (CONNECTORS.md §2.8 rule 4).
  void Recover(const PgError& error) {
    SetConnection(nullptr);
    ThrowIfCancelled();
    if (!ctx_.BackoffBeforeRetry(phase_, error, attempt_, &stop_token()))
      throw ctx_.ToError(phase_, error, attempt_);
    ++attempt_;
    decoder_.reset();
    if (batches_pushed_ > 0) {
      ReadEvent reset;
      reset.kind = ReadEvent::Kind::kReset;
      reset.reason =
          ctx_.settings.Mask(phase_ + " failed: " + error.Describe() + "; reading " + object_label_ +
                             " again from the start (attempt " + std::to_string(attempt_) + " of " +
                             std::to_string(ctx_.policy.options.max_retries + 1) + ")");
      sink_->Push(std::move(reset));
      batches_pushed_ = 0;
      sink_->UpdateStats([](ReadStats& stats) { stats.rows = 0; });
    }
    sink_->UpdateStats([](ReadStats& stats) { ++stats.retries; });
    Start();
  }

  // Reads CopyData messages until a batch is complete or the COPY ends.
  void ReadMore() {
    PgConnection& connection = *connection_;
    while (!decoder_->HasBatch() && !copy_done_) {
      ThrowIfCancelled();
      char* buffer = nullptr;
      const int size = PQgetCopyData(connection.get(), &buffer, 0);
      if (size > 0) {
        bytes_ += size;
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
        try {
          connection.Exec("COMMIT");  // ends the read-only snapshot; every row is already here
        } catch (const PgError&) {
        }
        ctx_.RecordSuccess();
        SetConnection(nullptr);
        copy_done_ = true;
        sink_->UpdateStats([&](ReadStats& stats) { stats.bytes = bytes_; });
        return;
      }
      PgResult result(PQgetResult(connection.get()));
      ThrowIfCancelled();
      throw connection.ErrorOf(result.get());
    }
  }

  // Immutable after construction (read by the producer).
  OpContext ctx_;
  ReadRequest request_;
  DeclaredTypes declared_;
  PgSourceOptions options_;
  std::string object_label_;

  // Producer-thread state.
  ProducerSink* sink_ = nullptr;
  std::string phase_;
  std::vector<engine::LogicalType> types_;
  std::unique_ptr<CopyDecoder> decoder_;
  Schema schema_;
  bool schema_sent_ = false;
  int attempt_ = 1;
  int64_t batches_pushed_ = 0;
  int64_t bytes_ = 0;
  bool copy_done_ = false;
  std::vector<std::string> warnings_;

  // The connection (producer-owned; Interrupt reaches it under connection_mutex_).
  std::mutex connection_mutex_;
  std::unique_ptr<PgConnection> connection_;
};

class PostgresSource : public Source {
 public:
  explicit PostgresSource(Runtime runtime) : runtime_(std::move(runtime)) {}

  void Configure(const ResolvedParams& params) override {
    std::vector<ParamIssue> issues;
    options_ = ParsePgSourceOptions(params.values, issues);
    ThrowFirstError(issues);
    ctx_ = MakeOpContext("source", params.name, options_.connection, options_.retry, runtime_);
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
    } else if (!options_.connection.table.empty()) {
      tester.Run("privileges", [&] {
        const QualifiedName name = ParseQualifiedName(options_.connection.table, options_.connection.schema);
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
    const std::string target =
        !options_.connection.table.empty() ? options_.connection.table : std::string(object);
    const DeclaredTypes declared = ResolveDeclaredTypes(options_, &scratch, ctx_.prefix);
    ctx_.Run("read the schema of " + (options_.query.empty() ? target : std::string("the query")) + " on " +
                 ctx_.endpoint,
             [&] {
               auto connection = PgConnection::Open(ctx_.settings);
               connection->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
               const Relation relation =
                   options_.query.empty()
                       ? DescribeTable(*connection, ParseQualifiedName(target, options_.connection.schema),
                                       ctx_.prefix)
                       : DescribeQuery(*connection, options_.query);
               ReadRequest request;
               request.object = target;
               schema =
                   PlanRead(*connection, relation, request, declared, options_.lookback_window, ctx_.prefix)
                       .schema;
             });
    return schema;
  }

  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override {
    ReadRequest effective = request;
    if (options_.query.empty()) {
      if (!options_.connection.table.empty()) effective.object = options_.connection.table;
      if (effective.object.empty())
        throw Error(ErrorKind::kInvalidConfig, ctx_.prefix + ": no table to read (set 'table' or 'query')");
    }
    DeclaredTypes declared = ResolveDeclaredTypes(options_, context.connection, ctx_.prefix);
    return std::make_unique<ProducerStream>(
        std::make_unique<PgProducer>(ctx_, std::move(effective), std::move(declared), options_), ctx_.prefix);
  }

  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kPushdown; }
  ObjectMode Objects() const override { return ObjectMode::kMultiple; }

 private:
  Runtime runtime_;
  PgSourceOptions options_;
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
