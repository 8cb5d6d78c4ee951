// Registry entries of the network connector types (CONNECTORS.md §3.5-3.9) with their full parameter
// schemas and compile-time rules, so that validation and `connect describe` know them before their
// implementations land. Until then their factories throw Error(kUnsupported).
#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_paths.h"
#include "sqlflow/connectors/postgres/postgres.h"
#include "sqlflow/connectors/registry/builtin.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

std::function<std::unique_ptr<Source>()> UnavailableSource(const std::string& type) {
  return [type]() -> std::unique_ptr<Source> {
    throw Error(ErrorKind::kUnsupported, type + " connector is not available in this build yet");
  };
}

std::function<std::unique_ptr<Destination>()> UnavailableDestination(const std::string& type) {
  return [type]() -> std::unique_ptr<Destination> {
    throw Error(ErrorKind::kUnsupported, type + " connector is not available in this build yet");
  };
}

std::string StringOr(const Json& canonical, const std::string& key, const std::string& fallback = "") {
  return canonical.contains(key) && canonical[key].is_string() ? canonical[key].get<std::string>() : fallback;
}

std::vector<std::pair<std::string, std::string>> OnlyOn(const std::string& side,
                                                        const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : names) out.push_back({name, "'" + name + "' is only valid on a " + side});
  return out;
}

// ---- postgres ----

ResilienceDefaults PostgresResilience() {
  ResilienceDefaults d;
  d.max_retries = 2;
  d.retry_delay = 0.5;
  d.retry_max_delay = 10;
  d.retry_backoff_multiplier = 2.0;
  d.retry_jitter = 0.2;
  d.include_connect_timeout = false;
  return d;
}

std::vector<ParamSpec> PostgresConnectionParams() {
  return {
      P("uri", ParamType::kString,
        "Connection string: postgres[ql]://... or libpq key=value; explicit parameters override its parts.")
          .Alias({"connection", "dsn"}),
      P("host", ParamType::kString, "Server host or socket directory; default: libpq (PGHOST, socket)."),
      P("port", ParamType::kInteger, "Server port.").Min(1).Max(65535).Default(5432),
      P("database", ParamType::kString, "Database name; default: libpq.").Alias({"dbname"}),
      P("user", ParamType::kString, "User name; default: libpq.").Alias({"username"}),
      P("password", ParamType::kString, "Password; default: libpq (PGPASSWORD, ~/.pgpass).").Secret(),
      P("sslmode", ParamType::kString, "TLS mode.")
          .Alias({"ssl_mode"})
          .Enum({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
          .Default("prefer"),
      P("sslrootcert", ParamType::kString, "Path of the root certificate file."),
      P("sslcert", ParamType::kString, "Path of the client certificate file."),
      P("sslkey", ParamType::kString, "Path of the client key file."),
      P("connect_timeout_seconds", ParamType::kInteger, "Connect time limit in seconds.")
          .Alias({"connect_timeout"})
          .Min(1)
          .Default(10),
      P("application_name", ParamType::kString, "application_name of the session.").Default("sqlflow"),
      P("schema", ParamType::kString, "Schema for an unqualified table.").Default("public"),
      P("table", ParamType::kString,
        "name or schema.name (quoted parts kept exactly); default: the LOAD or EXPORT table name.")
          .Alias({"table_name"}),
  };
}

bool IsPostgresTableName(const std::string& text) {
  static const std::regex name(
      "(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)(\\.(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))?");
  return std::regex_match(text, name);
}

void ValidatePostgres(const Json& canonical, std::vector<ParamIssue>& issues) {
  if (canonical.contains("uri")) {
    const std::string uri = StringOr(canonical, "uri");
    const bool url = StartsWith(uri, "postgres://") || StartsWith(uri, "postgresql://");
    if (!url && uri.find('=') == std::string::npos) {
      AddIssue(issues, Severity::kError, "SF405",
               "POSTGRES connector: parameter 'uri' must start with postgres:// or postgresql:// or be a "
               "key=value "
               "connection string",
               "uri");
    }
  }
  if (canonical.contains("table")) {
    const std::string table = StringOr(canonical, "table");
    if (!IsPostgresTableName(table)) {
      AddIssue(issues, Severity::kError, "SF406",
               "POSTGRES connector: 'table' '" + table +
                   "' is not a valid identifier (use schema.name, quote parts with double quotes)",
               "table");
    }
  }
}

// ---- s3 ----

ResilienceDefaults S3Resilience() {
  ResilienceDefaults d;
  d.max_retries = 4;
  d.retry_delay = 0.2;
  d.retry_max_delay = 20;
  d.retry_backoff_multiplier = 2.0;
  d.retry_jitter = 0.2;
  d.max_throttle_retries = 10;
  d.requests_per_second = 0;
  d.timeout_seconds = 60;
  return d;
}

std::vector<ParamSpec> S3ConnectionParams() {
  return {
      P("region", ParamType::kString, "Signing region; default AWS_REGION, AWS_DEFAULT_REGION or us-east-1."),
      P("endpoint_url", ParamType::kString, "S3-compatible endpoint URL; default AWS.").Alias({"endpoint"}),
      P("url_style", ParamType::kString,
        "Addressing style; auto = path style with endpoint_url or dotted buckets.")
          .Enum({"auto", "path", "virtual"})
          .Default("auto"),
      P("access_key_id", ParamType::kString, "Access key id; default: the credential chain.")
          .Alias({"access_key", "aws_access_key_id"}),
      P("secret_access_key", ParamType::kString, "Secret access key; default: the credential chain.")
          .Alias({"secret_key", "aws_secret_access_key"})
          .Secret(),
      P("session_token", ParamType::kString, "Session token; default: the credential chain.").Secret(),
      P("aws_profile", ParamType::kString, "Section of ~/.aws/credentials; default AWS_PROFILE or default."),
      P("verify_ssl", ParamType::kBoolean, "Verify TLS certificates.").Default(true),
      P("ca_file", ParamType::kString, "CA bundle file for TLS verification."),
  };
}

std::vector<ParamSpec> S3ObjectParams(bool source) {
  std::vector<ParamSpec> out = {
      P("uri", ParamType::kString,
        source ? "s3://bucket/key-or-prefix; may contain glob characters."
               : "s3://bucket/key (the EXPORT TO string)."),
      P("bucket", ParamType::kString, "Bucket name."),
      P("key", ParamType::kString, "One object key."),
  };
  if (source) {
    out.push_back(P("prefix", ParamType::kString, "List the objects under this prefix.")
                      .Alias({"path_prefix"})
                      .Default(""));
  }
  out.push_back(P("format", ParamType::kString, "File format; auto decides by key extension.")
                    .Alias({"file_format"})
                    .Enum({"auto", "csv", "tsv", "parquet", "json", "jsonl"}, {{"ndjson", "jsonl"}})
                    .Default("auto"));
  out.push_back(P("compression", ParamType::kString, "Compression; auto decides by extension.")
                    .Enum({"auto", "none", "gzip", "zstd"})
                    .Default("auto"));
  return out;
}

bool IsBucketName(const std::string& bucket) {
  static const std::regex rule("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  return std::regex_match(bucket, rule) && bucket.find("..") == std::string::npos;
}

void ValidateS3Common(const Json& canonical, std::vector<ParamIssue>& issues) {
  if (canonical.contains("uri")) {
    const std::string uri = StringOr(canonical, "uri");
    static const std::regex rule("s3://([^/]+)(/.*)?");
    std::smatch match;
    if (!std::regex_match(uri, match, rule)) {
      AddIssue(issues, Severity::kError, "SF406",
               "S3 connector: 'uri' must look like s3://bucket/key; got '" + uri + "'", "uri");
    } else if (!IsBucketName(match[1].str())) {
      AddIssue(issues, Severity::kError, "SF406",
               "S3 connector: invalid bucket name '" + match[1].str() + "'", "uri");
    }
  }
  if (canonical.contains("bucket") && !IsBucketName(StringOr(canonical, "bucket"))) {
    AddIssue(issues, Severity::kError, "SF406",
             "S3 connector: invalid bucket name '" + StringOr(canonical, "bucket") + "'", "bucket");
  }
  if (canonical.contains("access_key_id") != canonical.contains("secret_access_key")) {
    AddIssue(issues, Severity::kError, "SF406",
             "S3 connector: give both 'access_key_id' and 'secret_access_key' or neither",
             canonical.contains("access_key_id") ? "access_key_id" : "secret_access_key");
  }
  const std::string format = StringOr(canonical, "format", "auto");
  std::string key = StringOr(canonical, "key");
  if (key.empty() && canonical.contains("uri")) {
    const std::string uri = StringOr(canonical, "uri");
    auto slash = uri.find('/', 5);
    if (slash != std::string::npos) key = uri.substr(slash + 1);
  }
  if (format != "auto" && !key.empty() && !HasGlobChars(key)) {
    std::string lower = ToLower(key);
    for (const char* suffix : {".gz", ".zst"}) {
      if (EndsWith(lower, suffix)) lower = lower.substr(0, lower.size() - std::string_view(suffix).size());
    }
    auto dot = lower.rfind('.');
    const std::string extension = dot == std::string::npos ? "" : lower.substr(dot + 1);
    const bool matches = extension == format || (format == "jsonl" && extension == "ndjson") ||
                         (format == "parquet" && extension == "pq");
    if (!extension.empty() && !matches) {
      AddIssue(issues, Severity::kWarning, "SF406",
               "S3 connector: format '" + format + "' differs from the key extension '." + extension + "'",
               "format");
    }
  }
}

// ---- google_sheets ----

ResilienceDefaults SheetsResilience() {
  ResilienceDefaults d;
  d.max_retries = 5;
  d.retry_delay = 1.0;
  d.retry_max_delay = 64;
  d.retry_backoff_multiplier = 2.0;
  d.retry_jitter = 0.2;
  d.max_throttle_retries = 10;
  d.requests_per_second = 1.0;
  d.rate_limit_burst = 10;
  d.timeout_seconds = 30;
  return d;
}

void ValidateSheets(const Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string prefix = "GOOGLE_SHEETS connector: ";
  if (canonical.contains("spreadsheet_id")) {
    const std::string value = StringOr(canonical, "spreadsheet_id");
    static const std::regex url("https?://docs\\.google\\.com/spreadsheets/d/([A-Za-z0-9_-]+).*");
    static const std::regex id("[A-Za-z0-9_-]+");
    if (!std::regex_match(value, url) && !std::regex_match(value, id)) {
      AddIssue(issues, Severity::kError, "SF406", prefix + "cannot find a spreadsheet id in '" + value + "'",
               "spreadsheet_id");
    }
  }
  if (canonical.contains("range")) {
    const std::string range = StringOr(canonical, "range");
    static const std::regex a1(
        "(?:('(?:[^']|'')+'|[^'!]+)!)?"
        "([A-Za-z]{1,3}[0-9]*(?::[A-Za-z]{1,3}[0-9]*)?|[0-9]+:[0-9]+)");
    std::smatch match;
    if (!std::regex_match(range, match, a1)) {
      AddIssue(issues, Severity::kError, "SF406", prefix + "invalid A1 range '" + range + "'", "range");
    } else if (match[1].matched && canonical.contains("sheet_name")) {
      std::string sheet = match[1].str();
      if (sheet.size() >= 2 && sheet.front() == '\'') {
        std::string unquoted;
        for (size_t i = 1; i + 1 < sheet.size(); ++i) {
          unquoted += sheet[i];
          if (sheet[i] == '\'' && sheet[i + 1] == '\'') ++i;
        }
        sheet = unquoted;
      }
      const std::string sheet_name = StringOr(canonical, "sheet_name");
      if (sheet != sheet_name) {
        AddIssue(issues, Severity::kError, "SF406",
                 prefix + "range names sheet '" + sheet + "' but sheet_name is '" + sheet_name + "'",
                 "range");
      }
    }
  }
  if (canonical.contains("credentials_json")) {
    const Json& value = canonical["credentials_json"];
    if (!value.is_string() && !value.is_object()) {
      AddIssue(
          issues, Severity::kError, "SF404",
          prefix + "parameter 'credentials_json' must be a string or an object, got " + JsonTypeName(value),
          "credentials_json");
    }
  }
}

}  // namespace

ConnectorTypeInfo PostgresSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables and queries over libpq binary COPY.";
  info.params = PostgresConnectionParams();
  info.params.push_back(P("query", ParamType::kString, "An arbitrary SELECT to read instead of a table."));
  info.params.push_back(
      P("query_timeout_seconds", ParamType::kInteger, "statement_timeout in seconds; 0 = none.")
          .Min(0)
          .Default(0));
  const ResilienceDefaults resilience = PostgresResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf, {"table", "query"}}};
  info.validate = ValidatePostgres;
  info.other_side_params = OnlyOn("destination", {"replace_strategy", "create_table"});
  info.capabilities = {"multiple", "pushdown", true, {}, true, "password, TLS certificates"};
  info.make_source = [] { return MakePostgresSource(); };
  return info;
}

ConnectorTypeInfo PostgresDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables, written in one transaction with binary COPY.";
  info.params = DestinationModeParams();
  AppendParams(info.params, PostgresConnectionParams());
  info.params.push_back(
      P("create_table", ParamType::kBoolean, "Create a missing target table.").Default(true));
  info.params.push_back(P("replace_strategy", ParamType::kString, "How replace empties an existing table.")
                            .Enum({"truncate", "delete", "drop"})
                            .Default("truncate"));
  AppendParams(info.params, ResilienceParams(PostgresResilience(), true));
  info.validate = ValidatePostgres;
  info.other_side_params = OnlyOn("source", {"query", "query_timeout_seconds"});
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, true, "password, TLS certificates"};
  info.make_destination = [] { return MakePostgresDestination(); };
  return info;
}

ConnectorTypeInfo S3SourceInfo() {
  ConnectorTypeInfo info;
  info.name = "s3";
  info.description =
      "Objects in Amazon S3 or S3-compatible storage, downloaded and read by DuckDB's file readers.";
  info.params = S3ObjectParams(true);
  AppendParams(info.params, S3ConnectionParams());
  AppendParams(
      info.params,
      {
          P("anonymous", ParamType::kBoolean, "Send unsigned requests (public buckets).").Default(false),
          P("max_files_per_run", ParamType::kInteger, "More matching objects is an error.")
              .Min(1)
              .Default(10000),
          P("max_data_size_gb", ParamType::kNumber, "A larger total size is an error.")
              .Min(0, true)
              .Default(100),
          P("dev_max_files", ParamType::kInteger, "Keep only the first N keys (development).").Min(1),
          P("dev_sampling", ParamType::kNumber, "Keep this fraction of the keys, by hash (development).")
              .Min(0)
              .Max(1),
          P("max_concurrent_downloads", ParamType::kInteger, "Parallel GETs.").Min(1).Max(16).Default(4),
          P("include_metadata", ParamType::kBoolean, "Add _s3_key and _s3_last_modified columns.")
              .Default(false),
      });
  // The reader options of the file formats, with the s3 spellings.
  std::vector<ParamSpec> readers = CsvReaderParams();
  for (const auto& spec : JsonReaderParams()) {
    if (spec.name == "records_path" || spec.name == "flatten" || spec.name == "flatten_separator" ||
        spec.name == "max_flatten_depth" || spec.name == "max_depth") {
      readers.push_back(spec);
    }
  }
  const std::vector<std::pair<std::string, std::string>> extra_aliases = {
      {"delimiter", "csv_delimiter"},
      {"has_header", "csv_header"},
      {"encoding", "csv_encoding"},
      {"flatten", "json_flatten"},
      {"max_flatten_depth", "json_max_depth"}};
  for (auto& spec : readers) {
    for (const auto& [name, alias] : extra_aliases) {
      if (spec.name == name) spec.aliases.push_back(alias);
    }
  }
  AppendParams(info.params, readers);
  const ResilienceDefaults resilience = S3Resilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kExactlyOneOf, {"uri", "bucket"}},
                      {Constraint::Kind::kAtMostOneOf, {"key", "prefix"}}};
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    ValidateS3Common(canonical, issues);
    ValidateCsvReader(canonical, issues);
    ValidateJsonReader(canonical, issues);
  };
  info.other_side_params =
      OnlyOn("destination",
             {"multipart_threshold_mb", "part_size_mb", "max_concurrent_uploads", "server_side_encryption",
              "sse_kms_key_id", "storage_class", "content_type", "test_write"});
  info.capabilities = {"single", "engine_filter", true, {}, true, "SigV4 keys, anonymous"};
  info.make_source = UnavailableSource("s3");
  return info;
}

ConnectorTypeInfo S3DestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "s3";
  info.description = "Objects in Amazon S3 or S3-compatible storage, written locally then uploaded whole.";
  info.params = DestinationModeParams();
  AppendParams(info.params, S3ObjectParams(false));
  AppendParams(info.params, S3ConnectionParams());
  AppendParams(
      info.params,
      {
          P("connector", ParamType::kString,
            "Profile connector of type s3 that supplies credentials and endpoint."),
          P("multipart_threshold_mb", ParamType::kInteger, "Larger files use multipart upload.")
              .Min(5)
              .Default(64),
          P("part_size_mb", ParamType::kInteger, "Multipart part size; raised so that parts <= 10000.")
              .Min(5)
              .Max(5120)
              .Default(16),
          P("max_concurrent_uploads", ParamType::kInteger, "Parallel part uploads.")
              .Min(1)
              .Max(16)
              .Default(4),
          P("server_side_encryption", ParamType::kString, "x-amz-server-side-encryption.")
              .Enum({"AES256", "aws:kms"}),
          P("sse_kms_key_id", ParamType::kString, "KMS key id (with server_side_encryption aws:kms)."),
          P("storage_class", ParamType::kString, "x-amz-storage-class."),
          P("content_type", ParamType::kString, "Content-Type of the object; default by format."),
          P("test_write", ParamType::kBoolean, "test_connection writes and deletes a probe object.")
              .Default(false),
      });
  AppendParams(info.params, ResilienceParams(S3Resilience(), true));
  info.constraints = {{Constraint::Kind::kAtMostOneOf, {"uri", "bucket"}},
                      {Constraint::Kind::kRequires, {"sse_kms_key_id", "server_side_encryption"}}};
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    ValidateS3Common(canonical, issues);
    std::string key = StringOr(canonical, "key");
    if (canonical.contains("uri")) key += StringOr(canonical, "uri");
    if (HasGlobChars(key)) {
      AddIssue(issues, Severity::kError, "SF406",
               "S3 connector: glob characters are not allowed in a destination key",
               canonical.contains("key") ? "key" : "uri");
    }
    if (canonical.contains("sse_kms_key_id") && StringOr(canonical, "server_side_encryption") != "aws:kms") {
      AddIssue(issues, Severity::kError, "SF406",
               "S3 connector: parameter 'sse_kms_key_id' requires server_side_encryption 'aws:kms'",
               "sse_kms_key_id");
    }
  };
  info.other_side_params =
      OnlyOn("source", {"prefix", "anonymous", "max_files_per_run", "max_data_size_gb", "dev_max_files",
                        "dev_sampling", "max_concurrent_downloads", "include_metadata"});
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, true, "SigV4 keys"};
  info.make_destination = UnavailableDestination("s3");
  return info;
}

ConnectorTypeInfo GoogleSheetsSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "google_sheets";
  info.aliases = {"sheets", "gsheets", "googlesheets"};
  info.description = "Google Sheets tabs through the Sheets API v4, read in row windows.";
  info.params = {
      P("spreadsheet_id", ParamType::kString, "Spreadsheet ID, or its full docs.google.com URL.").Required(),
      P("sheet_name", ParamType::kString, "Tab title; default: the LOAD target name.").Alias({"sheet"}),
      P("range", ParamType::kString,
        "A1 range (A1:E, A2:F1000, 2:5000, 'My Sheet'!A1:E); default: the whole sheet."),
      P("has_header", ParamType::kBoolean, "The first row of the range gives the column names.")
          .Default(true),
      P("value_render", ParamType::kString, "valueRenderOption.")
          .Enum({"unformatted", "formatted", "formula"})
          .Default("unformatted"),
      P("date_time_render", ParamType::kString, "dateTimeRenderOption (ignored with formatted).")
          .Enum({"formatted_string", "serial_number"})
          .Default("formatted_string"),
      P("skip_empty_rows", ParamType::kBoolean, "Drop rows without values.").Default(true),
      P("infer_types", ParamType::kBoolean, "Refine ISO 8601 string columns to temporal types.")
          .Default(true),
      P("credentials_file", ParamType::kString, "Service-account or authorized-user JSON file.")
          .Alias({"credentials_path"}),
      P("credentials_json", ParamType::kJson, "The credentials JSON inline.")
          .Secret()
          .Label("string or object"),
      P("credentials", ParamType::kString, "A credentials path, or inline JSON when it starts with '{'.")
          .Secret(),
      P("access_token", ParamType::kString, "A ready OAuth access token (no refresh).").Secret(),
      P("api_key", ParamType::kString, "API key (public spreadsheets only).").Secret(),
      P("scopes", ParamType::kArrayOfStrings, "OAuth scopes.")
          .Default(Json::array({"https://www.googleapis.com/auth/spreadsheets.readonly"})),
      P("base_url", ParamType::kString, "API origin.").Default("https://sheets.googleapis.com"),
      P("token_url", ParamType::kString,
        "OAuth token endpoint; default token_uri of the credentials, else "
        "https://oauth2.googleapis.com/token."),
  };
  const ResilienceDefaults resilience = SheetsResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf,
                       {"credentials_file", "credentials_json", "credentials", "access_token", "api_key"}}};
  info.validate = ValidateSheets;
  info.capabilities = {"multiple", "engine_filter",
                       false,      {},
                       true,       "service account, authorized user, access token, API key"};
  info.make_source = UnavailableSource("google_sheets");
  return info;
}

}  // namespace sqlflow::connectors
