// Registry entries of the s3 type (CONNECTORS.md §3.6) with their full parameter schemas and
// compile-time rules, so that validation and `connect describe` know them before their implementations land
// in their own folders. Until then their factories throw Error(kUnsupported).
#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_paths.h"
#include "sqlflow/connectors/csv/csv_registration.h"
#include "sqlflow/connectors/json/json_registration.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;


// ---- s3 ----

ResilienceDefaults S3Resilience() {
  ResilienceDefaults d = ResilienceDefaultsOf("s3");
  d.rate_limit_burst.reset();
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

}  // namespace

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

void RegisterS3Connector(Registries& registries) {
  registries.sources.Register(S3SourceInfo());
  registries.destinations.Register(S3DestinationInfo());
}


}  // namespace sqlflow::connectors
