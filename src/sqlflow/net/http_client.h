// The HTTP client of the network connectors (CONNECTORS.md §1.12): rest, google_sheets, shopify, s3 and OAuth
// token endpoints. Connectors depend on the HttpTransport interface so their tests can inject a fake; the
// real CurlHttpClient is libcurl (one easy handle per instance, reused, so connections are kept alive).
//
// What the client does for every request: `User-Agent: sqlflow/<version>`, gzip/deflate accepted, connect
// timeout, a total time limit (or, for bodies, a stall limit: no byte for timeout_seconds), TLS verification
// (`verify_ssl`, `ca_file`), proxies from the standard environment variables (http_proxy, https_proxy,
// no_proxy), at most 5 redirects followed by us and never forwarding credentials to another origin, a
// response size cap (`max_response_mb`) for bodies kept in memory, streaming bodies (sink callback; uploads
// from memory or a file), cancellation through a CancelToken (the transfer aborts within ~100 ms), and
// libcurl errors mapped once to an ErrorKind (ClassifyCurlCode) with a message naming the method and the
// redacted URL.
//
// Retries are not done here: wrap Send in RunWithRetry (retry_policy.h) and turn non-2xx responses into
// errors with HttpStatusError.
//
// Thread rules: one CurlHttpClient serves one request at a time (one per connector instance or per worker
// thread). The CancelToken in the options must outlive the client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlflow/net/retry_policy.h"

namespace sqlflow {
class CancelToken;
}

namespace sqlflow::net {

// Header fields in order; lookups ignore case.
class HttpHeaders {
 public:
  void Add(std::string name, std::string value);
  void Set(std::string name, std::string value);  // replaces every field of that name
  void Remove(std::string_view name);
  std::optional<std::string> Get(std::string_view name) const;  // the first field of that name
  std::string Value(std::string_view name) const { return Get(name).value_or(""); }
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

enum class HttpAuthScheme { kNone, kBasic, kDigest };

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT, PATCH, DELETE
  std::string url;
  HttpHeaders headers;
  // Names of headers that carry credentials besides Authorization, Proxy-Authorization, Cookie and names that
  // look secret (IsSecretMapKey: "X-Api-Key", "X-Shopify-Access-Token"...): dropped, like those, when a
  // redirect leads to another origin.
  std::vector<std::string> credential_headers;
  HttpAuthScheme auth = HttpAuthScheme::kNone;  // basic / digest through libcurl (digest: one challenge)
  std::string username;
  std::string password;
  std::string
      aws_sigv4;  // CURLOPT_AWS_SIGV4 provider, e.g. "aws:amz:us-east-1:s3" (keys in username/password)

  // Request body: `body` in memory, or the file `body_file` from `body_file_offset`, `body_length` bytes
  // (-1 = to the end of the file).
  std::string body;
  std::string body_file;
  int64_t body_file_offset = 0;
  int64_t body_length = -1;

  // When set, a 2xx response body goes to the sink in pieces instead of HttpResponse::body (no size cap). A
  // sink that throws aborts the transfer; Send rethrows its exception.
  std::function<void(std::string_view)> body_sink;

  bool follow_redirects = true;  // false: a 3xx is returned as is (s3 treats it as a wrong-region error)
  bool stall_timeout = false;    // timeout_seconds limits the time without a byte, not the whole request
  int attempt = 1;               // for the debug log line only
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;  // empty when a 2xx body went to the sink (non-2xx bodies are kept for messages)
  std::string url;   // the URL that answered (after redirects)
  int64_t body_bytes = 0;
  double elapsed_seconds = 0;
  bool ok() const { return status >= 200 && status < 300; }
};

struct HttpClientOptions {
  double timeout_seconds = 30;  // 0 = no limit
  double connect_timeout_seconds = 10;
  bool verify_ssl = true;
  std::string ca_file;            // PEM bundle of trusted CAs; empty = system store
  int64_t max_response_mb = 256;  // MiB kept in memory per response
  int max_redirects = 5;
  CancelToken* cancel = nullptr;  // the run's token; must outlive the client
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request, following redirects, and returns the response whatever its status. Throws
  // AttemptError when no response was received: kind per ClassifyCurlCode (kTimeout for the stall rule,
  // kCancelled on cancellation, kProtocolError beyond max_redirects or max_response_mb), message
  // "<METHOD> <redacted url> failed: <cause>".
  virtual HttpResponse Send(const HttpRequest& request) = 0;
};

class CurlHttpClient final : public HttpTransport {
 public:
  explicit CurlHttpClient(HttpClientOptions options);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  HttpResponse Send(const HttpRequest& request) override;
  const HttpClientOptions& options() const { return options_; }

 private:
  struct Handles;
  HttpResponse SendOnce(const HttpRequest& request);

  HttpClientOptions options_;
  std::unique_ptr<Handles> handles_;
};

// The error of a non-2xx response: kind per ClassifyHttpStatus (with Retry-After for 503), message
// `<METHOD> <redacted url> failed: HTTP 503 Service Unavailable, body "<first 200 characters>"`, cause
// "HTTP 503", and the Retry-After header for the retry loop.
AttemptError HttpStatusError(const HttpRequest& request, const HttpResponse& response);
// Throws HttpStatusError(request, response) unless the status is 2xx.
void ThrowUnlessSuccess(const HttpRequest& request, const HttpResponse& response);

// One request under `policy` (retry_policy.h): every attempt sends `request` (with its attempt number), turns
// a non-2xx status into HttpStatusError, and runs `check` (optional) on the 2xx response. Parse the body in
// `check` and throw AttemptError(kTransient) for a truncated or malformed one, so that it is retried as a
// whole (CONNECTORS.md §2.1). The operation in log lines and messages is "<METHOD> <redacted url>". A request
// with a body_sink must make the sink restartable (e.g. truncate its file when it sees a new attempt).
HttpResponse SendWithRetry(HttpTransport& transport, const RetryPolicy& policy, const HttpRequest& request,
                           const std::function<void(const HttpResponse&)>& check = {});

// `url` with the values of secret query parameters replaced by *** (names per IsSecretMapKey, e.g. api_key,
// key, token, access_token, password, secret, client_secret, signature, X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token) and any user:password@ masked.
std::string RedactUrl(std::string_view url);
// RFC 3986 percent-encoding of a query value or path segment: everything but A-Z a-z 0-9 - . _ ~ is encoded
// (a cursor "a/0+k==" becomes "a%2F0%2Bk%3D%3D"); `keep_slash` leaves '/' as is (object key paths).
std::string PercentEncode(std::string_view text, bool keep_slash = false);
// "host:port" of an absolute URL with the scheme's default port ("api.example.com:443"); the key of the
// breaker and bucket of that host. Throws Error(kInvalidConfig) for a URL that cannot be parsed.
std::string HostPort(std::string_view url);
// "sqlflow/<version>".
std::string UserAgent();

}  // namespace sqlflow::net
