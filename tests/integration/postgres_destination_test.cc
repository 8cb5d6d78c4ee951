// The postgres destination on a real server: every mode and replace strategy, upsert with and without a
// unique index (F22), duplicate / NULL keys (F21), and failed writes that leave the target as it was.
#include <gtest/gtest.h>

#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::testing {
namespace {

using connectors::WriteMode;

class PostgresDestination : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = engine::Database::Open({});
    duck_ = std::make_unique<engine::Connection>(*db_);
  }
  std::unique_ptr<connectors::Destination> Make(nlohmann::ordered_json params) {
    params["uri"] = dsn_;
    auto destination = connectors::MakePostgresDestination();
    destination->Configure(DestinationParams(params));
    return destination;
  }
  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::Connection> duck_;
  std::string dsn_;
};

#define SETUP_PG()         \
  SQLFLOW_REQUIRE_PG(dsn); \
  dsn_ = dsn;              \
  PgAdmin admin(dsn);      \
  const std::string table = TestTableName()

TEST_F(PostgresDestination, ReplaceCreatesThenReplacesTheRows) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table);
  auto destination = Make({});
  duck_->Execute("CREATE TABLE a AS SELECT range AS id, 'v' || range AS v FROM range(5)");
  auto result = ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kReplace);
  EXPECT_EQ(result.rows, 5);
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "5");
  duck_->Execute("CREATE TABLE b AS SELECT range + 10 AS id, 'w' AS v FROM range(3)");
  ExportTo(*destination, *duck_, "SELECT * FROM b", table, WriteMode::kReplace);
  EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table + " ORDER BY id"),
            (std::vector<std::string>{"10|w", "11|w", "12|w"}));
}

TEST_F(PostgresDestination, EveryReplaceStrategy) {
  SETUP_PG();
  duck_->Execute("CREATE TABLE a AS SELECT 1 AS id, 'new' AS v");
  for (const std::string strategy : {"truncate", "delete", "drop"}) {
    admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
               " (id bigint, v text, extra text DEFAULT 'd'); INSERT INTO " + table +
               " VALUES (7, 'old', 'x')");
    auto destination = Make({{"replace_strategy", strategy}});
    ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kReplace);
    EXPECT_EQ(admin.Rows("SELECT * FROM " + table),
              std::vector<std::string>{strategy == "drop" ? "1|new" : "1|new|d"})
        << strategy;
  }
}

TEST_F(PostgresDestination, TruncateOfAReferencedTableFailsWithAHint) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "_child, " + table + "; CREATE TABLE " + table +
             " (id int PRIMARY KEY); CREATE TABLE " + table + "_child (p int REFERENCES " + table +
             "); INSERT INTO " + table + " VALUES (1)");
  duck_->Execute("CREATE TABLE a AS SELECT 2::INTEGER AS id");
  auto destination = Make({});
  try {
    ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kReplace);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("foreign key"), std::string::npos) << error.what();
    EXPECT_NE(error.hint().find("replace_strategy"), std::string::npos) << error.hint();
  }
  EXPECT_EQ(admin.Value("SELECT id FROM " + table), "1");
  auto deleting = Make({{"replace_strategy", "delete"}});
  admin.Exec("DROP TABLE " + table + "_child");
  ExportTo(*deleting, *duck_, "SELECT * FROM a", table, WriteMode::kReplace);
  EXPECT_EQ(admin.Value("SELECT id FROM " + table), "2");
}

TEST_F(PostgresDestination, AppendMatchesColumnsByNameAndFillsDefaults) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; DROP TYPE IF EXISTS " + table + "_color; CREATE TYPE " +
             table + "_color AS ENUM ('red', 'blue'); CREATE TABLE " + table +
             " (note varchar(10), id integer, color " + table +
             "_color, created text DEFAULT 'dflt'); INSERT INTO " + table + " VALUES ('first', 0, 'red')");
  duck_->Execute("CREATE TABLE a AS SELECT 1 AS id, 'blue' AS color, 'second' AS note");
  auto destination = Make({});
  auto result = ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kAppend);
  EXPECT_EQ(result.rows, 1);
  EXPECT_EQ(admin.Rows("SELECT id, note, color, created FROM " + table + " ORDER BY id"),
            (std::vector<std::string>{"0|first|red|dflt", "1|second|blue|dflt"}));
}

TEST_F(PostgresDestination, AppendNamesAnExportColumnMissingFromTheTarget) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int); INSERT INTO " + table +
             " VALUES (1)");
  duck_->Execute("CREATE TABLE a AS SELECT 2 AS id, 'x' AS surprise");
  auto destination = Make({});
  try {
    ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kAppend);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("column 'surprise'"), std::string::npos) << error.what();
  }
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "1");
}

TEST_F(PostgresDestination, MissingTableWithCreateTableFalseIsNotFound) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table);
  duck_->Execute("CREATE TABLE a AS SELECT 1 AS id");
  auto destination = Make({{"create_table", false}});
  try {
    ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kAppend);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("does not exist (create_table is false)"), std::string::npos);
  }
}

TEST_F(PostgresDestination, SchemaQualifiedAndQuotedTableNames) {
  SETUP_PG();
  admin.Exec("DROP SCHEMA IF EXISTS " + table + "_s CASCADE; CREATE SCHEMA " + table + "_s");
  duck_->Execute("CREATE TABLE a AS SELECT 1 AS \"Mixed Case\", 'ü' AS \"naïve\"");
  auto destination = Make({});
  ExportTo(*destination, *duck_, "SELECT * FROM a", table + "_s.\"My Table\"", WriteMode::kReplace);
  EXPECT_EQ(admin.Rows("SELECT \"Mixed Case\", \"naïve\" FROM " + table + "_s.\"My Table\""),
            std::vector<std::string>{"1|ü"});
  auto in_schema = Make({{"schema", table + "_s"}});
  ExportTo(*in_schema, *duck_, "SELECT * FROM a", "Plain", WriteMode::kReplace);  // folded to lower case
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + "_s.plain"), "1");
}

// F22: the same upsert through ON CONFLICT (unique index on the keys) and through delete+insert (no index).
void CheckUpsert(PgAdmin& admin, engine::Connection& duck, connectors::Destination& destination,
                 const std::string& table, const std::string& create, const std::vector<std::string>& keys,
                 const std::string& strategy) {
  admin.Exec("DROP TABLE IF EXISTS " + table + "; " + create + "; INSERT INTO " + table +
             " VALUES (1, 'a', 'old1'), (1, 'b', 'old2'), (2, 'a', 'old3')");
  auto result = ExportTo(destination, duck, "SELECT * FROM changes", table, WriteMode::kUpsert, keys);
  EXPECT_EQ(result.rows, 3);
  EXPECT_NE(result.detail.find(strategy), std::string::npos) << result.detail;
}

TEST_F(PostgresDestination, UpsertWithAndWithoutUniqueIndexGivesTheSameTable) {
  SETUP_PG();
  auto destination = Make({});
  // Single key.
  duck_->Execute(
      "CREATE TABLE changes AS SELECT * FROM (VALUES (1, 'a', 'new1'), (3, 'c', 'new3'), (4, 'd', 'new4')) "
      "t(k, k2, v)");
  admin.Exec("DROP TABLE IF EXISTS " + table + "_x");
  for (const bool indexed : {true, false}) {
    const std::string create =
        "CREATE TABLE " + table + " (k int " + (indexed ? "PRIMARY KEY" : "") + ", k2 text, v text)";
    admin.Exec("DROP TABLE IF EXISTS " + table + "; " + create + "; INSERT INTO " + table +
               " VALUES (1, 'a', 'old1'), (2, 'b', 'old2')");
    auto result = ExportTo(*destination, *duck_, "SELECT * FROM changes", table, WriteMode::kUpsert, {"k"});
    EXPECT_EQ(result.rows, 3);
    EXPECT_NE(result.detail.find(indexed ? "via ON CONFLICT" : "via delete+insert"), std::string::npos)
        << result.detail;
    EXPECT_NE(result.detail.find("inserted 2, updated 1"), std::string::npos) << result.detail;
    EXPECT_EQ(admin.Rows("SELECT k, k2, v FROM " + table + " ORDER BY k"),
              (std::vector<std::string>{"1|a|new1", "2|b|old2", "3|c|new3", "4|d|new4"}))
        << (indexed ? "indexed" : "no index");
  }
  // Composite keys: a unique index over (k, k2) in either order, or none.
  duck_->Execute(
      "CREATE OR REPLACE TABLE changes AS SELECT * FROM (VALUES (1, 'a', 'new1'), (1, 'c', 'new2'), "
      "(2, 'a', 'new3')) t(k, k2, v)");
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"CREATE TABLE " + table + " (k int, k2 text, v text, UNIQUE (k2, k))", "via ON CONFLICT"},
      {"CREATE TABLE " + table + " (k int, k2 text, v text)", "via delete+insert"},
      // A unique index on a subset of the keys does not cover them.
      {"CREATE TABLE " + table + " (k int, k2 text, v text); CREATE UNIQUE INDEX ON " + table + " (k, k2, v)",
       "via delete+insert"}};
  for (const auto& [create, strategy] : variants) {
    CheckUpsert(admin, *duck_, *destination, table, create, {"k", "k2"}, strategy);
    EXPECT_EQ(admin.Rows("SELECT k, k2, v FROM " + table + " ORDER BY k, k2"),
              (std::vector<std::string>{"1|a|new1", "1|b|old2", "1|c|new2", "2|a|new3"}))
        << create;
  }
}

TEST_F(PostgresDestination, UpsertIntoAMissingTableCreatesItWithAPrimaryKey) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table);
  duck_->Execute("CREATE TABLE a AS SELECT range AS id, range * 2 AS v FROM range(4)");
  auto destination = Make({});
  ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kUpsert, {"id"});
  EXPECT_EQ(admin.Value("SELECT count(*) FROM pg_index WHERE indrelid = '" + table +
                        "'::regclass AND indisprimary"),
            "1");
  duck_->Execute("CREATE TABLE b AS SELECT 3 AS id, 100 AS v UNION ALL SELECT 9, 9");
  auto result = ExportTo(*destination, *duck_, "SELECT * FROM b", table, WriteMode::kUpsert, {"id"});
  EXPECT_NE(result.detail.find("via ON CONFLICT"), std::string::npos);
  EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table + " ORDER BY id"),
            (std::vector<std::string>{"0|0", "1|2", "2|4", "3|100", "9|9"}));
}

// F21: duplicate or NULL keys in the exported rows are an error naming a sample key / the column; the
// destination is unchanged.
TEST_F(PostgresDestination, DuplicateAndNullUpsertKeysLeaveTheTargetUnchanged) {
  SETUP_PG();
  auto destination = Make({});
  for (const bool exists : {true, false}) {
    admin.Exec("DROP TABLE IF EXISTS " + table);
    if (exists)
      admin.Exec("CREATE TABLE " + table + " (id int PRIMARY KEY, v text); INSERT INTO " + table +
                 " VALUES (1, 'keep')");
    duck_->Execute(
        "CREATE OR REPLACE TABLE dup AS SELECT * FROM (VALUES (1, 'x'), (2, 'y'), (2, 'z')) t(id, v)");
    try {
      ExportTo(*destination, *duck_, "SELECT * FROM dup", table, WriteMode::kUpsert, {"id"});
      FAIL() << "expected a duplicate key error";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kDataError);
      EXPECT_EQ(error.code(), "SF605");
      EXPECT_NE(std::string(error.what()).find("duplicate key (id)=(2) in exported rows"), std::string::npos)
          << error.what();
    }
    duck_->Execute(
        "CREATE OR REPLACE TABLE nul AS SELECT * FROM (VALUES (1, 'x'), (NULL, 'y'), (NULL, 'z')) t(id, v)");
    try {
      ExportTo(*destination, *duck_, "SELECT * FROM nul", table, WriteMode::kUpsert, {"id"});
      FAIL() << "expected a NULL key error";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), "SF606");
      EXPECT_NE(std::string(error.what()).find("key column 'id' is NULL in 2 exported rows"),
                std::string::npos)
          << error.what();
    }
    if (exists) {
      EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table), std::vector<std::string>{"1|keep"});
    } else {
      EXPECT_EQ(admin.Value("SELECT to_regclass('" + table + "') IS NULL"), "t")
          << "a failed upsert created the table";
    }
  }
}

TEST_F(PostgresDestination, UpsertKeyMustBeAnExportColumn) {
  SETUP_PG();
  duck_->Execute("CREATE TABLE a AS SELECT 1 AS id");
  auto destination = Make({});
  try {
    ExportTo(*destination, *duck_, "SELECT * FROM a", table, WriteMode::kUpsert, {"nope"});
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("upsert key 'nope' is not a column of the export"),
              std::string::npos);
  }
}

// A write that fails midway (a DuckDB error while streaming, or a PostgreSQL constraint on row 6000) rolls
// back: the target keeps its old rows in every mode.
TEST_F(PostgresDestination, AWriteThatFailsMidwayLeavesTheTargetUnchanged) {
  SETUP_PG();
  auto destination = Make({});
  const std::string failing_duck =
      "SELECT range AS id, CASE WHEN range = 60000 THEN error('boom at 60000') ELSE 'v' END AS v FROM "
      "range(100000)";
  for (const WriteMode mode : {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert}) {
    admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
               " (id bigint PRIMARY KEY, v text CHECK (v <> 'bad')); INSERT INTO " + table +
               " VALUES (-1, 'old')");
    EXPECT_THROW(ExportTo(*destination, *duck_, failing_duck, table, mode, {"id"}), Error);
    EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table), std::vector<std::string>{"-1|old"});
    try {
      ExportTo(*destination, *duck_,
               "SELECT range AS id, CASE WHEN range = 6000 THEN 'bad' ELSE 'v' END AS v FROM range(10000)",
               table, mode, {"id"});
      FAIL() << "expected the CHECK constraint to fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kDataError);
      EXPECT_NE(std::string(error.what()).find("SQLSTATE 23514"), std::string::npos) << error.what();
    }
    EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table), std::vector<std::string>{"-1|old"});
  }
  EXPECT_EQ(admin.Value("SELECT count(*) FROM pg_class WHERE relname LIKE 'sqlflow_stage_%'"), "0");
}

TEST_F(PostgresDestination, EmptyExportStillCreatesAndReplaces) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table);
  auto destination = Make({});
  ExportTo(*destination, *duck_, "SELECT 1::INTEGER AS id, 'x' AS v WHERE false", table, WriteMode::kReplace);
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "0");
  EXPECT_EQ(admin.Value("SELECT count(*) FROM pg_attribute WHERE attrelid = '" + table +
                        "'::regclass AND attnum > 0"),
            "2");
}

TEST_F(PostgresDestination, TestConnectionReportsServerAndPrivileges) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int)");
  auto destination = Make({{"table", table}, {"mode", "append"}});
  auto result = destination->TestConnection();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_NE(result.message.find("connected to PostgreSQL 15."), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("database sqlflow_test as postgres"), std::string::npos) << result.message;
  ASSERT_EQ(result.checks.size(), 3u);
  EXPECT_EQ(result.checks[2].detail, "INSERT on public." + table);
}

}  // namespace
}  // namespace sqlflow::testing
