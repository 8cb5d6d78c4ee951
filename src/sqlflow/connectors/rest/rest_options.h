// The rest source's parameters (CONNECTORS.md §3.7), parsed once from the canonical parameters by one
// function that both the compile-time validator and RestSource::Configure use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::rest {

struct AuthOptions {
  std::string type = "none";  // none | basic | digest | bearer | api_key | oauth2_client_credentials
  std::string username;
  std::string password;
  std::string token;
  std::string key_name = "X-API-Key";
  std::string key_value;
  std::string key_in = "header";  // header | query
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;
  std::string audience;
  std::string client_auth = "basic";  // basic | body
};

struct PaginationOptions {
  std::string type = "none";  // none | page_number | offset | cursor | link_header | next_url
  std::string page_param = "page";
  int64_t start_page = 1;
  std::string size_param;
  int64_t page_size = 100;
  std::string total_pages_path;
  std::string offset_param = "offset";
  std::string limit_param = "limit";
  int64_t limit = 100;
  int64_t start_offset = 0;
  std::string total_path;
  std::string cursor_param;
  std::string cursor_path;
  std::string rel = "next";
  std::string next_url_path;
  std::vector<int> stop_on_status;
};

struct RestOptions {
  std::string url;  // `url` with `path` appended
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> params;  // arrays expanded; values as text
  std::optional<std::string> body;                          // JSON text (POST)
  AuthOptions auth;
  PaginationOptions pagination;
  std::string data_path;
  bool ndjson = false;
  bool flatten = true;
  std::string flatten_separator = ".";
  int max_flatten_depth = 10;
  bool infer_types = true;
  std::string incremental_param;
  std::string incremental_value_format = "iso8601";
  int64_t max_pages = 0;
  int64_t max_response_mb = 256;
  bool follow_redirects = true;
  bool verify_ssl = true;
  std::string ca_file;
  std::string user_agent;
  std::vector<std::string> primary_key;
  std::vector<std::pair<std::string, std::string>> column_types;
  net::RetryOptions retry;
};

// Parses and checks `canonical` (registry defaults filled in, aliases renamed). Problems are appended to
// `issues` with the codes and messages of CONNECTORS.md §1.9 / §3.7; the returned options are complete only
// when no error was added.
RestOptions ParseRestOptions(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

// `url` + `path` with exactly one '/' between them.
std::string JoinUrlPath(const std::string& url, const std::string& path);

}  // namespace sqlflow::connectors::rest
