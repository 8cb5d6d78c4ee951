// URL helpers of the JSON API sources (rest, shopify): RFC 3986 query encoding (§6.3), next-page references
// resolved against the page that gave them, origin comparison and RFC 8288 Link headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlflow::net {

// RFC 3986 percent-encoding of a query component: unreserved characters stay, everything else is %XX.
std::string EncodeComponent(std::string_view text);
// `url` with `params` appended as encoded name=value pairs (after '?' or '&').
std::string WithQuery(std::string url, const std::vector<std::pair<std::string, std::string>>& params);

struct UrlParts {
  std::string scheme;  // lower case
  std::string authority;
  std::string path_and_query;
};
UrlParts SplitUrl(const std::string& url);

// A next-page reference resolved against the URL of the page that gave it.
std::string ResolveUrl(const std::string& base, const std::string& ref);
// Same scheme and host:port (default ports filled in).
bool SameOrigin(const std::string& a, const std::string& b);
bool IsLoopbackUrl(const std::string& url);
// The target of `rel` in a Link header (RFC 8288): <url>; rel="next", <url2>; rel="prev".
std::optional<std::string> LinkTarget(const std::string& header, const std::string& rel);

}  // namespace sqlflow::net
