// Crash safety (LANGUAGE.md §9.2): a LOAD killed with SIGKILL in the middle leaves the table and its
// watermark either both old or both new, never mixed; a rerun then completes exactly.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sqlflow/engine/database.h"

extern char** environ;

namespace sqlflow {
namespace {

namespace fs = std::filesystem;

struct Snapshot {
  int64_t rows = -1;
  std::string watermark;
};

Snapshot ReadState(const fs::path& db_path) {
  engine::EngineOptions options;
  options.path = db_path.string();
  auto db = engine::Database::Open(options);
  engine::Connection conn(*db);
  Snapshot s;
  auto rows = conn.QueryValue("SELECT count(*) FROM events");
  s.rows = rows ? std::stoll(*rows) : -1;
  s.watermark = conn.QueryValue("SELECT watermark FROM sqlflow_state WHERE target = 'events'").value_or("");
  return s;
}

pid_t Spawn(const fs::path& project, const char* pipeline) {
  std::string binary = SQLFLOW_BINARY;
  std::string dir = project.string();
  std::vector<std::string> args = {binary, "--project-dir", dir, "-q", "pipeline", "run", pipeline};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  EXPECT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(CrashSafetyTest, KilledLoadLeavesTableAndWatermarkConsistent) {
  fs::path project = fs::temp_directory_path() / ("sqlflow_crash_" + std::to_string(getpid()));
  fs::remove_all(project);
  fs::create_directories(project / "profiles");
  fs::create_directories(project / "pipelines");
  fs::create_directories(project / "data");
  std::ofstream(project / "profiles" / "dev.yml")
      << "engines:\n  duckdb:\n    mode: persistent\n    path: target/db.duckdb\n";
  std::ofstream(project / "pipelines" / "load.sf")
      << "SOURCE s TYPE CSV PARAMS {\"path\": \"data/events.csv\", \"sync_mode\": \"incremental\", "
         "\"cursor_field\": \"id\"};\nLOAD events FROM s MODE APPEND;\n";

  // Generate the data with DuckDB: a small first batch, then a large one with higher ids.
  auto write_csv = [&](int64_t from, int64_t to) {
    auto db = engine::Database::Open({});
    engine::Connection conn(*db);
    conn.Execute("COPY (SELECT range AS id, 'payload-' || range AS body, range * 0.5 AS amount FROM range(" +
                 std::to_string(from) + ", " + std::to_string(to) + ")) TO '" +
                 (project / "data" / "events.csv").string() + "' (HEADER)");
  };
  write_csv(0, 1000);
  ASSERT_EQ(Wait(Spawn(project, "load")), 0);
  Snapshot before = ReadState(project / "target" / "db.duckdb");
  ASSERT_EQ(before.rows, 1000);
  ASSERT_EQ(before.watermark, "999");

  const int64_t big = 3000000;
  write_csv(0, big);
  int killed_mid_run = 0;
  for (int delay_ms : {50, 150, 300, 600}) {
    pid_t pid = Spawn(project, "load");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      Wait(pid);
      ++killed_mid_run;
    }
    Snapshot s = ReadState(project / "target" / "db.duckdb");
    bool old_state = s.rows == 1000 && s.watermark == "999";
    bool new_state = s.rows == big && s.watermark == std::to_string(big - 1);
    EXPECT_TRUE(old_state || new_state)
        << "rows " << s.rows << " watermark " << s.watermark << " after " << delay_ms << " ms";
    if (new_state) break;
  }
  EXPECT_GE(killed_mid_run, 1) << "the load finished before any kill; the test did not exercise a crash";

  // A complete rerun loads exactly the missing rows once.
  ASSERT_EQ(Wait(Spawn(project, "load")), 0);
  Snapshot after = ReadState(project / "target" / "db.duckdb");
  EXPECT_EQ(after.rows, big);
  EXPECT_EQ(after.watermark, std::to_string(big - 1));
  fs::remove_all(project);
}

}  // namespace
}  // namespace sqlflow
