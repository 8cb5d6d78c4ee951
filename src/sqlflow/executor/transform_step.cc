// CREATE TABLE ... AS in its four modes (§9.6), including INCREMENTAL BY with time macros (§9.6.1).
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/executor/step_context.h"
#include "sqlflow/parser/parser.h"
#include "sqlflow/planner/sql_analysis.h"

namespace sqlflow::executor {

namespace {

// "2024-05-01T10:15:00Z" -> "2024-05-01 10:15:00"
std::string RunTimestamp(const std::string& run_ts) {
  std::string out = run_ts;
  if (!out.empty() && out.back() == 'Z') out.pop_back();
  for (char& c : out)
    if (c == 'T') c = ' ';
  return out;
}

struct Window {
  std::string start;  // TIMESTAMP text
  std::string end;
};

std::string MacroDate(engine::Connection& conn, const std::string& ts) {
  return "DATE '" +
         *conn.QueryValue("SELECT CAST(CAST(CAST(" + QuoteLiteral(ts) +
                          " AS TIMESTAMP) AS DATE) AS VARCHAR)") +
         "'";
}

std::string MacroTimestamp(engine::Connection& conn, const std::string& ts) {
  // DuckDB prints fractions only when non-zero.
  return "TIMESTAMP '" +
         *conn.QueryValue("SELECT CAST(CAST(" + QuoteLiteral(ts) + " AS TIMESTAMP) AS VARCHAR)") + "'";
}

std::string ExpandMacros(engine::Connection& conn, const std::string& sql, const Window& window) {
  return planner::ReplaceTimeMacros(sql, MacroDate(conn, window.start), MacroDate(conn, window.end),
                                    MacroTimestamp(conn, window.start), MacroTimestamp(conn, window.end));
}

StepOutcome RunIncremental(StepContext& ctx, const planner::TransformDetail& t, const TableRef& target) {
  engine::Connection& conn = ctx.conn;
  const std::string& column = *t.incremental_by;
  std::string now = RunTimestamp(ctx.options.run_ts);
  Window full{"0001-01-01 00:00:00", now};

  // The bound result schema of the query, before anything changes.
  std::string probe_sql = ExpandMacros(conn, t.sql, full);
  std::string column_type;
  {
    auto prepared = conn.Prepare(probe_sql);
    for (uint64_t i = 0; i < prepared.column_count(); ++i)
      if (EqualsIgnoreCase(prepared.column_name(i), column)) column_type = prepared.column_type(i).ToString();
  }
  bool usable =
      column_type == "DATE" || column_type == "TIMESTAMP" || column_type == "TIMESTAMP WITH TIME ZONE";
  if (!usable) {
    std::string why = column_type.empty() ? "INCREMENTAL BY column '" + column +
                                                "' is not in the query result of '" + target.Display() + "'"
                                          : "INCREMENTAL BY column '" + column + "' has type " + column_type +
                                                ", expected DATE or TIMESTAMP";
    Diagnostic d{Severity::kWarning,
                 "W602",
                 why + "; the table is rebuilt in full and no watermark is kept",
                 ctx.step.pos,
                 {"CAST(" + column + " AS TIMESTAMP), or select the column"},
                 {}};
    ctx.warnings.push_back(d);
    conn.Execute("CREATE OR REPLACE TABLE " + target.Sql() + " AS " + probe_sql);
    return {CountRows(conn, target.Sql()), ""};
  }

  StateKey key{ctx.plan.pipeline, "transform", "", ToLower(target.Display()), column};
  auto existing = DescribeTable(conn, target);
  std::optional<std::string> watermark;
  if (auto stored = ReadWatermark(conn, key)) watermark = stored->value;
  if (!watermark && existing)
    watermark =
        conn.QueryValue("SELECT CAST(max(" + QuoteIdent(column) + ") AS VARCHAR) FROM " + target.Sql());

  int64_t rows = 0;
  std::string col = QuoteIdent(column);
  if (!existing || !watermark) {
    if (!existing) {
      conn.Execute("CREATE TABLE " + target.Sql() + " AS " + probe_sql);
      rows = CountRows(conn, target.Sql());
    } else {
      TableRef staging = StagingFor(conn, target, ctx.index, true);
      conn.Execute(CreateStaging(staging) + " AS " + probe_sql);
      rows = CountRows(conn, staging.Sql());
      MergeStaging(conn, staging, target, WriteMode::kAppend, {}, "the query");
    }
  } else {
    std::string lookback = t.lookback.value_or("0 day");
    std::string start =
        *conn.QueryValue("SELECT CAST(CAST(" + QuoteLiteral(*watermark) + " AS TIMESTAMP) - INTERVAL " +
                         QuoteLiteral(lookback) + " AS VARCHAR)");
    Window window{start, now};
    std::string sql = ExpandMacros(conn, t.sql, window);
    std::string range = col + " >= CAST(" + QuoteLiteral(window.start) + " AS TIMESTAMP) AND " + col +
                        " <= CAST(" + QuoteLiteral(window.end) + " AS TIMESTAMP)";
    TableRef staging = StagingFor(conn, target, ctx.index, true);
    conn.Execute(CreateStaging(staging) + " AS SELECT * FROM (" + sql + ") AS q WHERE " + range);
    rows = CountRows(conn, staging.Sql());
    conn.Execute("DELETE FROM " + target.Sql() + " WHERE " + range);
    MergeStaging(conn, staging, target, WriteMode::kAppend, {}, "the query");
  }
  auto result =
      conn.Query("SELECT CAST(max(" + col + ") AS VARCHAR), typeof(max(" + col + ")) FROM " + target.Sql());
  if (!result.IsNull(0, 0))
    WriteWatermark(conn, key, Watermark{result.GetString(0, 0), result.GetString(1, 0)}, rows,
                   ctx.options.run_id);
  return {rows, ""};
}

}  // namespace

StepOutcome RunTransform(StepContext& ctx) {
  const auto& t = std::get<planner::TransformDetail>(ctx.step.detail);
  const TableRef& target = t.table;
  engine::Connection& conn = ctx.conn;
  if (!target.schema.empty()) conn.Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(target.schema));
  switch (t.mode) {
    case WriteMode::kReplace:
      return {ExecuteCountingRows(conn, "CREATE OR REPLACE TABLE " + target.Sql() + " AS " + t.sql), ""};
    case WriteMode::kIncremental:
      return RunIncremental(ctx, t, target);
    case WriteMode::kAppend:
    case WriteMode::kUpsert: {
      TableRef staging = StagingFor(conn, target, ctx.index, true);
      conn.Execute("DROP TABLE IF EXISTS " + staging.Sql());
      int64_t rows = ExecuteCountingRows(conn, CreateStaging(staging) + " AS " + t.sql);
      WriteMode mode = t.mode == WriteMode::kAppend ? WriteMode::kAppend : WriteMode::kUpsert;
      auto [inserted, updated] = MergeStaging(conn, staging, target, mode, t.key, "the query");
      StepOutcome outcome{rows, ""};
      if (mode == WriteMode::kUpsert)
        outcome.detail = "inserted " + std::to_string(inserted) + ", updated " + std::to_string(updated);
      return outcome;
    }
  }
  return {};
}

StepOutcome RunSql(StepContext& ctx) {
  const auto& q = std::get<planner::SqlDetail>(ctx.step.detail);
  std::string first = parser::FirstWord(q.sql);
  auto result = ctx.conn.Query(q.sql);
  auto starts = [&](const char* w) { return first.rfind(w, 0) == 0; };
  if (starts("INSERT") || starts("UPDATE") || starts("DELETE"))
    return {static_cast<int64_t>(result.rows_changed()), ""};
  if (starts("SELECT") || starts("WITH") || starts("FROM") || starts("VALUES") || starts("("))
    return {static_cast<int64_t>(result.row_count()), ""};
  return {std::nullopt, ""};
}

}  // namespace sqlflow::executor
