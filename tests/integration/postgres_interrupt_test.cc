// Ctrl-C during a LOAD from a slow PostgreSQL query (issue "renovate the middle floors", one cancel path):
// SIGINT 0.5 s into the read makes the process exit 130 within 1 s of the signal, the target table and the
// watermark keep the values of the previous run, and the run's temp directory is gone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "pg_test_util.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Interrupted {
  int exit_code = -1;
  double seconds_after_signal = 0;
};

// Starts `argv` in `dir`, sends SIGINT after `delay`, waits (at most 10 s) and measures.
Interrupted RunAndInterrupt(const std::string& dir, const std::vector<std::string>& argv,
                            std::chrono::milliseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGINT);
  auto signalled = Clock::now();
  Interrupted result;
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Clock::now() - signalled > std::chrono::seconds(10)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.seconds_after_signal = std::chrono::duration<double>(Clock::now() - signalled).count();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::vector<std::string> QueryRows(const std::string& db_path, const std::string& sql) {
  engine::EngineOptions options;
  options.path = db_path;
  options.read_only = true;
  auto db = engine::Database::Open(options);
  engine::Connection conn(*db);
  auto result = conn.Query(sql);
  std::vector<std::string> rows;
  for (uint64_t r = 0; r < result.row_count(); ++r) {
    std::string row;
    for (uint64_t c = 0; c < result.column_count(); ++c) row += (c ? "|" : "") + result.GetString(c, r);
    rows.push_back(row);
  }
  return rows;
}

TEST(PostgresInterrupt, SigintDuringSlowLoadExits130AndChangesNothing) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName("sigint");
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int, v text)");
  admin.Exec("INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(1, 3) g");

  TempDir dir;
  const std::string temp_root = dir.path() + "/tmp";
  fs::create_directories(temp_root);
  WriteFile(dir.path() + "/profiles/dev.yml",
            "engines:\n  duckdb:\n    mode: persistent\n    path: target/w.duckdb\n    temp_directory: " +
                temp_root + "\nconnectors:\n  pg:\n    type: postgres\n    params:\n      uri: \"" + dsn +
                "\"\n");
  // Run 1 (fast): three rows and a watermark of 3.
  WriteFile(
      dir.path() + "/pipelines/load.sf",
      "SOURCE s FROM pg OPTIONS {\"query\": \"SELECT id, v FROM " + table +
          "\", \"sync_mode\": \"incremental\", \"cursor_field\": \"id\"};\nLOAD t FROM s MODE APPEND;\n");
  CommandResult first = RunCommand(std::string(SQLFLOW_BINARY) + " --no-color --project-dir " + dir.path() +
                                   " pipeline run load");
  ASSERT_EQ(first.exit_code, 0) << first.output;

  // Run 2: the same source now sleeps 10 ms per row (about 60 s in all); Ctrl-C after 0.5 s.
  admin.Exec("INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(4, 6000) g");
  WriteFile(dir.path() + "/pipelines/load.sf",
            "SOURCE s FROM pg OPTIONS {\"query\": \"SELECT id, v FROM " + table +
                " WHERE pg_sleep(0.01) IS NOT NULL\", \"sync_mode\": \"incremental\", "
                "\"cursor_field\": \"id\", \"batch_size\": 100};\nLOAD t FROM s MODE APPEND;\n");
  Interrupted run = RunAndInterrupt(dir.path(), {SQLFLOW_BINARY, "--no-color", "pipeline", "run", "load"},
                                    std::chrono::milliseconds(500));
  EXPECT_EQ(run.exit_code, 130);
  EXPECT_LT(run.seconds_after_signal, 1.0);

  const std::string db_path = dir.path() + "/target/w.duckdb";
  EXPECT_EQ(QueryRows(db_path, "SELECT count(*), max(id) FROM t"), std::vector<std::string>{"3|3"});
  EXPECT_EQ(QueryRows(db_path, "SELECT watermark FROM sqlflow_state"), std::vector<std::string>{"3"});
  EXPECT_TRUE(fs::is_empty(temp_root)) << "the run's temp directory was left behind";
  admin.Exec("DROP TABLE IF EXISTS " + table);
}

}  // namespace
}  // namespace sqlflow::testing
