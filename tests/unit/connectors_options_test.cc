// The typed options of the postgres, json, parquet and in_memory connectors and the files base (source and
// destination): defaults
// come from the registry schema, a bad value gives an issue naming its parameter, and compile-time
// validation (the registry's validate hook) and Configure agree because both call the same parse function.
#include <gtest/gtest.h>

#include <functional>

#include "connectors_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/files/file_destination.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/in_memory/in_memory_options.h"
#include "sqlflow/connectors/json/json_options.h"
#include "sqlflow/connectors/parquet/parquet_options.h"
#include "sqlflow/connectors/postgres/pg_connection.h"
#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

using testing::DestinationType;
using testing::SourceType;

// The schema default of `key` (the test fails when there is none).
Json SchemaDefault(const ConnectorTypeInfo& type, const std::string& key) {
  for (const auto& spec : type.params)
    if (spec.name == key && spec.default_value) return *spec.default_value;
  ADD_FAILURE() << type.name << " has no default for " << key;
  return nullptr;
}

std::vector<std::string> Messages(const std::vector<ParamIssue>& issues, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& issue : issues)
    if (issue.key == key) out.push_back(issue.code + " " + issue.message);
  return out;
}

// The message Configure throws (as Error(kInvalidConfig)); "" when it configures.
std::string ConfigureError(const std::function<void()>& configure) {
  try {
    configure();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidConfig);
    return error.what();
  }
  return "";
}

// Validation's single error for `params`, and Configure's error for the same parameters with the registry
// defaults filled in (the way the planner hands them over) must be the same message.
void ExpectSourceAgreement(const std::string& type_name, const Json& params, const std::string& expected) {
  const ConnectorTypeInfo& type = SourceType(type_name);
  const ValidatedParams validated = ValidateSourceParams(type, params);
  ASSERT_EQ(validated.issues.size(), 1u) << type_name << " " << params.dump();
  EXPECT_EQ(validated.issues[0].message, expected);
  auto source = type.make_source();
  EXPECT_EQ(ConfigureError([&] { source->Configure(WithDefaults(type, "s", validated.canonical)); }),
            expected);
}

void ExpectDestinationAgreement(const std::string& type_name, const Json& params,
                                const std::string& expected) {
  const ConnectorTypeInfo& type = DestinationType(type_name);
  const ValidatedParams validated = ValidateExportOptions(type, type_name, params, false);
  ASSERT_EQ(validated.issues.size(), 1u) << type_name << " " << params.dump();
  EXPECT_EQ(validated.issues[0].message, expected);
  auto destination = type.make_destination();
  EXPECT_EQ(ConfigureError([&] { destination->Configure(WithDefaults(type, "d", validated.canonical)); }),
            expected);
}

// ---- postgres ----

TEST(ConnectorOptions, PostgresDefaultsComeFromTheSchema) {
  const ConnectorTypeInfo& type = SourceType("postgres");
  std::vector<ParamIssue> issues;
  const pg::PgSourceOptions o = pg::ParsePgSourceOptions(Json::object(), issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.connection.schema, SchemaDefault(type, "schema").get<std::string>());
  EXPECT_EQ(o.connection.sslmode, SchemaDefault(type, "sslmode").get<std::string>());
  EXPECT_EQ(o.connection.port, std::to_string(SchemaDefault(type, "port").get<int64_t>()));
  EXPECT_EQ(o.connection.connect_timeout_seconds, SchemaDefault(type, "connect_timeout_seconds").get<int>());
  EXPECT_EQ(o.connection.application_name, SchemaDefault(type, "application_name").get<std::string>());
  EXPECT_EQ(o.query_timeout_seconds, SchemaDefault(type, "query_timeout_seconds").get<int64_t>());
  for (const char* key : {"port", "sslmode", "connect_timeout_seconds", "application_name"})
    EXPECT_TRUE(o.connection.AtDefault(key)) << key;
  EXPECT_EQ(o.retry.max_retries, SchemaDefault(type, "max_retries").get<int64_t>());

  const pg::PgDestinationOptions d = pg::ParsePgDestinationOptions(Json::object(), issues);
  EXPECT_TRUE(issues.empty());
  const ConnectorTypeInfo& dest = DestinationType("postgres");
  EXPECT_EQ(d.mode, SchemaDefault(dest, "mode").get<std::string>());
  EXPECT_EQ(d.create_table, SchemaDefault(dest, "create_table").get<bool>());
  EXPECT_EQ(d.replace_strategy, SchemaDefault(dest, "replace_strategy").get<std::string>());
}

TEST(ConnectorOptions, PostgresParsesValuesAndKnowsWhichAreDefaults) {
  std::vector<ParamIssue> issues;
  const pg::PgSourceOptions o = pg::ParsePgSourceOptions({{"uri", "postgresql://u@h/db"},
                                                          {"port", 6543},
                                                          {"application_name", "sqlflow"},
                                                          {"query", "SELECT 1 ;\n"},
                                                          {"column_types", {{"a", "INTEGER"}}},
                                                          {"lookback_window", "1 day"}},
                                                         issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.connection.port, "6543");
  EXPECT_FALSE(o.connection.AtDefault("port"));
  EXPECT_TRUE(o.connection.AtDefault("application_name"));  // equal to the default, even when written
  EXPECT_EQ(o.query, "SELECT 1");
  ASSERT_EQ(o.column_types.size(), 1u);
  EXPECT_EQ(o.column_types[0], (std::pair<std::string, std::string>{"a", "INTEGER"}));
  EXPECT_EQ(o.lookback_window, "1 day");
  // The settings put defaults before the URI (its parts win) and the explicit port after it.
  const auto settings = pg::ConnectSettings::FromOptions(o.connection);
  std::string keywords;
  for (const auto& [k, v] : settings.keywords) keywords += k + "=" + v + " ";
  EXPECT_EQ(keywords,
            "connect_timeout=10 application_name=sqlflow sslmode=prefer dbname=postgresql://u@h/db port=6543 "
            "client_encoding=UTF8 ");
}

TEST(ConnectorOptions, PostgresBadValuesAreLocated) {
  std::vector<ParamIssue> issues;
  (void)pg::ParsePgSourceOptions({{"uri", "warehouse"}, {"table", "a b"}}, issues);
  EXPECT_EQ(
      Messages(issues, "uri"),
      std::vector<std::string>{"SF405 POSTGRES connector: parameter 'uri' must start with postgres:// or "
                               "postgresql:// or be a keyword=value connection string"});
  EXPECT_EQ(Messages(issues, "table"),
            std::vector<std::string>{"SF406 POSTGRES connector: 'table' 'a b' is not a valid identifier (use "
                                     "schema.name, quote parts with double quotes)"});
}

TEST(ConnectorOptions, PostgresValidateAndConfigureAgree) {
  ExpectSourceAgreement("postgres", {{"table", "a b"}},
                        "POSTGRES connector: 'table' 'a b' is not a valid identifier (use schema.name, quote "
                        "parts with double quotes)");
  // A schema constraint that Configure enforces through the same parse: reported once.
  ExpectSourceAgreement("postgres", {{"table", "t"}, {"query", "SELECT 1"}},
                        "POSTGRES connector: parameters 'table' and 'query' cannot be used together");
  ExpectDestinationAgreement(
      "postgres", {{"uri", "nope"}},
      "POSTGRES connector: parameter 'uri' must start with postgres:// or postgresql:// "
      "or be a keyword=value connection string");
  // Good parameters configure on both sides.
  const ConnectorTypeInfo& type = SourceType("postgres");
  const ValidatedParams ok = ValidateSourceParams(type, {{"uri", "postgresql://h/db"}, {"table", "s.t"}});
  EXPECT_TRUE(ok.issues.empty());
  auto source = type.make_source();
  EXPECT_EQ(ConfigureError([&] { source->Configure(WithDefaults(type, "s", ok.canonical)); }), "");
  // 'query' reaches a destination's Configure only by hand; the parse rejects it like the registry does.
  auto destination = DestinationType("postgres").make_destination();
  EXPECT_EQ(ConfigureError([&] {
              destination->Configure(WithDefaults(DestinationType("postgres"), "d", {{"query", "SELECT 1"}}));
            }),
            "POSTGRES connector: 'query' is only valid on a source");
}

// ---- json ----

TEST(ConnectorOptions, JsonDefaultsComeFromTheSchema) {
  const ConnectorTypeInfo& type = SourceType("json");
  std::vector<ParamIssue> issues;
  const JsonReadOptions o = ParseJsonReadOptions(Json::object(), issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.format, SchemaDefault(type, "format").get<std::string>());
  EXPECT_EQ(o.flatten, SchemaDefault(type, "flatten").get<bool>());
  EXPECT_EQ(o.flatten_separator, SchemaDefault(type, "flatten_separator").get<std::string>());
  EXPECT_EQ(o.max_flatten_depth, SchemaDefault(type, "max_flatten_depth").get<int64_t>());
  EXPECT_EQ(o.max_depth, SchemaDefault(type, "max_depth").get<int64_t>());
  EXPECT_EQ(o.sample_size, SchemaDefault(type, "sample_size").get<int64_t>());
  EXPECT_EQ(o.compression, SchemaDefault(type, "compression").get<std::string>());
  EXPECT_EQ(o.union_by_name, SchemaDefault(type, "union_by_name").get<bool>());
  EXPECT_EQ(o.include_filename, SchemaDefault(type, "include_filename").get<bool>());
  EXPECT_FALSE(o.records_path.has_value());

  const JsonWriteOptions w = ParseJsonWriteOptions(Json::object(), issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_FALSE(w.format.has_value());  // no default: decided by the target's extension
  EXPECT_EQ(w.compression, SchemaDefault(DestinationType("json"), "compression").get<std::string>());
}

TEST(ConnectorOptions, JsonBadValuesAreLocatedAndValidateAndConfigureAgree) {
  std::vector<ParamIssue> issues;
  const JsonReadOptions o =
      ParseJsonReadOptions({{"records_path", "data.items"}, {"column_types", {{"n", " number "}}}}, issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.records_path.value_or(""), "data.items");
  ASSERT_EQ(o.column_types.size(), 1u);
  EXPECT_EQ(o.column_types[0].second, "DOUBLE");  // normalized once, at parse time
  (void)ParseJsonReadOptions({{"records_path", "data..items"}}, issues);
  ASSERT_EQ(Messages(issues, "records_path").size(), 1u);
  EXPECT_EQ(Messages(issues, "records_path")[0].substr(0, 5), "SF406");

  ExpectSourceAgreement(
      "json", {{"path", "a.json"}, {"records_path", "a-b"}},
      "JSON connector: parameter 'records_path' must be a dotted path (letters, digits, '_', "
      "'.'); got 'a-b'");
  ExpectSourceAgreement("json", {{"path", "a.json"}, {"records_path", "a"}, {"format", "ndjson"}},
                        "JSON connector: 'records_path' cannot be used with format 'newline_delimited'");
}

// ---- parquet ----

TEST(ConnectorOptions, ParquetDefaultsComeFromTheSchema) {
  std::vector<ParamIssue> issues;
  const ParquetReadOptions r = ParseParquetReadOptions(Json::object(), issues);
  const ParquetWriteOptions w = ParseParquetWriteOptions(Json::object(), issues);
  EXPECT_TRUE(issues.empty());
  const ConnectorTypeInfo& source = SourceType("parquet");
  EXPECT_EQ(r.union_by_name, SchemaDefault(source, "union_by_name").get<bool>());
  EXPECT_EQ(r.include_filename, SchemaDefault(source, "include_filename").get<bool>());
  EXPECT_EQ(r.hive_partitioning, SchemaDefault(source, "hive_partitioning").get<std::string>());
  const ConnectorTypeInfo& dest = DestinationType("parquet");
  EXPECT_EQ(w.compression, SchemaDefault(dest, "compression").get<std::string>());
  EXPECT_EQ(w.row_group_size, SchemaDefault(dest, "row_group_size").get<int64_t>());
  EXPECT_FALSE(w.compression_level.has_value());
}

TEST(ConnectorOptions, ParquetCompressionLevelNeedsZstd) {
  std::vector<ParamIssue> issues;
  const ParquetWriteOptions ok =
      ParseParquetWriteOptions({{"compression", "zstd"}, {"compression_level", 9}}, issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(ok.compression_level.value_or(0), 9);
  (void)ParseParquetWriteOptions({{"compression_level", 9}}, issues);  // default snappy
  EXPECT_EQ(
      Messages(issues, "compression_level"),
      std::vector<std::string>{"SF406 PARQUET connector: 'compression_level' requires compression 'zstd'"});
  const ValidatedParams validated =
      ValidateExportOptions(DestinationType("parquet"), "parquet", {{"compression_level", 3}}, false);
  ASSERT_EQ(validated.issues.size(), 1u);
  EXPECT_EQ(validated.issues[0].message,
            "PARQUET connector: 'compression_level' requires compression 'zstd'");
}

// ---- in_memory ----

TEST(ConnectorOptions, InMemoryParsesAndValidateAndConfigureAgree) {
  std::vector<ParamIssue> issues;
  const InMemorySourceOptions o = ParseInMemorySourceOptions(
      {{"table_name", "t"}, {"data", Json::array({{{"a", 1}}})}, {"column_types", {{"a", "Number"}}}},
      issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.table_name, "t");
  ASSERT_TRUE(o.data.has_value());
  EXPECT_EQ(o.data->size(), 1u);
  ASSERT_EQ(o.column_types.size(), 1u);
  EXPECT_EQ(o.column_types[0].second, "DOUBLE");

  (void)ParseInMemorySourceOptions({{"data", Json::object()}}, issues);
  EXPECT_EQ(
      Messages(issues, "data"),
      std::vector<std::string>{"SF404 IN_MEMORY connector: parameter 'data' must be an array of objects, got "
                               "object {}"});
  ExpectSourceAgreement(
      "in_memory", {{"data", Json::array({{{"a", 1}}, "x"})}},
      "IN_MEMORY connector: parameter 'data' must be an array of objects; element 1 is string");

  const InMemoryDestinationOptions d =
      ParseInMemoryDestinationOptions({{"keys", "a"}, {"table_name", "u"}}, issues);
  EXPECT_EQ(d.table_name, "u");
  EXPECT_EQ(d.keys, std::vector<std::string>{"a"});
}

// ---- files base ----

TEST(ConnectorOptions, FileSourceOptionsTakeTheFormatSchemaDefaults) {
  const ConnectorTypeInfo& type = SourceType("parquet");
  std::vector<ParamIssue> issues;
  const FileSourceOptions o = ParseFileSourceOptions(
      WithDefaults(type, "src", {{"path", Json::array({"a.parquet", "b.parquet"})}}), issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o.paths, (std::vector<std::string>{"a.parquet", "b.parquet"}));
  EXPECT_EQ(o.allow_no_files, SchemaDefault(type, "allow_no_files").get<bool>());
  EXPECT_EQ(o.name, "src");
  EXPECT_TRUE(o.columns.empty());

  (void)ParseFileSourceOptions(WithDefaults(type, "src", Json::object()), issues);
  EXPECT_EQ(Messages(issues, "path"),
            std::vector<std::string>{"SF403 PARQUET connector: missing required parameter 'path'"});
  auto source = type.make_source();
  EXPECT_EQ(ConfigureError([&] { source->Configure(WithDefaults(type, "src", Json::object())); }),
            "PARQUET connector: missing required parameter 'path'");
}

TEST(ConnectorOptions, FileWriteOptionsKeepWhetherPartitionByWasGiven) {
  const ConnectorTypeInfo& type = DestinationType("parquet");
  const FileWriteOptions plain =
      ParseFileWriteOptions(WithDefaults(type, "out.parquet", {{"keys", "id, day"}}));
  EXPECT_EQ(plain.keys, (std::vector<std::string>{"id, day"}));  // as given; the validator splits strings
  EXPECT_FALSE(plain.partition_by.has_value());
  const FileWriteOptions split = ParseFileWriteOptions(WithDefaults(
      type, "out/",
      ValidateExportOptions(type, "parquet", {{"keys", "id, day"}, {"partition_by", {"day"}}}, true)
          .canonical));
  EXPECT_EQ(split.keys, (std::vector<std::string>{"id", "day"}));
  ASSERT_TRUE(split.partition_by.has_value());
  EXPECT_EQ(*split.partition_by, std::vector<std::string>{"day"});
}

}  // namespace
}  // namespace sqlflow::connectors
