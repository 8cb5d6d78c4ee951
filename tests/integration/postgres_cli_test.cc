// The postgres connector driven through the real executor: the `sqlflow` binary on a temp project.
// F31 (incremental across three runs with rows added and updated in between), EXPORT in each mode, and the
// user-facing error output (codes, no secrets).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pg_test_util.h"

namespace sqlflow::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class PostgresCli : public ::testing::Test {
 protected:
  // Writes the project (a persistent DuckDB file, one postgres connector `pg`) and the pipeline `p`.
  void Project(const std::string& dsn, const std::string& pipeline) {
    WriteFile(dir_.path() + "/profiles/dev.yml",
              "engines:\n  duckdb:\n    mode: persistent\n    path: target/warehouse.duckdb\n"
              "connectors:\n  pg:\n    type: postgres\n    params:\n      uri: \"" +
                  dsn + "\"\n      retry_delay: 0.05\n");
    WriteFile(dir_.path() + "/pipelines/p.sf", pipeline);
  }
  CommandResult Run(const std::string& pipeline = "p") {
    return RunCommand(std::string(SQLFLOW_BINARY) + " --no-color --project-dir " + dir_.path() +
                      " pipeline run " + pipeline);
  }
  std::string Output(const std::string& file) { return ReadText(dir_.path() + "/output/" + file); }
  TempDir dir_;
};

// F31: APPEND never reloads rows equal to the watermark; UPSERT re-reads and replaces them; nothing is lost
// or duplicated across three runs.
TEST_F(PostgresCli, IncrementalAcrossThreeRuns) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int PRIMARY KEY, v text, updated_at timestamptz); INSERT INTO " + table +
             " VALUES (1, 'a1', '2024-01-01 10:00+00'), (2, 'b1', '2024-01-02 10:00+00'), "
             "(3, 'c1', '2024-01-03 10:00+00')");
  Project(
      dsn,
      "SOURCE ev FROM \"pg\" OPTIONS {\"table\": \"" + table +
          "\", \"sync_mode\": \"incremental\", \"cursor_field\": \"updated_at\"};\n"
          "LOAD events_log FROM ev MODE APPEND;\n"
          "LOAD events_latest FROM ev MODE UPSERT KEY (id);\n"
          "EXPORT SELECT id, v FROM events_log ORDER BY id, v TO \"output/log.csv\";\n"
          "EXPORT SELECT id, v FROM events_latest ORDER BY id TO \"output/latest.csv\";\n"
          "EXPORT SELECT target, watermark FROM sqlflow_state ORDER BY target TO \"output/state.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("log.csv"), "id,v\n1,a1\n2,b1\n3,c1\n");
  EXPECT_EQ(Output("latest.csv"), "id,v\n1,a1\n2,b1\n3,c1\n");
  EXPECT_EQ(Output("state.csv"),
            "target,watermark\nevents_latest,2024-01-03 10:00:00+00\nevents_log,2024-01-03 10:00:00+00\n");

  // Run 2: id 2 moves to the watermark itself, id 3 changes at the watermark, id 4 is new.
  admin.Exec("UPDATE " + table + " SET v = 'b2', updated_at = '2024-01-03 10:00+00' WHERE id = 2; UPDATE " +
             table + " SET v = 'c2' WHERE id = 3; INSERT INTO " + table +
             " VALUES (4, 'd1', '2024-01-04 10:00+00')");
  run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("log.csv"), "id,v\n1,a1\n2,b1\n3,c1\n4,d1\n");
  EXPECT_EQ(Output("latest.csv"), "id,v\n1,a1\n2,b2\n3,c2\n4,d1\n");
  EXPECT_EQ(Output("state.csv"),
            "target,watermark\nevents_latest,2024-01-04 10:00:00+00\nevents_log,2024-01-04 10:00:00+00\n");

  // Run 3: id 1 updated past the watermark, id 5 new.
  admin.Exec("UPDATE " + table +
             " SET v = 'a2', updated_at = '2024-01-05 10:00+00' WHERE id = 1; INSERT INTO " + table +
             " VALUES (5, 'e1', '2024-01-05 09:00+00')");
  run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("log.csv"), "id,v\n1,a1\n1,a2\n2,b1\n3,c1\n4,d1\n5,e1\n");
  EXPECT_EQ(Output("latest.csv"), "id,v\n1,a2\n2,b2\n3,c2\n4,d1\n5,e1\n");
  EXPECT_EQ(Output("state.csv"),
            "target,watermark\nevents_latest,2024-01-05 10:00:00+00\nevents_log,2024-01-05 10:00:00+00\n");
}

TEST_F(PostgresCli, ExportModesThroughTheExecutor) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  admin.Exec(
      "DROP TABLE IF EXISTS " + table + "_out, " + table + "_src; CREATE TABLE " + table +
      "_src AS SELECT g AS id, 'row ' || g AS label, g * 1.5 AS amount FROM generate_series(1, 1000) g");
  Project(dsn,
          "SOURCE src FROM \"pg\" OPTIONS {\"table\": \"" + table +
              "_src\"};\n"
              "LOAD items FROM src;\n"
              "EXPORT SELECT * FROM items WHERE id <= 500 TO pg OPTIONS {\"table\": \"" +
              table +
              "_out\"};\n"
              "EXPORT SELECT id, 'changed' AS label, amount FROM items WHERE id > 400 TO pg OPTIONS "
              "{\"table\": \"" +
              table +
              "_out\", \"mode\": \"upsert\", \"keys\": [\"id\"]};\n"
              "EXPORT SELECT id + 1000 AS id, label FROM items WHERE id <= 10 TO pg OPTIONS {\"table\": \"" +
              table + "_out\", \"mode\": \"append\"};\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + "_out"), "1010");
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + "_out WHERE label = 'changed'"), "600");
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + "_out WHERE amount IS NULL"), "10");
  EXPECT_EQ(admin.Value("SELECT sum(amount) FROM " + table + "_out"), "750750");
}

TEST_F(PostgresCli, DuplicateUpsertKeysFailTheRunWithSF605AndChangeNothing) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int PRIMARY KEY, v text); INSERT INTO " + table + " VALUES (1, 'keep')");
  Project(dsn, "EXPORT SELECT * FROM (VALUES (1, 'x'), (1, 'y')) t(id, v) TO pg OPTIONS {\"table\": \"" +
                   table + "\", \"mode\": \"upsert\", \"keys\": \"id\"};\n");
  CommandResult run = Run();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("SF605"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("duplicate key (id)=(1)"), std::string::npos) << run.output;
  EXPECT_EQ(admin.Rows("SELECT id, v FROM " + table), std::vector<std::string>{"1|keep"});
}

TEST_F(PostgresCli, ConnectionErrorsNameTheHostAndNeverThePassword) {
  SQLFLOW_REQUIRE_PG(dsn);
  Project(
      "postgresql://etl:Pa55-w0rd-xyz@127.0.0.1:1/db",
      "SOURCE src FROM \"pg\" OPTIONS {\"table\": \"orders\", \"max_retries\": 1};\nLOAD orders FROM src;\n");
  CommandResult run = Run();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("POSTGRES source 'src': connect to 127.0.0.1:1 failed"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("(after 2 attempts)"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("Pa55-w0rd-xyz"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace sqlflow::testing
