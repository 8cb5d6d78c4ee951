#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "sqlflow/project/profile.h"

namespace sqlflow::project {
namespace {

namespace fs = std::filesystem;

// A throw-away project directory with a profiles/ folder.
class ProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device device;
    root_ = fs::temp_directory_path() / ("sqlflow_profile_test_" + std::to_string(device()));
    fs::create_directories(root_ / "profiles");
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(root_, error);
    for (const auto& name : env_) unsetenv(name.c_str());
  }

  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }
  std::optional<Profile> Load(const std::string& name, const std::string& text) {
    Write("profiles/" + name + ".yml", text);
    return LoadProfile(root_, name, diagnostics_, sources_);
  }
  void SetEnv(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    env_.push_back(name);
  }
  void UnsetEnv(const std::string& name) { unsetenv(name.c_str()); }

  const Diagnostic* Find(const std::string& code) const {
    for (const auto& diagnostic : diagnostics_.All())
      if (diagnostic.code == code) return &diagnostic;
    return nullptr;
  }
  std::string Dump() const {
    std::string text;
    for (const auto& d : diagnostics_.All()) {
      text += d.code + " " + d.pos.file + ":" + std::to_string(d.pos.line) + ":" +
              std::to_string(d.pos.column) + " " + d.message;
      for (const auto& hint : d.hints) text += " | hint: " + hint;
      for (const auto& note : d.notes) text += " | note: " + note;
      text += "\n";
    }
    return text;
  }

  fs::path root_;
  Diagnostics diagnostics_;
  SourceCache sources_{"."};
  std::vector<std::string> env_;
};

TEST_F(ProfileTest, ValidProfileIsReadWithAllSections) {
  auto profile = Load("prod", R"(version: 2
engines:
  duckdb:
    mode: persistent
    path: target/prod.duckdb
    memory_limit: 4GB
    threads: 4
    temp_directory: target/tmp
variables:
  env: prod
  flag: yes
  amount: 1.50
  quoted: "007"
  empty:
  tilde: ~
connectors:
  warehouse:
    type: postgres
    params:
      host: localhost
      port: 5432
      ssl: true
      ratio: 0.5
      code: "5432"
      nothing: null
      tags: [a, 2]
      auth: {type: bearer}
log_level: warning
)");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(diagnostics_.All().size(), 0u) << Dump();
  EXPECT_EQ(profile->file, "profiles/prod.yml");
  EXPECT_EQ(profile->engine.mode, "persistent");
  EXPECT_EQ(profile->engine.path, "target/prod.duckdb");
  EXPECT_EQ(profile->engine.memory_limit, "4GB");
  EXPECT_EQ(profile->engine.threads, 4);
  EXPECT_EQ(profile->engine.temp_directory, "target/tmp");
  EXPECT_EQ(profile->log_level, "warning");
  EXPECT_EQ(profile->variables.at("env").value, "prod");
  EXPECT_EQ(profile->variables.at("flag").value, "yes");
  EXPECT_EQ(profile->variables.at("amount").value, "1.50");
  EXPECT_EQ(profile->variables.at("quoted").value, "007");
  EXPECT_FALSE(profile->variables.at("empty").value.has_value());
  EXPECT_FALSE(profile->variables.at("tilde").value.has_value());
  EXPECT_EQ(profile->variables.at("env").pos.line, 10);
  EXPECT_EQ(profile->variables.at("env").pos.column, 8);

  ASSERT_EQ(profile->connectors.size(), 1u);
  const ConnectorConfig* warehouse = profile->FindConnector("WAREHOUSE");
  ASSERT_NE(warehouse, nullptr);
  EXPECT_EQ(warehouse->type, "postgres");
  EXPECT_EQ(warehouse->type_pos.line, 18);
  const auto& params = warehouse->params;
  EXPECT_EQ(params["host"], "localhost");
  EXPECT_TRUE(params["port"].is_number_integer());
  EXPECT_EQ(params["port"], 5432);
  EXPECT_EQ(params["ssl"], true);
  EXPECT_TRUE(params["ratio"].is_number_float());
  EXPECT_TRUE(params["code"].is_string());
  EXPECT_TRUE(params["nothing"].is_null());
  EXPECT_EQ(params["tags"], nlohmann::ordered_json::parse(R"(["a", 2])"));
  EXPECT_EQ(params["auth"]["type"], "bearer");
  // params keep file order
  EXPECT_EQ(params.begin().key(), "host");
  EXPECT_EQ(warehouse->param_scalars.at("port").pos.line, 21);
  EXPECT_EQ(warehouse->param_scalars.at("port").raw, "5432");
}

TEST_F(ProfileTest, DefaultsAreMemoryAndInfo) {
  auto profile = Load("dev", "engines:\n  duckdb:\n    mode: memory\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->engine.mode, "memory");
  EXPECT_EQ(profile->engine.threads, 0);
  EXPECT_EQ(profile->log_level, "info");
}

TEST_F(ProfileTest, ProjectDetectionAndList) {
  EXPECT_TRUE(CheckProject(root_, diagnostics_));
  Write("profiles/b.yaml", "engines: {duckdb: {}}\n");
  Write("profiles/a.yml", "engines: {duckdb: {}}\n");
  Write("profiles/notes.txt", "x");
  EXPECT_EQ(ListProfiles(root_), (std::vector<std::string>{"a", "b"}));

  fs::path empty = root_ / "empty";
  fs::create_directories(empty);
  EXPECT_FALSE(CheckProject(empty, diagnostics_));
  const Diagnostic* error = Find("SF501");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->message,
            "No SQLFlow project found in " + empty.string() + ": missing profiles/ directory");
  ASSERT_EQ(error->hints.size(), 1u);
  EXPECT_EQ(error->hints[0], "create one with: sqlflow init " + empty.string());
}

TEST_F(ProfileTest, MissingProfileListsAvailableOnesAndSuggests) {
  Write("profiles/dev.yml", "engines: {duckdb: {}}\n");
  Write("profiles/nightly.yml", "engines: {duckdb: {}}\n");
  EXPECT_FALSE(LoadProfile(root_, "nightli", diagnostics_, sources_));
  const Diagnostic* error = Find("SF503");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "profile 'nightli' not found");
  ASSERT_GE(error->hints.size(), 2u);
  EXPECT_EQ(error->hints[0], "available profiles: dev, nightly");
  EXPECT_EQ(error->hints[1], "did you mean 'nightly'?");
}

TEST_F(ProfileTest, YmlAndYamlTogetherAreAmbiguous) {
  Write("profiles/dev.yml", "engines: {duckdb: {}}\n");
  Write("profiles/dev.yaml", "engines: {duckdb: {}}\n");
  EXPECT_FALSE(LoadProfile(root_, "dev", diagnostics_, sources_));
  const Diagnostic* error = Find("SF504");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_NE(error->message.find("ambiguous profile"), std::string::npos) << error->message;
}

TEST_F(ProfileTest, YamlExtensionAlone) {
  Write("profiles/ci.yaml", "engines: {duckdb: {mode: memory}}\n");
  auto profile = LoadProfile(root_, "ci", diagnostics_, sources_);
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->file, "profiles/ci.yaml");
}

TEST_F(ProfileTest, InvalidYamlReportsFileLineAndColumn) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: memory\nvariables: [a, b\n"));
  const Diagnostic* error = Find("SF504");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->pos.file, "profiles/dev.yml");
  EXPECT_EQ(error->pos.line, 4) << Dump();
  EXPECT_TRUE(error->message.rfind("invalid YAML in profiles/dev.yml: ", 0) == 0) << error->message;
  // The file was registered so the diagnostic can quote the line.
  EXPECT_EQ(sources_.Line("profiles/dev.yml", 4), "variables: [a, b");
}

TEST_F(ProfileTest, InvalidYamlMidFile) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: memory: x\nvariables:\n  a: 1\n"));
  const Diagnostic* error = Find("SF504");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->pos.line, 3) << Dump();
  EXPECT_EQ(error->pos.column, 17) << Dump();
}

TEST_F(ProfileTest, InvalidYamlIndentationLine) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: memory\n   threads: 4\n"));
  const Diagnostic* error = Find("SF504");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->pos.line, 4) << Dump();
}

TEST_F(ProfileTest, UnknownKeysWarnWithSuggestion) {
  auto profile = Load("dev", "engines:\n  duckdb:\n    mode: memory\n    thread: 2\nvariabels:\n  a: 1\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(diagnostics_.ErrorCount(), 0) << Dump();
  ASSERT_EQ(diagnostics_.WarningCount(), 2) << Dump();
  const auto& first = diagnostics_.All()[0];
  EXPECT_EQ(first.code, "W501");
  EXPECT_EQ(first.message, "unknown profile key 'variabels'");
  EXPECT_EQ(first.pos.line, 5);
  EXPECT_EQ(first.pos.column, 1);
  ASSERT_EQ(first.hints.size(), 1u);
  EXPECT_EQ(first.hints[0], "did you mean 'variables'?");
  const auto& second = diagnostics_.All()[1];
  EXPECT_EQ(second.message, "unknown profile key 'thread'");
  EXPECT_EQ(second.pos.line, 4);
  EXPECT_EQ(second.pos.column, 5);
  ASSERT_EQ(second.hints.size(), 1u);
  EXPECT_EQ(second.hints[0], "did you mean 'threads'?");
  EXPECT_TRUE(profile->variables.empty());
}

TEST_F(ProfileTest, VersionKeyIsIgnoredSilently) {
  auto profile = Load("dev", "version: 1\nengines: {duckdb: {mode: memory}}\n");
  ASSERT_TRUE(profile);
  EXPECT_EQ(diagnostics_.All().size(), 0u) << Dump();
}

TEST_F(ProfileTest, MissingEnginesIsSF505) {
  EXPECT_FALSE(Load("dev", "variables:\n  a: 1\n"));
  const Diagnostic* error = Find("SF505");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "missing required section 'engines'");
}

TEST_F(ProfileTest, MissingDuckdbIsSF505) {
  EXPECT_FALSE(Load("dev", "engines:\n  duck: {}\n"));
  const Diagnostic* error = Find("SF505");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "missing required section 'engines.duckdb'");
  EXPECT_EQ(error->pos.line, 1);
  const Diagnostic* warning = Find("W501");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->hints.at(0), "did you mean 'duckdb'?");
}

TEST_F(ProfileTest, EmptyFileAndNonMapping) {
  EXPECT_FALSE(Load("dev", ""));
  EXPECT_NE(Find("SF505"), nullptr) << Dump();
  diagnostics_.Clear();
  EXPECT_FALSE(Load("dev", "- a\n- b\n"));
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
}

TEST_F(ProfileTest, InvalidModeIsSF506) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: persistant\n"));
  const Diagnostic* error = Find("SF506");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "invalid engines.duckdb.mode 'persistant': expected 'memory' or 'persistent'");
  EXPECT_EQ(error->pos.line, 3);
  EXPECT_EQ(error->pos.column, 11);
  EXPECT_EQ(error->hints.at(0), "did you mean 'persistent'?");
}

TEST_F(ProfileTest, PersistentWithoutPathIsSF507) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: persistent\n"));
  const Diagnostic* error = Find("SF507");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "engines.duckdb.path is required when mode is 'persistent'");
  EXPECT_EQ(error->pos.line, 3);
  diagnostics_.Clear();
  // memory mode needs no path
  EXPECT_TRUE(Load("dev", "engines:\n  duckdb:\n    mode: memory\n")) << Dump();
}

TEST_F(ProfileTest, BadThreadsMemoryLimitLogLevelAndVariablesAreSF508) {
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    threads: 0\n"));
  ASSERT_NE(Find("SF508"), nullptr) << Dump();
  EXPECT_EQ(Find("SF508")->message, "engines.duckdb.threads must be an integer >= 1");
  EXPECT_EQ(Find("SF508")->pos.line, 3);
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    threads: four\n"));
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    memory_limit: lots\n"));
  ASSERT_NE(Find("SF508"), nullptr) << Dump();
  EXPECT_TRUE(Find("SF508")->message.rfind("engines.duckdb.memory_limit must be", 0) == 0);
  diagnostics_.Clear();
  for (const char* ok : {"512MB", "1.5GiB", "100KB", "2TB", "1024B"}) {
    EXPECT_TRUE(Load("dev", std::string("engines:\n  duckdb:\n    memory_limit: ") + ok + "\n"))
        << ok << Dump();
  }

  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nlog_level: loud\n"));
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nvariables:\n  1x: a\n"));
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nvariables:\n  list: [1, 2]\n"));
  ASSERT_NE(Find("SF508"), nullptr) << Dump();
  EXPECT_EQ(Find("SF508")->pos.line, 3);
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nvariables: [a]\n"));
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
}

TEST_F(ProfileTest, ConnectorWithoutTypeOrWithParamBesideTypeIsSF509) {
  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nconnectors:\n  wh:\n    params: {host: h}\n"));
  ASSERT_NE(Find("SF509"), nullptr) << Dump();
  EXPECT_EQ(Find("SF509")->message, "connector 'wh' must have a 'type'");
  EXPECT_EQ(Find("SF509")->pos.line, 3);
  diagnostics_.Clear();

  EXPECT_FALSE(Load("dev", "engines: {duckdb: {}}\nconnectors:\n  wh:\n    type: postgres\n    host: h\n"));
  ASSERT_NE(Find("SF509"), nullptr) << Dump();
  EXPECT_EQ(Find("SF509")->message, "connector 'wh': put connector parameters under 'params' (found 'host')");
  EXPECT_EQ(Find("SF509")->pos.line, 5);
  EXPECT_EQ(Find("SF509")->pos.column, 5);
  EXPECT_EQ(Find("W501"), nullptr);  // an error, not the unknown-key warning
}

TEST_F(ProfileTest, ConnectorsAndConnectionsTogetherIsSF510) {
  EXPECT_FALSE(
      Load("dev", "engines: {duckdb: {}}\nconnectors:\n  a: {type: csv}\nconnections:\n  b: {type: csv}\n"));
  ASSERT_NE(Find("SF510"), nullptr) << Dump();
  EXPECT_EQ(Find("SF510")->message, "both 'connectors' and 'connections' are present; use 'connectors'");
  EXPECT_EQ(Find("SF510")->pos.line, 4);
}

TEST_F(ProfileTest, ConnectionsIsAnAliasOfConnectors) {
  auto profile = Load("dev",
                      "engines: {duckdb: {}}\nconnections:\n  files:\n    type: CSV\n    params:\n"
                      "      path: data/x.csv\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(diagnostics_.All().size(), 0u) << Dump();
  ASSERT_EQ(profile->connectors.size(), 1u);
  EXPECT_EQ(profile->connectors[0].name, "files");
  EXPECT_EQ(profile->connectors[0].type, "CSV");
  EXPECT_EQ(profile->connectors[0].params["path"], "data/x.csv");
}

TEST_F(ProfileTest, DatabasePathIsReadAsPathWithWarning) {
  auto profile =
      Load("dev", "engines:\n  duckdb:\n    mode: persistent\n    database_path: target/x.duckdb\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->engine.path, "target/x.duckdb");
  const Diagnostic* warning = Find("W501");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->pos.line, 4);
  EXPECT_FALSE(warning->notes.empty());
}

TEST_F(ProfileTest, ProfileNestedUnderItsOwnNameIsUnwrapped) {
  auto profile =
      Load("staging", "staging:\n  engines:\n    duckdb:\n      mode: memory\n  variables:\n    env: stg\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->variables.at("env").value, "stg");
  const Diagnostic* warning = Find("W501");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->message, "unknown profile key 'staging'");
  EXPECT_FALSE(warning->notes.empty());
  // Nested under another name it is only an unknown key.
  diagnostics_.Clear();
  EXPECT_FALSE(Load("other", "staging:\n  engines:\n    duckdb: {}\n"));
  EXPECT_NE(Find("SF505"), nullptr) << Dump();
}

TEST_F(ProfileTest, EnvSubstitutionInValuesNotKeys) {
  SetEnv("SQLFLOW_PT_HOST", "db.internal");
  UnsetEnv("SQLFLOW_PT_MISSING");
  SetEnv("SQLFLOW_PT_KEY", "renamed");
  auto profile = Load("dev", R"(engines:
  duckdb:
    mode: ${SQLFLOW_PT_MISSING|memory}
variables:
  host: ${SQLFLOW_PT_HOST}
  url: "http://${SQLFLOW_PT_HOST}:${SQLFLOW_PT_MISSING|80}/x"
  literal: $${SQLFLOW_PT_HOST}
  ${SQLFLOW_PT_KEY}: 1
  branch: ${SQLFLOW_PT_MISSING}
connectors:
  wh:
    type: postgres
    params:
      host: ${SQLFLOW_PT_HOST}
      password: ${SQLFLOW_PT_MISSING}
      port: ${SQLFLOW_PT_MISSING|5432}
      auth:
        token: ${SQLFLOW_PT_MISSING}
)");
  // `${SQLFLOW_PT_KEY}` as a key is not substituted: it is not an identifier.
  ASSERT_FALSE(profile);
  EXPECT_NE(Find("SF508"), nullptr) << Dump();
  diagnostics_.Clear();

  profile = Load("dev", R"(engines:
  duckdb:
    mode: ${SQLFLOW_PT_MISSING|memory}
variables:
  host: ${SQLFLOW_PT_HOST}
  url: "http://${SQLFLOW_PT_HOST}:${SQLFLOW_PT_MISSING|80}/x"
  literal: $${SQLFLOW_PT_HOST}
  branch: ${SQLFLOW_PT_MISSING}
connectors:
  wh:
    type: postgres
    params:
      host: ${SQLFLOW_PT_HOST}
      password: ${SQLFLOW_PT_MISSING}
      port: ${SQLFLOW_PT_MISSING|5432}
      auth:
        token: ${SQLFLOW_PT_MISSING}
)");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(diagnostics_.ErrorCount(), 0) << Dump();
  EXPECT_EQ(profile->engine.mode, "memory");
  EXPECT_EQ(profile->variables.at("host").value, "db.internal");
  EXPECT_EQ(profile->variables.at("url").value, "http://db.internal:80/x");
  EXPECT_EQ(profile->variables.at("literal").value, "${SQLFLOW_PT_HOST}");
  // Unresolved: recorded, not an error at load time.
  const auto& branch = profile->variables.at("branch");
  EXPECT_FALSE(branch.value.has_value());
  EXPECT_EQ(branch.unset_env, "SQLFLOW_PT_MISSING");
  EXPECT_EQ(branch.pos.line, 8);
  EXPECT_EQ(branch.pos.column, 11);

  const ConnectorConfig& wh = profile->connectors.at(0);
  EXPECT_EQ(wh.params["host"], "db.internal");
  EXPECT_EQ(wh.params["port"], "5432");  // substituted values stay strings
  EXPECT_EQ(wh.param_scalars.at("password").unset_env, "SQLFLOW_PT_MISSING");
  EXPECT_EQ(wh.param_scalars.at("password").raw, "${SQLFLOW_PT_MISSING}");
  EXPECT_EQ(wh.param_scalars.at("password").pos.line, 14);
  EXPECT_FALSE(wh.param_scalars.at("host").unset_env.has_value());
  ASSERT_EQ(wh.unresolved_params.size(), 2u);
  EXPECT_EQ(wh.unresolved_params[0].first, "password");
  EXPECT_EQ(wh.unresolved_params[1].first, "auth.token");

  Diagnostics warnings;
  WarnUnresolved(*profile, warnings);
  EXPECT_EQ(warnings.WarningCount(), 3);
  EXPECT_EQ(warnings.ErrorCount(), 0);
}

TEST_F(ProfileTest, UnsetEnvInUsedEngineValueIsSF513) {
  UnsetEnv("SQLFLOW_PT_DB");
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    mode: persistent\n    path: ${SQLFLOW_PT_DB}\n"));
  const Diagnostic* error = Find("SF513");
  ASSERT_NE(error, nullptr) << Dump();
  EXPECT_EQ(error->message, "engines.duckdb.path: environment variable SQLFLOW_PT_DB is not set");
  EXPECT_EQ(error->pos.file, "profiles/dev.yml");
  EXPECT_EQ(error->pos.line, 4);
  EXPECT_EQ(error->pos.column, 11);
  ASSERT_EQ(error->hints.size(), 1u);
  EXPECT_EQ(error->hints[0], "set it, add it to .env, or give a default: ${SQLFLOW_PT_DB|<default>}");
  EXPECT_EQ(Find("SF507"), nullptr) << Dump();
  diagnostics_.Clear();

  // With a default it resolves.
  auto profile =
      Load("dev", "engines:\n  duckdb:\n    mode: persistent\n    path: ${SQLFLOW_PT_DB|target/d.db}\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->engine.path, "target/d.db");
  diagnostics_.Clear();

  // path is not used in memory mode: recorded, not reported.
  profile = Load("dev", "engines:\n  duckdb:\n    mode: memory\n    path: ${SQLFLOW_PT_DB}\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->engine_scalars.at("path").unset_env, "SQLFLOW_PT_DB");
  diagnostics_.Clear();

  // threads is always used.
  EXPECT_FALSE(Load("dev", "engines:\n  duckdb:\n    threads: ${SQLFLOW_PT_DB}\n"));
  ASSERT_NE(Find("SF513"), nullptr) << Dump();
  EXPECT_EQ(Find("SF513")->message, "engines.duckdb.threads: environment variable SQLFLOW_PT_DB is not set");
}

TEST_F(ProfileTest, ShowMasksSecretsAndMarksUnsetValues) {
  SetEnv("SQLFLOW_PT_PW", "hunter2secret");
  UnsetEnv("SQLFLOW_PT_NOPE");
  Write("profiles/dev.yml", R"(engines:
  duckdb:
    mode: memory
variables:
  env: dev
  api_token: tok-123456
  region: ${SQLFLOW_PT_NOPE}
connectors:
  wh:
    type: postgres
    params:
      host: db.example.com
      user: etl
      password: ${SQLFLOW_PT_PW}
      uri: postgresql://etl:uripass99@db/x
  api:
    type: rest
    params:
      url: https://api.example.com
      api_key: key-abcdef
      headers:
        X-Api-Key: hdr-value-1
      params:
        key: q-value-2
      auth:
        type: bearer
        token: bearer-xyz
)");
  std::string shown = ShowProfile(root_, "dev", diagnostics_, sources_);
  EXPECT_EQ(diagnostics_.ErrorCount(), 0) << Dump();
  for (const char* secret :
       {"hunter2secret", "tok-123456", "uripass99", "key-abcdef", "hdr-value-1", "q-value-2", "bearer-xyz"}) {
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << "\n" << shown;
  }
  EXPECT_NE(shown.find("password: \"***\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("api_token: \"***\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("region: ${SQLFLOW_PT_NOPE}  # unset: SQLFLOW_PT_NOPE"), std::string::npos) << shown;
  EXPECT_NE(shown.find("host: db.example.com"), std::string::npos) << shown;
  EXPECT_NE(shown.find("postgresql://etl:***@db/x"), std::string::npos) << shown;
  EXPECT_NE(shown.find("env: dev"), std::string::npos) << shown;

  auto profile = LoadProfile(root_, "dev", diagnostics_, sources_);
  ASSERT_TRUE(profile);
  std::vector<std::string> secrets = SecretValues(*profile);
  for (const char* secret :
       {"hunter2secret", "tok-123456", "uripass99", "key-abcdef", "hdr-value-1", "q-value-2", "bearer-xyz"}) {
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), secret), secrets.end()) << secret;
  }
  for (const char* plain : {"db.example.com", "etl", "dev", "bearer"}) {
    EXPECT_EQ(std::find(secrets.begin(), secrets.end(), plain), secrets.end()) << plain;
  }
}

TEST_F(ProfileTest, ShowWorksDespiteUnsetEngineValue) {
  UnsetEnv("SQLFLOW_PT_DB2");
  Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: persistent\n    path: ${SQLFLOW_PT_DB2}\n");
  std::string shown = ShowProfile(root_, "dev", diagnostics_, sources_);
  EXPECT_EQ(diagnostics_.ErrorCount(), 0) << Dump();
  EXPECT_NE(shown.find("path: ${SQLFLOW_PT_DB2}  # unset: SQLFLOW_PT_DB2"), std::string::npos) << shown;
}

TEST_F(ProfileTest, DotEnvParsingRules) {
  Diagnostics diagnostics;
  auto entries = ParseDotEnv(
      "# comment\n"
      "\n"
      "PLAIN=value\n"
      "export EXPORTED=yes\n"
      "SPACED =  padded value   \n"
      "COMMENTED=abc # trailing comment\n"
      "HASH=abc#def\n"
      "SINGLE='lit $x \\n # not comment'\n"
      "DOUBLE=\"a\\nb\\tc\\\"d\\\\e\"\n"
      "EMPTY=\n"
      "not a line\n"
      "1BAD=x\n"
      "OPEN=\"unterminated\n"
      "CRLF=win\r\n",
      diagnostics);
  std::map<std::string, std::string> values(entries.begin(), entries.end());
  EXPECT_EQ(values.at("PLAIN"), "value");
  EXPECT_EQ(values.at("EXPORTED"), "yes");
  EXPECT_EQ(values.at("SPACED"), "padded value");
  EXPECT_EQ(values.at("COMMENTED"), "abc");
  EXPECT_EQ(values.at("HASH"), "abc#def");
  EXPECT_EQ(values.at("SINGLE"), "lit $x \\n # not comment");
  EXPECT_EQ(values.at("DOUBLE"), "a\nb\tc\"d\\e");
  EXPECT_EQ(values.at("EMPTY"), "");
  EXPECT_EQ(values.at("CRLF"), "win");
  EXPECT_EQ(values.count("1BAD"), 0u);
  EXPECT_EQ(values.count("OPEN"), 0u);
  ASSERT_EQ(diagnostics.WarningCount(), 3);
  EXPECT_EQ(diagnostics.ErrorCount(), 0);
  EXPECT_EQ(diagnostics.All()[0].code, "W503");
  EXPECT_TRUE(diagnostics.All()[0].message.rfind("malformed line in .env:11: ", 0) == 0)
      << diagnostics.All()[0].message;
  EXPECT_TRUE(diagnostics.All()[1].message.rfind("malformed line in .env:12: ", 0) == 0);
  EXPECT_TRUE(diagnostics.All()[2].message.rfind("malformed line in .env:13: ", 0) == 0);
}

TEST_F(ProfileTest, DotEnvNeverOverridesTheEnvironment) {
  SetEnv("SQLFLOW_PT_EXISTING", "from_process");
  UnsetEnv("SQLFLOW_PT_NEW");
  env_.push_back("SQLFLOW_PT_NEW");
  Write(".env", "SQLFLOW_PT_EXISTING=from_file\nSQLFLOW_PT_NEW=new_value\n");
  LoadDotEnv(root_, diagnostics_);
  EXPECT_STREQ(std::getenv("SQLFLOW_PT_EXISTING"), "from_process");
  ASSERT_NE(std::getenv("SQLFLOW_PT_NEW"), nullptr);
  EXPECT_STREQ(std::getenv("SQLFLOW_PT_NEW"), "new_value");

  // The values are then visible to profile substitution.
  auto profile = Load("dev", "engines: {duckdb: {}}\nvariables:\n  v: ${SQLFLOW_PT_NEW}\n");
  ASSERT_TRUE(profile) << Dump();
  EXPECT_EQ(profile->variables.at("v").value, "new_value");
}

}  // namespace
}  // namespace sqlflow::project
