// Registry lookup, parameter validation (CONNECTORS.md §1.9 message table) and docs generation.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

using testing::DestinationType;
using testing::SourceType;

// The issues as "CODE message" lines, for exact comparisons.
std::vector<std::string> Lines(const ValidatedParams& validated) {
  std::vector<std::string> lines;
  for (const auto& issue : validated.issues) lines.push_back(issue.code + " " + issue.message);
  return lines;
}

const ParamIssue* FindIssue(const ValidatedParams& validated, const std::string& code) {
  for (const auto& issue : validated.issues) {
    if (issue.code == code) return &issue;
  }
  return nullptr;
}

TEST(ConnectorsRegistryTest, LookupNormalisesCaseDashAndAliases) {
  const Registries& registries = BuiltinRegistries();
  ASSERT_NE(registries.sources.Find("CSV"), nullptr);
  EXPECT_EQ(registries.sources.Find("csv")->name, "csv");
  EXPECT_EQ(registries.sources.Find("tsv")->name, "csv");
  EXPECT_EQ(registries.sources.Find("Parquet")->name, "parquet");
  EXPECT_EQ(registries.sources.Find("pq")->name, "parquet");
  EXPECT_EQ(registries.sources.Find("NDJSON")->name, "json");
  EXPECT_EQ(registries.sources.Find("jsonl")->name, "json");
  EXPECT_EQ(registries.sources.Find("Google-Sheets")->name, "google_sheets");
  EXPECT_EQ(registries.sources.Find("gsheets")->name, "google_sheets");
  EXPECT_EQ(registries.sources.Find("googlesheets")->name, "google_sheets");
  EXPECT_EQ(registries.sources.Find("PostgreSQL")->name, "postgres");
  EXPECT_EQ(registries.sources.Find("pg")->name, "postgres");
  EXPECT_EQ(registries.sources.Find("in-memory")->name, "in_memory");
  EXPECT_EQ(registries.sources.Find("memory")->name, "in_memory");
  EXPECT_EQ(registries.sources.Find("rest-api")->name, "rest");
  EXPECT_EQ(registries.sources.Find("http")->name, "rest");
  EXPECT_EQ(registries.sources.Find("CVS"), nullptr);
  EXPECT_EQ(registries.destinations.Find("rest"), nullptr);
  EXPECT_EQ(registries.destinations.Find("shopify"), nullptr);
  EXPECT_EQ(registries.destinations.Find("pg")->name, "postgres");
}

TEST(ConnectorsRegistryTest, CanonicalNamesAreTheBuiltInTypes) {
  const Registries& registries = BuiltinRegistries();
  EXPECT_EQ(Join(registries.sources.CanonicalNames(), ","),
            "csv,google_sheets,in_memory,json,parquet,postgres,rest,s3,shopify");
  EXPECT_EQ(Join(registries.destinations.CanonicalNames(), ","), "csv,in_memory,json,parquet,postgres,s3");
}

TEST(ConnectorsRegistryTest, DuplicateNameOrAliasThrows) {
  Registry registry;
  ConnectorTypeInfo first;
  first.name = "alpha";
  first.aliases = {"a"};
  registry.Register(first);
  ConnectorTypeInfo same_name;
  same_name.name = "ALPHA";
  EXPECT_THROW(registry.Register(same_name), Error);
  ConnectorTypeInfo clashing_alias;
  clashing_alias.name = "beta";
  clashing_alias.aliases = {"A"};
  try {
    registry.Register(clashing_alias);
    FAIL() << "expected a duplicate error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInternal);
  }
  ConnectorTypeInfo fine;
  fine.name = "gamma-ray";
  registry.Register(fine);
  ASSERT_NE(registry.Find("Gamma_Ray"), nullptr);
  EXPECT_EQ(registry.Find("gamma-ray")->name, "gamma_ray");
}

TEST(ConnectorsRegistryTest, UnknownKeyGetsDidYouMeanOrTheKnownList) {
  auto validated =
      ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"delimter", ";"}, {"zzzzzzzz", 1}});
  ASSERT_EQ(validated.issues.size(), 2u) << Join(Lines(validated), "\n");
  EXPECT_EQ(validated.issues[0].code, "SF402");
  EXPECT_EQ(validated.issues[0].message, "CSV connector: unknown parameter 'delimter'");
  EXPECT_EQ(validated.issues[0].key, "delimter");
  ASSERT_EQ(validated.issues[0].hints.size(), 1u);
  EXPECT_EQ(validated.issues[0].hints[0], "did you mean 'delimiter'?");
  EXPECT_EQ(validated.issues[1].message, "CSV connector: unknown parameter 'zzzzzzzz'");
  ASSERT_EQ(validated.issues[1].hints.size(), 1u);
  EXPECT_TRUE(StartsWith(validated.issues[1].hints[0],
                         "known parameters: all_varchar, allow_no_files, auto_detect, batch_size"))
      << validated.issues[1].hints[0];
  EXPECT_FALSE(validated.canonical.contains("delimter"));
}

TEST(ConnectorsRegistryTest, MissingRequiredParameter) {
  auto validated = ValidateSourceParams(SourceType("csv"), Json::object());
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{"SF403 CSV connector: missing required parameter 'path'"});
  validated = ValidateSourceParams(SourceType("shopify"), {{"shop", "mystore"}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{"SF403 SHOPIFY connector: missing required parameter 'access_token'"});
}

TEST(ConnectorsRegistryTest, WrongJsonTypes) {
  auto validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"},
                                                            {"batch_size", "abc"},
                                                            {"has_header", 5},
                                                            {"columns", "a"},
                                                            {"column_types", Json::array()},
                                                            {"quote", 1}});
  EXPECT_EQ(Lines(validated),
            (std::vector<std::string>{
                "SF404 CSV connector: parameter 'batch_size' must be an integer, got string \"abc\"",
                "SF404 CSV connector: parameter 'has_header' must be a boolean, got number 5",
                "SF404 CSV connector: parameter 'columns' must be an array of strings, got string \"a\"",
                "SF404 CSV connector: parameter 'column_types' must be an object, got array []",
                "SF404 CSV connector: parameter 'quote' must be a string, got number 1",
            }));
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"timeout", true}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF404 CSV connector: parameter 'timeout' must be a number, got boolean true"});
}

TEST(ConnectorsRegistryTest, WholeLiteralStringsAreCoerced) {
  auto validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"},
                                                            {"batch_size", "1000"},
                                                            {"has_header", "FALSE"},
                                                            {"all_varchar", "true"},
                                                            {"timeout_seconds", "2.5"},
                                                            {"skip_rows", 3.0}});
  EXPECT_TRUE(validated.issues.empty()) << Join(Lines(validated), "\n");
  EXPECT_EQ(validated.canonical["batch_size"], 1000);
  EXPECT_TRUE(validated.canonical["batch_size"].is_number_integer());
  EXPECT_EQ(validated.canonical["has_header"], false);
  EXPECT_EQ(validated.canonical["all_varchar"], true);
  EXPECT_DOUBLE_EQ(validated.canonical["timeout_seconds"].get<double>(), 2.5);
  EXPECT_EQ(validated.canonical["skip_rows"], 3);
  // Not whole literals: no coercion.
  validated = ValidateSourceParams(SourceType("csv"),
                                   {{"path", "a.csv"}, {"batch_size", " 10"}, {"has_header", "yes"}});
  EXPECT_EQ(validated.issues.size(), 2u);
}

TEST(ConnectorsRegistryTest, EnumsAndRanges) {
  auto validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"},
                                                            {"sync_mode", "invalid_mode"},
                                                            {"batch_size", 0},
                                                            {"skip_rows", -1},
                                                            {"timeout_seconds", 0},
                                                            {"encoding", "UTF8"}});
  EXPECT_EQ(Lines(validated),
            (std::vector<std::string>{
                "SF405 CSV connector: parameter 'sync_mode' must be one of full_refresh, incremental; got "
                "'invalid_mode'",
                "SF405 CSV connector: parameter 'batch_size' must be between 1 and 1000000; got 0",
                "SF405 CSV connector: parameter 'skip_rows' must be at least 0; got -1",
                "SF405 CSV connector: parameter 'timeout_seconds' must be greater than 0; got 0",
            }));
  EXPECT_EQ(validated.canonical["encoding"], "utf-8");
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"encoding", "iso-8859-1"}});
  EXPECT_EQ(validated.canonical["encoding"], "latin-1");
  validated =
      ValidateSourceParams(SourceType("parquet"), {{"path", "a.parquet"}, {"hive_partitioning", true}});
  EXPECT_TRUE(validated.issues.empty()) << Join(Lines(validated), "\n");
  EXPECT_EQ(validated.canonical["hive_partitioning"], "true");
  validated = ValidateSourceParams(SourceType("shopify"),
                                   {{"shop", "mystore"}, {"access_token", "x"}, {"page_size", 300}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF405 SHOPIFY connector: parameter 'page_size' must be between 1 and 250; got 300"});
}

TEST(ConnectorsRegistryTest, ConstraintMessages) {
  auto validated = ValidateSourceParams(SourceType("s3"), Json::object());
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{"SF403 S3 connector: give exactly one of 'uri', 'bucket'"});
  validated =
      ValidateSourceParams(SourceType("s3"), {{"uri", "s3://bucket-a/x.csv"}, {"bucket", "bucket-a"}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{"SF406 S3 connector: give exactly one of 'uri', 'bucket'"});
  validated = ValidateSourceParams(SourceType("postgres"), {{"table", "orders"}, {"query", "SELECT 1"}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF406 POSTGRES connector: parameters 'table' and 'query' cannot be used together"});
  validated = ValidateExportOptions(DestinationType("s3"), "csv", {{"sse_kms_key_id", "k"}}, false);
  ASSERT_NE(FindIssue(validated, "SF406"), nullptr);
  EXPECT_EQ(FindIssue(validated, "SF406")->message,
            "S3 connector: parameter 'sse_kms_key_id' requires 'server_side_encryption'");
}

TEST(ConnectorsRegistryTest, AliasAndCanonicalTogetherIsAnError) {
  auto validated =
      ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"has_header", true}, {"header", false}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF406 CSV connector: 'header' is an alias of 'has_header'; give only one of them"});
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"sep", ";"}, {"delim", ";"}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF406 CSV connector: 'delim' is an alias of 'delimiter'; give only one of them"});
  // Aliases alone are renamed.
  validated = ValidateSourceParams(
      SourceType("csv"),
      {{"path", "a.csv"}, {"header", false}, {"quote_char", "'"}, {"types", {{"a", "INT"}}}});
  EXPECT_TRUE(validated.issues.empty()) << Join(Lines(validated), "\n");
  EXPECT_EQ(validated.canonical.dump(),
            R"({"path":"a.csv","has_header":false,"quote":"'","column_types":{"a":"INT"}})");
}

TEST(ConnectorsRegistryTest, SyncModeRules) {
  auto validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"sync_mode", "incremental"}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{"SF406 CSV connector: sync_mode 'incremental' requires 'cursor_field'"});
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"cursor_field", "updated_at"}});
  ASSERT_EQ(validated.issues.size(), 1u);
  EXPECT_EQ(validated.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(validated.issues[0].code, "W401");
  EXPECT_EQ(validated.issues[0].message, "cursor_field is ignored when sync_mode is full_refresh");
  validated = ValidateSourceParams(
      SourceType("csv"),
      {{"path", "a.csv"}, {"sync_mode", "incremental"}, {"cursor_field", "u"}, {"start_date", "2024-01-01"}});
  EXPECT_TRUE(validated.issues.empty()) << Join(Lines(validated), "\n");
  EXPECT_EQ(validated.canonical["cursor_start"], "2024-01-01");
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"cursor_start", Json::array()}});
  EXPECT_EQ(Lines(validated),
            std::vector<std::string>{
                "SF404 CSV connector: parameter 'cursor_start' must be a string or a number, got array []"});
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"lookback_window", "1 day"}});
  EXPECT_TRUE(validated.issues.empty()) << Join(Lines(validated), "\n");
  validated = ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"lookback_window", "soon"}});
  EXPECT_EQ(validated.issues.size(), 1u);
  EXPECT_EQ(validated.issues[0].code, "SF405");
}

TEST(ConnectorsRegistryTest, ColumnTypesAreDuckDBTypeStrings) {
  auto validated = ValidateSourceParams(
      SourceType("csv"),
      {{"path", "a.csv"},
       {"column_types",
        {{"a", "number"}, {"b", "DECIMAL(18,2)"}, {"c", "NOTATYPE"}, {"d", "varchar[]"}, {"e", 5}}}});
  EXPECT_EQ(Lines(validated),
            (std::vector<std::string>{
                "SF404 CSV connector: parameter 'column_types.e' must be a string, got number 5",
            }));
  validated = ValidateSourceParams(
      SourceType("csv"),
      {{"path", "a.csv"},
       {"types", {{"a", "number"}, {"b", "DECIMAL(18,2)"}, {"c", "NOTATYPE"}, {"d", "varchar[]"}}}});
  EXPECT_EQ(
      Lines(validated),
      std::vector<std::string>{
          "SF405 CSV connector: parameter 'column_types.c' must be a DuckDB type name; got 'NOTATYPE'"});
  EXPECT_EQ(validated.canonical["column_types"]["a"], "DOUBLE");
  EXPECT_EQ(validated.canonical["column_types"]["b"], "DECIMAL(18,2)");
}

TEST(ConnectorsRegistryTest, ConnectorSpecificRules) {
  auto csv = ValidateSourceParams(
      SourceType("csv"),
      {{"path", "a.csv"}, {"delimiter", ";;;;;"}, {"quote", "''"}, {"max_rejected_rows", 5}});
  EXPECT_EQ(Lines(csv), (std::vector<std::string>{
                            "SF406 CSV connector: parameter 'delimiter' must be 1 to 4 bytes; got ';;;;;'",
                            "SF406 CSV connector: parameter 'quote' must be a single character",
                            "SF406 CSV connector: 'max_rejected_rows' requires 'ignore_errors: true'",
                        }));
  EXPECT_TRUE(
      ValidateSourceParams(SourceType("csv"), {{"path", "a.csv"}, {"delimiter", "\\t"}}).issues.empty());

  Json ndjson = AliasImpliedParams("ndjson");
  ndjson["path"] = "a.ndjson";
  ndjson["records_path"] = "data..items";
  auto json = ValidateSourceParams(SourceType("ndjson"), ndjson);
  EXPECT_EQ(Lines(json),
            (std::vector<std::string>{
                "SF406 JSON connector: parameter 'records_path' must be a dotted path (letters, digits, '_', "
                "'.'); got "
                "'data..items'",
                "SF406 JSON connector: 'records_path' cannot be used with format 'newline_delimited'",
            }));

  auto memory = ValidateSourceParams(SourceType("memory"), {{"data", Json::array({{{"a", 1}}, 1})}});
  EXPECT_EQ(
      Lines(memory),
      std::vector<std::string>{
          "SF406 IN_MEMORY connector: parameter 'data' must be an array of objects; element 1 is number"});

  auto pg = ValidateSourceParams(
      SourceType("postgres"), {{"connection", "warehouse"}, {"replace_strategy", "drop"}, {"table", "a b"}});
  EXPECT_EQ(
      Lines(pg),
      (std::vector<std::string>{
          "SF406 POSTGRES connector: 'replace_strategy' is only valid on a destination",
          "SF405 POSTGRES connector: parameter 'uri' must start with postgres:// or postgresql:// or be a "
          "keyword=value connection string",
          "SF406 POSTGRES connector: 'table' 'a b' is not a valid identifier (use schema.name, quote parts "
          "with "
          "double quotes)",
      }));
  EXPECT_TRUE(
      ValidateSourceParams(SourceType("postgres"), {{"table", "\"My Schema\".orders"}}).issues.empty());

  auto shopify = ValidateSourceParams(SourceType("shopify"),
                                      {{"shop", "mystore"}, {"access_token", "t"}, {"object", "ordrs"}});
  ASSERT_EQ(shopify.issues.size(), 1u);
  EXPECT_TRUE(
      StartsWith(shopify.issues[0].message,
                 "SHOPIFY connector: unknown object 'ordrs' (did you mean 'orders'?); objects: orders, "))
      << shopify.issues[0].message;

  auto rest =
      ValidateSourceParams(SourceType("rest"), {{"url", "ftp://x"},
                                                {"body", {{"a", 1}}},
                                                {"auth", {{"type", "bearer"}}},
                                                {"pagination", {{"type", "cursor"}, {"cursor_param", "c"}}}});
  EXPECT_EQ(Lines(rest), (std::vector<std::string>{
                             "SF406 REST connector: invalid url 'ftp://x': the scheme must be http or https",
                             "SF406 REST connector: body is only allowed with method POST",
                             "SF406 REST connector: auth.token is required for auth type 'bearer'",
                             "SF406 REST connector: pagination.cursor_path is required for type 'cursor'",
                         }));
  rest = ValidateSourceParams(SourceType("rest"), {{"url", "https://api.example.com"},
                                                   {"pagination", {{"type", "pages"}, {"page_sise", 5}}}});
  EXPECT_EQ(Lines(rest),
            (std::vector<std::string>{
                "SF402 REST connector: unknown parameter 'pagination.page_sise'",
                "SF406 REST connector: unknown pagination type 'pages'; known: none, page_number, offset, "
                "cursor, link_header, next_url",
            }));

  auto sheets = ValidateSourceParams(SourceType("sheets"), {{"spreadsheet_id", "abc"},
                                                            {"sheet", "Data"},
                                                            {"range", "'Other Sheet'!A1:E"},
                                                            {"api_key", "k"},
                                                            {"access_token", "t"}});
  EXPECT_EQ(
      Lines(sheets),
      (std::vector<std::string>{
          "SF406 GOOGLE_SHEETS connector: parameters 'access_token' and 'api_key' cannot be used together",
          "SF406 GOOGLE_SHEETS connector: range names sheet 'Other Sheet' but sheet_name is 'Data'",
      }));
}

// The generic fixed-objects hook (CONNECTORS.md §1.5): an unknown object is SF406 with did-you-mean and the
// list, keyed by the object parameter; a known one goes to the connector's own check; types without a fixed
// list accept anything.
TEST(ConnectorsRegistryTest, FixedObjectsCheck) {
  ConnectorTypeInfo type;
  type.name = "demo_api";
  std::vector<std::string> checked;
  type.fixed_objects = FixedObjects{
      "resource",
      {"invoices", "invoice_lines", "payments"},
      [&](const std::string& object, const Json& canonical, std::vector<ParamIssue>& issues) {
        checked.push_back(object);
        if (canonical.contains("cursor_field"))
          issues.push_back({Severity::kWarning, "SF406", "engine filter for " + object, "cursor_field", {}});
      }};
  auto unknown = CheckFixedObject(type, "invoicse", Json::object());
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].severity, Severity::kError);
  EXPECT_EQ(unknown[0].code, "SF406");
  EXPECT_EQ(unknown[0].key, "resource");
  EXPECT_EQ(unknown[0].message,
            "DEMO_API connector: unknown object 'invoicse' (did you mean 'invoices'?); objects: invoices, "
            "invoice_lines, payments");
  EXPECT_TRUE(checked.empty());  // the connector's check only sees known objects
  EXPECT_EQ(CheckFixedObject(type, "zzz", Json::object())[0].message,
            "DEMO_API connector: unknown object 'zzz'; objects: invoices, invoice_lines, payments");
  auto known = CheckFixedObject(type, "payments", Json{{"cursor_field", "x"}});
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0].severity, Severity::kWarning);
  EXPECT_EQ(checked, std::vector<std::string>{"payments"});
  EXPECT_TRUE(CheckFixedObject(SourceType("postgres"), "anything", Json::object()).empty());

  // ValidateSourceParams applies it to the object parameter (shopify: 'object' and its aliases).
  auto shopify = ValidateSourceParams(SourceType("shopify"),
                                      {{"shop", "mystore"}, {"access_token", "t"}, {"resource", "prodcts"}});
  ASSERT_EQ(shopify.issues.size(), 1u);
  EXPECT_EQ(shopify.issues[0].key, "object");
  EXPECT_NE(shopify.issues[0].message.find("unknown object 'prodcts' (did you mean 'products'?)"),
            std::string::npos);
  // The cursor field warning of §3.9 comes only for a field the object cannot push down.
  auto other = ValidateSourceParams(SourceType("shopify"), {{"shop", "mystore"},
                                                            {"access_token", "t"},
                                                            {"object", "customers"},
                                                            {"sync_mode", "incremental"},
                                                            {"cursor_field", "email"}});
  ASSERT_EQ(other.issues.size(), 1u);
  EXPECT_EQ(other.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(other.issues[0].key, "cursor_field");
  EXPECT_EQ(
      other.issues[0].message,
      "SHOPIFY connector: cursor_field 'email' of object 'customers' has no server filter; every record is "
      "read and the engine filters them (server filters: updated_at, created_at, id)");
  auto pushed = ValidateSourceParams(SourceType("shopify"), {{"shop", "mystore"},
                                                             {"access_token", "t"},
                                                             {"object", "order_line_items"},
                                                             {"sync_mode", "incremental"},
                                                             {"cursor_field", "order_updated_at"}});
  EXPECT_TRUE(pushed.issues.empty()) << Lines(pushed).front();
}

TEST(ConnectorsRegistryTest, ExportOptionsUnknownOtherFormatAndModes) {
  auto csv = ValidateExportOptions(DestinationType("csv"), "csv", {{"hedaer", true}}, false);
  EXPECT_EQ(Lines(csv), std::vector<std::string>{"SF408 CSV export: unknown option 'hedaer'"});
  ASSERT_EQ(csv.issues[0].hints.size(), 1u);
  EXPECT_EQ(csv.issues[0].hints[0], "did you mean 'header'?");

  auto parquet = ValidateExportOptions(DestinationType("parquet"), "parquet", {{"zzzzzzz", 1}}, false);
  ASSERT_EQ(parquet.issues.size(), 1u);
  EXPECT_EQ(parquet.issues[0].message, "PARQUET export: unknown option 'zzzzzzz'");
  EXPECT_EQ(parquet.issues[0].hints[0],
            "known options: compression, compression_level, keys, mode, partition_by, row_group_size");

  auto json =
      ValidateExportOptions(DestinationType("json"), "json", {{"header", true}, {"format", "ndjson"}}, false);
  ASSERT_EQ(json.issues.size(), 1u);
  EXPECT_EQ(json.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(json.issues[0].code, "W402");
  EXPECT_EQ(json.issues[0].message, "option 'header' has no effect for JSON exports");
  EXPECT_FALSE(json.canonical.contains("header"));
  EXPECT_EQ(json.canonical["format"], "newline_delimited");
  auto ndjson = ValidateExportOptions(DestinationType("json"), "ndjson", {{"compression_level", 3}}, false);
  EXPECT_EQ(Lines(ndjson),
            std::vector<std::string>{"W402 option 'compression_level' has no effect for NDJSON exports"});

  auto upsert = ValidateExportOptions(DestinationType("csv"), "csv", {{"mode", "upsert"}}, false);
  EXPECT_EQ(Lines(upsert), std::vector<std::string>{"SF411 mode 'upsert' requires option \"keys\""});
  auto directory =
      ValidateExportOptions(DestinationType("csv"), "csv", {{"mode", "upsert"}, {"keys", "id"}}, true);
  EXPECT_EQ(Lines(directory),
            std::vector<std::string>{
                "SF411 CSV destination does not support mode 'upsert'; supported: replace, append"});
  auto partition =
      ValidateExportOptions(DestinationType("parquet"), "parquet", {{"partition_by", {"day"}}}, false);
  EXPECT_EQ(Lines(partition),
            std::vector<std::string>{"SF411 partition_by needs a directory destination ending in '/'"});
  auto bad_mode = ValidateExportOptions(DestinationType("csv"), "csv", {{"mode", "merge"}}, false);
  EXPECT_EQ(Lines(bad_mode),
            std::vector<std::string>{
                "SF405 CSV connector: parameter 'mode' must be one of replace, append, upsert; got 'merge'"});

  auto keys =
      ValidateExportOptions(DestinationType("csv"), "csv",
                            {{"mode", "upsert"}, {"key", "id, day"}, {"null", "NA"}, {"sep", ";"}}, false);
  EXPECT_TRUE(keys.issues.empty()) << Join(Lines(keys), "\n");
  EXPECT_EQ(keys.canonical.dump(),
            R"({"mode":"upsert","keys":["id","day"],"null_string":"NA","delimiter":";"})");

  auto level =
      ValidateExportOptions(DestinationType("parquet"), "parquet", {{"compression_level", 3}}, false);
  EXPECT_EQ(Lines(level), std::vector<std::string>{
                              "SF406 PARQUET connector: 'compression_level' requires compression 'zstd'"});
  EXPECT_TRUE(ValidateExportOptions(DestinationType("parquet"), "parquet",
                                    {{"compression", "zstd"}, {"compression_level", 3}}, false)
                  .issues.empty());

  // Connector destinations: no W402, file options are unknown there; s3 takes the format's writer options.
  auto memory = ValidateExportOptions(DestinationType("in_memory"), "in_memory", {{"header", true}}, false);
  EXPECT_EQ(Lines(memory), std::vector<std::string>{"SF408 IN_MEMORY export: unknown option 'header'"});
  auto s3 =
      ValidateExportOptions(DestinationType("s3"), "csv", {{"header", false}, {"row_group_size", 5}}, false);
  EXPECT_EQ(Lines(s3),
            std::vector<std::string>{"W402 option 'row_group_size' has no effect for CSV exports"});
  EXPECT_EQ(s3.canonical["header"], false);
}

TEST(ConnectorsRegistryTest, DefaultsSecretsAndImpliedParams) {
  ResolvedParams params = WithDefaults(SourceType("csv"), "orders", {{"path", "a.csv"}});
  EXPECT_EQ(params.type, "csv");
  EXPECT_EQ(params.name, "orders");
  EXPECT_EQ(params.GetString("path"), "a.csv");
  EXPECT_TRUE(params.GetBool("has_header"));
  EXPECT_EQ(params.GetInt("batch_size"), 10000);
  EXPECT_EQ(params.GetString("sync_mode"), "full_refresh");
  EXPECT_FALSE(params.Has("delimiter"));
  EXPECT_EQ(params.GetStringList("null_values"), std::vector<std::string>{""});
  ResolvedParams rest = WithDefaults(SourceType("rest"), "users", {{"url", "https://x"}});
  EXPECT_EQ(rest.GetInt("max_retries"), 3);
  EXPECT_DOUBLE_EQ(rest.GetNumber("timeout_seconds"), 30);

  EXPECT_TRUE(IsSecretParam(SourceType("postgres"), "password"));
  EXPECT_TRUE(IsSecretParam(SourceType("s3"), "access_key_id"));
  EXPECT_TRUE(IsSecretParam(SourceType("s3"), "secret_key"));
  EXPECT_TRUE(IsSecretParam(SourceType("google_sheets"), "credentials_json"));
  EXPECT_TRUE(IsSecretParam(SourceType("rest"), "auth.token"));
  EXPECT_TRUE(IsSecretParam(SourceType("rest"), "auth.value"));
  EXPECT_FALSE(IsSecretParam(SourceType("s3"), "key"));
  EXPECT_FALSE(IsSecretParam(SourceType("csv"), "primary_key"));
  EXPECT_FALSE(IsSecretParam(DestinationType("csv"), "keys"));

  EXPECT_EQ(AliasImpliedParams("TSV").dump(), R"({"delimiter":"\t"})");
  EXPECT_EQ(AliasImpliedParams("jsonl").dump(), R"({"format":"newline_delimited"})");
  EXPECT_TRUE(AliasImpliedParams("csv").empty());
}

TEST(ConnectorsRegistryTest, DescribeAndParamsMarkdown) {
  const std::string markdown = ParamsMarkdown(SourceType("csv"));
  EXPECT_TRUE(
      StartsWith(markdown, "| Name | Aliases | Type | Required | Default | Secret | Description |\n|---|"));
  EXPECT_NE(markdown.find("| `path` |  | string or array of strings | yes |  |  | File, glob"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| `delimiter` | `sep`, `delim` | string |"), std::string::npos);
  EXPECT_NE(markdown.find("| `batch_size` |  | integer 1..1000000 |  | `10000` |"), std::string::npos);
  EXPECT_EQ(markdown, ParamsMarkdown(SourceType("csv")));  // deterministic
  const std::string pg = ParamsMarkdown(SourceType("postgres"));
  EXPECT_NE(pg.find("| `password` |  | string |  |  | yes |"), std::string::npos) << pg;
  EXPECT_NE(pg.find("- at most one of 'table', 'query'"), std::string::npos);

  const std::string text = DescribeType(BuiltinRegistries(), "csv", "text");
  EXPECT_TRUE(StartsWith(text, "csv: ")) << text;
  EXPECT_NE(text.find("aliases: tsv"), std::string::npos);
  EXPECT_NE(text.find("destination (modes replace, append, upsert"), std::string::npos) << text;
  const std::string rest = DescribeType(BuiltinRegistries(), "rest", "markdown");
  EXPECT_NE(rest.find("## Source parameters"), std::string::npos);
  EXPECT_EQ(rest.find("## Destination options"), std::string::npos);
  auto json = Json::parse(DescribeType(BuiltinRegistries(), "postgres", "json"));
  EXPECT_EQ(json["name"], "postgres");
  EXPECT_EQ(json["destination"]["capabilities"]["modes"].size(), 3u);
  EXPECT_THROW(DescribeType(BuiltinRegistries(), "cvs", "text"), Error);
}

TEST(ConnectorsRegistryTest, EveryRegisteredTypeMakesARealInstance) {
  for (const char* type :
       {"csv", "parquet", "json", "in_memory", "postgres", "s3", "rest", "google_sheets", "shopify"}) {
    EXPECT_NE(SourceType(type).make_source(), nullptr) << type;
  }
  for (const char* type : {"csv", "parquet", "json", "in_memory", "postgres", "s3"}) {
    EXPECT_NE(DestinationType(type).make_destination(), nullptr) << type;
  }
}

}  // namespace
}  // namespace sqlflow::connectors
