// The S3 REST calls the connector makes (CONNECTORS.md §3.6), each one unit of the retry policy (§2.1):
// ListObjectsV2 pages, HEAD, a resumable GET to a file, PUT of a file range, the multipart calls and DELETE.
// Requests are signed with our SigV4 signer and sent through the shared HTTP client (net/); responses are
// classified per §2.3 (S3 row) with the connect-test wording of §3.6 for the non-retryable ones.
//
// Thread rules: one S3Client per thread (it owns one HTTP client); Clone() gives another with the same
// settings, breaker and bucket.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/connectors/s3/s3_credentials.h"
#include "sqlflow/connectors/s3/s3_options.h"
#include "sqlflow/connectors/s3/s3_xml.h"
#include "sqlflow/net/http_client.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::s3 {

struct S3ClientConfig {
  S3Options options;
  ResolvedCredentials credentials;
  net::RetryOptions retry;
  std::string prefix;             // "S3 source 'events'": starts error messages and retry log lines
  CancelToken* cancel = nullptr;  // must outlive the client
  // Seconds since the epoch for x-amz-date; tests replace it.
  std::function<int64_t()> now = nullptr;
};

struct S3Counters {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> retries{0};
  std::atomic<int64_t> bytes{0};
};

class S3Client {
 public:
  explicit S3Client(std::shared_ptr<const S3ClientConfig> config,
                    std::shared_ptr<S3Counters> counters = nullptr);

  std::unique_ptr<S3Client> Clone() const { return std::make_unique<S3Client>(config_, counters_); }
  const S3ClientConfig& config() const { return *config_; }
  std::string Endpoint() const;  // scheme://host[:port] actually used for `bucket`

  S3ListPage ListPage(const std::string& bucket, const std::string& prefix, const std::string& token,
                      int max_keys);
  // Every object under `prefix` across continuation pages.
  std::vector<S3ObjectInfo> ListAll(const std::string& bucket, const std::string& prefix);
  // nullopt for 404.
  std::optional<S3ObjectInfo> Head(const std::string& bucket, const std::string& key);
  // GET to `path` (created or truncated), resuming with Range + If-Match after a broken body; a 412 restarts
  // from byte 0 with the new version. `object` holds the listed ETag and size; updated to what was read.
  void Download(const std::string& bucket, S3ObjectInfo& object, const std::string& path);
  // PUT of bytes [offset, offset + length) of `path`; returns the ETag (quotes removed).
  std::string PutFile(const std::string& bucket, const std::string& key, const std::string& path,
                      int64_t offset, int64_t length, const std::string& content_type,
                      const net::HttpHeaders& extra = {});
  std::string PutBytes(const std::string& bucket, const std::string& key, const std::string& body,
                       const std::string& content_type);
  std::string CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                    const std::string& content_type, const net::HttpHeaders& extra = {});
  std::string UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                         int part_number, const std::string& path, int64_t offset, int64_t length);
  // Returns normally on success. A 200 whose body is <Error> is retried; a NoSuchUpload on a retried
  // Complete counts as success when HEAD shows an ETag ending in -<parts> and the size `expected_size`.
  void CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                               const std::string& upload_id, const std::vector<std::string>& etags,
                               int64_t expected_size);
  void AbortMultipartUpload(const std::string& bucket, const std::string& key, const std::string& upload_id);
  void Delete(const std::string& bucket, const std::string& key);
  std::vector<S3PendingUpload> ListMultipartUploads(const std::string& bucket, const std::string& prefix);

 private:
  struct Call;
  net::HttpResponse Send(const Call& call, int attempt);
  net::HttpRequest Build(const Call& call) const;
  [[noreturn]] void ThrowFor(const Call& call, const net::HttpResponse& response) const;
  const net::RetryPolicy& Policy(const std::string& bucket);

  std::shared_ptr<const S3ClientConfig> config_;
  std::shared_ptr<S3Counters> counters_;
  std::unique_ptr<net::CurlHttpClient> http_;
  std::optional<net::RetryPolicy> policy_;
};

// "Wed, 12 Oct 2009 17:50:00 GMT" -> "2009-10-12T17:50:00.000Z" (the listing's form); other text unchanged.
std::string HttpDateToIso(const std::string& http_date);
// The Content-Type of a format ("text/csv", "application/vnd.apache.parquet", ...).
std::string ContentTypeFor(const std::string& format);

}  // namespace sqlflow::connectors::s3
