#include "sqlflow/connectors/s3/s3_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/s3/sigv4.h"

namespace sqlflow::connectors::s3 {

struct S3Client::Call {
  // `method` on s3://<bucket>/<key> (no key: the bucket); `permission` is the one an AccessDenied message
  // names; `operation` names the request in log lines and errors ("upload s3://b/k").
  Call(std::string method_, std::string bucket_, std::string key_, std::string permission_,
       std::string operation_)
      : operation(std::move(operation_)),
        method(std::move(method_)),
        bucket(std::move(bucket_)),
        key(std::move(key_)),
        permission(std::move(permission_)) {}

  // The body is `length` bytes of the file at `offset`, hashed for the signature.
  void SetBodyFile(const std::string& path, int64_t offset, int64_t length) {
    body_file = path;
    body_offset = offset;
    body_length = length;
    payload_hash = Sha256FileHex(path, offset, length);
  }

  std::string operation;
  std::string method;
  std::string bucket;
  std::string key;
  QueryList query;
  net::HttpHeaders headers;  // signed (besides host and the x-amz-* the signer adds)
  std::string body;
  std::string body_file;
  int64_t body_offset = 0;
  int64_t body_length = -1;
  std::string payload_hash = std::string(kEmptyPayloadHash);
  std::function<void(std::string_view)> sink;
  std::string permission;  // s3:ListBucket, s3:GetObject, s3:PutObject: for the access-denied message
};

namespace {

// A file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) throw Error(ErrorKind::kInternal, "cannot write '" + path + "': " + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
}

bool UsesPathStyle(const S3Options& options, const std::string& bucket) {
  if (options.url_style == "path") return true;
  if (options.url_style == "virtual") return false;
  return !options.endpoint_url.empty() || bucket.find('.') != std::string::npos;
}

std::string SchemeOf(const std::string& url) {
  return url.substr(0, url.find("://"));
}
std::string AuthorityOf(const std::string& url) {
  const size_t start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

// 2024-01-02T03:04:05Z from an HTTP date or ISO text; "" when unknown. Used for the clock-skew message.
double SkewSeconds(const std::string& server_time, int64_t now) {
  std::tm tm{};
  if (!strptime(server_time.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return std::fabs(static_cast<double>(timegm(&tm) - now));
}

}  // namespace

std::string HttpDateToIso(const std::string& http_date) {
  std::tm tm{};
  if (!strptime(http_date.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return http_date;
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buffer;
}

std::string ContentTypeFor(const std::string& format) {
  if (format == "csv") return "text/csv";
  if (format == "tsv") return "text/tab-separated-values";
  if (format == "parquet") return "application/vnd.apache.parquet";
  if (format == "json") return "application/json";
  if (format == "jsonl") return "application/x-ndjson";
  return "application/octet-stream";
}

S3Client::S3Client(std::shared_ptr<const S3ClientConfig> config, std::shared_ptr<S3Counters> counters)
    : config_(std::move(config)), counters_(counters ? std::move(counters) : std::make_shared<S3Counters>()) {
  net::HttpClientOptions http;
  http.timeout_seconds = config_->retry.timeout_seconds;
  http.connect_timeout_seconds = config_->retry.connect_timeout_seconds;
  http.verify_ssl = config_->options.verify_ssl;
  http.ca_file = config_->options.ca_file;
  http.cancel = config_->cancel;
  http_ = std::make_unique<net::CurlHttpClient>(http);
}

std::string S3Client::Endpoint() const {
  const S3Options& o = config_->options;
  return o.endpoint_url.empty() ? "https://s3." + o.region + ".amazonaws.com" : o.endpoint_url;
}

const net::RetryPolicy& S3Client::Policy(const std::string& bucket) {
  if (!policy_) {
    std::string url = Endpoint();
    if (!UsesPathStyle(config_->options, bucket)) {
      url = SchemeOf(url) + "://" + bucket + "." + AuthorityOf(url);
    }
    policy_ =
        net::MakeRetryPolicy(config_->retry, "s3", net::HostPort(url), config_->prefix, config_->cancel);
  }
  return *policy_;
}

net::HttpRequest S3Client::Build(const Call& call) const {
  const S3Options& o = config_->options;
  const std::string endpoint = Endpoint();
  std::string authority = AuthorityOf(endpoint);
  std::string path;
  if (UsesPathStyle(o, call.bucket)) {
    path = "/" + call.bucket;
    if (!call.key.empty()) path += "/" + call.key;
  } else {
    authority = call.bucket + "." + authority;
    path = "/" + call.key;
  }
  net::HttpRequest request;
  request.method = call.method;
  const std::string query = CanonicalQuery(call.query);
  request.url =
      SchemeOf(endpoint) + "://" + authority + UriEncode(path, true) + (query.empty() ? "" : "?" + query);
  request.headers = call.headers;
  request.body = call.body;
  request.body_file = call.body_file;
  request.body_file_offset = call.body_offset;
  request.body_length = call.body_length;
  request.body_sink = call.sink;
  request.follow_redirects = false;  // a redirect means the wrong region or endpoint (§2.3)
  request.stall_timeout = true;
  if (config_->credentials.anonymous) return request;
  SigV4Request sign;
  sign.method = call.method;
  sign.path = path;
  sign.query = call.query;
  sign.payload_hash = call.payload_hash;
  sign.headers.emplace_back("host", authority);
  for (const auto& [name, value] : call.headers.fields()) sign.headers.emplace_back(name, value);
  const int64_t now = config_->now ? config_->now() : static_cast<int64_t>(std::time(nullptr));
  const HeaderList signed_headers = SignS3Request(sign, config_->credentials.keys, o.region, AmzDate(now));
  for (size_t i = 1 + call.headers.fields().size(); i < signed_headers.size(); ++i) {
    request.headers.Set(signed_headers[i].first, signed_headers[i].second);
  }
  return request;
}

void S3Client::ThrowFor(const Call& call, const net::HttpResponse& response) const {
  const net::HttpRequest request = Build(call);
  net::AttemptError base = net::HttpStatusError(request, response);
  const auto error = ParseS3Error(response.body);
  const std::string code = error ? error->code : "";
  const std::string where = std::string(base.what());
  const std::string cause = "HTTP " + std::to_string(response.status) + (code.empty() ? "" : " " + code);
  const std::string bucket = call.bucket;
  auto fail = [&](ErrorKind kind, const std::string& text, const std::string& hint = "") {
    throw net::AttemptError(kind, text + " (" + where + ")", cause, response.headers.Value("Retry-After"),
                            hint);
  };
  const int status = response.status;
  if (status == 301 || status == 307 || code == "PermanentRedirect" ||
      code == "AuthorizationHeaderMalformed") {
    std::string region = response.headers.Value("x-amz-bucket-region");
    if (region.empty() && error) region = error->region;
    if (!region.empty()) {
      fail(ErrorKind::kInvalidConfig, "bucket is in region " + region + ", not " + config_->options.region,
           "set region: " + region);
    }
    fail(ErrorKind::kInvalidConfig, "the endpoint redirected the request (wrong region or endpoint)",
         "check region and endpoint_url");
  }
  if (code == "SlowDown") fail(ErrorKind::kThrottled, "S3 asked to slow down");
  if (status >= 500 && status <= 504) fail(ErrorKind::kTransient, "S3 server error");
  if (code == "RequestTimeout") fail(ErrorKind::kTransient, "S3 request timeout");
  if (code == "ExpiredToken") fail(ErrorKind::kAuthFailed, "the session token has expired");
  if (code == "SignatureDoesNotMatch")
    fail(ErrorKind::kAuthFailed, "signature mismatch (check secret_access_key)");
  if (code == "InvalidAccessKeyId") fail(ErrorKind::kAuthFailed, "unknown access key id");
  if (code == "RequestTimeTooSkewed") {
    const int64_t now = config_->now ? config_->now() : static_cast<int64_t>(std::time(nullptr));
    fail(ErrorKind::kAuthFailed,
         "clock skew: local time differs from the server by " +
             std::to_string(static_cast<int64_t>(SkewSeconds(error->server_time, now))) + " s");
  }
  if (status == 403) {
    fail(ErrorKind::kPermissionDenied, "access denied (check the policy for " +
                                           (call.permission.empty() ? "s3:ListBucket" : call.permission) +
                                           " on " + bucket + ")");
  }
  if (code == "NoSuchBucket") fail(ErrorKind::kNotFound, "bucket not found");
  if (code == "NoSuchKey" || (status == 404 && call.method == "HEAD")) {
    fail(ErrorKind::kNotFound, "no such key s3://" + bucket + "/" + call.key);
  }
  if (code == "NoSuchUpload") fail(ErrorKind::kNotFound, "no such multipart upload");
  throw base;
}

net::HttpResponse S3Client::Send(const Call& call, int attempt) {
  if (attempt > 1) ++counters_->retries;
  ++counters_->requests;
  net::HttpRequest request = Build(call);
  request.attempt = attempt;
  net::HttpResponse response = http_->Send(request);
  if (!response.ok()) ThrowFor(call, response);
  return response;
}

S3ListPage S3Client::ListPage(const std::string& bucket, const std::string& prefix, const std::string& token,
                              int max_keys) {
  Call call("GET", bucket, "", "s3:ListBucket", "list s3://" + bucket + "/" + prefix);
  call.query = {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(max_keys)}};
  if (!token.empty()) call.query.push_back({"continuation-token", token});
  // The unit is the request with its parsed body: a body that does not parse is retried (§2.1).
  return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    net::HttpResponse response = Send(call, attempt);
    try {
      return ParseListObjectsV2(response.body);
    } catch (const Error& error) {
      throw net::AttemptError(ErrorKind::kTransient, error.what(), "invalid listing");
    }
  });
}

std::vector<S3ObjectInfo> S3Client::ListAll(const std::string& bucket, const std::string& prefix) {
  std::vector<S3ObjectInfo> out;
  std::string token;
  for (;;) {
    S3ListPage page = ListPage(bucket, prefix, token, 1000);
    for (auto& object : page.objects) out.push_back(std::move(object));
    if (!page.truncated) return out;
    if (page.next_continuation_token == token) {
      throw Error(ErrorKind::kProtocolError, config_->prefix + ": listing of s3://" + bucket + "/" + prefix +
                                                 " returned the same continuation token twice");
    }
    token = page.next_continuation_token;
  }
}

std::optional<S3ObjectInfo> S3Client::Head(const std::string& bucket, const std::string& key) {
  Call call("HEAD", bucket, key, "s3:GetObject", "HEAD s3://" + bucket + "/" + key);
  try {
    return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
      net::HttpResponse response = Send(call, attempt);
      S3ObjectInfo info;
      info.key = key;
      info.etag = StripQuotes(response.headers.Value("ETag"));
      info.size = std::atoll(response.headers.Value("Content-Length").c_str());
      info.last_modified = HttpDateToIso(response.headers.Value("Last-Modified"));
      return info;
    });
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::kNotFound &&
        std::string(error.what()).find("no such key") != std::string::npos) {
      return std::nullopt;
    }
    throw;
  }
}

void S3Client::Download(const std::string& bucket, S3ObjectInfo& object, const std::string& path) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0)
    throw Error(ErrorKind::kInternal, "cannot create '" + path + "': " + std::strerror(errno));
  int64_t received = 0;  // bytes of the current version on disk
  auto restart = [&] {
    if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) {
      throw Error(ErrorKind::kInternal, "cannot truncate '" + path + "'");
    }
    received = 0;
  };
  Call call("GET", bucket, object.key, "s3:GetObject", "download s3://" + bucket + "/" + object.key);
  call.sink = [&](std::string_view data) {
    WriteAll(fd.get(), data, path);
    received += static_cast<int64_t>(data.size());
    counters_->bytes += static_cast<int64_t>(data.size());
  };
  net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    for (int version = 0;; ++version) {
      const bool resume = received > 0 && !object.etag.empty();
      call.headers = {};
      if (resume) {
        call.headers.Set("Range", "bytes=" + std::to_string(received) + "-");
        call.headers.Set("If-Match", "\"" + object.etag + "\"");
      } else if (received > 0) {
        restart();
      }
      const int64_t start = received;
      try {
        net::HttpResponse response = Send(call, attempt);
        if (resume && response.status != 206) {
          // The server ignored the Range and sent the whole object after our partial bytes: start over.
          restart();
          object.etag.clear();
          continue;
        }
        if (!resume) {
          object.etag = StripQuotes(response.headers.Value("ETag"));
          if (response.headers.Has("Content-Length")) {
            object.size = std::atoll(response.headers.Value("Content-Length").c_str());
          }
        }
        break;
      } catch (const Error& error) {
        // 412: the object changed since the bytes we have; restart this object from byte 0 (once per
        // attempt, then the retry policy decides).
        if (!resume || std::string(error.what()).find("HTTP 412") == std::string::npos || version > 0) throw;
        (void)start;
        restart();
        object.etag.clear();
      }
    }
    if (received != object.size) {
      throw net::AttemptError(ErrorKind::kTransient,
                              "download of s3://" + bucket + "/" + object.key + " ended at byte " +
                                  std::to_string(received) + " of " + std::to_string(object.size),
                              "short body");
    }
  });
}

std::string S3Client::PutFile(const std::string& bucket, const std::string& key, const std::string& path,
                              int64_t offset, int64_t length, const std::string& content_type,
                              const net::HttpHeaders& extra) {
  Call call("PUT", bucket, key, "s3:PutObject", "upload s3://" + bucket + "/" + key);
  call.headers = extra;
  call.headers.Set("Content-Type", content_type);
  call.SetBodyFile(path, offset, length);
  return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    net::HttpResponse response = Send(call, attempt);
    counters_->bytes += length;
    return StripQuotes(response.headers.Value("ETag"));
  });
}

std::string S3Client::PutBytes(const std::string& bucket, const std::string& key, const std::string& body,
                               const std::string& content_type) {
  Call call("PUT", bucket, key, "s3:PutObject", "upload s3://" + bucket + "/" + key);
  call.headers.Set("Content-Type", content_type);
  call.body = body;
  call.payload_hash = Sha256Hex(body);
  return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    return StripQuotes(Send(call, attempt).headers.Value("ETag"));
  });
}

std::string S3Client::CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& content_type, const net::HttpHeaders& extra) {
  Call call("POST", bucket, key, "s3:PutObject", "create multipart upload s3://" + bucket + "/" + key);
  call.query = {{"uploads", ""}};
  call.headers = extra;
  call.headers.Set("Content-Type", content_type);
  return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    net::HttpResponse response = Send(call, attempt);
    try {
      return ParseInitiateMultipartUpload(response.body);
    } catch (const Error& error) {
      throw net::AttemptError(ErrorKind::kTransient, error.what(), "invalid response");
    }
  });
}

std::string S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number, const std::string& path,
                                 int64_t offset, int64_t length) {
  Call call("PUT", bucket, key, "s3:PutObject",
            "upload part " + std::to_string(part_number) + " of s3://" + bucket + "/" + key);
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  call.headers.Set("Content-Type", "application/octet-stream");
  call.SetBodyFile(path, offset, length);
  return net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    net::HttpResponse response = Send(call, attempt);
    const std::string etag = StripQuotes(response.headers.Value("ETag"));
    if (etag.empty()) throw net::AttemptError(ErrorKind::kTransient, call.operation + ": no ETag", "no ETag");
    counters_->bytes += length;
    return etag;
  });
}

void S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id, const std::vector<std::string>& etags,
                                       int64_t expected_size) {
  Call call("POST", bucket, key, "s3:PutObject", "complete multipart upload s3://" + bucket + "/" + key);
  call.query = {{"uploadId", upload_id}};
  call.headers.Set("Content-Type", "application/xml");
  call.body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    call.body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"" +
                 EscapeXml(etags[i]) + "\"</ETag></Part>";
  }
  call.body += "</CompleteMultipartUpload>";
  call.payload_hash = Sha256Hex(call.body);
  net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) {
    try {
      net::HttpResponse response = Send(call, attempt);
      // S3 may answer 200 and put an error in the body (§2.3): retried.
      if (auto error = ParseS3Error(response.body)) {
        throw net::AttemptError(
            ErrorKind::kTransient,
            call.operation + " failed: HTTP 200 with error " + error->code + ": " + error->message,
            "HTTP 200 " + error->code);
      }
    } catch (const Error& error) {
      // A retried Complete whose first attempt succeeded after all: the object is there with our parts.
      if (attempt > 1 && error.kind() == ErrorKind::kNotFound &&
          std::string(error.what()).find("no such multipart upload") != std::string::npos) {
        auto head = Head(bucket, key);
        const std::string suffix = "-" + std::to_string(etags.size());
        if (head && EndsWith(head->etag, suffix) && head->size == expected_size) return;
      }
      throw;
    }
  });
}

void S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id) {
  Call call("DELETE", bucket, key, "s3:AbortMultipartUpload",
            "abort multipart upload s3://" + bucket + "/" + key);
  call.query = {{"uploadId", upload_id}};
  net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) { Send(call, attempt); });
}

void S3Client::Delete(const std::string& bucket, const std::string& key) {
  Call call("DELETE", bucket, key, "s3:DeleteObject", "delete s3://" + bucket + "/" + key);
  net::RunWithRetry(Policy(bucket), call.operation, [&](int attempt) { Send(call, attempt); });
}

std::vector<S3PendingUpload> S3Client::ListMultipartUploads(const std::string& bucket,
                                                            const std::string& prefix) {
  Call call("GET", bucket, "", "s3:ListBucketMultipartUploads",
            "list multipart uploads s3://" + bucket + "/" + prefix);
  call.query = {{"uploads", ""}, {"prefix", prefix}};
  return net::RunWithRetry(Policy(bucket), call.operation,
                           [&](int attempt) { return ParseListMultipartUploads(Send(call, attempt).body); });
}

}  // namespace sqlflow::connectors::s3
