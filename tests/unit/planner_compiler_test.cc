// Validation rules of LANGUAGE.md §6 and the plan of §8, through the real compiler on temp projects.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sqlflow/planner/compiler.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::planner {
namespace {

namespace fs = std::filesystem;

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("sqlflow_compiler_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "profiles");
    fs::create_directories(root_ / "pipelines");
    fs::create_directories(root_ / "data");
    Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: memory\nvariables:\n  env: dev\n");
    Write("data/t.csv", "id,name\n1,a\n");
    old_cwd_ = fs::current_path();
    fs::current_path(root_);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    fs::remove_all(root_);
  }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(root_ / rel) << text; }

  // Compiles pipelines/p.sf; returns the plan (or nullopt) and fills diagnostics_.
  std::optional<Plan> Compile(const std::string& text,
                              std::vector<std::pair<std::string, std::string>> vars = {}) {
    Write("pipelines/p.sf", text);
    diagnostics_.Clear();
    SourceCache sources;
    profile_ = project::LoadProfile(".", "dev", diagnostics_, sources);
    EXPECT_TRUE(profile_.has_value());
    CompileRequest request;
    request.project_root = ".";
    request.pipeline = "p";
    request.profile = &*profile_;
    request.cli_vars = std::move(vars);
    request.builtins = {{"run_id", "20240101T000000Z-abcdef"},
                        {"run_date", "2024-01-01"},
                        {"run_ts", "2024-01-01T00:00:00Z"},
                        {"pipeline_name", "p"},
                        {"profile_name", "dev"}};
    return CompilePipeline(request, diagnostics_, sources);
  }

  const Diagnostic* Find(const std::string& code) const {
    for (const auto& d : diagnostics_.All())
      if (d.code == code) return &d;
    return nullptr;
  }
  std::string All() const {
    std::string out;
    for (const auto& d : diagnostics_.All()) out += d.code + " " + d.message + "\n";
    return out;
  }

  fs::path root_, old_cwd_;
  Diagnostics diagnostics_;
  std::optional<project::Profile> profile_;
};

const char* kSource = "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\"};\n";

TEST_F(CompilerTest, UndefinedSourceWithDidYouMeanAndLaterNote) {
  EXPECT_FALSE(Compile(std::string("LOAD t FROM src;\n") +
                       "SOURCE src TYPE CSV PARAMS {\"path\": \"data/t.csv\"};\n"));
  const Diagnostic* d = Find("SF301");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "LOAD references undefined source: 'src'");
  EXPECT_EQ(d->pos.line, 1);
  EXPECT_EQ(d->pos.column, 13);
  ASSERT_FALSE(d->notes.empty());
  EXPECT_NE(d->notes[0].find("defined later, at line 2"), std::string::npos);

  EXPECT_FALSE(Compile(std::string(kSource) + "LOAD t FROM ss;\n"));
  d = Find("SF301");
  ASSERT_NE(d, nullptr);
  ASSERT_FALSE(d->hints.empty());
  EXPECT_EQ(d->hints[0], "did you mean 's'?");
}

TEST_F(CompilerTest, DuplicateSourceNotesFirstDefinition) {
  EXPECT_FALSE(Compile(std::string(kSource) + kSource));
  const Diagnostic* d = Find("SF302");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "Duplicate source definition: 's'");
  EXPECT_EQ(d->pos.line, 2);
  ASSERT_FALSE(d->notes.empty());
  EXPECT_EQ(d->notes[0], "first defined at line 1");
}

TEST_F(CompilerTest, DuplicateTableAndAllowedRedefinitions) {
  EXPECT_FALSE(Compile(std::string(kSource) + "LOAD t FROM s;\nCREATE TABLE t AS SELECT 1 AS a;\n"));
  ASSERT_NE(Find("SF303"), nullptr) << All();
  EXPECT_FALSE(Compile("CREATE TABLE t AS SELECT 1 AS a;\n" + std::string(kSource) + "LOAD t FROM s;\n"));
  ASSERT_NE(Find("SF303"), nullptr) << "LOAD REPLACE into a CREATEd table";
  EXPECT_TRUE(Compile(std::string(kSource) +
                      "LOAD t FROM s;\nLOAD t FROM s;\nCREATE OR REPLACE TABLE t AS SELECT 1 AS a;\n"
                      "CREATE TABLE t MODE APPEND AS SELECT 2 AS a;\n"))
      << All();
}

TEST_F(CompilerTest, ForwardReadIsUseBeforeCreation) {
  EXPECT_FALSE(Compile("CREATE TABLE a AS SELECT * FROM b;\nCREATE TABLE b AS SELECT 1 AS x;\n"));
  const Diagnostic* d = Find("SF304");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "table 'b' is used at line 1 before it is created at line 2");
  EXPECT_EQ(Find("SF305"), nullptr);
}

TEST_F(CompilerTest, CycleIsReportedOnceWithTheTables) {
  EXPECT_FALSE(Compile(
      "CREATE TABLE table_a AS SELECT * FROM table_b;\nCREATE TABLE table_b AS SELECT * FROM table_a;\n"));
  const Diagnostic* d = Find("SF305");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "Circular dependency detected: table_a -> table_b -> table_a");
  EXPECT_EQ(Find("SF304"), nullptr) << "a forward read inside a cycle is not also SF304";
}

TEST_F(CompilerTest, SourceIsNotATableAndTyposAndUnknownTables) {
  EXPECT_FALSE(Compile(std::string(kSource) + "CREATE TABLE x AS SELECT * FROM s;\n"));
  const Diagnostic* d = Find("SF307");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "'s' is a SOURCE, not a table");
  EXPECT_EQ(d->hints.at(0), "load it first: LOAD s FROM s;");

  EXPECT_FALSE(Compile(std::string(kSource) +
                       "LOAD sales_raw FROM s;\nCREATE TABLE x AS SELECT * FROM sales_raw_typo;\n"));
  d = Find("SF306");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "table 'sales_raw_typo' is not defined; did you mean 'sales_raw'?");

  auto plan = Compile("CREATE TABLE x AS SELECT * FROM somewhere_else;\n");
  ASSERT_TRUE(plan) << All();
  d = Find("W301");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message,
            "table 'somewhere_else' is not created by this pipeline; it must already exist in the database");
  ASSERT_EQ(plan->warnings.size(), 1u);
}

TEST_F(CompilerTest, ReservedStateTableAndTimeMacros) {
  EXPECT_FALSE(Compile(std::string(kSource) + "LOAD sqlflow_state FROM s;\n"));
  ASSERT_NE(Find("SF308"), nullptr) << All();
  EXPECT_FALSE(Compile("CREATE TABLE x AS SELECT * FROM range(3) WHERE range < @end_dt;\n"));
  const Diagnostic* d = Find("SF206");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "time macro @end_dt is only available in CREATE TABLE ... MODE INCREMENTAL");
  EXPECT_TRUE(Compile(
      "CREATE TABLE x MODE INCREMENTAL BY d AS SELECT DATE '2024-01-01' AS d WHERE d <= @end_date;\n"))
      << All();
}

TEST_F(CompilerTest, SqlSyntaxErrorsComeFromTheEngineWithKeywordHints) {
  EXPECT_FALSE(Compile("LAOD t FROM s;\n"));
  const Diagnostic* d = Find("SF121");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message.rfind("SQL syntax error: ", 0), 0u);
  EXPECT_EQ(d->hints.at(0), "did you mean LOAD?");
}

TEST_F(CompilerTest, IncrementalWarningsAndLookbackRule) {
  std::string inc =
      "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\", \"sync_mode\": \"incremental\", "
      "\"cursor_field\": \"id\"};\n";
  ASSERT_TRUE(Compile(inc + "LOAD t FROM s;\n")) << All();
  ASSERT_NE(Find("W302"), nullptr);
  std::string lookback =
      "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\", \"sync_mode\": \"incremental\", "
      "\"cursor_field\": \"id\", \"lookback_window\": 5};\n";
  EXPECT_FALSE(Compile(lookback + "LOAD t FROM s MODE APPEND;\n"));
  const Diagnostic* d = Find("SF406");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "lookback_window re-reads rows; use MODE UPSERT KEY (...) on LOAD t");
  EXPECT_TRUE(Compile(lookback + "LOAD t FROM s MODE UPSERT KEY (id);\n")) << All();
}

// A source with a fixed object list and no object parameter reads the object named by each LOAD's table: an
// unknown one is SF406 at the table name (LANGUAGE.md §1.5, CONNECTORS.md §6.7), checked per LOAD.
TEST_F(CompilerTest, LoadNamesTheObjectOfAFixedObjectSource) {
  const std::string shop =
      "SOURCE shop_src TYPE SHOPIFY PARAMS {\"shop\": \"mystore\", \"access_token\": \"t\"};\n";
  EXPECT_FALSE(Compile(shop + "LOAD orders FROM shop_src;\nLOAD ordrs FROM shop_src;\n"));
  ASSERT_EQ(diagnostics_.ErrorCount(), 1) << All();
  const Diagnostic* d = Find("SF406");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->severity, Severity::kError);
  EXPECT_EQ(
      d->message.rfind("SHOPIFY connector: unknown object 'ordrs' (did you mean 'orders'?); objects: orders, "
                       "order_line_items, order_fulfillments, order_refunds, customers, products",
                       0),
      0u)
      << d->message;
  EXPECT_EQ(d->pos.line, 3);
  EXPECT_EQ(d->pos.column, 6);
  ASSERT_EQ(d->hints.size(), 1u);
  EXPECT_EQ(
      d->hints[0],
      "SOURCE 'shop_src' sets no 'object', so the object is the LOAD's table name; or set \"object\" in its "
      "OPTIONS");
  // A schema-qualified target: the object is the table name.
  EXPECT_TRUE(Compile(shop + "LOAD raw.customers FROM shop_src;\n")) << All();
  // With an object parameter the LOAD's name is free, and the parameter itself is checked at its key.
  const std::string fixed =
      "SOURCE shop_src TYPE SHOPIFY PARAMS {\"shop\": \"mystore\", \"access_token\": \"t\", \"object\": "
      "\"orders\"};\n";
  EXPECT_TRUE(Compile(fixed + "LOAD anything FROM shop_src;\n")) << All();
  EXPECT_FALSE(
      Compile("SOURCE s TYPE SHOPIFY PARAMS {\"shop\": \"mystore\", \"access_token\": \"t\", "
              "\"object\": \"ordrs\"};\nLOAD orders FROM s;\n"));
  d = Find("SF406");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(diagnostics_.ErrorCount(), 1) << All();
  EXPECT_EQ(d->pos.line, 1);
  EXPECT_EQ(d->pos.column, 71);
  // Sources whose objects are open-ended (tables) are not checked at compile time.
  EXPECT_TRUE(Compile("SOURCE m TYPE IN_MEMORY PARAMS {};\nLOAD no_such_table FROM m;\n")) << All();
}

// A cursor field the LOAD-named object cannot push down is a warning at the LOAD (CONNECTORS.md §3.9).
TEST_F(CompilerTest, CursorFieldWithoutServerFilterWarnsAtTheLoad) {
  const std::string shop =
      "SOURCE shop_src TYPE SHOPIFY PARAMS {\"shop\": \"mystore\", \"access_token\": \"t\", "
      "\"sync_mode\": \"incremental\", \"cursor_field\": \"processed_at\"};\n";
  ASSERT_TRUE(Compile(shop + "LOAD tender_transactions FROM shop_src MODE APPEND;\n")) << All();
  EXPECT_EQ(Find("SF406"), nullptr) << All();
  ASSERT_TRUE(Compile(shop + "LOAD orders FROM shop_src MODE APPEND;\n")) << All();
  const Diagnostic* d = Find("SF406");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(
      d->message,
      "SHOPIFY connector: cursor_field 'processed_at' of object 'orders' has no server filter; every record "
      "is read and the engine filters them (server filters: updated_at, created_at, id)");
  EXPECT_EQ(d->pos.line, 2);
  EXPECT_EQ(d->pos.column, 6);
  EXPECT_TRUE(d->hints.empty());
}

TEST_F(CompilerTest, SameDestinationTwiceWarns) {
  ASSERT_TRUE(
      Compile("EXPORT SELECT 1 AS a TO \"output/x.csv\";\nEXPORT SELECT 2 AS a TO \"output/x.csv\";\n"));
  const Diagnostic* d = Find("W303");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "'output/x.csv' is written by more than one EXPORT (lines 1, 2); the last one wins");
}

TEST_F(CompilerTest, ExportTypeInference) {
  auto plan = Compile(
      "EXPORT SELECT 1 AS a TO \"output/a.csv.gz\";\nEXPORT SELECT 1 AS a TO \"output/b.jsonl\";\n"
      "EXPORT SELECT 1 AS a TO \"output/c.parquet\" TYPE CSV;\nEXPORT SELECT 1 AS a TO 'output/d' TYPE "
      "ndjson;\n");
  ASSERT_TRUE(plan) << All();
  ASSERT_EQ(plan->steps.size(), 4u);
  EXPECT_EQ(std::get<ExportDetail>(plan->steps[0].detail).format, "csv");
  EXPECT_EQ(std::get<ExportDetail>(plan->steps[1].detail).format, "ndjson");
  EXPECT_EQ(std::get<ExportDetail>(plan->steps[2].detail).format, "csv");
  EXPECT_EQ(std::get<ExportDetail>(plan->steps[3].detail).format, "ndjson");
  const Diagnostic* d = Find("W403");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "destination extension '.parquet' does not match TYPE CSV");
  EXPECT_EQ(plan->steps[0].id, "export_a");

  EXPECT_FALSE(Compile("EXPORT SELECT 1 AS a TO warehouse;\n"));
  d = Find("SF407");
  ASSERT_NE(d, nullptr) << All();
  EXPECT_EQ(d->message, "unknown connector 'warehouse' in profile 'dev'");
}

TEST_F(CompilerTest, PlanStepsIdsAndDependencies) {
  auto plan = Compile(std::string(kSource) +
                      "LOAD users FROM s;\nLOAD users FROM s MODE APPEND;\n"
                      "CREATE TABLE summary AS SELECT COUNT(*) AS n FROM users;\n"
                      "INSERT INTO summary SELECT 0;\n"
                      "EXPORT summary TO \"output/deep/summary.csv\";\n");
  ASSERT_TRUE(plan) << All();
  std::vector<std::string> ids;
  for (const auto& s : plan->steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"source_s", "load_users", "load_users_2", "transform_summary",
                                           "sql_summary", "export_summary"}));
  EXPECT_EQ(plan->steps[2].depends_on, (std::vector<std::string>{"source_s", "load_users"}));
  EXPECT_EQ(plan->steps[3].depends_on, (std::vector<std::string>{"load_users_2"}));
  EXPECT_EQ(plan->steps[5].depends_on, (std::vector<std::string>{"sql_summary"}));
  auto json = PlanToJson(*plan);
  EXPECT_EQ(json["steps"][5]["params"]["sql"], "SELECT * FROM summary");
  EXPECT_EQ(json["steps"][0]["params"]["connector_type"], "csv");
  EXPECT_EQ(json["steps"][1]["params"]["mode"], "replace");
  std::vector<std::string> keys;
  for (auto it = json.begin(); it != json.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"version", "tool_version", "pipeline", "file", "profile",
                                            "engine", "variables", "conditions", "steps", "warnings"}));
}

TEST_F(CompilerTest, VariablesAndConditionsAreRecordedInThePlan) {
  auto plan = Compile(
      "SET min_qty = 1;\nIF ${env|dev} == 'prod' THEN\n  CREATE TABLE a AS SELECT ${min_qty} AS q;\nELSE\n"
      "  CREATE TABLE b AS SELECT ${min_qty} AS q;\nEND IF;\n",
      {{"env", "prod"}});
  ASSERT_TRUE(plan) << All();
  ASSERT_EQ(plan->conditions.size(), 1u);
  EXPECT_TRUE(plan->conditions[0].result);
  EXPECT_EQ(plan->conditions[0].line, 2);
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].id, "transform_a");
  auto json = PlanToJson(*plan);
  EXPECT_EQ(json["variables"]["env"]["source"], "cli");
  EXPECT_EQ(json["variables"]["min_qty"]["source"], "set");
  EXPECT_EQ(std::get<TransformDetail>(plan->steps[0].detail).sql, "SELECT 1 AS q");
}

TEST_F(CompilerTest, FailedConditionSkipsCrossStatementAnalysis) {
  EXPECT_FALSE(
      Compile("IF ${undefined_thing} == 'x' THEN\n  CREATE TABLE a AS SELECT 1 AS x;\nEND IF;\n"
              "CREATE TABLE b AS SELECT * FROM a;\n"));
  ASSERT_NE(Find("SF201"), nullptr) << All();
  EXPECT_EQ(Find("W301"), nullptr) << "follow-on warnings about tables of the unknown branch";
  EXPECT_EQ(Find("SF306"), nullptr);
}

TEST_F(CompilerTest, SecretParamsAreMaskedInThePlan) {
  Write("profiles/dev.yml",
        "engines:\n  duckdb:\n    mode: memory\nconnectors:\n  wh:\n    type: postgres\n    params:\n"
        "      host: localhost\n      password: hunter2secret\n");
  auto plan = Compile("SOURCE s FROM \"wh\" OPTIONS {\"table\": \"users\"};\nLOAD users FROM s;\n");
  ASSERT_TRUE(plan) << All();
  auto json = PlanToJson(*plan).dump();
  EXPECT_EQ(json.find("hunter2secret"), std::string::npos) << json;
  EXPECT_NE(json.find("\"password\":\"***\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"connector\":\"wh\""), std::string::npos);
}

}  // namespace
}  // namespace sqlflow::planner
