// The postgres destination (CONNECTORS.md §3.5 "Destination behaviour"): every mode in one transaction,
// rows sent with binary COPY FROM STDIN; upsert through a temp staging table. A failed transaction is retried
// as a whole when that cannot duplicate rows (§2.8 rule 6).
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "sqlflow/common/console.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/postgres/pg_catalog.h"
#include "sqlflow/connectors/postgres/pg_common.h"
#include "sqlflow/connectors/postgres/pg_copy_encoder.h"
#include "sqlflow/connectors/postgres/pg_factories.h"
#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/connectors/postgres/postgres.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors::pg {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

struct TargetColumn {
  std::string name;
  int attnum = 0;
  uint32_t base_oid = 0;
  std::string format_type;
};

struct TargetInfo {
  uint32_t oid = 0;  // 0 = missing
  char relkind = 'r';
  std::vector<TargetColumn> columns;
};

TargetInfo LookupTarget(PgConnection& connection, const QualifiedName& name) {
  TargetInfo info;
  PgResult relation = connection.ExecParams(
      "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
      "c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
      {name.schema, name.name});
  if (relation.rows() == 0) return info;
  info.oid = static_cast<uint32_t>(relation.GetInt(0, 0));
  info.relkind = relation.Get(0, 1).empty() ? 'r' : relation.Get(0, 1)[0];
  PgResult columns = connection.ExecParams(
      "SELECT a.attname, a.attnum, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, "
      "pg_catalog.format_type(a.atttypid, a.atttypmod) "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {std::to_string(info.oid)});
  for (int row = 0; row < columns.rows(); ++row)
    info.columns.push_back({columns.Get(row, 0), static_cast<int>(columns.GetInt(row, 1)),
                            static_cast<uint32_t>(columns.GetInt(row, 2)), columns.Get(row, 3)});
  return info;
}

const TargetColumn* MatchColumn(const std::vector<TargetColumn>& columns, const std::string& name) {
  for (const auto& column : columns)
    if (column.name == name) return &column;
  const TargetColumn* found = nullptr;
  for (const auto& column : columns)
    if (EqualsIgnoreCase(column.name, name)) {
      if (found) return nullptr;
      found = &column;
    }
  return found;
}

std::string SanitizedRunId(const std::string& run_id) {
  std::string out;
  for (char c : run_id)
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(c));
  return out.substr(0, 24);
}

// One write: the plan of the export columns, and the state of the transaction in progress.
class Writer {
 public:
  Writer(const OpContext& ctx, const PgDestinationOptions& options, const WriteRequest& request,
         ExportInput& input, const QualifiedName& target, const std::vector<ExportColumnPlan>& columns,
         const std::vector<std::string>& keys)
      : ctx_(ctx),
        options_(options),
        request_(request),
        input_(input),
        target_(target),
        columns_(columns),
        keys_(keys) {}

  const std::string& phase() const { return phase_; }
  bool commit_sent() const { return commit_sent_; }
  bool connection_lost() const { return connection_ && connection_->lost(); }
  // How an upsert merged: "via ON CONFLICT" or "via delete+insert"; empty otherwise.
  const std::string& strategy() const { return strategy_; }

  WriteResult Run() {
    phase_ = "connect to " + ctx_.endpoint;
    connection_ = PgConnection::Open(ctx_.settings);
    PgConnection& connection = *connection_;
    target_sql_ = connection.QuoteIdent(target_.schema) + "." + connection.QuoteIdent(target_.name);
    phase_ = "write " + target_.Display() + " on " + connection.endpoint();
    connection.Exec("BEGIN");
    if (options_.timeout_seconds > 0)
      connection.Exec("SET LOCAL statement_timeout = " +
                      std::to_string(static_cast<int64_t>(options_.timeout_seconds * 1000)));

    TargetInfo info = LookupTarget(connection, target_);
    bool created = false;
    if (info.oid != 0 && info.relkind != 'r' && info.relkind != 'p' && info.relkind != 'f')
      throw Error(ErrorKind::kUnsupported,
                  ctx_.prefix + ": " + target_.Display() + " is a view; export to a table");
    if (info.oid == 0) {
      if (!options_.create_table)
        throw Error(ErrorKind::kNotFound,
                    ctx_.prefix + ": table " + target_.Display() + " does not exist (create_table is false)");
      CreateTable(request_.mode == WriteMode::kUpsert);
      created = true;
    } else if (request_.mode == WriteMode::kReplace && options_.replace_strategy == "drop") {
      phase_ = "drop " + target_.Display() + " on " + connection.endpoint();
      connection.Exec("DROP TABLE " + target_sql_);
      CreateTable(false);
      created = true;
    }
    if (created) info = LookupTarget(connection, target_);
    const std::vector<const TargetColumn*> matched = MatchAll(info);

    WriteResult result;
    result.written.push_back(target_.Display());
    switch (request_.mode) {
      case WriteMode::kReplace:
        if (!created) {
          if (options_.replace_strategy == "delete") {
            phase_ = "delete the rows of " + target_.Display() + " on " + connection.endpoint();
            connection.Exec("DELETE FROM " + target_sql_);
          } else {
            phase_ = "truncate " + target_.Display() + " on " + connection.endpoint();
            connection.Exec("TRUNCATE " + target_sql_);
          }
        }
        result.rows = Load(matched);
        break;
      case WriteMode::kAppend:
        result.rows = Load(matched);
        break;
      case WriteMode::kUpsert:
        result.rows = Upsert(info, matched, created, &result.detail);
        break;
      case WriteMode::kIncremental:
        throw Error(ErrorKind::kInternal, "EXPORT has no incremental mode");
    }
    phase_ = "commit " + target_.Display() + " on " + connection.endpoint();
    commit_sent_ = true;
    connection.Exec("COMMIT");
    result.bytes = bytes_;
    return result;
  }

 private:
  void CreateTable(bool with_keys) {
    PgConnection& connection = *connection_;
    phase_ = "create " + target_.Display() + " on " + connection.endpoint();
    std::vector<std::string> definitions;
    for (const auto& column : columns_)
      definitions.push_back(connection.QuoteIdent(column.name) + " " + column.create_type);
    if (with_keys) {
      std::vector<std::string> quoted;
      for (const auto& key : keys_) quoted.push_back(connection.QuoteIdent(key));
      definitions.push_back("PRIMARY KEY (" + Join(quoted, ", ") + ")");
    }
    connection.Exec("CREATE TABLE " + target_sql_ + " (" + Join(definitions, ", ") + ")");
  }

  std::vector<const TargetColumn*> MatchAll(const TargetInfo& info) {
    std::vector<const TargetColumn*> matched;
    std::vector<std::string> names;
    for (const auto& column : info.columns) names.push_back(column.name);
    for (const auto& column : columns_) {
      const TargetColumn* target = MatchColumn(info.columns, column.name);
      if (!target)
        throw Error(ErrorKind::kDataError,
                    ctx_.prefix + ": column '" + column.name + "' of the export does not exist in " +
                        target_.Display() + " (columns: " + Join(names, ", ") + ")",
                    "",
                    "add the column to the table, leave it out of the EXPORT query, or use mode replace with "
                    "replace_strategy drop");
      matched.push_back(target);
    }
    return matched;
  }

  std::vector<std::string> SelectExprs() const {
    std::vector<std::string> out;
    for (const auto& column : columns_) out.push_back(column.select_expr);
    return out;
  }

  // COPY of every export row into `copy_target` ("table" (cols)). Returns the rows sent.
  int64_t CopyIn(const std::string& copy_target) {
    PgConnection& connection = *connection_;
    engine::QueryResult stream = input_.Stream(SelectExprs());
    std::vector<EncodeType> types;
    for (size_t i = 0; i < columns_.size(); ++i) {
      engine::LogicalType streamed = stream.column_type(i);
      types.push_back(EncodeTypeFor(streamed.get(), columns_[i].wire));
    }
    CopyEncoder encoder(std::move(types));
    PgResult start(PQexec(connection.get(), ("COPY " + copy_target + " FROM STDIN (FORMAT binary)").c_str()));
    connection.Expect(start, {PGRES_COPY_IN});
    ByteBuffer buffer;
    CopyEncoder::WriteHeader(buffer);
    int64_t rows = 0;
    auto send = [&] {
      if (buffer.size() == 0) return;
      if (PQputCopyData(connection.get(), buffer.data(), static_cast<int>(buffer.size())) != 1)
        throw connection.ErrorOf(nullptr);
      bytes_ += static_cast<int64_t>(buffer.size());
      buffer.Clear();
    };
    while (true) {
      std::optional<engine::DataChunk> chunk = stream.FetchChunk();
      if (!chunk || chunk->size() == 0) break;
      encoder.EncodeChunk(chunk->get(), buffer);
      rows += static_cast<int64_t>(chunk->size());
      if (buffer.size() >= kFlushBytes) send();
    }
    CopyEncoder::WriteTrailer(buffer);
    send();
    if (PQputCopyEnd(connection.get(), nullptr) != 1) throw connection.ErrorOf(nullptr);
    PgResult done(PQgetResult(connection.get()));
    connection.Expect(done, {PGRES_COMMAND_OK});
    while (PgResult(PQgetResult(connection.get())).get()) {
    }
    return rows;
  }

  std::string ColumnList(const std::vector<const TargetColumn*>& matched) const {
    std::vector<std::string> names;
    for (const auto* column : matched) names.push_back(connection_->QuoteIdent(column->name));
    return Join(names, ", ");
  }

  // A temp table with the encoder's types, dropped at commit.
  std::string CreateStage() {
    PgConnection& connection = *connection_;
    std::string name =
        "sqlflow_stage_" + SanitizedRunId(request_.run_id) + "_" + std::to_string(++stage_counter_);
    std::vector<std::string> definitions;
    for (const auto& column : columns_)
      definitions.push_back(connection.QuoteIdent(column.name) + " " + column.create_type);
    connection.Exec("CREATE TEMP TABLE " + connection.QuoteIdent(name) + " (" + Join(definitions, ", ") +
                    ") ON COMMIT DROP");
    return connection.QuoteIdent(name);
  }

  // SELECT list casting staged columns to the target's types.
  std::string CastList(const std::vector<const TargetColumn*>& matched) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < columns_.size(); ++i)
      out.push_back("CAST(s." + connection_->QuoteIdent(columns_[i].name) + " AS " + matched[i]->format_type +
                    ")");
    return Join(out, ", ");
  }

  int64_t Load(const std::vector<const TargetColumn*>& matched) {
    PgConnection& connection = *connection_;
    bool direct = true;
    for (size_t i = 0; i < columns_.size(); ++i)
      direct = direct && matched[i]->base_oid == columns_[i].wire.Oid();
    phase_ = "COPY into " + target_.Display() + " on " + connection.endpoint();
    if (direct) return CopyIn(target_sql_ + " (" + ColumnList(matched) + ")");
    // PostgreSQL converts to the target types (enum, varchar(n), inet, ...).
    const std::string stage = CreateStage();
    const int64_t rows = CopyIn(stage);
    phase_ = "insert into " + target_.Display() + " on " + connection.endpoint();
    connection.Exec("INSERT INTO " + target_sql_ + " (" + ColumnList(matched) + ") SELECT " +
                    CastList(matched) + " FROM " + stage + " s");
    return rows;
  }

  size_t ExportIndex(const std::string& key) const {
    for (size_t i = 0; i < columns_.size(); ++i)
      if (columns_[i].name == key) return i;
    return columns_.size();
  }

  void CheckStagedKeys(const std::string& stage) {
    PgConnection& connection = *connection_;
    std::vector<std::string> null_counts, quoted;
    for (const auto& key : keys_) {
      quoted.push_back(connection.QuoteIdent(key));
      null_counts.push_back("count(*) FILTER (WHERE " + quoted.back() + " IS NULL)");
    }
    PgResult nulls = connection.Exec("SELECT " + Join(null_counts, ", ") + " FROM " + stage);
    for (size_t i = 0; i < keys_.size(); ++i) {
      const int64_t count = nulls.GetInt(0, static_cast<int>(i));
      if (count > 0)
        throw Error(ErrorKind::kDataError,
                    ctx_.prefix + ": key column '" + keys_[i] + "' is NULL in " + std::to_string(count) +
                        " exported row" + (count == 1 ? "" : "s"),
                    "SF606");
    }
    std::vector<std::string> as_text;
    for (const auto& q : quoted) as_text.push_back(q + "::text");
    const std::string key_list = Join(quoted, ", ");
    PgResult duplicates = connection.Exec("SELECT " + Join(as_text, ", ") + " FROM " + stage + " GROUP BY " +
                                          key_list + " HAVING count(*) > 1 LIMIT 1");
    if (duplicates.rows() > 0) {
      std::vector<std::string> values;
      for (size_t i = 0; i < keys_.size(); ++i) values.push_back(duplicates.Get(0, static_cast<int>(i)));
      throw Error(ErrorKind::kDataError,
                  ctx_.prefix + ": duplicate key (" + Join(keys_, ", ") + ")=(" + Join(values, ", ") +
                      ") in exported rows",
                  "SF605");
    }
  }

  // True when a unique, non-partial, immediate index covers exactly the key columns.
  bool HasUniqueIndexOnKeys(const TargetInfo& info, const std::vector<const TargetColumn*>& matched) {
    std::set<int> key_attnums;
    for (const auto& key : keys_) key_attnums.insert(matched[ExportIndex(key)]->attnum);
    PgResult indexes = connection_->ExecParams(
        "SELECT i.indkey::text FROM pg_catalog.pg_index i WHERE i.indrelid = $1 AND i.indisunique "
        "AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid AND i.indimmediate",
        {std::to_string(info.oid)});
    for (int row = 0; row < indexes.rows(); ++row) {
      std::set<int> attnums;
      for (const auto& part : Split(indexes.Get(row, 0), ' '))
        if (!part.empty()) attnums.insert(std::stoi(part));
      if (attnums == key_attnums) return true;
    }
    return false;
  }

  int64_t Upsert(const TargetInfo& info, const std::vector<const TargetColumn*>& matched, bool created,
                 std::string* detail) {
    PgConnection& connection = *connection_;
    phase_ = "stage rows for " + target_.Display() + " on " + connection.endpoint();
    const std::string stage = CreateStage();
    const int64_t rows = CopyIn(stage);
    CheckStagedKeys(stage);
    const std::string columns = ColumnList(matched);
    phase_ = "merge into " + target_.Display() + " on " + connection.endpoint();
    if (created) {
      connection.Exec("INSERT INTO " + target_sql_ + " (" + columns + ") SELECT " + CastList(matched) +
                      " FROM " + stage + " s");
      *detail = "inserted " + std::to_string(rows) + ", updated 0";
      return rows;
    }
    std::vector<std::string> key_targets;
    for (const auto& key : keys_)
      key_targets.push_back(connection.QuoteIdent(matched[ExportIndex(key)]->name));
    if (HasUniqueIndexOnKeys(info, matched)) {
      std::vector<std::string> updates;
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (std::find(keys_.begin(), keys_.end(), columns_[i].name) != keys_.end()) continue;
        const std::string name = connection.QuoteIdent(matched[i]->name);
        updates.push_back(name + " = EXCLUDED." + name);
      }
      const std::string conflict =
          " ON CONFLICT (" + Join(key_targets, ", ") + ") " +
          (updates.empty() ? std::string("DO NOTHING") : "DO UPDATE SET " + Join(updates, ", "));
      PgResult counts =
          connection.Exec("WITH merged AS (INSERT INTO " + target_sql_ + " AS t (" + columns + ") SELECT " +
                          CastList(matched) + " FROM " + stage + " s" + conflict +
                          " RETURNING (xmax = 0) AS inserted) "
                          "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
                          "FROM merged");
      *detail = "inserted " + counts.Get(0, 0) + ", updated " + counts.Get(0, 1);
      strategy_ = "via ON CONFLICT";
      return rows;
    }
    connection.Exec("LOCK TABLE " + target_sql_ + " IN SHARE ROW EXCLUSIVE MODE");
    std::vector<std::string> match;
    for (const auto& key : keys_) {
      const size_t i = ExportIndex(key);
      match.push_back("t." + connection.QuoteIdent(matched[i]->name) + " = CAST(s." +
                      connection.QuoteIdent(columns_[i].name) + " AS " + matched[i]->format_type + ")");
    }
    PgResult deleted = connection.Exec("DELETE FROM " + target_sql_ + " AS t USING " + stage + " s WHERE " +
                                       Join(match, " AND "));
    const int64_t updated = std::stoll(deleted.CommandTuples().empty() ? "0" : deleted.CommandTuples());
    connection.Exec("INSERT INTO " + target_sql_ + " (" + columns + ") SELECT " + CastList(matched) +
                    " FROM " + stage + " s");
    *detail = "inserted " + std::to_string(rows - updated) + ", updated " + std::to_string(updated);
    strategy_ = "via delete+insert";
    return rows;
  }

  const OpContext& ctx_;
  const PgDestinationOptions& options_;
  const WriteRequest& request_;
  ExportInput& input_;
  QualifiedName target_;
  const std::vector<ExportColumnPlan>& columns_;
  const std::vector<std::string>& keys_;
  std::unique_ptr<PgConnection> connection_;
  std::string target_sql_;
  std::string phase_;
  bool commit_sent_ = false;
  int64_t bytes_ = 0;
  int stage_counter_ = 0;
  std::string strategy_;
};

class PostgresDestination : public Destination {
 public:
  explicit PostgresDestination(Runtime runtime) : runtime_(std::move(runtime)) {}

  void Configure(const ResolvedParams& params) override {
    std::vector<ParamIssue> issues;
    options_ = ParsePgDestinationOptions(params.values, issues);
    ThrowFirstError(issues);
    ctx_ = MakeOpContext("destination", params.name, options_.connection, options_.retry, runtime_);
  }

  ConnectionTestResult TestConnection() override {
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
    if (!options_.connection.table.empty()) {
      tester.Run("privileges", [&] {
        const QualifiedName name = ParseQualifiedName(options_.connection.table, options_.connection.schema);
        try {
          const std::string quoted =
              connection->QuoteIdent(name.schema) + "." + connection->QuoteIdent(name.name);
          if (!FindRelation(*connection, name)) {
            PgResult create =
                connection->ExecParams("SELECT pg_catalog.has_schema_privilege($1, 'CREATE')", {name.schema});
            if (!create.GetBool(0, 0))
              throw Error(ErrorKind::kPermissionDenied, ctx_.prefix + ": no CREATE privilege on schema " +
                                                            name.schema + " to create " + name.Display());
            return "table " + name.Display() + " is missing; CREATE on schema " + name.schema;
          }
          std::vector<std::string> needed = {"INSERT"};
          const std::string& mode = options_.mode;
          if (mode == "replace")
            needed.push_back(options_.replace_strategy == "delete" ? "DELETE" : "TRUNCATE");
          if (mode == "upsert") needed.insert(needed.end(), {"UPDATE", "DELETE"});
          for (const auto& privilege : needed) {
            PgResult ok =
                connection->ExecParams("SELECT pg_catalog.has_table_privilege($1, $2)", {quoted, privilege});
            if (!ok.GetBool(0, 0))
              throw Error(ErrorKind::kPermissionDenied,
                          ctx_.prefix + ": no " + privilege + " privilege on " + name.Display());
          }
          return Join(needed, ", ") + " on " + name.Display();
        } catch (const PgError& error) {
          throw ctx_.ToError("check privileges on " + name.Display(), error, 1);
        }
      });
    }
    return tester.Finish(server);
  }

  std::set<WriteMode> Modes() const override {
    return {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert};
  }

  WriteResult Write(const WriteRequest& request, ExportInput& input) override {
    const std::string object = !request.object.empty() ? request.object : options_.connection.table;
    if (object.empty())
      throw Error(
          ErrorKind::kInvalidConfig,
          "POSTGRES connector: 'table' is required when exporting a query (EXPORT <table> TO … uses the "
          "table's name)");
    const QualifiedName target = ParseQualifiedName(object, options_.connection.schema);

    std::vector<ExportColumnPlan> columns;
    {
      engine::PreparedStatement prepared = input.connection().Prepare(input.Sql());
      for (uint64_t i = 0; i < prepared.column_count(); ++i) {
        engine::LogicalType type = prepared.column_type(i);
        columns.push_back(PlanExportColumn(prepared.column_name(i), type.get()));
        if (!columns.back().warning.empty())
          Console::Get().Warn(ctx_.prefix + ": column '" + columns.back().name +
                              "': " + columns.back().warning + "\n");
      }
    }
    std::vector<std::string> keys;
    if (request.mode == WriteMode::kUpsert) {
      if (request.keys.empty())
        throw Error(ErrorKind::kInvalidConfig, "mode 'upsert' requires option \"keys\"", "SF411");
      std::vector<std::string> names;
      for (const auto& column : columns) names.push_back(column.name);
      for (const auto& key : request.keys) {
        std::string found;
        for (const auto& name : names)
          if (name == key) found = name;
        if (found.empty())
          for (const auto& name : names)
            if (EqualsIgnoreCase(name, key)) found = name;
        if (found.empty())
          throw Error(ErrorKind::kInvalidConfig,
                      ctx_.prefix + ": upsert key '" + key +
                          "' is not a column of the export; columns: " + Join(names, ", "));
        keys.push_back(found);
      }
    }

    for (int attempt = 1;; ++attempt) {
      ctx_.CheckBreaker();
      Writer writer(ctx_, options_, request, input, target, columns, keys);
      try {
        WriteResult result = writer.Run();
        ctx_.RecordSuccess();
        if (!writer.strategy().empty()) result.detail += " (" + writer.strategy() + ")";
        return result;
      } catch (const PgError& error) {
        if (writer.commit_sent() && request.mode == WriteMode::kAppend && writer.connection_lost())
          throw Error(ErrorKind::kProtocolError,
                      ctx_.prefix + ": commit outcome unknown for " + target.Display() +
                          "; check the target before re-running (" + error.Describe() + ")");
        std::string hint;
        if (error.sqlstate() == "0A000" && options_.replace_strategy == "truncate")
          hint = "foreign keys reference the table; set \"replace_strategy\": \"delete\"";
        if (!ctx_.BackoffBeforeRetry(writer.phase(), error, attempt))
          throw ctx_.ToError(writer.phase(), error, attempt, hint);
      }
    }
  }

 private:
  Runtime runtime_;
  PgDestinationOptions options_;
  OpContext ctx_;
};

}  // namespace

std::unique_ptr<Destination> MakeDestination(const Runtime& runtime) {
  return std::make_unique<PostgresDestination>(runtime);
}

}  // namespace sqlflow::connectors::pg

namespace sqlflow::connectors {

std::unique_ptr<Destination> MakePostgresDestination() {
  return pg::MakeDestination(pg::DefaultRuntime());
}

}  // namespace sqlflow::connectors
