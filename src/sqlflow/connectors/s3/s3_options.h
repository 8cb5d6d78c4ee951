// The s3 connector's typed options (CONNECTORS.md §3.6), parsed once from the canonical parameters. The same
// parsing serves compile-time validation (registration) and Configure, so both report the same messages.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sqlflow::connectors::s3 {

// What a source or destination addresses.
struct S3Location {
  enum class Kind { kKey, kPrefix, kPattern };
  Kind kind = Kind::kPrefix;
  std::string bucket;
  std::string key;      // kKey
  std::string prefix;   // kPrefix; for kPattern the literal text before the first wildcard
  std::string pattern;  // kPattern: the whole key pattern

  std::string Uri() const;  // s3://bucket/<key|prefix|pattern>
};

struct S3Options {
  S3Location location;
  std::string format = "auto";       // auto csv tsv parquet json jsonl
  std::string compression = "auto";  // auto none gzip zstd (+ Parquet codecs for a Parquet destination)
  std::string region;                // resolved: parameter, AWS_REGION, AWS_DEFAULT_REGION, us-east-1
  std::string endpoint_url;          // "" = AWS
  std::string url_style = "auto";
  std::string access_key_id, secret_access_key, session_token, aws_profile;
  bool anonymous = false;
  bool verify_ssl = true;
  std::string ca_file;
  // source
  int64_t max_files_per_run = 10000;
  double max_data_size_gb = 100;
  std::optional<int64_t> dev_max_files;
  std::optional<double> dev_sampling;
  int64_t max_concurrent_downloads = 4;
  bool include_metadata = false;
  // destination
  int64_t multipart_threshold_mb = 64;
  int64_t part_size_mb = 16;
  int64_t max_concurrent_uploads = 4;
  std::string server_side_encryption, sse_kms_key_id, storage_class, content_type;
  bool test_write = false;
};

struct S3OptionIssue {
  bool error = true;  // false = warning
  std::string param;
  std::string message;
};

// Splits s3://bucket/rest. nullopt when `uri` does not look like that.
std::optional<std::pair<std::string, std::string>> SplitS3Uri(std::string_view uri);
bool IsValidBucketName(std::string_view bucket);
bool HasS3GlobChars(std::string_view key);
// The key text before the first wildcard character ('*', '?', '[').
std::string LiteralPrefix(std::string_view pattern);
// Glob match of a whole key: '*' and '?' do not cross '/', '**' does, '[abc]', '[a-z]', '[!a]' classes.
bool GlobMatch(std::string_view pattern, std::string_view key);

// Environment lookups go through this seam (tests pass their own).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

// Parses canonical parameters (defaults may be absent). Issues are appended; the options returned are
// usable only when no error was added.
S3Options ParseS3Options(const nlohmann::ordered_json& values, bool source,
                         std::vector<S3OptionIssue>& issues, const EnvLookup& env = ProcessEnv());

// The format named by a key's extension ("" when unknown), and its stream compression ("gzip", "zstd", "").
struct KeyFormat {
  std::string format;       // csv tsv parquet json jsonl
  std::string compression;  // gzip zstd or ""
  std::string extension;    // the format extension as written, e.g. ".csv" ("" when none)
};
KeyFormat FormatOfKey(std::string_view key);

}  // namespace sqlflow::connectors::s3
