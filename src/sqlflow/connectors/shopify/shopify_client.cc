#include "sqlflow/connectors/shopify/shopify_client.h"

#include <cstdio>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/rate_limiter.h"
#include "sqlflow/net/url.h"

namespace sqlflow::connectors::shopify {

Client::Client(const ShopifyOptions& options, std::string prefix, const ShopifyRuntime& runtime,
               CancelToken* cancel)
    : options_(options), prefix_(std::move(prefix)), runtime_(runtime) {
  net::HttpClientOptions http;
  http.timeout_seconds = options.retry.timeout_seconds;
  http.connect_timeout_seconds = options.retry.connect_timeout_seconds;
  http.cancel = cancel;
  client_ = std::make_unique<net::CurlHttpClient>(http);
  policy_ = net::MakeRetryPolicy(options.retry, "shopify", net::HostPort(options.base_url), prefix_, cancel);
  policy_.clock = runtime.clock;
  policy_.sleeper = runtime.sleeper;
  if (!options.access_token.empty()) {
    redactor_.AddSecret(options.access_token);
    const std::string encoded = net::EncodeComponent(options.access_token);
    if (encoded != options.access_token) redactor_.AddSecret(encoded);
  }
}

Response Client::Attempt(const std::string& url, const ObjectSpec* object, int attempt) {
  net::HttpRequest request;
  request.url = url;
  request.attempt = attempt;
  request.headers.Set("X-Shopify-Access-Token", options_.access_token);
  request.headers.Set("Accept", "application/json");
  request.credential_headers.push_back("X-Shopify-Access-Token");
  net::HttpResponse response = client_->Send(request);
  ++requests_;
  bytes_ += static_cast<int64_t>(response.body.size());
  Pace(response.headers);
  if (auto served = response.headers.Get("X-Shopify-API-Version");
      served && !served->empty() && *served != options_.api_version && !served_version_)
    served_version_ = *served;
  const int status = response.status;
  if (status == 401 || status == 402 || status == 403 || status == 404 || status == 423)
    ThrowClassified(request, response, object);
  net::ThrowUnlessSuccess(request, response);
  return Response{url, std::move(response.headers), std::move(response.body)};
}

// After each response: the bucket holds at most what the shop's bucket has left, and at 80 % of the call
// limit the next request waits until the shop's bucket has leaked down to half (CONNECTORS.md §3.9).
void Client::Pace(const net::HttpHeaders& headers) {
  const auto header = headers.Get("X-Shopify-Shop-Api-Call-Limit");
  if (!header) return;
  call_limit_ = Trim(*header);
  double used = 0, max = 0;
  if (std::sscanf(call_limit_.c_str(), "%lf/%lf", &used, &max) != 2 || max <= 0) return;
  const double rate = options_.retry.requests_per_second > 0 ? options_.retry.requests_per_second : 2.0;
  if (policy_.limiter) policy_.limiter->LimitAvailable(max - used, *runtime_.clock);
  if (used >= 0.8 * max && policy_.limiter) policy_.limiter->Hold((used - 0.5 * max) / rate, *runtime_.clock);
}

void Client::ThrowClassified(const net::HttpRequest& request, const net::HttpResponse& response,
                             const ObjectSpec* object) const {
  const std::string name = object ? object->name : "the shop";
  const std::string where = " (GET " + Shown(request.url) + ")";
  switch (response.status) {
    case 401:
      throw Error(ErrorKind::kAuthFailed, "invalid Shopify access token" + where, "",
                  "check access_token (an Admin API access token of the app installed on the shop)");
    case 402:
      throw Error(ErrorKind::kPermissionDenied, "shop is frozen (payment required)" + where);
    case 403:
      throw Error(ErrorKind::kPermissionDenied,
                  "token lacks the scope for " + name + " (" +
                      (object ? object->scope : std::string("read_*")) + ")" + where,
                  "", "grant the app the scope and reinstall it, or use a token that has it");
    case 404:
      throw Error(ErrorKind::kNotFound,
                  name + " is not available in API version " + options_.api_version + where, "",
                  "check api_version and the shop domain");
    default:
      throw Error(ErrorKind::kPermissionDenied, "shop is locked" + where);
  }
}

}  // namespace sqlflow::connectors::shopify
