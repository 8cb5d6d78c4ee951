// LOAD: read a source into a staging table inside the step's transaction, re-apply the incremental bound,
// merge into the target, and store the new watermark in the same transaction (§9.4, §9.7).
#include <filesystem>

#include "sqlflow/common/console.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/executor/step_context.h"

namespace sqlflow::executor {

namespace {

// Applies the events of a read stream to the staging table, one method per event kind.
class StagingWriter {
 public:
  StagingWriter(StepContext& ctx, const TableRef& staging, const std::string& source_name)
      : ctx_(ctx), conn_(ctx.conn), staging_(staging), source_name_(source_name) {}

  // Rows staged, or -1 when the stream had nothing to read (no schema at all).
  int64_t Run(connectors::ReadStream& stream) {
    while (true) {
      connectors::ReadEvent event = stream.Next();
      switch (event.kind) {
        case connectors::ReadEvent::Kind::kSchema:
          OnSchema(event.schema);
          break;
        case connectors::ReadEvent::Kind::kBatch:
          OnBatch(event.chunks);
          break;
        case connectors::ReadEvent::Kind::kFileScan:
          OnFileScan(event.scan);
          break;
        case connectors::ReadEvent::Kind::kReset:
          OnReset(event.reason);
          break;
        case connectors::ReadEvent::Kind::kEnd:
          OnEnd(event.end);
          return created_ ? rows_ : -1;  // -1: nothing to read (e.g. allow_no_files and no file matched)
      }
    }
  }

 private:
  // A (new) schema: the staging table is created, or widened to hold it, and an appender opened on it.
  void OnSchema(const connectors::Schema& schema) {
    if (appender_) appender_->Flush();
    appender_.reset();
    auto existing = DescribeTable(conn_, staging_);
    if (!existing) {
      std::string columns;
      for (size_t i = 0; i < schema.size(); ++i)
        columns += (i ? ", " : "") + QuoteIdent(schema[i].name) + " " + schema[i].type;
      conn_.Execute(CreateStaging(staging_) + " (" + columns + ")");
    } else {
      for (const auto& field : schema) {
        bool found = false;
        for (const auto& c : *existing) {
          if (!EqualsIgnoreCase(c.name, field.name)) continue;
          found = true;
          if (c.type != field.type)
            conn_.Execute("ALTER TABLE " + staging_.Sql() + " ALTER COLUMN " + QuoteIdent(field.name) +
                          " SET DATA TYPE " + field.type);
        }
        if (!found)
          conn_.Execute("ALTER TABLE " + staging_.Sql() + " ADD COLUMN " + QuoteIdent(field.name) + " " +
                        field.type);
      }
    }
    created_ = true;
    appender_ = std::make_unique<engine::Appender>(conn_, staging_.catalog, staging_.schema, staging_.name);
  }

  void OnBatch(const std::vector<engine::DataChunk>& chunks) {
    if (!appender_)
      throw Error(ErrorKind::kInternal, "source '" + source_name_ + "' sent a batch before its schema");
    for (const auto& chunk : chunks) {
      appender_->AppendChunk(chunk);
      rows_ += static_cast<int64_t>(chunk.size());
      ctx_.progress_rows.store(rows_);
    }
  }

  // A file source: DuckDB's reader runs in one statement; the connector's hooks own everything
  // format-specific (reject tables, reader error texts).
  void OnFileScan(const connectors::FileScan& scan) {
    std::string sql = "SELECT " + scan.select_list + " FROM " + scan.table_function;
    if (!scan.where.empty()) sql += " WHERE " + scan.where;
    if (scan.limit) sql += " LIMIT " + std::to_string(*scan.limit);
    Console::Get().Verbose("SQL for " + ctx_.step.id + ":\n" + sql + "\n");
    if (scan.hooks) scan.hooks->BeforeScan(conn_);
    int64_t scanned = 0;
    try {
      std::string statement = created_ ? "INSERT INTO " + staging_.Sql() + " BY NAME " + sql
                                       : CreateStaging(staging_) + " AS " + sql;
      scanned = ExecuteCountingRows(conn_, statement);
      created_ = true;
    } catch (const Error& e) {
      if (scan.hooks) throw scan.hooks->TranslateError(e);
      throw;
    }
    rows_ += scanned;
    if (scan.hooks)
      for (auto& w : scan.hooks->AfterScan(conn_, scanned)) Warn(w.code, w.message);
    ctx_.progress_rows.store(rows_);
  }

  void OnReset(const std::string& reason) {
    if (appender_) appender_->Flush();
    if (created_) conn_.Execute("DELETE FROM " + staging_.Sql());
    rows_ = 0;
    Warn("W601", "source '" + source_name_ + "' restarted its read: " + reason);
  }

  void OnEnd(const connectors::EndInfo& end) {
    if (appender_) {
      appender_->Close();
      appender_.reset();
    }
    for (const auto& [column, type] : end.refine)
      conn_.Execute("ALTER TABLE " + staging_.Sql() + " ALTER COLUMN " + QuoteIdent(column) +
                    " SET DATA TYPE " + type + " USING CAST(" + QuoteIdent(column) + " AS " + type + ")");
    for (const auto& w : end.warnings) Warn("W603", w);
  }

  void Warn(const std::string& code, const std::string& message) {
    ctx_.warnings.push_back(Diagnostic{Severity::kWarning, code, message, ctx_.step.pos, {}, {}});
  }

  StepContext& ctx_;
  engine::Connection& conn_;
  const TableRef& staging_;
  const std::string& source_name_;
  bool created_ = false;
  std::unique_ptr<engine::Appender> appender_;
  int64_t rows_ = 0;
};

int64_t StageRead(StepContext& ctx, connectors::ReadStream& stream, const TableRef& staging,
                  const std::string& source_name) {
  return StagingWriter(ctx, staging, source_name).Run(stream);
}

// The incremental state of one LOAD: the stored watermark, the engine's bound as a predicate, and the key
// under which the new watermark is written.
struct IncrementalState {
  bool enabled = false;
  StateKey key;
  std::optional<Watermark> watermark;
  std::optional<std::string> bound_sql;
};

// The bound as a SQL expression: the watermark widened by lookback_window (numbers subtract, temporal types
// subtract an interval; a bare number of a temporal cursor means seconds).
std::string WidenedBound(const planner::SourceDetail& source, const Watermark& watermark) {
  std::string bound = "CAST(" + QuoteLiteral(watermark.value) + " AS " + watermark.type + ")";
  if (!source.resolved.Has("lookback_window")) return bound;
  const auto& lb = source.resolved.values["lookback_window"];
  std::string interval = lb.is_number() ? std::to_string(lb.get<int64_t>()) : lb.get<std::string>();
  bool numeric_type = watermark.type.find("INT") != std::string::npos || watermark.type == "DOUBLE" ||
                      watermark.type.rfind("DECIMAL", 0) == 0;
  if (numeric_type) return "(" + bound + " - " + interval + ")";
  if (lb.is_number()) return "(" + bound + " - INTERVAL '" + interval + " seconds')";
  return "(" + bound + " - INTERVAL " + QuoteLiteral(interval) + ")";
}

// Reads the watermark and sets the engine bound and the bound pushed down to the source (§9.7). Upsert
// re-reads rows equal to the watermark (>=); append and replace do not (>).
IncrementalState PrepareIncremental(StepContext& ctx, const planner::SourceDetail& source,
                                    const TableRef& target, bool upsert, connectors::ReadRequest& request) {
  IncrementalState state;
  state.enabled = source.sync_mode == "incremental" && source.cursor_field;
  state.key = StateKey{ctx.plan.pipeline, "source", source.name, ToLower(target.Display()),
                       source.cursor_field.value_or("")};
  if (!state.enabled) return state;
  std::string cursor = QuoteIdent(*source.cursor_field);
  state.watermark = ReadWatermark(ctx.conn, state.key);
  if (state.watermark) {
    std::string bound = WidenedBound(source, *state.watermark);
    state.bound_sql = cursor + (upsert ? " >= " : " > ") + bound;
    // Sources that push the bound down get the widened value too (a source that widens again only reads
    // more; the engine's exact bound decides).
    connectors::TypedValue pushed{state.watermark->type, state.watermark->value};
    if (source.resolved.Has("lookback_window")) {
      auto widened = ctx.conn.Query("SELECT CAST(" + bound + " AS VARCHAR), typeof(" + bound + ")");
      if (widened.row_count() > 0 && !widened.IsNull(0, 0))
        pushed = {widened.GetString(1, 0), widened.GetString(0, 0)};
    }
    request.cursor = connectors::CursorBound{*source.cursor_field, pushed, upsert};
  } else if (source.resolved.Has("cursor_start")) {
    const auto& start = source.resolved.values["cursor_start"];
    std::string text = start.is_string() ? start.get<std::string>() : DumpJson(start);
    state.bound_sql = cursor + " >= " + QuoteLiteral(text);
    request.cursor = connectors::CursorBound{*source.cursor_field, {"", text}, true};
  }
  return state;
}

connectors::ReadRequest MakeReadRequest(const connectors::Source& instance,
                                        const planner::SourceDetail& source, const TableRef& target) {
  connectors::ReadRequest request;
  if (instance.Objects() == connectors::ObjectMode::kMultiple) {
    request.object = source.resolved.Has("table_name") ? source.resolved.GetString("table_name")
                     : source.resolved.Has("table")    ? source.resolved.GetString("table")
                                                       : target.name;
  }
  request.columns = source.resolved.GetStringList("columns");
  request.batch_size = source.resolved.GetInt("batch_size", 10000);
  return request;
}

// SF608 when the cursor or a primary-key column is missing from the staged data.
void CheckStagedColumns(const std::vector<Column>& staged, const planner::SourceDetail& source,
                        bool incremental) {
  auto has_column = [&](const std::string& name) {
    for (const auto& c : staged)
      if (EqualsIgnoreCase(c.name, name)) return true;
    return false;
  };
  if (incremental && !has_column(*source.cursor_field))
    throw Error(
        ErrorKind::kDataError,
        "cursor_field '" + *source.cursor_field + "' not found in data from source '" + source.name + "'",
        "SF608");
  for (const auto& pk : source.primary_key)
    if (!has_column(pk))
      throw Error(ErrorKind::kDataError,
                  "primary_key column '" + pk + "' not found in data from source '" + source.name + "'",
                  "SF608");
}

// Deletes staged rows outside the bound (and NULL cursors, W604). Returns the rows left.
int64_t ApplyBound(StepContext& ctx, const TableRef& staging, const TableRef& target,
                   const planner::SourceDetail& source, const IncrementalState& state,
                   const std::vector<Column>& staged) {
  engine::Connection& conn = ctx.conn;
  std::string cursor = QuoteIdent(*source.cursor_field);
  int64_t null_cursors = 0;
  try {
    null_cursors = std::stoll(
        *conn.QueryValue("SELECT count(*) FROM " + staging.Sql() + " WHERE " + cursor + " IS NULL"));
    conn.Execute("DELETE FROM " + staging.Sql() + " WHERE " + cursor + " IS NULL OR NOT (" +
                 *state.bound_sql + ")");
  } catch (const Error& e) {
    if (!state.watermark) throw;
    std::string type = "?";
    for (const auto& c : staged)
      if (EqualsIgnoreCase(c.name, *source.cursor_field)) type = c.type;
    throw Error(ErrorKind::kDataError,
                "stored watermark '" + state.watermark->value + "' for " + target.Display() + "." +
                    *source.cursor_field + " cannot be compared with column type " + type + ": " + e.what(),
                "SF609", "delete its row from sqlflow_state");
  }
  if (null_cursors > 0)
    ctx.warnings.push_back(Diagnostic{Severity::kWarning,
                                      "W604",
                                      std::to_string(null_cursors) + " row(s) from source '" + source.name +
                                          "' have a NULL cursor '" + *source.cursor_field +
                                          "' and were not loaded",
                                      ctx.step.pos,
                                      {},
                                      {}});
  return CountRows(conn, staging.Sql());
}

std::optional<Watermark> MaxCursor(engine::Connection& conn, const TableRef& staging,
                                   const std::string& field) {
  std::string cursor = QuoteIdent(field);
  auto result = conn.Query("SELECT CAST(max(" + cursor + ") AS VARCHAR), typeof(max(" + cursor + ")) FROM " +
                           staging.Sql());
  if (result.IsNull(0, 0)) return std::nullopt;
  return Watermark{result.GetString(0, 0), result.GetString(1, 0)};
}

// Nothing matched (allow_no_files): REPLACE empties an existing target, other modes change nothing (W606).
StepOutcome LoadNothing(StepContext& ctx, const planner::LoadDetail& load, const std::string& source_name) {
  if (load.mode == WriteMode::kReplace && DescribeTable(ctx.conn, load.table))
    ctx.conn.Execute("DELETE FROM " + load.table.Sql());
  ctx.warnings.push_back(Diagnostic{
      Severity::kWarning,
      "W606",
      "source '" + source_name + "' matched no data; 0 rows loaded into '" + load.table.Display() + "'",
      ctx.step.pos,
      {},
      {}});
  return {0, ""};
}

}  // namespace

StepOutcome RunLoad(StepContext& ctx) {
  const auto& load = std::get<planner::LoadDetail>(ctx.step.detail);
  const auto* source = std::get_if<planner::SourceDetail>(&ctx.plan.steps.at(load.source_step).detail);
  if (!source)
    throw Error(ErrorKind::kInternal, "LOAD " + load.table.Display() + " does not refer to a SOURCE step");
  const auto* type = connectors::BuiltinRegistries().sources.Find(source->connector_type);
  if (!type || !type->make_source)
    throw Error(ErrorKind::kUnsupported, "no source for type " + source->connector_type);

  const TableRef& target = load.table;
  TableRef staging = StagingFor(ctx.conn, target, ctx.index, load.mode != WriteMode::kReplace);
  engine::Connection& conn = ctx.conn;
  conn.Execute("DROP TABLE IF EXISTS " + staging.Sql());
  if (!target.schema.empty()) conn.Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(target.schema));

  auto instance = type->make_source();
  instance->Configure(source->resolved);
  connectors::ReadRequest request = MakeReadRequest(*instance, *source, target);
  IncrementalState incremental =
      PrepareIncremental(ctx, *source, target, load.mode == WriteMode::kUpsert, request);

  connectors::ReadContext read_context;
  read_context.source_name = source->name;
  read_context.run_temp_dir = ctx.temp_dir;
  read_context.connection = &conn;
  read_context.cancel = &ctx.cancel;
  auto stream = instance->Read(request, read_context);
  connectors::ReadStream* active_stream = stream.get();
  CancelRegistration cancel_read(&ctx.cancel, [active_stream] { active_stream->Cancel(); });
  int64_t staged = StageRead(ctx, *stream, staging, source->name);
  if (staged < 0) return LoadNothing(ctx, load, source->name);

  auto staged_columns = DescribeTable(conn, staging);
  CheckStagedColumns(*staged_columns, *source, incremental.enabled);
  if (incremental.bound_sql) staged = ApplyBound(ctx, staging, target, *source, incremental, *staged_columns);
  std::optional<Watermark> new_watermark;
  if (incremental.enabled) new_watermark = MaxCursor(conn, staging, *source->cursor_field);

  auto [inserted, updated] = MergeStaging(conn, staging, target, load.mode, load.key, source->name);
  if (new_watermark) WriteWatermark(conn, incremental.key, *new_watermark, staged, ctx.options.run_id);
  StepOutcome outcome;
  outcome.rows = staged;
  if (load.mode == WriteMode::kUpsert)
    outcome.detail = "inserted " + std::to_string(inserted) + ", updated " + std::to_string(updated);
  return outcome;
}

}  // namespace sqlflow::executor
