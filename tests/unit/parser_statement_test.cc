// ParseStatement (LANGUAGE.md §3): classification, every DSL form, and every statement-level error with its
// message and position.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sqlflow/parser/parser.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::parser {
namespace {

struct Parsed {
  std::shared_ptr<const SourceFile> file;
  std::optional<Statement> statement;
  Diagnostics diagnostics;

  // The single diagnostic (fails the test when there is not exactly one).
  const Diagnostic& Only() const {
    static const Diagnostic kNone{};
    EXPECT_EQ(diagnostics.All().size(), 1u);
    return diagnostics.All().empty() ? kNone : diagnostics.All().front();
  }
};

// Parses `text` as one statement of the file pipelines/p.sf (no variables).
Parsed Parse(const std::string& text) {
  Parsed parsed;
  parsed.file = std::make_shared<const SourceFile>("pipelines/p.sf", text + ";\n");
  auto substituted = variables::SubstitutedText::Identity(parsed.file, 0, text.size());
  parsed.statement = ParseStatement(substituted, parsed.diagnostics);
  return parsed;
}

template <typename T>
T Get(const std::string& text) {
  Parsed parsed = Parse(text);
  EXPECT_FALSE(parsed.diagnostics.HasErrors()) << text << "\n  -> " << parsed.Only().message;
  EXPECT_TRUE(parsed.statement.has_value()) << text;
  if (!parsed.statement || !std::holds_alternative<T>(*parsed.statement)) {
    ADD_FAILURE() << "unexpected statement kind for: " << text;
    return T{};
  }
  return std::get<T>(*parsed.statement);
}

// Expects exactly one error with this code, message and position.
void ExpectError(const std::string& text, const std::string& code, const std::string& message, int line,
                 int column, const std::string& hint = "") {
  SCOPED_TRACE(text);
  Parsed parsed = Parse(text);
  EXPECT_FALSE(parsed.statement.has_value());
  const Diagnostic& error = parsed.Only();
  EXPECT_EQ(error.code, code);
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.pos.file, "pipelines/p.sf");
  EXPECT_EQ(error.pos.line, line);
  EXPECT_EQ(error.pos.column, column);
  if (!hint.empty()) {
    ASSERT_FALSE(error.hints.empty());
    EXPECT_EQ(error.hints.front(), hint);
  }
}

int Col(const std::string& text, const std::string& needle) {
  return static_cast<int>(text.find(needle)) + 1;
}

// ---------------------------------------------------------------- classification

TEST(ParserStatementTest, SqlPassThroughKeepsTextVerbatim) {
  const std::string sql =
      "SELECT a::INT, 1e3 AS n, 'it''s; -- not a comment' AS s, $$a;b$$ AS d -- tail comment\n"
      "FROM t /* block; comment */ WHERE x = '--'";
  EXPECT_EQ(Get<SqlStmt>(sql).sql, sql);
  EXPECT_EQ(Get<SqlStmt>("  UPDATE t SET a = 1 \n").sql, "UPDATE t SET a = 1");
}

TEST(ParserStatementTest, ClassifiesSqlForms) {
  for (const char* sql : {"CREATE TABLE t (a INT)",
                          "CREATE TEMP TABLE t AS SELECT 1",
                          "CREATE TABLE IF NOT EXISTS t AS SELECT 1",
                          "CREATE VIEW v AS SELECT 1",
                          "CREATE OR REPLACE VIEW v AS SELECT 1",
                          "INSERT INTO t VALUES (1)",
                          "DELETE FROM t",
                          "ALTER TABLE t RENAME TO u",
                          "DROP TABLE t",
                          "COPY t TO 'x.csv'",
                          "ATTACH 'x.db'",
                          "SELECT 1",
                          "(SELECT 1)",
                          "EXPORT DATABASE 'target/dump'",
                          "IMPORT DATABASE 'target/dump'",
                          "SET SESSION threads = 4",
                          "SET GLOBAL memory_limit = '1GB'",
                          "set local x = 1",
                          "SET VARIABLE v = 42",
                          "INSTALL httpfs",
                          "START x",
                          "WITH a AS (SELECT 1) SELECT * FROM a"}) {
    Parsed parsed = Parse(sql);
    ASSERT_TRUE(parsed.statement.has_value()) << sql;
    ASSERT_TRUE(std::holds_alternative<SqlStmt>(*parsed.statement)) << sql;
    EXPECT_EQ(std::get<SqlStmt>(*parsed.statement).sql, sql);
  }
}

TEST(ParserStatementTest, KeywordsAreCaseInsensitiveAndWholeWords) {
  EXPECT_EQ(Get<LoadStmt>("load t from s").source.text, "s");
  EXPECT_EQ(Get<SqlStmt>("LOADX t FROM s").sql, "LOADX t FROM s");
  EXPECT_EQ(Get<SqlStmt>("SOURCES").sql, "SOURCES");
  EXPECT_EQ(Get<SqlStmt>("COMMITTED_ROWS()").sql, "COMMITTED_ROWS()");
}

TEST(ParserStatementTest, FirstWord) {
  EXPECT_EQ(FirstWord("  -- note\n /* a /* nested */ b */ select 1"), "SELECT");
  EXPECT_EQ(FirstWord("Load t FROM s"), "LOAD");
  EXPECT_EQ(FirstWord("(SELECT 1)"), "");
  EXPECT_EQ(FirstWord(""), "");
  EXPECT_EQ(FirstWord("set_x = 1"), "SET_X");
}

// ---------------------------------------------------------------- SOURCE

TEST(ParserStatementTest, SourceTypeForm) {
  std::string text = R"(SOURCE orders_src TYPE CSV PARAMS {"path": "data/orders.csv", "has_header": true})";
  auto source = Get<SourceStmt>(text);
  EXPECT_EQ(source.name.text, "orders_src");
  EXPECT_EQ(source.name.offset, 7u);
  ASSERT_TRUE(source.type);
  EXPECT_EQ(source.type->text, "CSV");
  EXPECT_FALSE(source.connector);
  ASSERT_TRUE(source.params);
  EXPECT_EQ(source.params->value.dump(), R"({"path":"data/orders.csv","has_header":true})");
  EXPECT_EQ(source.params->offset, text.find('{'));
  EXPECT_EQ(source.params->length, text.size() - text.find('{'));
  EXPECT_EQ(source.params->KeyOffset("has_header"), text.find("\"has_header\""));
  EXPECT_EQ(source.params->KeyOffset("missing"), source.params->offset);
}

// type_name = ident { "-" ident }: TYPE Google-Sheets is one type name; a hyphen must join two words.
TEST(ParserStatementTest, HyphenatedTypeNames) {
  std::string text = R"(SOURCE s TYPE Google-Sheets PARAMS {"spreadsheet_id": "x"})";
  auto source = Get<SourceStmt>(text);
  ASSERT_TRUE(source.type);
  EXPECT_EQ(source.type->text, "Google-Sheets");
  EXPECT_EQ(source.type->offset, text.find("Google"));
  EXPECT_EQ(source.type->length, std::string("Google-Sheets").size());
  auto exp = Get<ExportStmt>("EXPORT SELECT 1 TO 'out/x' TYPE My-Custom-Type OPTIONS {}");
  ASSERT_TRUE(exp.type);
  EXPECT_EQ(exp.type->text, "My-Custom-Type");
  std::string dangling = "SOURCE s TYPE Google- PARAMS {}";
  ExpectError(dangling, "SF106", "expected a type name after TYPE Google-, found 'PARAMS'", 1,
              Col(dangling, "PARAMS"));
  std::string spaced = "SOURCE s TYPE Google - Sheets PARAMS {}";
  ExpectError(spaced, "SF106", "expected PARAMS {...} after TYPE Google, found '-'", 1, Col(spaced, "-"));
}

// First guesses of a newcomer get the fix as a hint (issue 15).
TEST(ParserStatementTest, FirstGuessesGetAFixHint) {
  std::string path = "LOAD sales FROM 'data/sales.parquet'";
  ExpectError(
      path, "SF106", "expected a source name after FROM, found ''data/sales.parquet''", 1, Col(path, "'data"),
      "declare a SOURCE for the file first, then load it by name: SOURCE sales_src TYPE PARQUET PARAMS "
      "{\"path\": \"data/sales.parquet\"}; LOAD sales FROM sales_src;");
  std::string on = "LOAD sales FROM s MODE UPSERT ON order_id";
  ExpectError(on, "SF110", "UPSERT mode requires KEY (column, ...)", 1, Col(on, "UPSERT"),
              "write KEY, not ON: MODE UPSERT KEY (order_id)");
  std::string unquoted = "EXPORT SELECT 1 AS x TO output/x.csv";
  ExpectError(unquoted, "SF106", "expected TYPE, OPTIONS or ';' after TO output, found '/'", 1,
              Col(unquoted, "/"), "quote the path: TO 'output/x.csv'");
}

TEST(ParserStatementTest, SourceFromForm) {
  auto source = Get<SourceStmt>(R"(SOURCE "My Src" FROM "pg" OPTIONS {"table": "x", "a": [1, 2.5, null]})");
  EXPECT_EQ(source.name.text, "My Src");
  EXPECT_TRUE(source.name.quoted);
  ASSERT_TRUE(source.connector);
  EXPECT_EQ(source.connector->text, "pg");
  EXPECT_FALSE(source.type);
  ASSERT_TRUE(source.params);
  EXPECT_EQ(source.params->value["a"][1].get<double>(), 2.5);

  auto bare = Get<SourceStmt>("SOURCE s FROM warehouse");
  ASSERT_TRUE(bare.connector);
  EXPECT_EQ(bare.connector->text, "warehouse");
  EXPECT_FALSE(bare.connector->quoted);
  EXPECT_FALSE(bare.params);
  EXPECT_EQ(Get<SourceStmt>("SOURCE s FROM 'single'").connector->text, "single");
}

TEST(ParserStatementTest, SourceMixedFormsAreSF119) {
  const std::string message =
      "invalid SOURCE: use SOURCE <name> TYPE <type> PARAMS {...} or SOURCE <name> FROM \"<connector>\" "
      "[OPTIONS {...}]";
  std::string text = R"(SOURCE s FROM "pg" PARAMS {"a": 1})";
  ExpectError(text, "SF119", message, 1, Col(text, "PARAMS"));
  text = R"(SOURCE s TYPE csv OPTIONS {"a": 1})";
  ExpectError(text, "SF119", message, 1, Col(text, "OPTIONS"));
  text = "SOURCE s TYPE csv FROM pg";
  ExpectError(text, "SF119", message, 1, Col(text, "FROM"));
  text = R"(SOURCE s PARAMS {"a": 1})";
  ExpectError(text, "SF119", message, 1, Col(text, "PARAMS"));
  text = R"(SOURCE s FROM pg OPTIONS {} TYPE csv)";
  ExpectError(text, "SF119", message, 1, Col(text, "TYPE"));
}

TEST(ParserStatementTest, SourceSyntaxErrorsAreSF106) {
  ExpectError("SOURCE s TYPE csv", "SF106", "expected PARAMS {...} after TYPE csv, found end of statement", 1,
              18);
  ExpectError("SOURCE", "SF106", "expected a source name after SOURCE, found end of statement", 1, 7);
  std::string text = R"(SOURCE s TYPE csv PARAMS {} extra)";
  ExpectError(text, "SF106", "expected ';' after PARAMS {...}, found 'extra'", 1, Col(text, "extra"));
}

TEST(ParserStatementTest, ParamsMustBeAnObjectSF108) {
  std::string text = "SOURCE s TYPE csv PARAMS [1, 2]";
  ExpectError(text, "SF108", "PARAMS must be a JSON object", 1, Col(text, "["));
  text = R"(SOURCE s FROM pg OPTIONS "x")";
  ExpectError(text, "SF108", "OPTIONS must be a JSON object", 1, Col(text, "\"x\""));
}

// ---------------------------------------------------------------- LOAD

TEST(ParserStatementTest, LoadForms) {
  auto load = Get<LoadStmt>("LOAD users FROM users_csv");
  EXPECT_EQ(load.table.Display(), "users");
  EXPECT_FALSE(load.table.schema);
  EXPECT_EQ(load.source.text, "users_csv");
  EXPECT_EQ(load.mode, WriteMode::kReplace);
  EXPECT_FALSE(load.mode_word);

  load = Get<LoadStmt>("LOAD main.users FROM new_users_csv MODE APPEND");
  EXPECT_EQ(load.table.Display(), "main.users");
  EXPECT_EQ(load.table.offset, 5u);
  EXPECT_EQ(load.table.length, 10u);
  EXPECT_EQ(load.mode, WriteMode::kAppend);

  load = Get<LoadStmt>("LOAD inventory FROM upd MODE UPSERT KEY product_id, warehouse_id");
  EXPECT_EQ(load.mode, WriteMode::kUpsert);
  ASSERT_EQ(load.key.size(), 2u);
  EXPECT_EQ(load.key[0].text, "product_id");
  EXPECT_EQ(load.key[1].text, "warehouse_id");

  load = Get<LoadStmt>(R"(LOAD "My Table" FROM src MODE merge KEY ("Id", b))");
  EXPECT_EQ(load.table.name.text, "My Table");
  EXPECT_EQ(load.mode, WriteMode::kUpsert);
  ASSERT_TRUE(load.mode_word);
  EXPECT_EQ(load.mode_word->text, "merge");
  ASSERT_EQ(load.key.size(), 2u);
  EXPECT_TRUE(load.key[0].quoted);

  // Keywords are not reserved: the table is `mode`, the source is `source`.
  load = Get<LoadStmt>("LOAD mode FROM source MODE replace");
  EXPECT_EQ(load.table.name.text, "mode");
  EXPECT_EQ(load.source.text, "source");
}

TEST(ParserStatementTest, UpsertWithoutKeySF110) {
  // The example of LANGUAGE.md §7.1.
  std::string text = "LOAD users_table FROM users_csv MODE UPSERT";
  Parsed parsed = Parse(text);
  const Diagnostic& error = parsed.Only();
  EXPECT_EQ(error.code, "SF110");
  EXPECT_EQ(error.message, "UPSERT mode requires KEY (column, ...)");
  EXPECT_EQ(error.pos.line, 1);
  EXPECT_EQ(error.pos.column, 38);
  EXPECT_EQ(error.pos.length, 6);
  ASSERT_EQ(error.hints.size(), 1u);
  EXPECT_EQ(error.hints[0], "add KEY (<column>, ...) after MODE UPSERT");

  text = "LOAD t FROM s MODE MERGE";
  ExpectError(text, "SF110", "UPSERT mode requires KEY (column, ...); MODE MERGE is a synonym of UPSERT", 1,
              Col(text, "MERGE"), "add KEY (<column>, ...) after MODE MERGE");
}

TEST(ParserStatementTest, UnknownModeSF109) {
  std::string text = "LOAD t FROM s MODE UPSRT KEY (id)";
  ExpectError(text, "SF109", "unknown mode 'UPSRT'; expected REPLACE, APPEND, UPSERT (or MERGE)", 1,
              Col(text, "UPSRT"), "did you mean UPSERT?");
  text = "LOAD t FROM s MODE INCREMENTAL";
  ExpectError(text, "SF109", "unknown mode 'INCREMENTAL'; expected REPLACE, APPEND, UPSERT (or MERGE)", 1,
              Col(text, "INCREMENTAL"));
  text = "CREATE TABLE t MODE INCREMENTALL BY d AS SELECT 1";
  ExpectError(text, "SF109",
              "unknown mode 'INCREMENTALL'; expected REPLACE, APPEND, UPSERT (or MERGE) or INCREMENTAL", 1,
              Col(text, "INCREMENTALL"), "did you mean INCREMENTAL?");
}

TEST(ParserStatementTest, KeyOutsideUpsertSF111) {
  std::string text = "LOAD t FROM s MODE APPEND KEY (id)";
  ExpectError(text, "SF111", "KEY can only be used with MODE UPSERT", 1, Col(text, "KEY"));
  text = "LOAD t FROM s KEY (id)";
  ExpectError(text, "SF111", "KEY can only be used with MODE UPSERT", 1, Col(text, "KEY"));
  text = "CREATE TABLE t MODE REPLACE KEY id AS SELECT 1 AS id";
  ExpectError(text, "SF111", "KEY can only be used with MODE UPSERT", 1, Col(text, "KEY"));
}

TEST(ParserStatementTest, DuplicateKeyColumnSF309) {
  std::string text = "LOAD t FROM s MODE UPSERT KEY (a, b, A)";
  ExpectError(text, "SF309", "column 'A' is listed twice in KEY", 1, Col(text, "A)"));
}

TEST(ParserStatementTest, KeySyntaxErrors) {
  std::string text = "LOAD t FROM s MODE UPSERT KEY (a, b";
  ExpectError(text, "SF106", "expected ',' or ')' after column 'b', found end of statement", 1,
              static_cast<int>(text.size()) + 1);
  text = "LOAD t FROM s MODE UPSERT KEY ()";
  ExpectError(text, "SF106", "expected a column name after KEY (, found ')'", 1, Col(text, ")"));
}

TEST(ParserStatementTest, DuckDbLoadExtensionIsSF106WithHint) {
  Parsed parsed = Parse("LOAD httpfs");
  const Diagnostic& error = parsed.Only();
  EXPECT_EQ(error.code, "SF106");
  EXPECT_EQ(error.message, "expected FROM <source> after LOAD httpfs, found end of statement");
  ASSERT_EQ(error.hints.size(), 1u);
  EXPECT_NE(error.hints[0].find("DuckDB's LOAD <extension> is not available in pipelines"),
            std::string::npos);

  parsed = Parse("LOAD 'ext/spatial.duckdb_extension'");
  EXPECT_EQ(parsed.Only().code, "SF106");
  EXPECT_EQ(parsed.Only().pos.column, 6);
  ASSERT_EQ(parsed.Only().hints.size(), 1u);
  EXPECT_NE(parsed.Only().hints[0].find("DuckDB"), std::string::npos);
}

TEST(ParserStatementTest, MissingSemicolonBeforeNextStatementSF105) {
  std::string text = "LOAD a FROM s\nLOAD b FROM s";
  ExpectError(text, "SF105", "expected ';' before 'LOAD'", 2, 1, "is a ';' missing at the end of line 1?");
  text = "LOAD a FROM s MODE APPEND oops";
  ExpectError(text, "SF106", "expected ';' after MODE APPEND, found 'oops'", 1, Col(text, "oops"));
}

// ---------------------------------------------------------------- CREATE TABLE

TEST(ParserStatementTest, CreateKeepsQueryByteForByte) {
  std::string query =
      "SELECT order_date::DATE AS d, SUM(quantity * 1e3) AS revenue, 'it''s' AS s -- trailing; comment\n"
      "  FROM orders /* block */ WHERE note <> '--' AND j = '{\"a\": 1}' GROUP BY 1";
  std::string text = "CREATE TABLE daily AS\n  " + query + "\n  ";
  auto create = Get<CreateStmt>(text);
  EXPECT_FALSE(create.or_replace);
  EXPECT_EQ(create.table.Display(), "daily");
  EXPECT_EQ(create.mode, WriteMode::kReplace);
  EXPECT_EQ(create.query, query);
  EXPECT_EQ(create.query_offset, text.find("SELECT"));
  EXPECT_EQ(text.substr(create.query_offset, create.query.size()), create.query);
}

TEST(ParserStatementTest, CreateForms) {
  auto create = Get<CreateStmt>("CREATE OR REPLACE TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x");
  EXPECT_TRUE(create.or_replace);
  EXPECT_EQ(create.query, "WITH x AS (SELECT 1) SELECT * FROM x");

  create = Get<CreateStmt>("create table s.t mode UPSERT key (id) as (select 1 as id)");
  EXPECT_EQ(create.table.Display(), "s.t");
  EXPECT_EQ(create.mode, WriteMode::kUpsert);
  ASSERT_EQ(create.key.size(), 1u);
  EXPECT_EQ(create.query, "(select 1 as id)");

  create = Get<CreateStmt>("CREATE TABLE t MODE APPEND AS FROM src");
  EXPECT_EQ(create.mode, WriteMode::kAppend);
  create = Get<CreateStmt>("CREATE TABLE t MODE REPLACE AS VALUES (1)");
  EXPECT_EQ(create.mode, WriteMode::kReplace);
  create = Get<CreateStmt>("CREATE OR REPLACE TABLE t MODE REPLACE AS SELECT 1");
  EXPECT_TRUE(create.or_replace);
}

TEST(ParserStatementTest, CreateIncremental) {
  auto create = Get<CreateStmt>(
      "CREATE TABLE daily_events MODE INCREMENTAL BY event_ts LOOKBACK 1 DAY AS\n"
      "SELECT * FROM raw_events WHERE event_ts >= @start_dt AND event_ts <= @end_dt");
  EXPECT_EQ(create.mode, WriteMode::kIncremental);
  ASSERT_TRUE(create.incremental_by);
  EXPECT_EQ(create.incremental_by->text, "event_ts");
  ASSERT_TRUE(create.lookback);
  EXPECT_EQ(create.lookback->Normalized(), "1 day");

  EXPECT_EQ(Get<CreateStmt>("CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK '7 days' AS SELECT 1")
                .lookback->Normalized(),
            "7 day");
  EXPECT_EQ(Get<CreateStmt>("CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK 2 Weeks AS SELECT 1")
                .lookback->Normalized(),
            "2 week");
  EXPECT_EQ(Get<CreateStmt>("CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK 0 hours AS SELECT 1")
                .lookback->Normalized(),
            "0 hour");
  EXPECT_FALSE(Get<CreateStmt>("CREATE TABLE t MODE INCREMENTAL BY d AS SELECT 1").lookback);
}

TEST(ParserStatementTest, CreateModeErrors) {
  std::string text = "CREATE TABLE t MODE INCREMENTAL AS SELECT 1";
  ExpectError(text, "SF112", "INCREMENTAL mode requires BY <time_column>", 1, Col(text, "INCREMENTAL"));
  text = "CREATE TABLE t MODE APPEND LOOKBACK 1 day AS SELECT 1";
  ExpectError(text, "SF113", "LOOKBACK can only be used with INCREMENTAL mode", 1, Col(text, "LOOKBACK"));
  text = "CREATE OR REPLACE TABLE t MODE APPEND AS SELECT 1";
  ExpectError(text, "SF115", "OR REPLACE can only be used with MODE REPLACE", 1, Col(text, "OR"));
  text = "CREATE TABLE t MODE UPSERT AS SELECT 1";
  ExpectError(text, "SF110", "UPSERT mode requires KEY (column, ...)", 1, Col(text, "UPSERT"));
}

TEST(ParserStatementTest, InvalidLookbackSF114) {
  const std::string units = "expected '<number> <unit>' (second, minute, hour, day, week, month, year)";
  std::string text = "CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK '7 fortnights' AS SELECT 1";
  ExpectError(text, "SF114", "invalid LOOKBACK '7 fortnights': " + units, 1, Col(text, "'7"));
  text = "CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK 3 AS SELECT 1";
  ExpectError(text, "SF114", "invalid LOOKBACK '3 AS': " + units, 1, Col(text, "3"));
  text = "CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK 'soon' AS SELECT 1";
  ExpectError(text, "SF114", "invalid LOOKBACK 'soon': " + units, 1, Col(text, "'soon"));
  text = "CREATE TABLE t MODE INCREMENTAL BY d LOOKBACK '-1 day' AS SELECT 1";
  ExpectError(text, "SF114", "invalid LOOKBACK '-1 day': " + units, 1, Col(text, "'-1"));
}

TEST(ParserStatementTest, CreateQueryMustStartWithAQuerySF116) {
  const std::string message = "expected a query after AS (SELECT, WITH, FROM, VALUES or '(')";
  std::string text = "CREATE TABLE t AS INSERT INTO x VALUES (1)";
  ExpectError(text, "SF116", message, 1, Col(text, "INSERT"));
  text = "CREATE TABLE t AS";
  ExpectError(text, "SF116", message, 1, Col(text, "AS"));
  text = "CREATE TABLE t MODE APPEND SELECT 1";
  ExpectError(text, "SF106", "expected AS <query> after MODE APPEND, found 'SELECT'", 1, Col(text, "SELECT"));
}

// ---------------------------------------------------------------- EXPORT

TEST(ParserStatementTest, ExportQueryForm) {
  std::string text = R"(EXPORT SELECT * FROM daily ORDER BY order_date TO "output/prod/daily.csv")";
  auto exp = Get<ExportStmt>(text);
  EXPECT_FALSE(exp.table);
  EXPECT_EQ(exp.query, "SELECT * FROM daily ORDER BY order_date");
  EXPECT_EQ(exp.query_offset, 7u);
  EXPECT_EQ(exp.destination, "output/prod/daily.csv");
  EXPECT_FALSE(exp.destination_is_connector);
  EXPECT_EQ(exp.destination_offset, text.find('"'));
  EXPECT_EQ(exp.destination_length, std::string(R"("output/prod/daily.csv")").size());
  EXPECT_FALSE(exp.type);
  EXPECT_FALSE(exp.options);
}

TEST(ParserStatementTest, ExportTableForm) {
  auto exp = Get<ExportStmt>(R"(EXPORT daily TO 'output/dev/daily.parquet')");
  ASSERT_TRUE(exp.table);
  EXPECT_EQ(exp.table->Display(), "daily");
  EXPECT_EQ(exp.query, "SELECT * FROM daily");
  EXPECT_EQ(exp.destination, "output/dev/daily.parquet");

  exp =
      Get<ExportStmt>(R"(EXPORT main."My T" TO "x.csv" TYPE csv OPTIONS {"header": true, "delimiter": ";"})");
  EXPECT_EQ(exp.query, R"(SELECT * FROM main."My T")");
  ASSERT_TRUE(exp.type);
  EXPECT_EQ(exp.type->text, "csv");
  ASSERT_TRUE(exp.options);
  EXPECT_EQ(exp.options->value.dump(), R"({"header":true,"delimiter":";"})");
}

TEST(ParserStatementTest, ExportToConnector) {
  auto exp = Get<ExportStmt>(R"(EXPORT SELECT 1 AS x TO warehouse OPTIONS {"table": "t"})");
  EXPECT_TRUE(exp.destination_is_connector);
  EXPECT_EQ(exp.destination, "warehouse");
}

TEST(ParserStatementTest, ExportFindsTheLastTopLevelTo) {
  // TO inside parentheses, strings, quoted identifiers and comments does not count; the last TO whose tail
  // parses wins.
  std::string query =
      "SELECT 'TO' AS \"to\", x FROM t(to) /* TO 'no' */ WHERE a IN (SELECT b TO c) AND d = 1 AS to";
  auto exp = Get<ExportStmt>("EXPORT " + query + " TO 'out.csv'");
  EXPECT_EQ(exp.query, query);
  EXPECT_EQ(exp.destination, "out.csv");

  exp = Get<ExportStmt>("EXPORT SELECT 1 AS to TO 'a.csv' TYPE csv");
  EXPECT_EQ(exp.query, "SELECT 1 AS to");
  EXPECT_EQ(exp.destination, "a.csv");
}

TEST(ParserStatementTest, ExportErrors) {
  const std::string no_to = "EXPORT requires TO <destination>: a quoted path or URI, or a connector name";
  const std::string head =
      "EXPORT expects a query (SELECT, WITH, FROM, VALUES or '(') or a table name before TO";
  ExpectError("EXPORT SELECT 1", "SF118", no_to, 1, 1);
  ExpectError("EXPORT (SELECT 1 TO 'x.csv'", "SF118", no_to, 1, 1);  // the TO is inside the parenthesis
  std::string text = "EXPORT t TO";
  ExpectError(text, "SF118", no_to, 1, Col(text, "TO"));
  text = "EXPORT INSERT INTO x VALUES (1) TO 'x.csv'";
  ExpectError(text, "SF117", head, 1, Col(text, "INSERT"));
  text = "EXPORT a b TO 'x.csv'";
  ExpectError(text, "SF117", head, 1, Col(text, "a b"));
  text = "EXPORT TO 'x.csv'";
  ExpectError(text, "SF117", head, 1, Col(text, "TO"));
  text = R"(EXPORT t TO 'x.csv' PARAMS {"a": 1})";
  ExpectError(text, "SF106", "expected TYPE, OPTIONS or ';' after TO 'x.csv', found 'PARAMS'", 1,
              Col(text, "PARAMS"), "EXPORT takes OPTIONS {...}; PARAMS belongs to SOURCE");
  // §3.6: the error comes from the tail after the last TO.
  text = "EXPORT t TO \"x.csv\"\nLOAD a FROM b";
  ExpectError(text, "SF105", "expected ';' before 'LOAD'", 2, 1, "is a ';' missing at the end of line 1?");
  text = R"(EXPORT t TO 'x.csv' OPTIONS {"header": true,})";
  ExpectError(text, "SF107", "invalid JSON in OPTIONS: trailing ',' before '}'", 1, Col(text, ",}"),
              "remove the trailing ','");
}

// ---------------------------------------------------------------- SET

TEST(ParserStatementTest, SetValues) {
  auto set = Get<SetStmt>("SET min_qty = 1");
  EXPECT_EQ(set.name.text, "min_qty");
  EXPECT_EQ(set.value, "1");
  EXPECT_EQ(set.value_offset, 14u);
  EXPECT_EQ(Get<SetStmt>("SET p = data/file.csv").value, "data/file.csv");
  EXPECT_EQ(Get<SetStmt>("SET n = -5").value, "-5");
  EXPECT_EQ(Get<SetStmt>("SET s = 'it''s'").value, "it's");
  EXPECT_EQ(Get<SetStmt>("SET s = \"a\"\"b\"").value, "a\"b");
  EXPECT_EQ(Get<SetStmt>("SET s = 'a' || 'b'").value, "'a' || 'b'");
  EXPECT_EQ(Get<SetStmt>("SET s = 'x' -- comment").value, "x");
  EXPECT_EQ(Get<SetStmt>("SET s = a/* c */b  -- d\n").value, "ab");
  EXPECT_EQ(Get<SetStmt>("SET s = '-- not a comment'").value, "-- not a comment");
  EXPECT_EQ(Get<SetStmt>("set threads = 4").name.text, "threads");  // a pipeline variable
  // `$${` never opens a dollar quote, so the comment after it is still removed.
  EXPECT_EQ(Get<SetStmt>("SET s = $${x} -- c").value, "$${x}");
}

TEST(ParserStatementTest, InvalidSetSF124) {
  const std::string message = "invalid SET: expected SET <name> = <value>;";
  const std::string hint = "use SET SESSION <setting> = <value>; for DuckDB settings";
  std::string text = "SET threads TO 4";
  ExpectError(text, "SF124", message, 1, Col(text, "TO"), hint);
  text = "SET 1x = 3";
  ExpectError(text, "SF124", message, 1, Col(text, "1x"), hint);
  text = "SET x = -- nothing";
  Parsed parsed = Parse(text);
  EXPECT_EQ(parsed.Only().code, "SF124");
  EXPECT_EQ(parsed.Only().message, message);
  EXPECT_EQ(parsed.Only().pos.column, Col(text, "="));
  EXPECT_TRUE(parsed.Only().hints.empty());  // the hint is only for the wrong form
}

// ---------------------------------------------------------------- transactions

TEST(ParserStatementTest, TransactionControlSF122) {
  for (const char* word : {"BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT"}) {
    ExpectError(std::string(word) + " TRANSACTION", "SF122",
                "transaction control (" + std::string(word) + ") is not allowed in pipelines", 1, 1,
                "each step already runs in its own transaction");
  }
  ExpectError("start transaction", "SF122",
              "transaction control (START TRANSACTION) is not allowed in pipelines", 1, 1,
              "each step already runs in its own transaction");
  Parsed parsed = Parse("START TRANSACTION");
  EXPECT_EQ(parsed.Only().pos.length, 17);
}

// ---------------------------------------------------------------- positions after substitution

TEST(ParserStatementTest, ErrorInsideVariableValuePointsAtTheReference) {
  // File text: LOAD t FROM s MODE ${m};  with m = "upsrt".
  std::string file_text = "x;\nLOAD t FROM s MODE ${m};\n";
  auto file = std::make_shared<const SourceFile>("pipelines/p.sf", file_text);
  size_t begin = file_text.find("LOAD");
  size_t ref = file_text.find("${m}");
  variables::SubstitutedText text;
  text.file = file;
  text.text = "LOAD t FROM s MODE upsrt";
  text.segments.push_back({0, ref - begin, begin, ref, false, ""});
  text.segments.push_back({ref - begin, ref - begin + 5, ref, ref + 4, true, "m"});
  Diagnostics diagnostics;
  EXPECT_FALSE(ParseStatement(text, diagnostics));
  ASSERT_EQ(diagnostics.All().size(), 1u);
  const Diagnostic& error = diagnostics.All()[0];
  EXPECT_EQ(error.code, "SF109");
  EXPECT_EQ(error.pos.line, 2);
  EXPECT_EQ(error.pos.column, 20);
  EXPECT_EQ(error.pos.length, 4);  // the whole ${m}
}

}  // namespace
}  // namespace sqlflow::parser
