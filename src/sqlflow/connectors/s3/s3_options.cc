#include "sqlflow/connectors/s3/s3_options.h"

#include <cstdlib>
#include <regex>

#include "sqlflow/common/text.h"

namespace sqlflow::connectors::s3 {
namespace {

using Json = nlohmann::ordered_json;

std::string Str(const Json& values, const char* key, const std::string& fallback = "") {
  return values.contains(key) && values[key].is_string() ? values[key].get<std::string>() : fallback;
}

int64_t Int(const Json& values, const char* key, int64_t fallback) {
  return values.contains(key) && values[key].is_number() ? values[key].get<int64_t>() : fallback;
}

double Num(const Json& values, const char* key, double fallback) {
  return values.contains(key) && values[key].is_number() ? values[key].get<double>() : fallback;
}

bool Bool(const Json& values, const char* key, bool fallback) {
  return values.contains(key) && values[key].is_boolean() ? values[key].get<bool>() : fallback;
}

// One '[...]' class at pattern[i] against c; advances i past the class. False when the class is unterminated
// (then '[' is matched literally by the caller).
bool MatchClass(std::string_view pattern, size_t& i, char c, bool& matched) {
  size_t j = i + 1;
  const bool negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
  if (negate) ++j;
  bool hit = false;
  bool first = true;
  for (; j < pattern.size() && (first || pattern[j] != ']'); ++j, first = false) {
    if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
      hit |= pattern[j] <= c && c <= pattern[j + 2];
      j += 2;
    } else {
      hit |= pattern[j] == c;
    }
  }
  if (j >= pattern.size()) return false;
  i = j + 1;
  matched = (hit != negate) && c != '/';
  return true;
}

bool GlobFrom(std::string_view p, size_t pi, std::string_view k, size_t ki) {
  while (pi < p.size()) {
    if (p[pi] == '*') {
      const bool cross = pi + 1 < p.size() && p[pi + 1] == '*';
      size_t next = pi + (cross ? 2 : 1);
      // "**/" also matches zero directories.
      if (cross && next < p.size() && p[next] == '/' && GlobFrom(p, next + 1, k, ki)) return true;
      for (size_t end = ki;; ++end) {
        if (GlobFrom(p, next, k, end)) return true;
        if (end >= k.size() || (!cross && k[end] == '/')) return false;
      }
    }
    if (ki >= k.size()) return false;
    if (p[pi] == '?') {
      if (k[ki] == '/') return false;
      ++pi, ++ki;
      continue;
    }
    if (p[pi] == '[') {
      bool matched = false;
      size_t at = pi;
      if (MatchClass(p, at, k[ki], matched)) {
        if (!matched) return false;
        pi = at, ++ki;
        continue;
      }
    }
    if (p[pi] != k[ki]) return false;
    ++pi, ++ki;
  }
  return ki == k.size();
}

void ResolveLocation(const Json& values, bool source, S3Options& options,
                     std::vector<S3OptionIssue>& issues) {
  S3Location& location = options.location;
  std::string rest;
  if (values.contains("uri")) {
    const std::string uri = Str(values, "uri");
    auto split = SplitS3Uri(uri);
    if (!split) {
      issues.push_back(
          {true, "uri", "S3 connector: 'uri' must look like s3://bucket/key; got '" + uri + "'"});
      return;
    }
    location.bucket = split->first;
    rest = split->second;
  } else {
    location.bucket = Str(values, "bucket");
  }
  if (!location.bucket.empty() && !IsValidBucketName(location.bucket)) {
    issues.push_back({true, values.contains("uri") ? "uri" : "bucket",
                      "S3 connector: invalid bucket name '" + location.bucket + "'"});
  }
  if (values.contains("key")) rest = Str(values, "key");
  if (values.contains("prefix") && !Str(values, "prefix").empty()) rest = Str(values, "prefix");
  const bool prefix_param = values.contains("prefix") && !values.contains("key");
  if (HasS3GlobChars(rest)) {
    if (!source) {
      issues.push_back({true, values.contains("key") ? "key" : "uri",
                        "S3 connector: glob characters are not allowed in a destination key"});
    }
    location.kind = S3Location::Kind::kPattern;
    location.pattern = rest;
    location.prefix = LiteralPrefix(rest);
  } else if (prefix_param || rest.empty() || rest.back() == '/') {
    location.kind = S3Location::Kind::kPrefix;
    location.prefix = rest;
  } else {
    location.kind = S3Location::Kind::kKey;
    location.key = rest;
  }
}

void CheckFormatExtension(const S3Options& options, std::vector<S3OptionIssue>& issues) {
  if (options.format == "auto" || options.location.kind != S3Location::Kind::kKey) return;
  const KeyFormat key = FormatOfKey(options.location.key);
  if (key.extension.empty()) return;
  const bool matches = key.format == options.format || (options.format == "csv" && key.format == "tsv");
  if (!matches) {
    issues.push_back({false, "format",
                      "S3 connector: format '" + options.format + "' differs from the key extension '" +
                          key.extension + "'"});
  }
}

}  // namespace

std::string S3Location::Uri() const {
  switch (kind) {
    case Kind::kKey:
      return "s3://" + bucket + "/" + key;
    case Kind::kPrefix:
      return "s3://" + bucket + "/" + prefix;
    case Kind::kPattern:
      return "s3://" + bucket + "/" + pattern;
  }
  return "s3://" + bucket + "/";
}

std::optional<std::pair<std::string, std::string>> SplitS3Uri(std::string_view uri) {
  if (!StartsWith(std::string(uri), "s3://")) return std::nullopt;
  std::string_view rest = uri.substr(5);
  const size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  if (bucket.empty()) return std::nullopt;
  std::string key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  return std::make_pair(bucket, key);
}

bool IsValidBucketName(std::string_view bucket) {
  static const std::regex rule("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  const std::string text(bucket);
  return std::regex_match(text, rule) && text.find("..") == std::string::npos;
}

bool HasS3GlobChars(std::string_view key) {
  return key.find_first_of("*?[") != std::string_view::npos;
}

std::string LiteralPrefix(std::string_view pattern) {
  return std::string(pattern.substr(0, std::min(pattern.find_first_of("*?["), pattern.size())));
}

bool GlobMatch(std::string_view pattern, std::string_view key) {
  return GlobFrom(pattern, 0, key, 0);
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

KeyFormat FormatOfKey(std::string_view key) {
  KeyFormat out;
  std::string lower = ToLower(std::string(key));
  if (auto slash = lower.rfind('/'); slash != std::string::npos) lower = lower.substr(slash + 1);
  for (const auto& [suffix, name] : {std::pair<const char*, const char*>{".gz", "gzip"},
                                     {".gzip", "gzip"},
                                     {".zst", "zstd"},
                                     {".zstd", "zstd"}}) {
    if (EndsWith(lower, suffix)) {
      out.compression = name;
      lower = lower.substr(0, lower.size() - std::string_view(suffix).size());
      break;
    }
  }
  const size_t dot = lower.rfind('.');
  if (dot == std::string::npos || dot == 0) return out;
  out.extension = lower.substr(dot);
  const std::string ext = out.extension.substr(1);
  if (ext == "csv")
    out.format = "csv";
  else if (ext == "tsv" || ext == "tab")
    out.format = "tsv";
  else if (ext == "parquet" || ext == "pq")
    out.format = "parquet";
  else if (ext == "json")
    out.format = "json";
  else if (ext == "jsonl" || ext == "ndjson")
    out.format = "jsonl";
  return out;
}

S3Options ParseS3Options(const Json& values, bool source, std::vector<S3OptionIssue>& issues,
                         const EnvLookup& env) {
  S3Options o;
  ResolveLocation(values, source, o, issues);
  o.format = Str(values, "format", "auto");
  if (o.format == "ndjson") o.format = "jsonl";
  o.compression = Str(values, "compression", "auto");
  o.region = Str(values, "region");
  if (o.region.empty())
    o.region = env("AWS_REGION").value_or(env("AWS_DEFAULT_REGION").value_or("us-east-1"));
  o.endpoint_url = Str(values, "endpoint_url");
  while (!o.endpoint_url.empty() && o.endpoint_url.back() == '/') o.endpoint_url.pop_back();
  if (!o.endpoint_url.empty() && !StartsWith(ToLower(o.endpoint_url), "http://") &&
      !StartsWith(ToLower(o.endpoint_url), "https://")) {
    issues.push_back(
        {true, "endpoint_url",
         "S3 connector: 'endpoint_url' must start with http:// or https://; got '" + o.endpoint_url + "'"});
  }
  o.url_style = Str(values, "url_style", "auto");
  o.access_key_id = Str(values, "access_key_id");
  o.secret_access_key = Str(values, "secret_access_key");
  o.session_token = Str(values, "session_token");
  if (o.access_key_id.empty() != o.secret_access_key.empty()) {
    issues.push_back({true, o.access_key_id.empty() ? "secret_access_key" : "access_key_id",
                      "S3 connector: give both 'access_key_id' and 'secret_access_key' or neither"});
  }
  o.aws_profile = Str(values, "aws_profile");
  o.anonymous = Bool(values, "anonymous", false);
  o.verify_ssl = Bool(values, "verify_ssl", true);
  o.ca_file = Str(values, "ca_file");
  o.max_files_per_run = Int(values, "max_files_per_run", 10000);
  o.max_data_size_gb = Num(values, "max_data_size_gb", 100);
  if (values.contains("dev_max_files")) o.dev_max_files = Int(values, "dev_max_files", 1);
  if (values.contains("dev_sampling")) o.dev_sampling = Num(values, "dev_sampling", 1);
  o.max_concurrent_downloads = Int(values, "max_concurrent_downloads", 4);
  o.include_metadata = Bool(values, "include_metadata", false);
  o.multipart_threshold_mb = Int(values, "multipart_threshold_mb", 64);
  o.part_size_mb = Int(values, "part_size_mb", 16);
  o.max_concurrent_uploads = Int(values, "max_concurrent_uploads", 4);
  o.server_side_encryption = Str(values, "server_side_encryption");
  o.sse_kms_key_id = Str(values, "sse_kms_key_id");
  if (!o.sse_kms_key_id.empty() && o.server_side_encryption != "aws:kms") {
    issues.push_back({true, "sse_kms_key_id",
                      "S3 connector: parameter 'sse_kms_key_id' requires server_side_encryption 'aws:kms'"});
  }
  o.storage_class = Str(values, "storage_class");
  o.content_type = Str(values, "content_type");
  o.test_write = Bool(values, "test_write", false);
  CheckFormatExtension(o, issues);
  return o;
}

}  // namespace sqlflow::connectors::s3
