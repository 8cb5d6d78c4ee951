// The google_sheets connector through the real `sqlflow` binary: `TYPE sheets` (an alias) in a pipeline,
// secrets (private key, tokens) never in output or plans, and F28 (SIGINT during a stalled window read).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sheets_test_util.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::testing {
namespace {

namespace fs = std::filesystem;

std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class SheetsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("sqlflow-sheets-cli-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/tmp");
    fs::create_directories(dir_ + "/pipelines");
    fs::create_directories(dir_ + "/profiles");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Project(SheetsMock& mock, const std::string& pipeline) {
    std::ofstream(dir_ + "/profiles/dev.yml") << "engines:\n  duckdb:\n    mode: persistent\n    path: "
                                                 "target/warehouse.duckdb\n    temp_directory: " +
                                                     dir_ + "/tmp\n";
    std::string text = pipeline;
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"@BASE@", mock.Base()}, {"@SA@", mock.ServiceAccountFile()}})
      for (size_t pos; (pos = text.find(from)) != std::string::npos;) text.replace(pos, from.size(), to);
    std::ofstream(dir_ + "/pipelines/p.sf") << text;
  }
  std::string Cli(const std::string& args) const {
    return std::string(SQLFLOW_BINARY) + " --no-color --project-dir " + dir_ + " " + args;
  }
  std::string Query(const std::string& sql) {
    engine::EngineOptions options;
    options.path = dir_ + "/target/warehouse.duckdb";
    auto db = engine::Database::Open(options);
    engine::Connection conn(*db);
    return conn.QueryValue(sql).value_or("NULL");
  }
  std::string dir_;
};

const char* kPipeline =
    R"(SOURCE book TYPE sheets PARAMS {"spreadsheet_id": "book1", "base_url": "@BASE@",
  "credentials_file": "@SA@", "retry_delay": 0.05, "requests_per_second": 100, "batch_size": 2};
LOAD people FROM book;
)";

TEST_F(SheetsCli, AliasTypeNameRunsAndPrintsNoSecret) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  Project(mock, kPipeline);
  auto [code, output] = Shell(Cli("-v pipeline run p"));
  ASSERT_EQ(code, 0) << output;
  EXPECT_EQ(Query("SELECT count(*) FROM people"), "5");
  EXPECT_EQ(Query("SELECT name FROM people WHERE id = 6"), "Zoë 🎉");
  auto [plan_code, plan] = Shell(Cli("pipeline plan p --format json"));
  for (const std::string* text : {&output, &plan}) {
    EXPECT_EQ(text->find("PRIVATE KEY"), std::string::npos) << *text;
    EXPECT_EQ(text->find("ya29."), std::string::npos) << *text;
  }
  (void)plan_code;
  // The run made only the requests it needs: token, metadata, header, ceil(999 / 2) windows.
  EXPECT_EQ(mock.Requests().size(), 3u + 500u);
}

// The spelling of CONNECTORS.md §6.9: a hyphenated, capitalised type name in the pipeline.
TEST_F(SheetsCli, HyphenatedTypeNameRuns) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  std::string pipeline = kPipeline;
  pipeline.replace(pipeline.find("TYPE sheets"), std::string("TYPE sheets").size(), "TYPE Google-Sheets");
  Project(mock, pipeline);
  auto [code, output] = Shell(Cli("pipeline run p"));
  ASSERT_EQ(code, 0) << output;
  EXPECT_EQ(Query("SELECT count(*) FROM people"), "5");
}

TEST_F(SheetsCli, F28_SigintDuringAStalledRead) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  Project(mock, kPipeline);
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!4:5"},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string project = dir_;
    execl(SQLFLOW_BINARY, SQLFLOW_BINARY, "--no-color", "--project-dir", project.c_str(), "pipeline", "run",
          "p", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && mock.Requests("/v4/spreadsheets/book1/values/'people'!4:5").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGINT);
  const auto signalled = std::chrono::steady_clock::now();
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() - signalled < std::chrono::seconds(5)) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited) << "sqlflow still running 5 s after SIGINT";
  EXPECT_LT(seconds, 1.0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "status " << status;
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'people'"), "0");
  size_t leftovers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/tmp"))
    leftovers += entry.is_regular_file() || entry.is_directory();
  EXPECT_EQ(leftovers, 0u);
}

}  // namespace
}  // namespace sqlflow::testing
