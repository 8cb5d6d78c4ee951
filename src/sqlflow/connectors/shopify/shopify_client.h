// Requests of the shopify source (CONNECTORS.md §3.9 "Protocol"): the access token header, the retry policy
// of the shop's host (token bucket 2/s, burst 40 by default), pacing on X-Shopify-Shop-Api-Call-Limit,
// classified 401/402/403/404/423 errors, the served-version check, and secrets masked in every message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/connectors/shopify/shopify_options.h"
#include "sqlflow/connectors/shopify/shopify_source.h"
#include "sqlflow/net/http_client.h"

namespace sqlflow::connectors::shopify {

struct Response {
  std::string url;
  net::HttpHeaders headers;
  std::string body;
};

class Client {
 public:
  Client(const ShopifyOptions& options, std::string prefix, const ShopifyRuntime& runtime,
         CancelToken* cancel);

  // GET `url` (absolute) with retries; a 2xx response, or an Error. `object` names the resource in classified
  // errors (403 scope, 404 version). `check` runs inside the attempt on the body (JSON parsing), so that a
  // body that fails it is retried like a 5xx.
  template <typename Check>
  auto Get(const std::string& url, const ObjectSpec* object, Check check) {
    return net::RunWithRetry(policy_, "GET " + Shown(url), [&](int attempt) {
      Response response = Attempt(url, object, attempt);
      retries_ += attempt - 1;
      return check(response);
    });
  }

  // Secrets (the token, plain and URL-encoded) masked.
  std::string Scrub(std::string_view text) const { return redactor_.Mask(text); }
  std::string Shown(const std::string& url) const { return Scrub(net::RedactUrl(url)); }
  const std::string& prefix() const { return prefix_; }
  int64_t requests() const { return requests_; }
  int64_t retries() const { return retries_; }
  int64_t bytes() const { return bytes_; }
  // The served API version when it differs from api_version (first such response), else nullopt.
  const std::optional<std::string>& served_version() const { return served_version_; }
  // The last call-limit header ("1/40").
  const std::string& call_limit() const { return call_limit_; }

 private:
  Response Attempt(const std::string& url, const ObjectSpec* object, int attempt);
  void Pace(const net::HttpHeaders& headers);
  [[noreturn]] void ThrowClassified(const net::HttpRequest& request, const net::HttpResponse& response,
                                    const ObjectSpec* object) const;

  const ShopifyOptions& options_;
  std::string prefix_;
  ShopifyRuntime runtime_;
  std::unique_ptr<net::CurlHttpClient> client_;
  net::RetryPolicy policy_;
  Redactor redactor_;
  std::optional<std::string> served_version_;
  std::string call_limit_;
  int64_t requests_ = 0;
  int64_t retries_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace sqlflow::connectors::shopify
