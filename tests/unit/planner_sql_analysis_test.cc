#include <gtest/gtest.h>

#include "sqlflow/planner/sql_analysis.h"

namespace sqlflow::planner {
namespace {

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SqlAnalysisTest, QueryReadsBaseTablesButNotCtesOrTableFunctions) {
  SqlAnalyzer analyzer;
  auto use = analyzer.AnalyzeQuery(
      "WITH c AS (SELECT * FROM a) SELECT * FROM c JOIN Sales.B ON true "
      "WHERE x IN (SELECT y FROM d) AND EXISTS (SELECT 1 FROM read_csv('x.csv')) UNION ALL SELECT * FROM "
      "'data/f.csv'");
  ASSERT_TRUE(use.analyzed);
  EXPECT_EQ(Sorted(use.reads), (std::vector<std::string>{"a", "d", "sales.b"}));
}

// Prefetch serializes all queries in one engine call; its analyses must be exactly those of one call each,
// for valid queries, parse errors (with their positions), non-queries, several statements and deep nesting.
TEST(SqlAnalysisTest, PrefetchGivesTheSameAnalysesAsOneCallEach) {
  std::string deep = "SELECT * FROM deep_base WHERE x = ";
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += ")";
  const std::vector<std::string> queries = {
      "WITH c AS (SELECT * FROM a) SELECT * FROM c JOIN Sales.B ON true WHERE x IN (SELECT y FROM d)",
      "SELECT * FROM db.s.t, information_schema.tables, main.plain",
      "SELECT id, FROM WHERE",
      "SELECT * FROM t WHERE a = 'unterminated",
      "INSERT INTO t VALUES (1)",
      "SELECT 1; SELECT * FROM second_statement",
      "",
      "FROM \"Quoted Name\" SELECT *",
      "SELECT * FROM t1 UNION ALL SELECT * FROM t2 ORDER BY 1",
      "SELECT 'caf\xc3\xa9' AS s FROM unicode_table",
      deep,
      "SELECT * FROM t1 UNION ALL SELECT * FROM t2 ORDER BY 1",  // again: duplicates are analysed once
  };
  SqlAnalyzer batched;
  EXPECT_EQ(batched.Prefetch(queries), queries.size() - 1);
  for (const auto& query : queries) {
    SqlAnalyzer single;
    TableUse expected = single.AnalyzeQuery(query);
    TableUse got = batched.AnalyzeQuery(query);
    SCOPED_TRACE(query.substr(0, 80));
    EXPECT_EQ(got.analyzed, expected.analyzed);
    EXPECT_EQ(got.reads, expected.reads);
    EXPECT_EQ(got.parse_error, expected.parse_error);
    EXPECT_EQ(got.error_position, expected.error_position);
  }
  SqlAnalyzer single;
  EXPECT_EQ(single.AnalyzeQuery(deep).reads, std::vector<std::string>{"deep_base"});
  EXPECT_TRUE(single.AnalyzeQuery("SELECT id, FROM WHERE").parse_error.has_value());
}

TEST(SqlAnalysisTest, PrefetchOfManyQueriesKeepsEachResultWithItsQuery) {
  std::vector<std::string> queries;
  for (int i = 0; i < 700; ++i)  // several batches
    queries.push_back(i % 7 == 3 ? "SELECT FROM broken_" + std::to_string(i) + " WHERE"
                                 : "SELECT * FROM t" + std::to_string(i) + " JOIN u" + std::to_string(i) +
                                       " USING (id)");
  SqlAnalyzer analyzer;
  EXPECT_EQ(analyzer.Prefetch(queries), queries.size());
  for (int i = 0; i < 700; ++i) {
    TableUse use = analyzer.AnalyzeQuery(queries[i]);
    if (i % 7 == 3) {
      EXPECT_TRUE(use.parse_error.has_value()) << i;
    } else {
      EXPECT_EQ(Sorted(use.reads),
                (std::vector<std::string>{"t" + std::to_string(i), "u" + std::to_string(i)}))
          << i;
    }
  }
}

TEST(SqlAnalysisTest, CatalogQualifiedAndSystemSchemasAreNeverChecked) {
  SqlAnalyzer analyzer;
  auto use = analyzer.AnalyzeQuery(
      "SELECT * FROM db.s.t, information_schema.tables, pg_catalog.pg_class, main.plain");
  EXPECT_EQ(use.reads, std::vector<std::string>{"plain"});
}

TEST(SqlAnalysisTest, StatementsReportWritesAndCreates) {
  SqlAnalyzer analyzer;
  auto create = analyzer.AnalyzeStatement("CREATE OR REPLACE TEMP VIEW v AS SELECT * FROM src WHERE a > 1");
  EXPECT_EQ(create.creates, std::vector<std::string>{"v"});
  EXPECT_EQ(create.reads, std::vector<std::string>{"src"});

  auto insert =
      analyzer.AnalyzeStatement("INSERT INTO target (a, b) SELECT a, b FROM staging JOIN other USING (a)");
  EXPECT_EQ(insert.writes, std::vector<std::string>{"target"});
  EXPECT_EQ(Sorted(insert.reads), (std::vector<std::string>{"other", "staging", "target"}));

  auto del = analyzer.AnalyzeStatement("DELETE FROM t WHERE id IN (SELECT id FROM gone)");
  EXPECT_EQ(del.writes, std::vector<std::string>{"t"});
  EXPECT_EQ(Sorted(del.reads), (std::vector<std::string>{"gone", "t"}));

  auto rename = analyzer.AnalyzeStatement("ALTER TABLE old_name RENAME TO new_name");
  EXPECT_EQ(rename.creates, std::vector<std::string>{"new_name"});

  auto drop = analyzer.AnalyzeStatement("DROP TABLE IF EXISTS maybe");
  EXPECT_EQ(drop.writes, std::vector<std::string>{"maybe"});
  EXPECT_TRUE(drop.reads.empty());

  auto ddl = analyzer.AnalyzeStatement("CREATE TABLE IF NOT EXISTS \"Mixed Case\" (a INT)");
  EXPECT_EQ(ddl.creates, std::vector<std::string>{"mixed case"});
}

TEST(SqlAnalysisTest, ParseErrorsComeFromDuckDB) {
  SqlAnalyzer analyzer;
  EXPECT_FALSE(analyzer.ParseError("SELECT * FROM not_bound_is_fine").has_value());
  auto error = analyzer.ParseError("SELECT FROM WHERE");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("syntax error"), std::string::npos);
}

TEST(SqlAnalysisTest, TimeMacrosOutsideStringsAndComments) {
  std::string sql =
      "SELECT * FROM t WHERE ts >= @start_dt AND d <= @END_DATE -- @end_dt\n AND s = '@start_date'";
  EXPECT_EQ(FindTimeMacros(sql), (std::vector<std::string>{"@start_dt", "@end_date"}));
  EXPECT_TRUE(FindTimeMacros("SELECT '@start_dt', @start_dtx").empty());
  EXPECT_EQ(ReplaceTimeMacros(sql, "DATE 'a'", "DATE 'b'", "TIMESTAMP 'c'", "TIMESTAMP 'd'"),
            "SELECT * FROM t WHERE ts >= TIMESTAMP 'c' AND d <= DATE 'b' -- @end_dt\n AND s = '@start_date'");
}

TEST(SqlAnalysisTest, TypeStringsAreValidatedByDuckDB) {
  SqlAnalyzer analyzer;
  EXPECT_TRUE(analyzer.IsValidType("DECIMAL(18,2)"));
  EXPECT_TRUE(analyzer.IsValidType("number"));
  EXPECT_TRUE(analyzer.IsValidType("STRUCT(a INTEGER, b VARCHAR)[]"));
  EXPECT_FALSE(analyzer.IsValidType("NOT_A_TYPE"));
}

}  // namespace
}  // namespace sqlflow::planner
