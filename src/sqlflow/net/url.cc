// URL helpers shared by the JSON API sources (rest, shopify): query encoding, resolution of next-page
// references, origins and Link headers.
#include "sqlflow/net/url.h"

#include <algorithm>
#include <cctype>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/http_client.h"

namespace sqlflow::net {

// RFC 3986 percent-encoding of a query component: unreserved characters stay, everything else is %XX.
std::string EncodeComponent(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string WithQuery(std::string url, const std::vector<std::pair<std::string, std::string>>& params) {
  for (const auto& [name, value] : params) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += EncodeComponent(name) + "=" + EncodeComponent(value);
  }
  return url;
}

UrlParts SplitUrl(const std::string& url) {
  UrlParts parts;
  const auto colon = url.find("://");
  if (colon == std::string::npos) return parts;
  parts.scheme = ToLower(url.substr(0, colon));
  const auto start = colon + 3;
  const auto slash = url.find_first_of("/?#", start);
  parts.authority = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  parts.path_and_query = slash == std::string::npos ? "/" : url.substr(slash);
  return parts;
}

// A next-page reference resolved against the URL of the page that gave it.
std::string ResolveUrl(const std::string& base, const std::string& ref) {
  const std::string lower = ToLower(ref.substr(0, 8));
  if (StartsWith(lower, "http://") || StartsWith(lower, "https://")) return ref;
  const UrlParts parts = SplitUrl(base);
  const std::string origin = parts.scheme + "://" + parts.authority;
  if (StartsWith(ref, "//")) return parts.scheme + ":" + ref;
  if (StartsWith(ref, "/")) return origin + ref;
  std::string path = parts.path_and_query.substr(0, parts.path_and_query.find_first_of("?#"));
  if (StartsWith(ref, "?")) return origin + path + ref;
  return origin + path.substr(0, path.rfind('/') + 1) + ref;
}

bool SameOrigin(const std::string& a, const std::string& b) {
  try {
    return SplitUrl(a).scheme == SplitUrl(b).scheme && HostPort(a) == HostPort(b);
  } catch (const Error&) {
    return false;
  }
}

bool IsLoopbackUrl(const std::string& url) {
  std::string host = SplitUrl(url).authority;
  const auto at = host.rfind('@');
  if (at != std::string::npos) host = host.substr(at + 1);
  return StartsWith(host, "127.") || StartsWith(host, "localhost") || StartsWith(host, "[::1]");
}

// The target of `rel` in a Link header (RFC 8288): <url>; rel="next", <url2>; rel="prev".
std::optional<std::string> LinkTarget(const std::string& header, const std::string& rel) {
  size_t pos = 0;
  while ((pos = header.find('<', pos)) != std::string::npos) {
    const auto close = header.find('>', pos);
    if (close == std::string::npos) break;
    const std::string target = header.substr(pos + 1, close - pos - 1);
    auto next = header.find('<', close);
    const std::string params =
        header.substr(close + 1, next == std::string::npos ? std::string::npos : next - close - 1);
    const std::string lower = ToLower(params);
    const auto r = lower.find("rel=");
    if (r != std::string::npos) {
      std::string value = params.substr(r + 4);
      value = value.substr(0, value.find_first_of(";,"));
      value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
      for (const auto& one : Split(Trim(value), ' '))
        if (EqualsIgnoreCase(Trim(one), rel)) return target;
    }
    pos = close;
  }
  return std::nullopt;
}

}  // namespace sqlflow::net
