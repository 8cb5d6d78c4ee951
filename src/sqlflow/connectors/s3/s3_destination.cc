// The s3 destination (CONNECTORS.md §3.6 "Destination behaviour"). The format's own file destination writes
// the complete result locally (same writer options, same append/upsert rewrites); then it is uploaded:
//   key      one PUT up to multipart_threshold_mb, else multipart (parallel parts, each retried; Complete
//            with the ETag list; any failure after CreateMultipartUpload sends AbortMultipartUpload).
//            Append / Upsert first download the existing object (absent = empty) and rewrite it locally.
//   prefix   Replace: upload the new objects, then delete the objects that were under the prefix before.
//            Append: upload only.
#include <algorithm>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/connectors/s3/s3_client.h"
#include "sqlflow/connectors/s3/s3_connector.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors {
namespace {

namespace fs = std::filesystem;
using s3::S3Location;
using s3::S3Options;

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kMaxParts = 10000;

struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

std::string FileType(const std::string& format) {
  if (format == "ndjson" || format == "jsonl") return "json";
  if (format == "tsv") return "csv";
  return format;
}

// Part size in bytes: part_size_mb MiB, raised so that the file needs at most 10,000 parts.
int64_t PartSize(int64_t file_size, int64_t part_size_mb) {
  int64_t part = part_size_mb * kMiB;
  while ((file_size + part - 1) / part > kMaxParts) part += kMiB;
  return part;
}

class S3Destination : public Destination {
 public:
  void Configure(const ResolvedParams& options) override;
  ConnectionTestResult TestConnection() override;
  std::set<WriteMode> Modes() const override {
    return {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert};
  }
  WriteResult Write(const WriteRequest& request, ExportInput& input) override;

 private:
  S3Options Parse(const ResolvedParams& params) const;
  std::unique_ptr<s3::S3Client> MakeClient(const S3Options& options, const ResolvedParams& params,
                                           CancelToken* cancel) const;
  ResolvedParams InnerOptions(const WriteRequest& request, const S3Options& options,
                              const ConnectorTypeInfo& inner) const;
  WriteResult LocalWrite(const WriteRequest& request, const S3Options& options, const std::string& local,
                         ExportInput& input) const;
  WriteResult WriteKey(const WriteRequest& request, const S3Options& options, s3::S3Client& client,
                       ExportInput& input, const std::string& dir);
  WriteResult WritePrefix(const WriteRequest& request, const S3Options& options, s3::S3Client& client,
                          ExportInput& input, const std::string& dir);
  void Upload(s3::S3Client& client, const S3Options& options, const std::string& key, const std::string& file,
              const std::string& content_type);
  void UploadMultipart(s3::S3Client& client, const S3Options& options, const std::string& key,
                       const std::string& file, int64_t size, const std::string& content_type);
  net::HttpHeaders ExtraHeaders(const S3Options& options) const;

  ResolvedParams params_;
  S3Options options_;
};

S3Options S3Destination::Parse(const ResolvedParams& params) const {
  std::vector<s3::S3OptionIssue> issues;
  S3Options options = s3::ParseS3Options(params.values, false, issues);
  for (const auto& issue : issues) {
    if (issue.error) throw Error(ErrorKind::kInvalidConfig, issue.message);
  }
  return options;
}

void S3Destination::Configure(const ResolvedParams& options) {
  params_ = options;
  options_ = Parse(options);
}

std::unique_ptr<s3::S3Client> S3Destination::MakeClient(const S3Options& options,
                                                        const ResolvedParams& params,
                                                        CancelToken* cancel) const {
  auto config = std::make_shared<s3::S3ClientConfig>();
  config->options = options;
  config->credentials = s3::ResolveCredentials(options);
  if (config->credentials.anonymous) {
    throw Error(ErrorKind::kAuthFailed, "S3 destination: writes need credentials (anonymous is read-only)");
  }
  config->retry = net::ParseRetryOptions("s3", params.values);
  config->prefix = "S3 destination '" + options.location.Uri() + "'";
  config->cancel = cancel;
  return std::make_unique<s3::S3Client>(config);
}

net::HttpHeaders S3Destination::ExtraHeaders(const S3Options& options) const {
  net::HttpHeaders headers;
  if (!options.server_side_encryption.empty()) {
    headers.Set("x-amz-server-side-encryption", options.server_side_encryption);
  }
  if (!options.sse_kms_key_id.empty()) {
    headers.Set("x-amz-server-side-encryption-aws-kms-key-id", options.sse_kms_key_id);
  }
  if (!options.storage_class.empty()) headers.Set("x-amz-storage-class", options.storage_class);
  return headers;
}

// The file destination's options: the writer options given, with `compression` meaning the Parquet codec for
// Parquet (auto = snappy, none = uncompressed) and the stream compression for CSV/JSON.
ResolvedParams S3Destination::InnerOptions(const WriteRequest& request, const S3Options& options,
                                           const ConnectorTypeInfo& inner) const {
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const auto& spec : inner.params) {
    if (spec.name == "compression" || spec.name == "format") continue;
    if (request.options.values.contains(spec.name) && !request.options.values[spec.name].is_null()) {
      values[spec.name] = request.options.values[spec.name];
    }
  }
  const std::string type = FileType(request.format);
  if (type == "parquet") {
    if (options.compression != "auto") {
      values["compression"] = options.compression == "none" ? "uncompressed" : options.compression;
    }
  } else if (options.compression != "auto") {
    values["compression"] = options.compression;
  }
  if (type == "json") values["format"] = request.format == "json" ? "array" : "newline_delimited";
  if (request.options.values.contains("delimiter")) values["delimiter"] = request.options.values["delimiter"];
  return WithDefaults(inner, request.object, values);
}

WriteResult S3Destination::LocalWrite(const WriteRequest& request, const S3Options& options,
                                      const std::string& local, ExportInput& input) const {
  const ConnectorTypeInfo* inner_type = BuiltinRegistries().destinations.Find(FileType(request.format));
  if (!inner_type || !inner_type->make_destination) {
    throw Error(ErrorKind::kInternal, "no file destination for format '" + request.format + "'");
  }
  auto inner = inner_type->make_destination();
  WriteRequest local_request = request;
  local_request.object = local;
  local_request.options = InnerOptions(request, options, *inner_type);
  inner->Configure(local_request.options);
  return inner->Write(local_request, input);
}

void S3Destination::Upload(s3::S3Client& client, const S3Options& options, const std::string& key,
                           const std::string& file, const std::string& content_type) {
  const int64_t size = static_cast<int64_t>(fs::file_size(file));
  if (size <= options.multipart_threshold_mb * kMiB) {
    client.PutFile(options.location.bucket, key, file, 0, size, content_type, ExtraHeaders(options));
  } else {
    UploadMultipart(client, options, key, file, size, content_type);
  }
}

void S3Destination::UploadMultipart(s3::S3Client& client, const S3Options& options, const std::string& key,
                                    const std::string& file, int64_t size, const std::string& content_type) {
  const std::string& bucket = options.location.bucket;
  const int64_t part = PartSize(size, options.part_size_mb);
  const int64_t parts = (size + part - 1) / part;
  const std::string upload_id =
      client.CreateMultipartUpload(bucket, key, content_type, ExtraHeaders(options));
  try {
    std::vector<std::string> etags(static_cast<size_t>(parts));
    std::mutex mutex;
    int64_t next = 0;
    std::exception_ptr failure;
    auto worker = [&] {
      std::unique_ptr<s3::S3Client> own = client.Clone();
      for (;;) {
        int64_t index;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (failure || next >= parts) return;
          index = next++;
        }
        try {
          const int64_t offset = index * part;
          etags[static_cast<size_t>(index)] =
              own->UploadPart(bucket, key, upload_id, static_cast<int>(index + 1), file, offset,
                              std::min(part, size - offset));
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!failure) failure = std::current_exception();
          return;
        }
      }
    };
    const int64_t threads = std::min(options.max_concurrent_uploads, parts);
    std::vector<std::thread> pool;
    for (int64_t i = 1; i < threads; ++i) pool.emplace_back(worker);
    worker();
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
    client.CompleteMultipartUpload(bucket, key, upload_id, etags, size);
  } catch (...) {
    // Nothing becomes visible without Complete; abort so no parts are left behind (billed, listed). The abort
    // must run even when the run was cancelled, so it uses a client that ignores the run's token.
    try {
      auto config = std::make_shared<s3::S3ClientConfig>(client.config());
      config->cancel = nullptr;
      config->retry.max_retries = std::min<int64_t>(config->retry.max_retries, 2);
      s3::S3Client(config).AbortMultipartUpload(bucket, key, upload_id);
    } catch (const std::exception&) {
    }
    throw;
  }
}

WriteResult S3Destination::WriteKey(const WriteRequest& request, const S3Options& options,
                                    s3::S3Client& client, ExportInput& input, const std::string& dir) {
  const std::string& key = options.location.key;
  const std::string base = key.substr(key.rfind('/') == std::string::npos ? 0 : key.rfind('/') + 1);
  const std::string local = dir + "/" + (base.empty() ? "object" : base);
  if (request.mode != WriteMode::kReplace) {
    // Append / Upsert rewrite the existing object locally, exactly as the file connector does.
    if (auto existing = client.Head(options.location.bucket, key)) {
      client.Download(options.location.bucket, *existing, local);
    }
  }
  WriteResult result = LocalWrite(request, options, local, input);
  const int64_t size = static_cast<int64_t>(fs::file_size(local));
  Upload(client, options, key, local,
         options.content_type.empty() ? s3::ContentTypeFor(request.format) : options.content_type);
  result.bytes = size;
  result.written = {options.location.Uri()};
  result.detail = size > options.multipart_threshold_mb * kMiB ? "uploaded by multipart" : "uploaded";
  return result;
}

WriteResult S3Destination::WritePrefix(const WriteRequest& request, const S3Options& options,
                                       s3::S3Client& client, ExportInput& input, const std::string& dir) {
  const std::string& bucket = options.location.bucket;
  std::string prefix =
      options.location.kind == S3Location::Kind::kKey ? options.location.key + "/" : options.location.prefix;
  std::vector<std::string> before;
  if (request.mode == WriteMode::kReplace) {
    for (const auto& object : client.ListAll(bucket, prefix)) before.push_back(object.key);
  }
  WriteRequest local_request = request;
  local_request.mode = WriteMode::kReplace;  // into an empty local directory
  WriteResult result = LocalWrite(local_request, options, dir + "/out/", input);
  std::vector<std::pair<std::string, std::string>> uploads;  // key, local file
  for (const auto& entry : fs::recursive_directory_iterator(dir + "/out")) {
    if (!entry.is_regular_file()) continue;
    uploads.push_back(
        {prefix + fs::relative(entry.path(), dir + "/out").generic_string(), entry.path().string()});
  }
  std::sort(uploads.begin(), uploads.end());
  const std::string content_type =
      options.content_type.empty() ? s3::ContentTypeFor(request.format) : options.content_type;
  result.bytes = 0;
  result.written.clear();
  std::set<std::string> written;
  for (const auto& [key, file] : uploads) {
    Upload(client, options, key, file, content_type);
    result.bytes += static_cast<int64_t>(fs::file_size(file));
    result.written.push_back("s3://" + bucket + "/" + key);
    written.insert(key);
  }
  int64_t deleted = 0;
  for (const auto& key : before) {
    if (written.count(key)) continue;
    client.Delete(bucket, key);
    ++deleted;
  }
  result.detail =
      "uploaded " + std::to_string(uploads.size()) + " object(s)" +
      (request.mode == WriteMode::kReplace ? ", deleted " + std::to_string(deleted) + " old" : "");
  return result;
}

WriteResult S3Destination::Write(const WriteRequest& request, ExportInput& input) {
  ResolvedParams params = request.options;
  if (StartsWith(request.object, "s3://")) {
    params.values.erase("bucket");
    params.values.erase("key");
    params.values["uri"] = request.object;
  }
  const S3Options options = Parse(params);
  CancelToken own_cancel;  // when the caller gives no run token
  auto client = MakeClient(options, params, request.cancel ? request.cancel : &own_cancel);
  std::random_device random;
  TempDir dir{input.TempPath("s3-export-" + std::to_string(random()))};
  fs::create_directories(dir.path);
  const bool directory = options.location.kind != S3Location::Kind::kKey || params.Has("partition_by");
  if (directory && request.mode == WriteMode::kUpsert) {
    throw Error(ErrorKind::kUnsupported,
                "S3 destination does not support mode 'upsert' on a prefix; supported: "
                "replace, append",
                "SF411");
  }
  return directory ? WritePrefix(request, options, *client, input, dir.path)
                   : WriteKey(request, options, *client, input, dir.path);
}

ConnectionTestResult S3Destination::TestConnection() {
  ConnectionTester tester;
  std::unique_ptr<s3::S3Client> client;
  std::string message;
  const S3Location& location = options_.location;
  const std::string prefix =
      location.kind == S3Location::Kind::kKey
          ? location.key.substr(
                0, location.key.rfind('/') == std::string::npos ? 0 : location.key.rfind('/') + 1)
          : location.prefix;
  tester.Run("credentials", [&] {
    client = MakeClient(options_, params_, nullptr);
    return "found (" + client->config().credentials.origin + ")";
  });
  tester.Run("bucket", [&] {
    auto page = client->ListPage(location.bucket, prefix, "", 1);
    message = "S3 bucket '" + location.bucket + "' reachable at " + client->Endpoint() + " (prefix '" +
              prefix + "' " + (page.objects.empty() ? "is empty" : "has objects") + ")";
    return message;
  });
  if (options_.test_write) {
    tester.Run("write", [&] {
      std::random_device random;
      const std::string key =
          prefix + ".sqlflow-write-test-" + std::to_string(random()) + std::to_string(random());
      client->PutBytes(location.bucket, key, "sqlflow write test\n", "text/plain");
      client->Delete(location.bucket, key);
      return "wrote and deleted s3://" + location.bucket + "/" + key;
    });
  }
  return tester.Finish(message);
}

}  // namespace

std::unique_ptr<Destination> MakeS3Destination() {
  return std::make_unique<S3Destination>();
}

}  // namespace sqlflow::connectors
