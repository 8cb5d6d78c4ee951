// Issue 9, through the real binary: every finding class with several inputs. A variable never adds SQL;
// secrets never reach any output; nothing escapes the project; bad input never crashes, hangs or silently
// loses data (LANGUAGE.md §6.5, §10.5; docs/limits.md).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sqlflow {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // user + system time of the process (and its shell): robust on a loaded machine
  std::string all() const { return out + err; }
};

// Sanitizer builds run several times slower; time limits are scaled, never dropped.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSlowdown = 10;
#else
constexpr double kSlowdown = 1;
#endif

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("sqlflow_hardening_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "project";
    fs::create_directories(root_ / "profiles");
    fs::create_directories(root_ / "pipelines");
    fs::create_directories(root_ / "data");
    Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: persistent\n    path: target/dev.duckdb\n");
  }
  void TearDown() override { fs::remove_all(base_); }

  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }

  // Runs the binary in the project with `args` (each passed as one argument through a file, so that any
  // bytes survive the shell).
  Outcome Run(const std::vector<std::string>& args) {
    std::string command = "cd '" + root_.string() + "' && '" + std::string(SQLFLOW_BINARY) + "' --no-color";
    for (size_t i = 0; i < args.size(); ++i) {
      fs::path arg_file = base_ / ("arg" + std::to_string(i));
      std::ofstream(arg_file, std::ios::binary) << args[i];
      command += " \"$(cat '" + arg_file.string() + "')\"";
    }
    command += " >'" + (base_ / "out").string() + "' 2>'" + (base_ / "err").string() + "'";
    auto cpu = [] {
      rusage usage{};
      getrusage(RUSAGE_CHILDREN, &usage);
      return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    double cpu_before = cpu();
    auto start = std::chrono::steady_clock::now();
    int status = std::system(command.c_str());
    Outcome outcome;
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcome.cpu_seconds = cpu() - cpu_before;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.out = ReadAll(base_ / "out");
    outcome.err = ReadAll(base_ / "err");
    return outcome;
  }
  Outcome RunPipeline(const std::string& command, const std::string& text, const std::string& vars = "") {
    Write("pipelines/p.sf", text);
    std::vector<std::string> args = {"pipeline", command, "p"};
    if (!vars.empty()) args.insert(args.end(), {"--vars", vars});
    return Run(args);
  }

  fs::path base_, root_;
};

// ------------------------------------------------------------------ 1. a variable value never adds SQL

TEST_F(HardeningTest, VariableValuesCannotAddStatements) {
  ASSERT_EQ(RunPipeline("run", "CREATE TABLE victim AS SELECT 42 AS answer;\n").exit_code, 0);
  struct Attack {
    std::string pipeline;
    std::string vars;
  };
  std::vector<Attack> attacks = {
      {"CREATE TABLE x AS SELECT ${v} AS a;\n", R"({"v":"1; DROP TABLE victim; SELECT 1"})"},
      {"CREATE TABLE x AS SELECT '${v}' AS a;\n", R"({"v":"1'; DROP TABLE victim; SELECT '1"})"},
      {"CREATE TABLE x AS SELECT '${v}' AS a;\n", R"({"v":"\\'; DROP TABLE victim; --"})"},
      {"CREATE TABLE x AS SELECT \"${v}\" FROM victim;\n",
       R"({"v":"answer\"; DROP TABLE victim; SELECT \"1"})"},
      {"DELETE FROM victim WHERE answer = ${v};\n", R"({"v":"0; DROP TABLE victim"})"},
      {"EXPORT SELECT ${v} AS a TO 'out.csv' TYPE CSV;\n", R"({"v":"1; DROP TABLE victim; SELECT 1"})"},
      {"CREATE TABLE x AS SELECT ${v} AS a;\n", R"({"v":"1;"})"},
      {"CREATE TABLE x AS SELECT $$${v}$$ AS a;\n", R"({"v":"$$; DROP TABLE victim; SELECT $$"})"},
      {"CREATE TABLE x AS SELECT 1 AS a /* ${v} */;\nSELECT ${w};\n",
       R"({"v":"x","w":"1; DROP TABLE victim"})"},
  };
  for (const auto& attack : attacks) {
    Outcome outcome = RunPipeline("run", attack.pipeline, attack.vars);
    EXPECT_EQ(outcome.exit_code, 2) << attack.pipeline << attack.vars << "\n" << outcome.all();
    EXPECT_NE(outcome.err.find("[SF207]"), std::string::npos) << outcome.all();
    EXPECT_NE(outcome.err.find("pipelines/p.sf:"), std::string::npos) << outcome.all();
    EXPECT_EQ(
        RunPipeline("run", "CREATE OR REPLACE TABLE check_victim AS SELECT answer FROM victim;\n").exit_code,
        0)
        << "victim was dropped by " << attack.vars;
  }
}

TEST_F(HardeningTest, ValuesInsideQuotesAndSecretNamesAreSafe) {
  // A ';' inside a quoted value is data, not a statement end.
  EXPECT_EQ(RunPipeline("run", "CREATE TABLE x AS SELECT '${v}' AS a;\n", R"({"v":"a;b"})").exit_code, 0);
  EXPECT_EQ(RunPipeline("run", "CREATE OR REPLACE TABLE y AS SELECT E'${v}' AS a;\n",
                        R"({"v":"\\'; DROP TABLE x; --"})")
                .exit_code,
            0);
  // The note shows the value of an ordinary variable, never of a secret-named one.
  Outcome plain = RunPipeline("validate", "SELECT ${v};\n", R"({"v":"1; SELECT 2"})");
  EXPECT_NE(plain.err.find("${v} = '1; SELECT 2'"), std::string::npos) << plain.all();
  Outcome secret =
      RunPipeline("validate", "SELECT ${db_password};\n", R"({"db_password":"1; SELECT 'hunter22'"})");
  EXPECT_EQ(secret.exit_code, 2);
  EXPECT_NE(secret.err.find("[SF207]"), std::string::npos) << secret.all();
  EXPECT_EQ(secret.all().find("hunter22"), std::string::npos) << secret.all();
}

// ------------------------------------------------------------------ 2. secrets never leak

TEST_F(HardeningTest, KeywordDsnAndUriPasswordsAreMaskedEverywhere) {
  Write("profiles/dev.yml",
        "engines:\n  duckdb:\n    mode: memory\nconnectors:\n  pg:\n    type: postgres\n    params:\n"
        "      uri: \"host=localhost port=5432 password=kw-Secret-111 dbname=x\"\n"
        "  pg2:\n    type: postgres\n    params:\n      uri: "
        "\"postgresql://u:uri-Secret-222@h/db?sslpassword=q-Secret-333\"\n");
  Write("pipelines/p.sf", "SOURCE s FROM pg PARAMS {\"table\": \"t\"};\nLOAD t FROM s;\n");
  std::vector<Outcome> outcomes = {Run({"profiles", "show", "dev"}), Run({"connect", "list", "--json"}),
                                   Run({"connect", "list"}), Run({"pipeline", "compile", "p"})};
  std::string plan = ReadAll(root_ / "target/compiled/p.json");
  for (const auto& text :
       {outcomes[0].all(), outcomes[1].all(), outcomes[2].all(), outcomes[3].all(), plan}) {
    for (const char* secret : {"kw-Secret-111", "uri-Secret-222", "q-Secret-333"})
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
  EXPECT_NE(outcomes[0].out.find("host=localhost"), std::string::npos) << outcomes[0].all();
}

TEST_F(HardeningTest, SecretsWrittenInParamsNeverAppearInDiagnosticExcerpts) {
  std::vector<std::string> pipelines = {
      "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\", \"password\": \"pw-Leak-1\", \"delimter\": "
      "\",\"};\n",
      "SOURCE s TYPE REST PARAMS {\"url\": \"http://x\", \"auth\": {\"type\": \"bearer\", \"token\": "
      "\"tok-Leak-2\"}, "
      "\"bogus\": 1};\n",
      "SOURCE s TYPE REST PARAMS {\"url\": \"http://x\", \"headers\": {\"Authorization\": \"Bearer "
      "hdr-Leak-3\"}, "
      "\"bogus\": 1};\n",
      "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\",\n  \"api_key\":\n  \"key-Leak-4\", \"bogus\": "
      "1};\n",
      "SOURCE s TYPE CSV PARAMS {\"path\": \"postgres://u:uri-Leak-5@h/db\", \"bogus\": 1};\n",
  };
  for (const auto& pipeline : pipelines) {
    Outcome outcome = RunPipeline("validate", pipeline + "LOAD t FROM s;\nLOAD u FROM nowhere;\n");
    EXPECT_EQ(outcome.exit_code, 2) << outcome.all();
    EXPECT_NE(outcome.err.find(" | "), std::string::npos) << "an excerpt is shown:\n" << outcome.all();
    EXPECT_EQ(outcome.all().find("Leak-"), std::string::npos) << outcome.all();
  }
}

TEST_F(HardeningTest, ProfileConnectorPasswordBesideTypeIsNotEchoed) {
  Write("profiles/dev.yml",
        "engines:\n  duckdb:\n    mode: memory\nconnectors:\n  pg:\n    type: postgres\n    password: "
        "Sf509-Secret\n"
        "    token: 'Sf509-Token'\n");
  Outcome outcome = Run({"profiles", "validate", "dev"});
  EXPECT_EQ(outcome.exit_code, 2) << outcome.all();
  EXPECT_NE(outcome.err.find("[SF509]"), std::string::npos) << outcome.all();
  EXPECT_EQ(outcome.all().find("Sf509-"), std::string::npos) << outcome.all();
}

TEST_F(HardeningTest, IncludeNeverPrintsAnotherFilesContent) {
  Write(".env", "API_TOKEN=env-Leak-Value\nSELECT 1\n");
  Write("notes.txt", "INCLUDE-Leak-Line with ; and 'quotes\n");
  for (const std::string include :
       {"../.env", "/proc/self/environ", "../notes.txt", "/etc/passwd", "../../x.sf"}) {
    Outcome outcome = RunPipeline("validate", "INCLUDE \"" + include + "\";\n");
    EXPECT_EQ(outcome.exit_code, 2) << include << "\n" << outcome.all();
    EXPECT_NE(outcome.err.find("[SF123]"), std::string::npos) << outcome.all();
    EXPECT_NE(outcome.err.find("pipelines/p.sf:1:"), std::string::npos) << outcome.all();
    EXPECT_EQ(outcome.all().find("Leak"), std::string::npos) << outcome.all();
    EXPECT_EQ(outcome.all().find("root:"), std::string::npos) << outcome.all();
  }
}

// ------------------------------------------------------------------ 3. nothing escapes the project

TEST_F(HardeningTest, PipelineNamesAreNamesNotPaths) {
  fs::create_directories(base_ / "outside");
  std::ofstream(base_ / "outside/evil.sf") << "CREATE TABLE evil AS SELECT 1;\n";
  Write("pipelines/good.sf", "SELECT 1;\n");
  for (const std::string command : {"run", "compile", "validate"}) {
    for (const std::string& name :
         std::vector<std::string>{"../../outside/evil", "../outside/evil", "/etc/passwd", "./good",
                                  "a/../good", (base_ / "outside/evil").string()}) {
      Outcome outcome = Run({"pipeline", command, name});
      EXPECT_EQ(outcome.exit_code, 2) << command << " " << name << "\n" << outcome.all();
      EXPECT_NE(outcome.err.find("[SF502]"), std::string::npos) << outcome.all();
      EXPECT_NE(outcome.err.find("available pipelines: good"), std::string::npos) << outcome.all();
    }
  }
  EXPECT_FALSE(fs::exists(base_ / "x.json"));
  EXPECT_FALSE(fs::exists(root_ / "target/outside"));
  EXPECT_EQ(Run({"pipeline", "run", "good"}).exit_code, 0);
}

TEST_F(HardeningTest, IncludeStaysInsideTheProjectUnlessTheProfileAllowsIt) {
  std::ofstream(base_ / "shared.sf") << "CREATE TABLE shared AS SELECT 1 AS one;\n";
  Write("pipelines/inc/ok.sf", "CREATE TABLE ok AS SELECT 1 AS one;\n");
  EXPECT_EQ(RunPipeline("validate", "INCLUDE \"inc/ok.sf\";\n").exit_code, 0);
  Outcome outside = RunPipeline("validate", "INCLUDE \"../../shared.sf\";\n");
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("INCLUDE path leaves the project"), std::string::npos) << outside.all();
  Outcome absolute = RunPipeline("validate", "INCLUDE \"" + (base_ / "shared.sf").string() + "\";\n");
  EXPECT_EQ(absolute.exit_code, 2);
  EXPECT_NE(absolute.err.find("is absolute"), std::string::npos) << absolute.all();
  fs::create_directory_symlink(base_, root_ / "pipelines/link");
  Outcome symlink = RunPipeline("validate", "INCLUDE \"link/shared.sf\";\n");
  EXPECT_EQ(symlink.exit_code, 2) << symlink.all();
  Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: memory\nallow_include_outside_project: true\n");
  EXPECT_EQ(RunPipeline("validate", "INCLUDE \"../../shared.sf\";\n").exit_code, 0);
}

// ------------------------------------------------------------------ 4. crashes

TEST_F(HardeningTest, InvalidUtf8InVariableValuesIsALocatedError) {
  const std::string bad = "a\xff\xfe z\xc3";
  std::vector<Outcome> outcomes;
  outcomes.push_back(RunPipeline("compile", "SELECT '${v}';\n", "{\"v\":\"" + bad + "\"}"));
  outcomes.push_back(RunPipeline("run", "SELECT '${v}';\n", "v=" + bad));
  Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: memory\nvariables:\n  v: \"" + bad + "\"\n");
  outcomes.push_back(RunPipeline("compile", "SELECT '${v}';\n"));
  Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: memory\n");
  Write(".env", "BAD_ENV=" + bad + "\n");
  outcomes.push_back(RunPipeline("run", "SELECT '${BAD_ENV}';\n"));
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.exit_code, 2) << outcome.all();
    EXPECT_EQ(outcome.err.find("terminate called"), std::string::npos) << outcome.all();
  }
  // JSON --vars: the JSON reader itself rejects the bytes (an error about the command line).
  EXPECT_NE(outcomes[0].err.find("invalid --vars"), std::string::npos) << outcomes[0].all();
  EXPECT_NE(outcomes[0].err.find("[SF205]"), std::string::npos) << outcomes[0].all();
  // Everywhere else: located at the reference, naming where the value came from.
  for (size_t i = 1; i < outcomes.size(); ++i) {
    EXPECT_NE(outcomes[i].err.find("pipelines/p.sf:1:9: error: the value of ${"), std::string::npos)
        << outcomes[i].all();
    EXPECT_NE(outcomes[i].err.find("is not valid UTF-8 (at byte 2) [SF208]"), std::string::npos)
        << outcomes[i].all();
  }
}

TEST_F(HardeningTest, DeepNestingHitsDocumentedLimitsWithLocatedErrors) {
  struct Deep {
    std::string text;
    std::string code;
  };
  std::string chain;
  std::vector<Deep> cases = {
      {[] {
         std::string s;
         for (int i = 0; i < 6000; ++i) s += "IF true THEN\n";
         s += "SELECT 1;\n";
         for (int i = 0; i < 6000; ++i) s += "END IF;\n";
         return s;
       }(),
       "[SF126]"},
      {"IF " + std::string(18000, '(') + "true" + std::string(18000, ')') + " THEN\nSELECT 1;\nEND IF;\n",
       "[SF212]"},
      {[] {
         std::string s = "IF ";
         for (int i = 0; i < 30000; ++i) s += "NOT ";
         return s + "true THEN\nSELECT 1;\nEND IF;\n";
       }(),
       "[SF212]"},
      {"IF " + std::string(20000, '(') + " THEN\nEND IF;\n", "[SF212]"},
  };
  for (const auto& deep : cases) {
    Outcome outcome = RunPipeline("validate", deep.text);
    EXPECT_EQ(outcome.exit_code, 2) << deep.text.substr(0, 40) << "\n" << outcome.err.substr(0, 2000);
    EXPECT_NE(outcome.err.find(deep.code), std::string::npos) << outcome.err.substr(0, 2000);
    EXPECT_NE(outcome.err.find("pipelines/p.sf:"), std::string::npos) << outcome.err.substr(0, 2000);
  }
  // A long flat AND chain is not nesting: it evaluates.
  std::string ands = "IF true";
  for (int i = 0; i < 30000; ++i) ands += " AND true";
  EXPECT_EQ(RunPipeline("validate", ands + " THEN\nSELECT 1;\nEND IF;\n").exit_code, 0);
  // 5,700 chained INCLUDEs.
  for (int i = 0; i < 5700; ++i)
    Write("pipelines/c/f" + std::to_string(i) + ".sf", "INCLUDE \"f" + std::to_string(i + 1) + ".sf\";\n");
  Write("pipelines/c/f5700.sf", "SELECT 1;\n");
  Outcome includes = RunPipeline("validate", "INCLUDE \"c/f0.sf\";\n");
  EXPECT_EQ(includes.exit_code, 2) << includes.err.substr(0, 2000);
  EXPECT_NE(includes.err.find("INCLUDE nested deeper than 64 files [SF126]"), std::string::npos)
      << includes.err.substr(0, 2000);
}

TEST_F(HardeningTest, DeeplyNestedJsonDataIsADataErrorAndTheDatabaseStaysUsable) {
  ASSERT_EQ(RunPipeline("run", "CREATE TABLE keep AS SELECT 1 AS one;\n").exit_code, 0);
  for (int depth : {1000, 100000}) {
    Write("data/deep.json", std::string(depth, '[') + std::string(depth, ']'));
    Write("data/deep_obj.ndjson", [&] {
      std::string s;
      for (int i = 0; i < depth; ++i) s += "{\"a\":";
      return s + "1" + std::string(depth, '}') + "\n";
    }());
    for (const std::string file : {"data/deep.json", "data/deep_obj.ndjson"}) {
      Outcome outcome = RunPipeline("run", "SOURCE s TYPE JSON PARAMS {\"path\": \"" + file +
                                               "\", \"max_depth\": 2};\nLOAD t FROM s;\n");
      EXPECT_EQ(outcome.exit_code, 1) << outcome.all();
      EXPECT_NE(outcome.err.find(file), std::string::npos) << outcome.all();
      EXPECT_NE(outcome.err.find("deeper than 128 levels"), std::string::npos) << outcome.all();
      EXPECT_LT(outcome.seconds, 10 * kSlowdown);
      Outcome next = RunPipeline("run", "CREATE OR REPLACE TABLE keep2 AS SELECT * FROM keep;\n");
      EXPECT_EQ(next.exit_code, 0) << next.all();
      EXPECT_LT(next.seconds, 10 * kSlowdown);
    }
  }
}

// ------------------------------------------------------------------ 5. linear time

TEST_F(HardeningTest, HundredThousandReferencesValidateInLinearTime) {
  std::string refs;
  for (int i = 0; i < 100000; ++i) refs += "${a}";
  Outcome outcome = RunPipeline("validate", "SELECT '" + refs + "' AS x;\n", "a=1");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err.substr(0, 2000);
  EXPECT_LT(outcome.cpu_seconds, 1.0 * kSlowdown) << "validate took " << outcome.cpu_seconds << " s CPU";
  std::cout << "[ figures  ] validate with 100,000 ${a}: " << outcome.cpu_seconds << " s CPU, "
            << outcome.seconds << " s wall\n";
}

TEST_F(HardeningTest, YamlAliasBombIsRejectedQuickly) {
  std::string bomb =
      "engines: {duckdb: {mode: memory}}\nvariables:\n  a: &a "
      "[\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
  const char* names = "abcdefghi";
  for (int level = 1; level < 9; ++level) {
    std::string ref = std::string("*") + names[level - 1];
    bomb += std::string("  ") + names[level] + ": &" + names[level] + " [" + ref;
    for (int i = 0; i < 8; ++i) bomb += "," + ref;
    bomb += "]\n";
  }
  Write("profiles/dev.yml", bomb);
  Write("pipelines/p.sf", "SELECT 1;\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"profiles", "validate", "dev"}, {"profiles", "show", "dev"}, {"pipeline", "validate", "p"}}) {
    Outcome outcome = Run(args);
    EXPECT_EQ(outcome.exit_code, 2) << outcome.all();
    EXPECT_NE(
        outcome.err.find("profiles/dev.yml:1:1: error: invalid YAML in profiles/dev.yml: more than 100000 "
                         "nodes"),
        std::string::npos)
        << outcome.all();
    EXPECT_LT(outcome.cpu_seconds, 0.1 * kSlowdown) << "took " << outcome.cpu_seconds << " s CPU";
    std::cout << "[ figures  ] alias bomb rejected by '" << args[0] << " " << args[1] << "' in "
              << outcome.cpu_seconds << " s CPU, " << outcome.seconds << " s wall\n";
  }
}

// ------------------------------------------------------------------ 6. silent data loss

TEST_F(HardeningTest, CsvWithNulBytesIsADataErrorAndTheTableIsUnchanged) {
  Write("data/t.csv", "id,name\n1,a\n2,b\n");
  const std::string load =
      "SOURCE s TYPE CSV PARAMS {\"path\": \"data/t.csv\"};\nLOAD t FROM s MODE REPLACE;\n";
  ASSERT_EQ(RunPipeline("run", load).exit_code, 0);
  for (const std::string& bad :
       {std::string(4, '\0'), std::string("id,na\0me\n1,a\n", 13), std::string("\0\0\0\0\n1,2\n", 9)}) {
    Write("data/t.csv", bad);
    Outcome outcome = RunPipeline("run", load);
    EXPECT_EQ(outcome.exit_code, 1) << outcome.all();
    EXPECT_NE(outcome.err.find("data/t.csv"), std::string::npos) << outcome.all();
    EXPECT_NE(outcome.err.find("NUL byte"), std::string::npos) << outcome.all();
    Outcome count = RunPipeline("run", "EXPORT SELECT count(*) AS n FROM t TO 'out.csv' TYPE CSV;\n");
    EXPECT_EQ(count.exit_code, 0) << count.all();
    EXPECT_EQ(ReadAll(root_ / "out.csv"), "n\n2\n");
  }
}

}  // namespace
}  // namespace sqlflow
