// The rest connector through the real `sqlflow` binary and executor, against the in-process mock: F31
// (incremental over two runs, APPEND and UPSERT), secrets never printed, HTTPS with a per-run certificate,
// and F28 (SIGINT during a stalled read).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.h"
#include "rest_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::testing {
namespace {

namespace fs = std::filesystem;

class RestCli : public ::testing::Test {
 protected:
  RestCli() : project_("rest-cli") { project_.SetEnv("REST_TEST_TOKEN", "tok-s3cr3t-777"); }

  // A persistent DuckDB project with the rest connector `api` (bearer token from $REST_TEST_TOKEN).
  void Project(const std::string& url, const std::string& pipeline, const std::string& extra = "") {
    project_.Profile(
        "  api:\n    type: rest\n    params:\n      url: \"" + url +
        "\"\n      auth: {type: bearer, token: \"${REST_TEST_TOKEN}\"}\n      retry_delay: 0.05\n" + extra);
    project_.Pipeline("p", pipeline);
  }
  Command Run(const std::string& args) const { return project_.Run(args); }
  std::string Query(const std::string& sql) const { return project_.Query(sql); }

  CliProject project_;
  const std::string& dir_ = project_.dir();
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
  Command first = Run("pipeline run p");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM items_log"), "100/100");
  for (const auto& r : mock.Requests("/api/pages")) EXPECT_EQ(r.Param("updated_since"), "");
  mock.api().Grow(20);       // ids 101..120
  mock.api().Touch({5, 6});  // updated a year later
  mock.server().log().Clear();
  Command second = Run("pipeline run p");
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
  ASSERT_EQ(Run("pipeline run p").exit_code, 0);
  const std::string watermark = Query("SELECT string_agg(watermark, ',') FROM sqlflow_state");
  mock.Fault(
      {{"path", "/api/pages"}, {"query", {{"page", "2"}}}, {"times", -1}, {"status", 503}, {"body", "down"}});
  mock.api().Grow(50);
  Command failed = Run("-v pipeline run p");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("HTTP 503"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("api_key=***"), std::string::npos) << failed.output;
  EXPECT_EQ(Query("SELECT count(*) FROM items_log"), "100");
  EXPECT_EQ(Query("SELECT string_agg(watermark, ',') FROM sqlflow_state"), watermark);
  Command plan = Run("pipeline compile p");
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

// F28: SIGINT once the stalled request for page 2 has arrived: exit 130 within a second, target and watermark
// unchanged, no temp files left. Needs the executor to cancel the run's CancelToken on SIGINT and pass it to
// reads.
TEST_F(RestCli, F28_SigintDuringAStalledRead) {
  RestMock mock(Json{{"records", 100}, {"auth", {{"type", "bearer"}, {"token", "tok-s3cr3t-777"}}}});
  Project(mock.Url("/api/pages"), std::string("SOURCE items FROM \"api\" OPTIONS {") + kPages +
                                      R"(, "sync_mode": "incremental", "cursor_field": "updated_at"};
LOAD items_log FROM items MODE APPEND;
)");
  ASSERT_EQ(Run("pipeline run p").exit_code, 0);
  const std::string before = Query(
      "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM items_log");
  mock.api().Grow(40);
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "2"}}},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  mock.server().log().Clear();
  const Interrupted run = project_.InterruptRun("p", [&] {
    for (const auto& r : mock.Requests("/api/pages"))
      if (r.Param("page") == "2") return true;
    return false;
  });
  ASSERT_TRUE(run.exited) << "sqlflow still running 5 s after SIGINT";
  EXPECT_LT(run.seconds, 1.0);
  EXPECT_EQ(run.ExitCode(), 130) << "status " << run.status;
  EXPECT_EQ(
      Query(
          "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM items_log"),
      before);
  EXPECT_EQ(project_.TempLeftovers(), 0u);
}

}  // namespace
}  // namespace sqlflow::testing
