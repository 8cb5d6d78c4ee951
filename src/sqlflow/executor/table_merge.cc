#include <set>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/executor/step_context.h"

namespace sqlflow::executor {

TableRef StagingFor(engine::Connection& conn, const TableRef& target, int step_index, bool merge) {
  std::string name = "__sqlflow_staging_" + std::to_string(step_index + 1);
  if (merge && conn.TableExists(target.catalog, target.schema.empty() ? "main" : target.schema, target.name))
    return TableRef{"temp", "main", std::move(name)};
  return target.Sibling(std::move(name));
}

std::string CreateStaging(const TableRef& staging) {
  return (staging.catalog == "temp" ? "CREATE TEMP TABLE " : "CREATE TABLE ") + staging.Sql();
}

std::optional<std::vector<Column>> DescribeTable(engine::Connection& conn, const TableRef& table) {
  // A catalog lookup, then the table's own columns: a duckdb_columns() scan visits every catalog, and the
  // first one in a process builds DuckDB's system views (8 ms, several times per LOAD).
  const std::string schema = table.schema.empty() ? "main" : table.schema;
  if (!conn.TableExists(table.catalog, schema, table.name)) return std::nullopt;
  // Fully qualified: an unqualified name would find a TEMP table of the same name first.
  const std::string catalog =
      table.catalog.empty() ? conn.QueryValue("SELECT current_database()").value_or("") : table.catalog;
  auto result = conn.Query(
      "SELECT name, type FROM pragma_table_info(" +
      QuoteLiteral(QuoteIdent(catalog) + "." + QuoteIdent(schema) + "." + QuoteIdent(table.name)) + ")");
  if (result.row_count() == 0) return std::nullopt;
  std::vector<Column> columns;
  for (uint64_t r = 0; r < result.row_count(); ++r)
    columns.push_back({result.GetString(0, r), result.GetString(1, r)});
  return columns;
}

int64_t CountRows(engine::Connection& conn, const std::string& table_sql) {
  auto value = conn.QueryValue("SELECT count(*) FROM " + table_sql);
  return value ? std::stoll(*value) : 0;
}

int64_t ExecuteCountingRows(engine::Connection& conn, const std::string& sql) {
  auto result = conn.Query(sql);
  if (result.row_count() == 0 || result.column_count() == 0 || result.IsNull(0, 0)) return 0;
  return std::stoll(result.GetString(0, 0));
}

namespace {

const Column* FindColumn(const std::vector<Column>& columns, const std::string& name) {
  for (const auto& c : columns)
    if (EqualsIgnoreCase(c.name, name)) return &c;
  return nullptr;
}

int IntegerRank(const std::string& t) {
  static const char* kSigned[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"};
  for (int i = 0; i < 5; ++i)
    if (t == kSigned[i]) return i + 1;
  return 0;
}
int UnsignedRank(const std::string& t) {
  static const char* kUnsigned[] = {"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"};
  for (int i = 0; i < 5; ++i)
    if (t == kUnsigned[i]) return i + 1;
  return 0;
}
int IntegerDigits(const std::string& t) {
  static const std::pair<const char*, int> kDigits[] = {{"TINYINT", 3},   {"SMALLINT", 5},  {"INTEGER", 10},
                                                        {"BIGINT", 19},   {"HUGEINT", 39},  {"UTINYINT", 3},
                                                        {"USMALLINT", 5}, {"UINTEGER", 10}, {"UBIGINT", 20}};
  for (const auto& [name, digits] : kDigits)
    if (t == name) return digits;
  return 0;
}
bool ParseDecimal(const std::string& t, int* p, int* s) {
  return std::sscanf(t.c_str(), "DECIMAL(%d,%d)", p, s) == 2;
}

// Conversions that never lose information (§9.5 table, "always" rows).
bool AlwaysLossless(const std::string& s, const std::string& t) {
  if (s == t || t == "VARCHAR") return true;
  int si = IntegerRank(s), ti = IntegerRank(t), su = UnsignedRank(s), tu = UnsignedRank(t);
  if (si && ti) return si <= ti;
  if (su && tu) return su <= tu;
  if (su && ti) return ti > su;  // strictly wider signed
  if (t == "DOUBLE" && ((si && si <= 3) || (su && su <= 3) || s == "FLOAT")) return true;
  if (t == "FLOAT" && ((si && si <= 2) || (su && su <= 2))) return true;
  int p, sc, p2, s2;
  if (ParseDecimal(t, &p, &sc) && (si || su)) return p - sc >= IntegerDigits(s);
  if (ParseDecimal(s, &p, &sc) && ParseDecimal(t, &p2, &s2)) return s2 >= sc && p2 - s2 >= p - sc;
  if (ParseDecimal(s, &p, &sc) && t == "DOUBLE") return p <= 15;
  if (s == "DATE" && t == "TIMESTAMP") return true;
  if ((s == "TIMESTAMP_S" || s == "TIMESTAMP_MS") && t == "TIMESTAMP") return true;
  return false;
}

void CheckCompatible(engine::Connection& conn, const TableRef& staging, const std::vector<Column>& batch,
                     const TableRef& target, const std::vector<Column>& existing) {
  std::vector<std::string> missing;
  for (const auto& c : batch)
    if (!FindColumn(existing, c.name)) missing.push_back(c.name);
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", '" : "'") + missing[i] + "'";
    throw Error(ErrorKind::kDataError,
                std::string(missing.size() == 1 ? "source column " : "source columns ") + list +
                    (missing.size() == 1 ? " does not exist" : " do not exist") + " in target table '" +
                    target.Display() + "'",
                "SF602",
                "add the column to the target table, select only existing columns, or use MODE REPLACE");
  }
  for (const auto& c : batch) {
    const Column* t = FindColumn(existing, c.name);
    if (AlwaysLossless(c.type, t->type)) continue;
    std::string col = QuoteIdent(c.name);
    std::string bad_filter;
    if (c.type == "VARCHAR") {
      bad_filter = col + " IS NOT NULL AND TRY_CAST(" + col + " AS " + t->type + ") IS NULL";
    } else {
      bad_filter = col + " IS NOT NULL AND (TRY_CAST(" + col + " AS " + t->type +
                   ") IS NULL OR CAST(TRY_CAST(" + col + " AS " + t->type + ") AS " + c.type +
                   ") IS DISTINCT FROM " + col + ")";
    }
    int64_t bad = 0;
    std::string example;
    try {
      auto result = conn.Query("SELECT count(*), CAST(any_value(" + col + ") AS VARCHAR) FROM " +
                               staging.Sql() + " WHERE " + bad_filter);
      bad = std::stoll(result.GetString(0, 0));
      example = result.GetString(1, 0);
    } catch (const Error&) {
      // The engine cannot cast between the types at all: every non-NULL value is affected.
      auto result = conn.Query("SELECT count(" + col + "), CAST(any_value(" + col + ") AS VARCHAR) FROM " +
                               staging.Sql());
      bad = std::stoll(result.GetString(0, 0));
      example = result.GetString(1, 0);
    }
    if (bad > 0)
      throw Error(ErrorKind::kDataError,
                  "column '" + c.name + "' cannot be converted from " + c.type + " (source) to " + t->type +
                      " (target table '" + target.Display() + "') without loss: " + std::to_string(bad) +
                      " value(s) affected, e.g. '" + example + "'",
                  "SF603", "cast the column in the query, or use MODE REPLACE to rebuild the table");
  }
}

std::string ColumnList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + QuoteIdent(names[i]);
  return out;
}

// SF605 with the number of repeated keys and one of them (the error path: the happy path only compares
// count(*) with count(DISTINCT key)).
[[noreturn]] void ThrowDuplicateKeys(engine::Connection& conn, const TableRef& staging,
                                     const TableRef& target, const std::vector<std::string>& keys) {
  const std::string key_list = ColumnList(keys);
  auto dups = conn.Query("SELECT count(*) OVER (), " + key_list + " FROM " + staging.Sql() + " GROUP BY " +
                         key_list + " HAVING count(*) > 1 LIMIT 1");
  std::string example, count = dups.row_count() > 0 ? dups.GetString(0, 0) : "some";
  for (size_t i = 0; i < keys.size() && dups.row_count() > 0; ++i)
    example += (i ? ", " : "") + keys[i] + "=" + dups.GetString(i + 1, 0);
  throw Error(
      ErrorKind::kDataError,
      "UPSERT into '" + target.Display() + "': " + count +
          " key value(s) occur more than once in the incoming rows" +
          (example.empty() ? "" : ", e.g. (" + example + ")"),
      "SF605",
      "return one row per key (e.g. QUALIFY row_number() OVER (PARTITION BY " + key_list +
          " ORDER BY <newest first>) = 1 in the query or a transform before it), or use MODE REPLACE");
}

std::string NamesOf(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  return Join(names, ", ");
}

}  // namespace

std::pair<int64_t, int64_t> MergeStaging(engine::Connection& conn, const TableRef& staging,
                                         const TableRef& target, WriteMode mode,
                                         const std::vector<std::string>& keys,
                                         const std::string& batch_name) {
  auto batch = DescribeTable(conn, staging);
  if (!batch) throw Error(ErrorKind::kInternal, "staging table " + staging.Display() + " is missing");
  auto existing = DescribeTable(conn, target);
  if (!target.schema.empty()) conn.Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(target.schema));

  if (mode == WriteMode::kUpsert) {
    // §9.4 checks, in order.
    for (const auto& k : keys) {
      if (!FindColumn(*batch, k))
        throw Error(ErrorKind::kDataError,
                    "UPSERT key column '" + k + "' not found in source '" + batch_name +
                        "' (columns: " + NamesOf(*batch) + ")",
                    "SF604");
    }
    if (existing) {
      for (const auto& k : keys)
        if (!FindColumn(*existing, k))
          throw Error(ErrorKind::kDataError,
                      "UPSERT key column '" + k + "' not found in target table '" + target.Display() +
                          "' (columns: " + NamesOf(*existing) + ")",
                      "SF604");
      CheckCompatible(conn, staging, *batch, target, *existing);
    }
    for (const auto& k : keys) {
      int64_t nulls = std::stoll(
          *conn.QueryValue("SELECT count(*) FROM " + staging.Sql() + " WHERE " + QuoteIdent(k) + " IS NULL"));
      if (nulls > 0)
        throw Error(ErrorKind::kDataError,
                    "UPSERT into '" + target.Display() + "': key column '" + k + "' is NULL in " +
                        std::to_string(nulls) + " incoming row(s)",
                    "SF606");
    }
    std::string key_list = ColumnList(keys);
    // One aggregate says whether a key repeats (keys are not NULL here); only then is an example looked for.
    const std::string distinct = keys.size() == 1 ? key_list : "(" + key_list + ")";
    if (conn.QueryValue("SELECT count(*) - count(DISTINCT " + distinct + ") FROM " + staging.Sql()) != "0")
      ThrowDuplicateKeys(conn, staging, target, keys);
  } else if (mode == WriteMode::kAppend && existing) {
    CheckCompatible(conn, staging, *batch, target, *existing);
  }

  int64_t inserted = 0, updated = 0;
  if (!existing || mode == WriteMode::kReplace) {
    // The staging table becomes the target: no copy of the rows.
    conn.Execute("DROP TABLE IF EXISTS " + target.Sql());
    conn.Execute("ALTER TABLE " + staging.Sql() + " RENAME TO " + QuoteIdent(target.name));
    return {inserted, updated};
  }
  if (mode == WriteMode::kUpsert) {
    std::string condition;
    for (size_t i = 0; i < keys.size(); ++i)
      condition +=
          (i ? " AND " : "") + std::string("t.") + QuoteIdent(keys[i]) + " = s." + QuoteIdent(keys[i]);
    auto deleted = conn.Query("DELETE FROM " + target.Sql() + " AS t USING " + staging.Sql() +
                              " AS s WHERE " + condition);
    updated = static_cast<int64_t>(deleted.rows_changed());
  }
  auto result = conn.Query("INSERT INTO " + target.Sql() + " BY NAME SELECT * FROM " + staging.Sql());
  inserted = static_cast<int64_t>(result.rows_changed()) - updated;
  conn.Execute("DROP TABLE " + staging.Sql());
  return {inserted, updated};
}

void EnsureStateTable(engine::Connection& conn) {
  conn.Execute(
      "CREATE TABLE IF NOT EXISTS sqlflow_state (pipeline VARCHAR NOT NULL, kind VARCHAR NOT NULL, source "
      "VARCHAR "
      "NOT NULL, target VARCHAR NOT NULL, cursor_column VARCHAR NOT NULL, cursor_type VARCHAR NOT NULL, "
      "watermark "
      "VARCHAR, rows_loaded BIGINT NOT NULL, run_id VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
}

std::optional<Watermark> ReadWatermark(engine::Connection& conn, const StateKey& key) {
  auto stmt = conn.Prepare(
      "SELECT watermark, cursor_type FROM sqlflow_state WHERE pipeline = $1 AND kind = $2 AND source = $3 "
      "AND "
      "target = $4 AND cursor_column = $5 AND watermark IS NOT NULL LIMIT 1");
  stmt.BindString(1, key.pipeline);
  stmt.BindString(2, key.kind);
  stmt.BindString(3, key.source);
  stmt.BindString(4, key.target);
  stmt.BindString(5, key.cursor);
  auto result = stmt.Execute();
  if (result.row_count() == 0) return std::nullopt;
  return Watermark{result.GetString(0, 0), result.GetString(1, 0)};
}

void WriteWatermark(engine::Connection& conn, const StateKey& key, const Watermark& watermark, int64_t rows,
                    const std::string& run_id) {
  auto del = conn.Prepare(
      "DELETE FROM sqlflow_state WHERE pipeline = $1 AND source = $2 AND target = $3 AND cursor_column = $4");
  del.BindString(1, key.pipeline);
  del.BindString(2, key.source);
  del.BindString(3, key.target);
  del.BindString(4, key.cursor);
  del.Execute();
  auto ins = conn.Prepare(
      "INSERT INTO sqlflow_state VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST(now() AT TIME ZONE 'UTC' "
      "AS "
      "TIMESTAMP))");
  ins.BindString(1, key.pipeline);
  ins.BindString(2, key.kind);
  ins.BindString(3, key.source);
  ins.BindString(4, key.target);
  ins.BindString(5, key.cursor);
  ins.BindString(6, watermark.type);
  ins.BindString(7, watermark.value);
  ins.BindInt64(8, rows);
  ins.BindString(9, run_id);
  ins.Execute();
}

}  // namespace sqlflow::executor
