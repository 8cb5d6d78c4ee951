#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sqlflow/variables/scope.h"

namespace sqlflow::variables {
namespace {

const char* kFile = "pipelines/p.sf";

SourcePos At(int line, int column = 1) {
  return SourcePos{kFile, line, column, 1};
}

VarRef Ref(const std::string& text) {
  VarRef ref = ScanVarRef(text, 0);
  EXPECT_EQ(ref.error, VarRefError::kNone) << text;
  return ref;
}

// Every source gives `x` a value; `drop` removes sources from the top, one at a time.
VariableScope::Inputs AllLevels(int drop) {
  VariableScope::Inputs inputs;
  if (drop < 1) inputs.cli = {{"x", "from_cli"}};
  if (drop < 2) inputs.profile["x"] = ProfileVariable{"from_profile", std::nullopt, {}};
  if (drop < 4) {
    inputs.getenv = [](const std::string& name) -> std::optional<std::string> {
      if (name == "x") return "from_env";
      return std::nullopt;
    };
  }
  if (drop < 5) inputs.builtins["x"] = "from_builtin";
  inputs.all_references = {{"x", std::string("borrowed"), At(9)}};
  return inputs;
}

TEST(VariablesScopeTest, EachSourceBeatsTheNext) {
  struct Level {
    int drop;
    bool with_set;
    const char* ref;
    const char* value;
    const char* source;
  };
  const Level levels[] = {
      {0, true, "${x|inline}", "from_cli", "cli"},
      {1, true, "${x|inline}", "from_profile", "profile"},
      {2, true, "${x|inline}", "from_set", "set"},
      {3, false, "${x|inline}", "from_env", "env"},
      {4, false, "${x|inline}", "from_builtin", "builtin"},
      {5, false, "${x|inline}", "inline", "default"},
      {5, false, "${x}", "borrowed", "default"},
  };
  for (const auto& level : levels) {
    VariableScope scope(AllLevels(level.drop));
    if (level.with_set) scope.Set("x", "from_set", At(1));
    Diagnostics diagnostics;
    auto value = scope.Resolve(Ref(level.ref), At(2), diagnostics);
    EXPECT_EQ(value, level.value) << "drop " << level.drop;
    ASSERT_EQ(scope.Used().size(), 1u);
    EXPECT_EQ(scope.Used()[0].source, level.source);
    EXPECT_EQ(diagnostics.All().size(), 0u);
  }
}

TEST(VariablesScopeTest, BuiltinRanksAboveInlineDefault) {
  VariableScope::Inputs inputs;
  inputs.builtins = MakeBuiltins("reports/daily", "dev", 0, "abcdef");
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${profile_name|prod}"), At(1), diagnostics), "dev");
  scope.Set("profile_name", "mine", At(2));
  EXPECT_EQ(scope.Resolve(Ref("${profile_name|prod}"), At(3), diagnostics), "mine");
}

TEST(VariablesScopeTest, NullProfileValueCountsAsNotGiven) {
  VariableScope::Inputs inputs;
  inputs.profile["x"] = ProfileVariable{std::nullopt, std::nullopt, {}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  scope.Set("x", "from_set", At(1));
  EXPECT_EQ(scope.Resolve(Ref("${x}"), At(2), diagnostics), "from_set");
}

TEST(VariablesScopeTest, SetAppliesByPosition) {
  VariableScope::Inputs inputs;
  inputs.all_sets = {{"stage", At(1)}, {"stage", At(3)}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  scope.Set("stage", "raw", At(1));
  EXPECT_EQ(scope.Resolve(Ref("${stage}"), At(2), diagnostics), "raw");
  EXPECT_EQ(scope.Used()[0].value, "raw");
  scope.Set("stage", "clean", At(3));
  EXPECT_EQ(scope.Resolve(Ref("${stage}"), At(4), diagnostics), "clean");
  ASSERT_EQ(scope.Used().size(), 1u);
  EXPECT_EQ(scope.Used()[0].value, "clean");  // the value at the last reference
  EXPECT_EQ(scope.Used()[0].source, "set");
  EXPECT_FALSE(diagnostics.HasErrors());

  // CLI wins whatever the SETs say.
  VariableScope::Inputs with_cli;
  with_cli.cli = {{"stage", "x"}};
  VariableScope cli_scope(std::move(with_cli));
  cli_scope.Set("stage", "raw", At(1));
  EXPECT_EQ(cli_scope.Resolve(Ref("${stage}"), At(2), diagnostics), "x");
}

TEST(VariablesScopeTest, UsedKeepsOrderOfFirstReference) {
  VariableScope::Inputs inputs;
  inputs.cli = {{"b", "1"}, {"a", "2"}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  scope.Resolve(Ref("${a}"), At(1), diagnostics);
  scope.Resolve(Ref("${b}"), At(2), diagnostics);
  scope.Resolve(Ref("${a}"), At(3), diagnostics);
  ASSERT_EQ(scope.Used().size(), 2u);
  EXPECT_EQ(scope.Used()[0].name, "a");
  EXPECT_EQ(scope.Used()[1].name, "b");
}

TEST(VariablesScopeTest, BorrowedDefaultWarnsWhenDefaultsDiffer) {
  VariableScope::Inputs inputs;
  inputs.all_references = {{"region", std::nullopt, At(2)},
                           {"region", std::string("global"), At(5)},
                           {"region", std::string("eu"), At(8)}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${region}"), At(2, 4), diagnostics), "global");
  ASSERT_EQ(diagnostics.All().size(), 1u);
  const Diagnostic& warning = diagnostics.All()[0];
  EXPECT_EQ(warning.severity, Severity::kWarning);
  EXPECT_EQ(warning.code, "W201");
  EXPECT_EQ(warning.message, "variable 'region' has different defaults: 'global' (line 5) and 'eu' (line 8)");
  EXPECT_EQ(warning.pos.line, 2);
  EXPECT_EQ(warning.pos.column, 4);
  // A reference with its own default does not borrow and does not warn.
  EXPECT_EQ(scope.Resolve(Ref("${region|eu}"), At(8), diagnostics), "eu");
  EXPECT_EQ(diagnostics.All().size(), 1u);
  // Reported once.
  EXPECT_EQ(scope.Resolve(Ref("${region}"), At(10), diagnostics), "global");
  EXPECT_EQ(diagnostics.All().size(), 1u);
}

TEST(VariablesScopeTest, BorrowedDefaultWithoutConflictDoesNotWarn) {
  VariableScope::Inputs inputs;
  inputs.all_references = {{"region", std::string("global"), At(5)},
                           {"region", std::string("global"), At(8)}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${region}"), At(1), diagnostics), "global");
  EXPECT_EQ(diagnostics.All().size(), 0u);
}

TEST(VariablesScopeTest, UndefinedIsSF201WithHint) {
  VariableScope scope({});
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${region}"), At(3, 7), diagnostics), std::nullopt);
  ASSERT_EQ(diagnostics.All().size(), 1u);
  const Diagnostic& error = diagnostics.All()[0];
  EXPECT_EQ(error.code, "SF201");
  EXPECT_EQ(error.message, "undefined variable ${region}");
  EXPECT_EQ(error.pos.line, 3);
  EXPECT_EQ(error.pos.column, 7);
  ASSERT_EQ(error.hints.size(), 1u);
  EXPECT_EQ(
      error.hints[0],
      "define it with SET region = …;, in the profile's variables:, with --vars region=…, as an environment "
      "variable region (or in .env), or give a default ${region|value}");
  EXPECT_TRUE(error.notes.empty());
  EXPECT_TRUE(scope.Used().empty());
  // Reported for every reference.
  scope.Resolve(Ref("${region}"), At(4), diagnostics);
  EXPECT_EQ(diagnostics.ErrorCount(), 2);
}

TEST(VariablesScopeTest, UndefinedBeforeALaterSetGetsANote) {
  VariableScope::Inputs inputs;
  inputs.all_sets = {{"stage", At(1)},
                     {"other", At(6)},
                     {"stage", SourcePos{"pipelines/q.sf", 9, 1, 1}},
                     {"stage", At(7)},
                     {"stage", At(8)}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  scope.Resolve(Ref("${stage}"), At(4), diagnostics);
  ASSERT_EQ(diagnostics.All().size(), 1u);
  EXPECT_EQ(diagnostics.All()[0].notes, (std::vector<std::string>{"it is set later, at line 7"}));
}

TEST(VariablesScopeTest, UnresolvedProfileVariableIsSF513) {
  VariableScope::Inputs inputs;
  inputs.profile["branch_code"] =
      ProfileVariable{std::nullopt, std::string("BRANCH_CODE"), SourcePos{"profiles/dev.yml", 7, 16, 14}};
  inputs.all_references = {{"branch_code", std::string("x"), At(1)}};
  VariableScope scope(std::move(inputs));
  scope.Set("branch_code", "from_set", At(1));
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${branch_code|x}"), At(2), diagnostics), std::nullopt);
  ASSERT_EQ(diagnostics.All().size(), 1u);
  const Diagnostic& error = diagnostics.All()[0];
  EXPECT_EQ(error.code, "SF513");
  EXPECT_EQ(error.message, "variables.branch_code: environment variable BRANCH_CODE is not set");
  EXPECT_EQ(error.pos.file, "profiles/dev.yml");
  EXPECT_EQ(error.pos.line, 7);
  EXPECT_EQ(error.pos.column, 16);
  EXPECT_EQ(
      error.hints,
      (std::vector<std::string>{"set it, add it to .env, or give a default: ${BRANCH_CODE|<default>}"}));
}

TEST(VariablesScopeTest, CliHidesAnUnresolvedProfileVariable) {
  VariableScope::Inputs inputs;
  inputs.cli = {{"branch_code", "42"}};
  inputs.profile["branch_code"] = ProfileVariable{std::nullopt, std::string("BRANCH_CODE"), {}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  EXPECT_EQ(scope.Resolve(Ref("${branch_code}"), At(2), diagnostics), "42");
  EXPECT_FALSE(diagnostics.HasErrors());
}

TEST(VariablesScopeTest, SecretValuesComeFromSecretNames) {
  VariableScope::Inputs inputs;
  inputs.cli = {{"db_password", "hunter22"}, {"api_token", "tok-123"}, {"region", "eu"}};
  VariableScope scope(std::move(inputs));
  Diagnostics diagnostics;
  scope.Resolve(Ref("${region}"), At(1), diagnostics);
  scope.Resolve(Ref("${db_password}"), At(1), diagnostics);
  EXPECT_FALSE(scope.Used()[0].secret);
  EXPECT_TRUE(scope.Used()[1].secret);
  EXPECT_EQ(scope.SecretValues(), (std::vector<std::string>{"hunter22"}));  // only used ones
}

TEST(VariablesScopeTest, MakeBuiltinsFormatsUtcTime) {
  // 2024-05-01T10:15:00Z
  auto builtins = MakeBuiltins("reports/daily", "dev", 1714558500, "3fa9c2");
  EXPECT_EQ(builtins["run_id"], "20240501T101500Z-3fa9c2");
  EXPECT_EQ(builtins["run_date"], "2024-05-01");
  EXPECT_EQ(builtins["run_ts"], "2024-05-01T10:15:00Z");
  EXPECT_EQ(builtins["pipeline_name"], "reports/daily");
  EXPECT_EQ(builtins["profile_name"], "dev");
  EXPECT_EQ(builtins.size(), 5u);
}

// --vars (§11.3).
std::vector<std::pair<std::string, std::string>> Vars(std::vector<std::string> args) {
  Diagnostics diagnostics;
  auto result = ParseCliVars(args, diagnostics);
  EXPECT_FALSE(diagnostics.HasErrors()) << (diagnostics.All().empty() ? "" : diagnostics.All()[0].message);
  return result.value_or(std::vector<std::pair<std::string, std::string>>{});
}

Diagnostic VarsError(std::vector<std::string> args) {
  Diagnostics diagnostics;
  auto result = ParseCliVars(args, diagnostics);
  EXPECT_EQ(result, std::nullopt);
  EXPECT_EQ(diagnostics.ErrorCount(), 1);
  return diagnostics.All().empty() ? Diagnostic{} : diagnostics.All()[0];
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(VariablesCliVarsTest, KeyValuePairs) {
  EXPECT_EQ(Vars({"env=prod,limit=10"}), (Pairs{{"env", "prod"}, {"limit", "10"}}));
  EXPECT_EQ(Vars({"  env = prod , url = a=b "}), (Pairs{{"env", "prod"}, {"url", "a=b"}}));
  EXPECT_EQ(Vars({"empty="}), (Pairs{{"empty", ""}}));
}

TEST(VariablesCliVarsTest, JsonObject) {
  EXPECT_EQ(
      Vars({R"( {"env":"prod","limit":10,"flag":true,"off":false,"r":1.50,"big":123456789012345678901234,
                     "neg":-7,"e":1e-7,"gone":null})"}),
      (Pairs{{"env", "prod"},
             {"limit", "10"},
             {"flag", "true"},
             {"off", "false"},
             {"r", "1.5"},
             {"big", "123456789012345678901234"},
             {"neg", "-7"},
             {"e", "1e-07"}}));
}

TEST(VariablesCliVarsTest, LaterArgumentsWinAndNullIsNotGiven) {
  EXPECT_EQ(Vars({"a=1,b=2", R"({"a": "x", "c": 3})", "b=3", R"({"c": null})"}),
            (Pairs{{"a", "x"}, {"b", "3"}, {"c", "3"}}));
}

TEST(VariablesCliVarsTest, Errors) {
  Diagnostic missing_equals = VarsError({"env=prod,abc"});
  EXPECT_EQ(missing_equals.code, "SF205");
  EXPECT_EQ(missing_equals.message, "invalid --vars: expected name=value, found 'abc'");

  Diagnostic array = VarsError({R"({"x": [1, 2]})"});
  EXPECT_EQ(array.code, "SF205");
  EXPECT_EQ(array.message, "invalid --vars: value of 'x' must be a string, number or boolean");
  Diagnostic object = VarsError({R"({"a": 1, "y": {"z": 1}})"});
  EXPECT_EQ(object.message, "invalid --vars: value of 'y' must be a string, number or boolean");

  Diagnostic bad_json = VarsError({R"({"x": )"});
  EXPECT_EQ(bad_json.code, "SF205");
  EXPECT_EQ(bad_json.message.rfind("invalid --vars: invalid JSON: ", 0), 0u) << bad_json.message;

  Diagnostic bad_key = VarsError({"1x=2"});
  EXPECT_EQ(bad_key.code, "SF205");
  EXPECT_NE(bad_key.message.find("'1x'"), std::string::npos) << bad_key.message;
}

}  // namespace
}  // namespace sqlflow::variables
