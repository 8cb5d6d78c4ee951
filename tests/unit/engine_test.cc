#include <gtest/gtest.h>

#include <filesystem>

#include "sqlflow/common/error.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::engine {
namespace {

TEST(EngineTest, BadSqlBecomesOurErrorWithDuckDBMessage) {
  auto db = Database::Open({});
  Connection conn(*db);
  try {
    conn.Execute("SELEC 1");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SF613");
    EXPECT_EQ(e.kind(), ErrorKind::kDataError);
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
  }
  try {
    conn.Execute("SELECT * FROM no_such_table");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
}

TEST(EngineTest, ExtensionAutoloadIsOffAndTimeZoneIsUtc) {
  auto db = Database::Open({});
  Connection conn(*db);
  EXPECT_EQ(conn.QueryValue("SELECT current_setting('autoload_known_extensions')"), "false");
  EXPECT_EQ(conn.QueryValue("SELECT current_setting('autoinstall_known_extensions')"), "false");
  auto tz = conn.QueryValue("SELECT current_setting('TimeZone')");
  EXPECT_TRUE(tz == "UTC" || tz == "Etc/UTC") << tz.value_or("NULL");
}

TEST(EngineTest, ProfileSettingsAreApplied) {
  EngineOptions options;
  options.memory_limit = "512MB";
  options.threads = 1;
  auto temp = std::filesystem::temp_directory_path() / "sqlflow_engine_tmpdir";
  options.temp_directory = temp.string();
  auto db = Database::Open(options);
  Connection conn(*db);
  EXPECT_EQ(conn.QueryValue("SELECT current_setting('threads')"), "1");
  auto limit = conn.QueryValue("SELECT current_setting('memory_limit')");
  ASSERT_TRUE(limit.has_value());
  EXPECT_NE(limit->find("MiB"), std::string::npos) << *limit;
  EXPECT_EQ(conn.QueryValue("SELECT current_setting('temp_directory')"), temp.string());
}

TEST(EngineTest, AppenderRoundTripRowsAndChunks) {
  auto db = Database::Open({});
  Connection conn(*db);
  conn.Execute("CREATE TABLE t (id BIGINT, name VARCHAR, score DOUBLE, ok BOOLEAN)");
  {
    Appender appender(conn, "", "t");
    for (int64_t i = 0; i < 3000; ++i) {
      appender.BeginRow();
      appender.Append(i);
      if (i % 100 == 0) {
        appender.AppendNull();
      } else {
        appender.Append(std::string("name_") + std::to_string(i));
      }
      appender.Append(i * 0.5);
      appender.Append(i % 2 == 0);
      appender.EndRow();
    }
    appender.Close();
  }
  EXPECT_EQ(conn.QueryValue("SELECT count(*) FROM t"), "3000");
  EXPECT_EQ(conn.QueryValue("SELECT count(*) FROM t WHERE name IS NULL"), "30");
  EXPECT_EQ(conn.QueryValue("SELECT name FROM t WHERE id = 7"), "name_7");

  // Whole chunks from a streaming query appended into a second table.
  conn.Execute("CREATE TABLE t2 AS SELECT * FROM t LIMIT 0");
  QueryResult stream = conn.Stream("SELECT * FROM t");
  Connection conn2(*db);
  Appender appender(conn2, "", "t2");
  int chunks = 0;
  while (auto chunk = stream.FetchChunk()) {
    appender.AppendChunk(*chunk);
    ++chunks;
  }
  appender.Close();
  EXPECT_GE(chunks, 2);
  EXPECT_EQ(conn.QueryValue("SELECT count(*) FROM t2"), "3000");
  EXPECT_EQ(
      conn.QueryValue(
          "SELECT sum(hash(id, name, score, ok)) = (SELECT sum(hash(id, name, score, ok)) FROM t) FROM t2"),
      "true");
}

TEST(EngineTest, PersistentFileReopenedKeepsData) {
  auto dir = std::filesystem::temp_directory_path() / "sqlflow_engine_persist";
  std::filesystem::remove_all(dir);
  EngineOptions options;
  options.path = (dir / "sub" / "db.duckdb").string();
  {
    auto db = Database::Open(options);
    Connection conn(*db);
    conn.Execute("CREATE TABLE kept AS SELECT range AS id FROM range(42)");
  }
  {
    auto db = Database::Open(options);
    Connection conn(*db);
    EXPECT_EQ(conn.QueryValue("SELECT count(*) FROM kept"), "42");
  }
  std::filesystem::remove_all(dir);
}

TEST(EngineTest, PreparedStatementSchemaAndBinding) {
  auto db = Database::Open({});
  Connection conn(*db);
  auto stmt = conn.Prepare("SELECT $1::INTEGER + 1 AS n, CAST(1.5 AS DECIMAL(18,2)) AS d, [1,2] AS l");
  ASSERT_EQ(stmt.column_count(), 3u);
  EXPECT_EQ(stmt.column_name(0), "n");
  EXPECT_EQ(stmt.column_type(1).ToString(), "DECIMAL(18,2)");
  EXPECT_EQ(stmt.column_type(2).ToString(), "INTEGER[]");
  stmt.BindInt64(1, 41);
  auto result = stmt.Execute();
  EXPECT_EQ(result.GetString(0, 0), "42");
}

TEST(EngineTest, ParseErrorWithoutBinding) {
  auto db = Database::Open({});
  Connection conn(*db);
  EXPECT_FALSE(conn.ParseError("SELECT * FROM table_that_does_not_exist").has_value());
  auto error = conn.ParseError("SELECT FROM WHERE (");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("syntax error"), std::string::npos);
}

}  // namespace
}  // namespace sqlflow::engine
