// The executor's table merge (LANGUAGE.md §9.4-9.5): each write mode from a staging table into a target,
// staging tables beside their target, qualified names kept exactly, and a failed merge rolled back with the
// step's transaction leaving the target as it was.
#include <gtest/gtest.h>

#include "sqlflow/common/error.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/executor/executor.h"
#include "sqlflow/executor/step_context.h"

namespace sqlflow::executor {
namespace {

class MergeTest : public ::testing::Test {
 protected:
  MergeTest() : db_(engine::Database::Open({})), conn_(*db_) {}

  std::string Rows(const std::string& table_sql) {
    auto result = conn_.Query("SELECT * FROM " + table_sql + " ORDER BY ALL");
    std::string out;
    for (uint64_t r = 0; r < result.row_count(); ++r) {
      for (uint64_t c = 0; c < result.column_count(); ++c) out += (c ? "," : "") + result.GetString(c, r);
      out += ";";
    }
    return out;
  }
  // `merge`: the rows will be appended or upserted into an existing target (a TEMP staging table).
  TableRef Staging(const TableRef& target, const std::string& values, bool merge = true) {
    TableRef staging = StagingFor(conn_, target, 0, merge);
    conn_.Execute(CreateStaging(staging) + " AS SELECT * FROM (VALUES " + values + ") v(id, name)");
    return staging;
  }
  bool Exists(const TableRef& table) { return DescribeTable(conn_, table).has_value(); }

  std::unique_ptr<engine::Database> db_;
  engine::Connection conn_;
  const TableRef target_{"", "", "people"};
};

TEST_F(MergeTest, ReplaceCreatesThenReplacesRowsAndDropsStaging) {
  TableRef staging = Staging(target_, "(1, 'ann'), (2, 'bob')", false);
  MergeStaging(conn_, staging, target_, WriteMode::kReplace, {}, "src");
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;2,bob;");
  EXPECT_FALSE(Exists(staging));
  staging = Staging(target_, "(3, 'cy')", false);
  MergeStaging(conn_, staging, target_, WriteMode::kReplace, {}, "src");
  EXPECT_EQ(Rows(target_.Sql()), "3,cy;");
}

TEST_F(MergeTest, AppendKeepsExistingRows) {
  MergeStaging(conn_, Staging(target_, "(1, 'ann')", false), target_, WriteMode::kReplace, {}, "src");
  MergeStaging(conn_, Staging(target_, "(1, 'ann'), (2, 'bob')"), target_, WriteMode::kAppend, {}, "src");
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;1,ann;2,bob;");
}

TEST_F(MergeTest, UpsertUpdatesMatchesInsertsTheRestAndCounts) {
  MergeStaging(conn_, Staging(target_, "(1, 'ann'), (2, 'bob')", false), target_, WriteMode::kReplace, {},
               "src");
  auto [inserted, updated] = MergeStaging(conn_, Staging(target_, "(2, 'bobby'), (3, 'cy')"), target_,
                                          WriteMode::kUpsert, {"id"}, "src");
  EXPECT_EQ(inserted, 1);
  EXPECT_EQ(updated, 1);
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;2,bobby;3,cy;");
}

TEST_F(MergeTest, MergedRowsStageInATempTableOnlyWhenTheTargetExists) {
  TableRef first = StagingFor(conn_, target_, 0, true);
  EXPECT_EQ(first.catalog, "");  // the staging table will become the target: beside it
  MergeStaging(conn_, Staging(target_, "(1, 'ann')", false), target_, WriteMode::kReplace, {}, "src");
  TableRef merged = StagingFor(conn_, target_, 0, true);
  EXPECT_EQ(merged.catalog, "temp");  // copied into the existing target: never written to the database
  EXPECT_EQ(StagingFor(conn_, target_, 0, false).catalog, "");
  MergeStaging(conn_, Staging(target_, "(2, 'bob')"), target_, WriteMode::kAppend, {}, "src");
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;2,bob;");
  EXPECT_FALSE(Exists(merged));
}

TEST_F(MergeTest, CompositeKeysRepeatOnlyWhenAllPartsRepeat) {
  MergeStaging(conn_, Staging(target_, "(1, 'ann')", false), target_, WriteMode::kReplace, {}, "src");
  auto [inserted, updated] = MergeStaging(conn_, Staging(target_, "(1, 'ann'), (1, 'bob'), (2, 'ann')"),
                                          target_, WriteMode::kUpsert, {"id", "name"}, "src");
  EXPECT_EQ(inserted, 2);
  EXPECT_EQ(updated, 1);
  try {
    MergeStaging(conn_, Staging(target_, "(3, 'cy'), (3, 'cy'), (4, 'di')"), target_, WriteMode::kUpsert,
                 {"id", "name"}, "src");
    FAIL() << "duplicate composite keys were merged";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SF605");
    EXPECT_NE(std::string(e.what()).find("1 key value(s) occur more than once"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("e.g. (id=3, name=cy)"), std::string::npos) << e.what();
  }
}

TEST_F(MergeTest, UpsertWithDuplicateKeysIsSF605AndRollbackKeepsTheTarget) {
  MergeStaging(conn_, Staging(target_, "(1, 'ann')", false), target_, WriteMode::kReplace, {}, "src");
  conn_.Execute("BEGIN TRANSACTION");
  TableRef staging = Staging(target_, "(1, 'a1'), (1, 'a2')");
  try {
    MergeStaging(conn_, staging, target_, WriteMode::kUpsert, {"id"}, "src");
    FAIL() << "duplicate keys were merged";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SF605");
    EXPECT_EQ(e.kind(), ErrorKind::kDataError);
    EXPECT_NE(std::string(e.what()).find("e.g. (id=1)"), std::string::npos) << e.what();
    EXPECT_EQ(e.hint(),
              "return one row per key (e.g. QUALIFY row_number() OVER (PARTITION BY \"id\" ORDER BY <newest "
              "first>) = 1 in the query or a transform before it), or use MODE REPLACE");
  }
  conn_.Execute("ROLLBACK");
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;");
  EXPECT_FALSE(Exists(staging));
}

TEST_F(MergeTest, ReplaceRolledBackWithTheStepLeavesTheOldRows) {
  MergeStaging(conn_, Staging(target_, "(1, 'ann')", false), target_, WriteMode::kReplace, {}, "src");
  conn_.Execute("BEGIN TRANSACTION");
  MergeStaging(conn_, Staging(target_, "(9, 'zed')", false), target_, WriteMode::kReplace, {}, "src");
  EXPECT_EQ(Rows(target_.Sql()), "9,zed;");
  conn_.Execute("ROLLBACK");
  EXPECT_EQ(Rows(target_.Sql()), "1,ann;");
}

TEST_F(MergeTest, DottedIdentifierIsOneTableAndSchemaQualifiedNameUsesTheSchema) {
  const TableRef dotted{"", "", "a.b"};
  MergeStaging(conn_, Staging(dotted, "(1, 'ann')", false), dotted, WriteMode::kReplace, {}, "src");
  EXPECT_EQ(Rows("\"a.b\""), "1,ann;");
  EXPECT_FALSE(conn_.QueryValue("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'a'").value() !=
               "0");

  conn_.Execute("CREATE SCHEMA analytics");
  const TableRef qualified{"", "analytics", "orders"};
  TableRef staging = Staging(qualified, "(2, 'bob')");
  EXPECT_EQ(staging.schema, "analytics");
  MergeStaging(conn_, staging, qualified, WriteMode::kReplace, {}, "src");
  EXPECT_EQ(Rows("analytics.orders"), "2,bob;");
  EXPECT_EQ(qualified.Display(), "analytics.orders");
  EXPECT_EQ(dotted.Display(), "\"a.b\"");
  EXPECT_EQ(dotted.Sql(), "\"a.b\"");
}

TEST(EngineErrorKinds, DuckDBErrorClassesBecomeErrorKindsAtTheBoundary) {
  auto db = engine::Database::Open({});
  engine::Connection conn(*db);
  auto kind_of = [&](const std::string& sql) {
    try {
      conn.Execute(sql);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "SF613") << sql;
      return e.kind();
    }
    return ErrorKind::kOk;
  };
  EXPECT_EQ(kind_of("SELECT * FROM no_such_table"), ErrorKind::kNotFound);
  EXPECT_EQ(kind_of("SELECT CAST('x' AS INTEGER)"), ErrorKind::kDataError);
  conn.Execute("CREATE TABLE k (id INTEGER PRIMARY KEY)");
  conn.Execute("INSERT INTO k VALUES (1)");
  EXPECT_EQ(kind_of("INSERT INTO k VALUES (1)"), ErrorKind::kDataError);
  EXPECT_EQ(kind_of("SELECT 1 FROM read_csv('/no/such/file.csv')"), ErrorKind::kDataError);  // local I/O
  EXPECT_EQ(kind_of("SET threads = 'many'"), ErrorKind::kDataError);
}

}  // namespace
}  // namespace sqlflow::executor

namespace sqlflow::executor {
namespace {

TEST(UserFacingMessage, DropsTheEngineExcerptAndNamesTheFileTheUserAskedFor) {
  EXPECT_EQ(
      UserFacingMessage("Binder Error: Referenced column \"amout\" not found in FROM clause!\n"
                        "Candidate bindings: \"amount\"\n\nLINE 1: CREATE OR REPLACE TABLE \"t\" AS SELECT "
                        "amout FROM s\n                                                 ^"),
      "Binder Error: Referenced column \"amout\" not found in FROM clause!\nCandidate bindings: \"amount\"");
  EXPECT_EQ(
      UserFacingMessage("IO Error: Cannot open file \"output/.x.csv.sqlflow-tmp-a1B2c3\": No space left"),
      "IO Error: Cannot open file \"output/x.csv\": No space left");
  EXPECT_EQ(UserFacingMessage(".daily.parquet.sqlflow-tmp-9z is locked"), "daily.parquet is locked");
  EXPECT_EQ(UserFacingMessage("plain message"), "plain message");
}

}  // namespace
}  // namespace sqlflow::executor
