// The google_sheets connector through the real `sqlflow` binary: `TYPE sheets` (an alias) in a pipeline,
// secrets (private key, tokens) never in output or plans, and F28 (SIGINT during a stalled window read).
#include <gtest/gtest.h>

#include "cli_test_util.h"
#include "sheets_test_util.h"

namespace sqlflow::testing {
namespace {

class SheetsCli : public ::testing::Test {
 protected:
  SheetsCli() : project_("sheets-cli") {}

  // A persistent DuckDB project (no profile connectors) running `pipeline` with @BASE@ and @SA@ replaced.
  void Project(SheetsMock& mock, const std::string& pipeline) {
    project_.Profile();
    std::string text = pipeline;
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"@BASE@", mock.Base()}, {"@SA@", mock.ServiceAccountFile()}})
      for (size_t pos; (pos = text.find(from)) != std::string::npos;) text.replace(pos, from.size(), to);
    project_.Pipeline("p", text);
  }
  Command Run(const std::string& args) const { return project_.Run(args); }
  std::string Query(const std::string& sql) const { return project_.Query(sql); }

  CliProject project_;
};

const char* kPipeline =
    R"(SOURCE book TYPE sheets PARAMS {"spreadsheet_id": "book1", "base_url": "@BASE@",
  "credentials_file": "@SA@", "retry_delay": 0.05, "requests_per_second": 100, "batch_size": 2};
LOAD people FROM book;
)";

TEST_F(SheetsCli, AliasTypeNameRunsAndPrintsNoSecret) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  Project(mock, kPipeline);
  const Command run = Run("-v pipeline run p");
  const std::string& output = run.output;
  ASSERT_EQ(run.exit_code, 0) << output;
  EXPECT_EQ(Query("SELECT count(*) FROM people"), "5");
  EXPECT_EQ(Query("SELECT name FROM people WHERE id = 6"), "Zoë 🎉");
  const std::string plan = Run("pipeline plan p --format json").output;
  for (const std::string* text : {&output, &plan}) {
    EXPECT_EQ(text->find("PRIVATE KEY"), std::string::npos) << *text;
    EXPECT_EQ(text->find("ya29."), std::string::npos) << *text;
  }
  // The run made only the requests it needs: token, metadata, header, ceil(999 / 2) windows.
  EXPECT_EQ(mock.Requests().size(), 3u + 500u);
}

// The spelling of CONNECTORS.md §6.9: a hyphenated, capitalised type name in the pipeline.
TEST_F(SheetsCli, HyphenatedTypeNameRuns) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  std::string pipeline = kPipeline;
  pipeline.replace(pipeline.find("TYPE sheets"), std::string("TYPE sheets").size(), "TYPE Google-Sheets");
  Project(mock, pipeline);
  const Command run = Run("pipeline run p");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Query("SELECT count(*) FROM people"), "5");
}

TEST_F(SheetsCli, F28_SigintDuringAStalledRead) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}}));
  Project(mock, kPipeline);
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!4:5"},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  const Interrupted run = project_.InterruptRun(
      "p", [&] { return !mock.Requests("/v4/spreadsheets/book1/values/'people'!4:5").empty(); });
  ASSERT_TRUE(run.exited) << "sqlflow still running 5 s after SIGINT";
  EXPECT_LT(run.seconds, 1.0);
  EXPECT_EQ(run.ExitCode(), 130) << "status " << run.status;
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'people'"), "0");
  EXPECT_EQ(project_.TempLeftovers(), 0u);
}

}  // namespace
}  // namespace sqlflow::testing
