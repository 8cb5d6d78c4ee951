#include "sqlflow/connectors/rest/rest_options.h"
#include "sqlflow/common/json_dump.h"

#include <algorithm>

#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/validate_util.h"
#include "sqlflow/connectors/rest/rest_schema.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors::rest {
namespace {

using Json = nlohmann::ordered_json;
const char* kPrefix = "REST connector: ";

std::string Str(const Json& object, const std::string& key, const std::string& fallback = "") {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : fallback;
}

int64_t Int(const Json& object, const std::string& key, int64_t fallback) {
  return object.contains(key) && object[key].is_number_integer() ? object[key].get<int64_t>() : fallback;
}

std::string ScalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return DumpJson(value);
}

void CheckUrl(const std::string& url, std::vector<ParamIssue>& issues) {
  std::string reason;
  std::string rest;
  if (StartsWith(ToLower(url), "http://")) {
    rest = url.substr(7);
  } else if (StartsWith(ToLower(url), "https://")) {
    rest = url.substr(8);
  } else {
    reason = "the scheme must be http or https";
  }
  if (reason.empty()) {
    const std::string host = rest.substr(0, rest.find_first_of("/?#"));
    if (host.empty() || host.front() == ':') reason = "missing host";
    if (host.find_first_of(" \t") != std::string::npos) reason = "spaces in the host";
  }
  if (!reason.empty())
    AddIssue(issues, Severity::kError, "SF406", std::string(kPrefix) + "invalid url '" + url + "': " + reason,
             "url");
}

AuthOptions ParseAuth(const Json& raw, std::vector<ParamIssue>& issues) {
  AuthOptions auth;
  const Json object = CheckNestedObject(kPrefix, "auth", RestAuthParams(), raw, issues);
  auth.type = Str(object, "type", "none");
  auth.username = Str(object, "username");
  auth.password = Str(object, "password");
  auth.token = Str(object, "token");
  auth.key_name = Str(object, "name", "X-API-Key");
  auth.key_value = Str(object, "value");
  auth.key_in = Str(object, "in", "header");
  auth.token_url = Str(object, "token_url");
  auth.client_id = Str(object, "client_id");
  auth.client_secret = Str(object, "client_secret");
  auth.scope = Str(object, "scope");
  auth.audience = Str(object, "audience");
  auth.client_auth = Str(object, "client_auth", "basic");
  auto require = [&](const std::string& field) {
    if (!object.contains(field))
      AddIssue(issues, Severity::kError, "SF406",
               std::string(kPrefix) + "auth." + field + " is required for auth type '" + auth.type + "'",
               "auth");
  };
  if (auth.type == "basic" || auth.type == "digest") {
    require("username");
    require("password");
  } else if (auth.type == "bearer") {
    require("token");
  } else if (auth.type == "api_key") {
    require("value");
  } else if (auth.type == "oauth2_client_credentials") {
    require("token_url");
    require("client_id");
    require("client_secret");
    if (object.contains("token_url")) {
      std::vector<ParamIssue> url_issues;
      CheckUrl(auth.token_url, url_issues);
      for (auto& issue : url_issues) {
        issue.message = std::string(kPrefix) + "invalid auth.token_url '" + auth.token_url + "'";
        issue.key = "auth";
        issues.push_back(issue);
      }
    }
  }
  return auth;
}

PaginationOptions ParsePagination(const Json& raw, std::vector<ParamIssue>& issues) {
  PaginationOptions p;
  const Json object = CheckNestedObject(kPrefix, "pagination", RestPaginationParams(), raw, issues);
  p.type = Str(object, "type");
  if (p.type.empty())
    p.type = object.contains("page_param") || object.contains("size_param") ? "page_number" : "none";
  static const std::vector<std::string> known = {"none",   "page_number", "offset",
                                                 "cursor", "link_header", "next_url"};
  if (std::find(known.begin(), known.end(), p.type) == known.end())
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "unknown pagination type '" + p.type + "'; known: " + Join(known, ", "),
             "pagination");
  p.page_param = Str(object, "page_param", "page");
  p.start_page = Int(object, "start_page", 1);
  p.size_param = Str(object, "size_param");
  p.page_size = Int(object, "page_size", 100);
  p.total_pages_path = Str(object, "total_pages_path");
  p.offset_param = Str(object, "offset_param", "offset");
  p.limit_param = Str(object, "limit_param", "limit");
  p.limit = Int(object, "limit", 100);
  p.start_offset = Int(object, "start_offset", 0);
  p.total_path = Str(object, "total_path");
  p.cursor_param = Str(object, "cursor_param");
  p.cursor_path = Str(object, "cursor_path");
  p.rel = Str(object, "rel", "next");
  p.next_url_path = Str(object, "next_url_path");
  auto require = [&](const std::string& field) {
    if (!object.contains(field))
      AddIssue(issues, Severity::kError, "SF406",
               std::string(kPrefix) + "pagination." + field + " is required for type '" + p.type + "'",
               "pagination");
  };
  if (p.type == "cursor") {
    require("cursor_path");
    require("cursor_param");
  } else if (p.type == "next_url") {
    require("next_url_path");
  }
  if (object.contains("stop_on_status")) {
    const Json& codes = object["stop_on_status"];
    const bool ok = codes.is_array() && std::all_of(codes.begin(), codes.end(), [](const Json& code) {
                      return code.is_number_integer();
                    });
    if (!ok) {
      AddIssue(issues, Severity::kError, "SF404",
               std::string(kPrefix) +
                   "parameter 'pagination.stop_on_status' must be an array of integers, got " +
                   JsonTypeName(codes) + " " + ShortJson(codes),
               "pagination");
    } else {
      for (const auto& code : codes) p.stop_on_status.push_back(code.get<int>());
    }
  }
  return p;
}

}  // namespace

std::string JoinUrlPath(const std::string& url, const std::string& path) {
  if (path.empty()) return url;
  std::string base = url;
  std::string query;
  const auto q = base.find('?');
  if (q != std::string::npos) {
    query = base.substr(q);
    base = base.substr(0, q);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  size_t start = 0;
  while (start < path.size() && path[start] == '/') ++start;
  return base + "/" + path.substr(start) + query;
}

RestOptions ParseRestOptions(const Json& canonical, std::vector<ParamIssue>& issues) {
  RestOptions o;
  o.url = Str(canonical, "url");
  if (canonical.contains("url")) CheckUrl(o.url, issues);
  o.url = JoinUrlPath(o.url, Str(canonical, "path"));
  o.method = Str(canonical, "method", "GET");
  if (canonical.contains("headers") && canonical["headers"].is_object())
    for (const auto& [k, v] : canonical["headers"].items()) o.headers.emplace_back(k, ScalarText(v));
  if (canonical.contains("params") && canonical["params"].is_object()) {
    for (const auto& [k, v] : canonical["params"].items()) {
      if (v.is_array()) {
        for (const auto& item : v) o.params.emplace_back(k, ScalarText(item));
      } else if (v.is_object()) {
        AddIssue(
            issues, Severity::kError, "SF404",
            std::string(kPrefix) + "parameter 'params." + k + "' must be a string, number, boolean or array",
            "params");
      } else if (!v.is_null()) {
        o.params.emplace_back(k, ScalarText(v));
      }
    }
  }
  if (canonical.contains("body") && !canonical["body"].is_null()) {
    o.body =
        canonical["body"].is_string() ? canonical["body"].get<std::string>() : DumpJson(canonical["body"]);
    if (o.method != "POST")
      AddIssue(issues, Severity::kError, "SF406",
               std::string(kPrefix) + "body is only allowed with method POST", "body");
  }
  o.ndjson = Str(canonical, "response_format", "json") == "ndjson";
  o.data_path = Str(canonical, "data_path");
  if (canonical.contains("data_path") && o.ndjson)
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "data_path cannot be used with response_format 'ndjson'", "data_path");
  if (canonical.contains("auth") && !canonical["auth"].is_null())
    o.auth = ParseAuth(canonical["auth"], issues);
  if (canonical.contains("pagination") && !canonical["pagination"].is_null())
    o.pagination = ParsePagination(canonical["pagination"], issues);
  o.flatten = !canonical.contains("flatten") || !canonical["flatten"].is_boolean() ||
              canonical["flatten"].get<bool>();
  o.flatten_separator = Str(canonical, "flatten_separator", ".");
  o.max_flatten_depth = static_cast<int>(Int(canonical, "max_flatten_depth", 10));
  o.infer_types = !canonical.contains("infer_types") || !canonical["infer_types"].is_boolean() ||
                  canonical["infer_types"].get<bool>();
  o.incremental_param = Str(canonical, "incremental_param");
  o.incremental_value_format = Str(canonical, "incremental_value_format", "iso8601");
  o.max_pages = Int(canonical, "max_pages", 0);
  o.max_response_mb = Int(canonical, "max_response_mb", 256);
  o.follow_redirects = !canonical.contains("follow_redirects") ||
                       !canonical["follow_redirects"].is_boolean() ||
                       canonical["follow_redirects"].get<bool>();
  o.verify_ssl = !canonical.contains("verify_ssl") || !canonical["verify_ssl"].is_boolean() ||
                 canonical["verify_ssl"].get<bool>();
  o.ca_file = Str(canonical, "ca_file");
  o.user_agent = Str(canonical, "user_agent");
  if (canonical.contains("primary_key")) {
    const Json& pk = canonical["primary_key"];
    if (pk.is_string()) o.primary_key.push_back(pk.get<std::string>());
    if (pk.is_array())
      for (const auto& k : pk)
        if (k.is_string()) o.primary_key.push_back(k.get<std::string>());
  }
  if (canonical.contains("column_types") && canonical["column_types"].is_object())
    for (const auto& [k, v] : canonical["column_types"].items())
      if (v.is_string()) o.column_types.emplace_back(k, v.get<std::string>());
  try {
    o.retry = net::ParseRetryOptions("rest", canonical);
  } catch (const Error& error) {
    AddIssue(issues, Severity::kError, "SF405", error.what());
  }
  return o;
}

}  // namespace sqlflow::connectors::rest
