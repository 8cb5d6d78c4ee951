// The rest connector through the real `sqlflow` binary and executor, against the in-process mock: F31
// (incremental over two runs, APPEND and UPSERT), secrets never printed, HTTPS with a per-run certificate,
// and F28 (SIGINT during a stalled read).
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

#include "rest_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::testing {
namespace {

namespace fs = std::filesystem;

struct Command {
  int exit_code = 0;
  std::string output;
};

Command Shell(const std::string& command) {
  Command result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

class RestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("sqlflow-rest-cli-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/tmp");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A persistent DuckDB project with the rest connector `api` (bearer token from $REST_TEST_TOKEN).
  void Project(const std::string& url, const std::string& pipeline, const std::string& extra = "") {
    Write(
        dir_ + "/profiles/dev.yml",
        "engines:\n  duckdb:\n    mode: persistent\n    path: target/warehouse.duckdb\n    temp_directory: " +
            dir_ + "/tmp\nconnectors:\n  api:\n    type: rest\n    params:\n      url: \"" + url +
            "\"\n      auth: {type: bearer, token: \"${REST_TEST_TOKEN}\"}\n      retry_delay: 0.05\n" +
            extra);
    Write(dir_ + "/pipelines/p.sf", pipeline);
  }
  std::string Cli(const std::string& args) const {
    return "REST_TEST_TOKEN=tok-s3cr3t-777 " + std::string(SQLFLOW_BINARY) + " --no-color --project-dir " +
           dir_ + " " + args;
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

const char* kPages =
    R"("data_path": "data", "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 40})";

// F31: the second run asks the API only for rows past the watermark; APPEND does not reload the row equal to
// it, UPSERT replaces re-read rows by key; no duplicates.
TEST_F(RestCli, F31_IncrementalOverTwoRuns) {
  RestMock mock(Json{{"records", 100}, {"auth", {{"type", "bearer"}, {"token", "tok-s3cr3t-777"}}}});
  Project(
      mock.Url("/api/pages"),
      std::string("SOURCE items FROM \"api\" OPTIONS {") + kPages +
          R"(, "sync_mode": "incremental", "cursor_field": "updated_at", "incremental_param": "updated_since"};
LOAD items_log FROM items MODE APPEND;
SOURCE items2 FROM "api" OPTIONS {)" +
          kPages +
          R"(, "sync_mode": "incremental", "cursor_field": "updated_at", "incremental_param": "updated_since"};
LOAD items_now FROM items2 MODE UPSERT KEY (id);
)");
  Command first = Shell(Cli("pipeline run p"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM items_log"), "100/100");
  for (const auto& r : mock.Requests("/api/pages")) EXPECT_EQ(r.Param("updated_since"), "");
  mock.api().Grow(20);       // ids 101..120
  mock.api().Touch({5, 6});  // updated a year later
  mock.server().log().Clear();
  Command second = Shell(Cli("pipeline run p"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  auto requests = mock.Requests("/api/pages");
  ASSERT_FALSE(requests.empty());
  for (const auto& r : requests) EXPECT_EQ(r.Param("updated_since"), "2024-01-01T01:40:00Z");  // id 100
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM items_log"), "122/120");
  EXPECT_EQ(Query("SELECT count(*) FROM items_log WHERE id = 100"), "1");
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM items_now"), "120/120");
  EXPECT_EQ(Query("SELECT name FROM items_now WHERE id = 5"), "user 5 \xC3\xBC v1");
  EXPECT_EQ(first.output.find("tok-s3cr3t-777"), std::string::npos);
  EXPECT_EQ(second.output.find("tok-s3cr3t-777"), std::string::npos);
}

// A failed read loads nothing and keeps the watermark; no secret in any output, plan or verbose log.
TEST_F(RestCli, FailedReadChangesNothingAndPrintsNoSecret) {
  RestMock mock(Json{{"records", 100}, {"auth", {{"type", "bearer"}, {"token", "tok-s3cr3t-777"}}}});
  Project(
      mock.Url("/api/pages"),
      std::string("SOURCE items FROM \"api\" OPTIONS {") + kPages +
          R"(, "sync_mode": "incremental", "cursor_field": "updated_at", "params": {"api_key": "q-s3cr3t-888"}};
LOAD items_log FROM items MODE APPEND;
)");
  ASSERT_EQ(Shell(Cli("pipeline run p")).exit_code, 0);
  const std::string watermark = Query("SELECT string_agg(watermark, ',') FROM sqlflow_state");
  mock.Fault(
      {{"path", "/api/pages"}, {"query", {{"page", "2"}}}, {"times", -1}, {"status", 503}, {"body", "down"}});
  mock.api().Grow(50);
  Command failed = Shell(Cli("-v pipeline run p"));
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("HTTP 503"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("api_key=***"), std::string::npos) << failed.output;
  EXPECT_EQ(Query("SELECT count(*) FROM items_log"), "100");
  EXPECT_EQ(Query("SELECT string_agg(watermark, ',') FROM sqlflow_state"), watermark);
  Command plan = Shell(Cli("pipeline compile p"));
  for (const Command* c : {&failed, &plan}) {
    EXPECT_EQ(c->output.find("tok-s3cr3t-777"), std::string::npos) << c->output;
    EXPECT_EQ(c->output.find("q-s3cr3t-888"), std::string::npos) << c->output;
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/target")) {
    if (!entry.is_regular_file() || entry.path().extension() == ".duckdb") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("tok-s3cr3t-777"), std::string::npos) << entry.path();
  }
}

// HTTPS with the per-run certificate: ca_file verifies it, the system store rejects it, verify_ssl: false
// reads with a warning.
TEST_F(RestCli, HttpsWithCaFile) {
  mockd::ServerOptions tls;
  tls.https = true;
  ASSERT_TRUE(mockd::MakeCertificate(dir_ + "/cert", &tls.cert_file, &tls.key_file));
  RestMock mock(Json{{"records", 30}}, tls);
  RestHarness h;
  auto out = h.Read({{"url", mock.Url("/api/all")}, {"ca_file", tls.cert_file}});
  EXPECT_EQ(out.rows, 30);
  try {
    h.Read({{"url", mock.Url("/api/all")}, {"max_retries", 0}});
    ADD_FAILURE() << "an unknown certificate was accepted";
  } catch (const Error& error) {
    EXPECT_NE(ToLower(error.what()).find("certificate"), std::string::npos) << error.what();
  }
  out = h.Read({{"url", mock.Url("/api/all")}, {"verify_ssl", false}});
  EXPECT_EQ(out.rows, 30);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("verify_ssl: false"), std::string::npos);
}

// F28: SIGINT 0.5 s into a LOAD whose API stalls: exit 130 within a second, target and watermark unchanged,
// no temp files left. Needs the executor to cancel the run's CancelToken on SIGINT and pass it to reads.
TEST_F(RestCli, F28_SigintDuringAStalledRead) {
  RestMock mock(Json{{"records", 100}, {"auth", {{"type", "bearer"}, {"token", "tok-s3cr3t-777"}}}});
  Project(mock.Url("/api/pages"), std::string("SOURCE items FROM \"api\" OPTIONS {") + kPages +
                                      R"(, "sync_mode": "incremental", "cursor_field": "updated_at"};
LOAD items_log FROM items MODE APPEND;
)");
  ASSERT_EQ(Shell(Cli("pipeline run p")).exit_code, 0);
  const std::string before = Query(
      "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM items_log");
  mock.api().Grow(40);
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "2"}}},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("REST_TEST_TOKEN", "tok-s3cr3t-777", 1);
    const std::string project = dir_;
    execl(SQLFLOW_BINARY, SQLFLOW_BINARY, "--no-color", "--project-dir", project.c_str(), "pipeline", "run",
          "p", static_cast<char*>(nullptr));
    _exit(127);
  }
  // SIGINT 0.5 s into the LOAD, and never before the stalled request has arrived (a loaded machine may take
  // longer than 0.5 s to get there; a signal before the read would test nothing).
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto stalled = [&] {
    for (const auto& request : mock.Requests("/api/pages"))
      if (request.query.find("page=2") != std::string::npos) return true;
    return false;
  };
  while (!stalled() && std::chrono::steady_clock::now() - started < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!stalled()) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    FAIL() << "the run never reached the stalled page";
  }
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
  EXPECT_EQ(
      Query(
          "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM items_log"),
      before);
  size_t leftovers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/tmp"))
    leftovers += entry.is_regular_file() || entry.is_directory();
  EXPECT_EQ(leftovers, 0u);
}

}  // namespace
}  // namespace sqlflow::testing
