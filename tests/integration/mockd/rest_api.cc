#include "rest_api.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <ctime>
#include <sstream>

namespace sqlflow::mockd {
namespace {

constexpr int64_t kEpoch = 1704067200;  // 2024-01-01T00:00:00Z

std::string Iso(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Date(int64_t seconds) {
  return Iso(seconds).substr(0, 10);
}

// Seconds since the epoch of an ISO 8601 text (date, date-time, optional fraction and zone) or a number.
std::optional<int64_t> ParseBound(const std::string& text) {
  if (!text.empty() && text.find('-') == std::string::npos) {
    try {
      return static_cast<int64_t>(std::stod(text));
    } catch (...) {
      return std::nullopt;
    }
  }
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const int n = std::sscanf(text.c_str(), "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n < 3) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t value = timegm(&tm);
  // A zone offset (+hh:mm / -hh:mm) after the time moves the instant to UTC.
  const auto t = text.find_first_of("T ");
  if (t != std::string::npos) {
    const auto zone = text.find_first_of("+-", t);
    if (zone != std::string::npos && zone + 3 <= text.size()) {
      const int zh = std::atoi(text.substr(zone + 1, 2).c_str());
      const int zm = text.size() >= zone + 6 ? std::atoi(text.substr(zone + 4, 2).c_str()) : 0;
      const int64_t offset = zh * 3600 + zm * 60;
      value += text[zone] == '+' ? -offset : offset;
    }
  }
  return value;
}

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Md5Hex(const std::string& in) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(in.data(), in.size(), digest, &size, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

// key="value" or key=value pairs of a Digest Authorization header.
std::map<std::string, std::string> ParseDigest(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t i = header.find(' ');
  while (i != std::string::npos && i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    const size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    const std::string key = header.substr(i, eq - i);
    std::string value;
    size_t j = eq + 1;
    if (j < header.size() && header[j] == '"') {
      const size_t end = header.find('"', j + 1);
      value = header.substr(j + 1, end - j - 1);
      j = end == std::string::npos ? header.size() : end + 1;
    } else {
      const size_t end = header.find(',', j);
      value = header.substr(j, end == std::string::npos ? std::string::npos : end - j);
      j = end == std::string::npos ? header.size() : end;
    }
    out[key] = value;
    i = j;
  }
  return out;
}

int64_t IntParam(const httplib::Request& request, const std::string& name, int64_t fallback) {
  if (!request.has_param(name)) return fallback;
  try {
    return std::stoll(request.get_param_value(name));
  } catch (...) {
    return fallback;
  }
}

std::string JoinRecords(const std::vector<std::string>& records, const char* separator = ",") {
  std::string out;
  size_t size = 0;
  for (const auto& r : records) size += r.size() + 1;
  out.reserve(size);
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out += separator;
    out += records[i];
  }
  return out;
}

void Unauthorized(httplib::Response& response, const std::string& why) {
  response.status = 401;
  response.set_content("{\"error\": \"" + why + "\"}", "application/json");
}

}  // namespace

RestApi::RestApi(Json scenario) : scenario_(std::move(scenario)) {
  records_ = scenario_.value("records", static_cast<int64_t>(250));
  page_size_ = scenario_.value("page_size", static_cast<int64_t>(100));
}

void RestApi::Grow(int64_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  records_ += count;
}

void RestApi::Touch(const std::vector<int64_t>& ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int64_t id : ids) ++versions_[id];
}

int64_t RestApi::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

int RestApi::tokens_issued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tokens_issued_;
}

void RestApi::RevokeTokens() {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.clear();
}

int64_t RestApi::UpdatedAt(int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = versions_.find(id);
  const int version = it == versions_.end() ? 0 : it->second;
  return kEpoch + id * 60 + version * int64_t{365} * 86400;
}

// Record `id`: numbers, booleans, text with unicode / quotes / newlines, a date, a zoned timestamp, a nested
// object, an array, NULLs and big integers.
std::string RestApi::Record(int64_t id) const {
  int version = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = versions_.find(id);
    if (it != versions_.end()) version = it->second;
  }
  std::string name = "user " + std::to_string(id) + " \xC3\xBC";
  if (id % 7 == 0) name += " \xF0\x9F\x8E\x89";
  if (id % 11 == 0) name += " \"quoted\", with comma\nand newline";
  if (version > 0) name += " v" + std::to_string(version);
  const int64_t updated = kEpoch + id * 60 + version * int64_t{365} * 86400;
  std::string out;
  out.reserve(320);
  out += "{\"id\":" + std::to_string(id);
  out += ",\"name\":" + Json(name).dump();
  out += ",\"score\":" + std::to_string(id / 4) + "." + std::to_string((id % 4) * 25);
  out += ",\"active\":";
  out += id % 3 == 0 ? "true" : "false";
  out += ",\"created_on\":\"" + Date(kEpoch + (id % 365) * 86400) + "\"";
  out += ",\"updated_at\":\"" + Iso(updated) + "\"";
  out += ",\"address\":{\"city\":\"city" + std::to_string(id % 10) + "\",\"zip\":\"" +
         std::to_string(10000 + id % 90000) + "\"}";
  out += ",\"tags\":[\"t" + std::to_string(id % 3) + "\",\"x\"]";
  out += ",\"note\":";
  out += id % 5 == 0 ? "null" : "\"note " + std::to_string(id) + "\"";
  out += ",\"big\":" + std::to_string(int64_t{9223372036854775000} + id % 800);
  out += "}";
  return out;
}

bool RestApi::CheckAuth(const httplib::Request& request, httplib::Response& response) {
  const Json auth = scenario_.value("auth", Json::object());
  const std::string type = auth.value("type", std::string("none"));
  const std::string header = request.get_header_value("Authorization");
  if (type == "none") return true;
  if (type == "basic") {
    const std::string expected = "Basic " + Base64(auth.value("username", std::string()) + ":" +
                                                   auth.value("password", std::string()));
    if (header == expected) return true;
    response.set_header("WWW-Authenticate", "Basic realm=\"mockd\"");
    Unauthorized(response, "bad basic credentials");
    return false;
  }
  if (type == "bearer") {
    if (header == "Bearer " + auth.value("token", std::string())) return true;
    Unauthorized(response, "bad bearer token");
    return false;
  }
  if (type == "api_key") {
    const std::string name = auth.value("name", std::string("X-API-Key"));
    const std::string value = auth.value("value", std::string());
    const bool ok = auth.value("in", std::string("header")) == "query"
                        ? request.get_param_value(name) == value
                        : request.get_header_value(name) == value;
    if (!ok) Unauthorized(response, "bad api key");
    return ok;
  }
  if (type == "oauth2") {
    std::lock_guard<std::mutex> lock(mutex_);
    if (header.rfind("Bearer ", 0) == 0) {
      auto it = tokens_.find(header.substr(7));
      if (it != tokens_.end() && it->second > server_->Now()) return true;
    }
    Unauthorized(response, "invalid or expired token");
    return false;
  }
  if (type == "digest") {
    const std::string realm = "mockd";
    if (header.rfind("Digest ", 0) == 0) {
      auto d = ParseDigest(header);
      const std::string ha1 = Md5Hex(auth.value("username", std::string()) + ":" + realm + ":" +
                                     auth.value("password", std::string()));
      const std::string ha2 = Md5Hex(request.method + ":" + d["uri"]);
      const std::string expected =
          Md5Hex(ha1 + ":" + d["nonce"] + ":" + d["nc"] + ":" + d["cnonce"] + ":" + d["qop"] + ":" + ha2);
      if (d["username"] == auth.value("username", std::string()) && d["response"] == expected) return true;
    }
    std::string nonce;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      nonce = Md5Hex("nonce" + std::to_string(++nonce_counter_));
    }
    response.set_header("WWW-Authenticate", "Digest realm=\"" + realm + "\", qop=\"auth\", nonce=\"" + nonce +
                                                "\", opaque=\"0pa9ue\", algorithm=MD5");
    Unauthorized(response, "digest required");
    return false;
  }
  Unauthorized(response, "unknown auth type in scenario");
  return false;
}

std::vector<int64_t> RestApi::Selected(const httplib::Request& request) const {
  const int64_t n = size();
  std::string bound_text = request.get_param_value("updated_since");
  if (bound_text.empty()) bound_text = request.get_param_value("updated_at_min");
  std::vector<int64_t> ids;
  if (bound_text.empty()) {
    ids.reserve(static_cast<size_t>(n));
    for (int64_t id = 1; id <= n; ++id) ids.push_back(id);
    return ids;
  }
  const std::optional<int64_t> bound = ParseBound(bound_text);
  for (int64_t id = 1; id <= n; ++id)
    if (!bound || UpdatedAt(id) >= *bound) ids.push_back(id);
  return ids;
}

void RestApi::Serve(const std::string& route, const httplib::Request& request, httplib::Response& response) {
  if (!CheckAuth(request, response)) return;
  const std::string base = scenario_.value("link_host", server_->BaseUrl());
  if (route == "echo") {
    Json record = {{"method", request.method},
                   {"query", request.target.substr(request.path.size())},
                   {"content_type", request.get_header_value("Content-Type")},
                   {"body", request.body},
                   {"user_agent", request.get_header_value("User-Agent")},
                   {"x_custom", request.get_header_value("X-Custom")}};
    response.set_content(Json::array({record}).dump(), "application/json");
    return;
  }
  if (route == "static") {
    const Json pages = scenario_["static"][request.path];
    const int64_t page = IntParam(request, "page", 1);
    if (page >= 1 && page <= static_cast<int64_t>(pages.size())) {
      response.set_content(pages[static_cast<size_t>(page - 1)].dump(), "application/json");
    } else {
      response.set_content("[]", "application/json");
    }
    return;
  }
  const std::vector<int64_t> ids = Selected(request);
  const int64_t total = static_cast<int64_t>(ids.size());
  auto slice = [&](int64_t offset, int64_t count) {
    std::vector<std::string> out;
    for (int64_t i = std::max<int64_t>(offset, 0); i < std::min(total, offset + count); ++i)
      out.push_back(Record(ids[static_cast<size_t>(i)]));
    return out;
  };
  if (route == "all") {
    response.set_content("[" + JoinRecords(slice(0, total)) + "]", "application/json");
    return;
  }
  if (route == "offset" || route == "cursor") {
    const int64_t limit = IntParam(request, "limit", page_size_);
    int64_t offset = IntParam(request, "offset", 0);
    if (route == "cursor") {
      const std::string cursor = request.get_param_value("cursor");
      offset = 0;
      if (!cursor.empty()) {
        if (cursor.rfind("c/", 0) != 0 || cursor.size() < 6 || cursor.substr(cursor.size() - 4) != "+k==") {
          response.status = 400;
          response.set_content("{\"error\": \"bad cursor\"}", "application/json");
          return;
        }
        offset = std::stoll(cursor.substr(2, cursor.size() - 6));
      }
      const bool more = offset + limit < total;
      const int64_t next = request.get_param_value("loop") == "1" ? offset : offset + limit;
      const std::string next_cursor = more ? "\"c/" + std::to_string(next) + "+k==\"" : "null";
      response.set_content(
          "{\"data\":[" + JoinRecords(slice(offset, limit)) + "],\"next_cursor\":" + next_cursor + "}",
          "application/json");
      return;
    }
    response.set_content(
        "{\"data\":[" + JoinRecords(slice(offset, limit)) + "],\"total\":" + std::to_string(total) + "}",
        "application/json");
    return;
  }
  // Page-numbered routes.
  const int64_t per_page = IntParam(request, "per_page", page_size_);
  const int64_t page = IntParam(request, "page", 1);
  const int64_t total_pages = per_page > 0 ? (total + per_page - 1) / per_page : 0;
  const std::string size_part = request.has_param("per_page") ? "&per_page=" + std::to_string(per_page) : "";
  if (route == "pages" || route == "pages_strict") {
    if (route == "pages_strict" && page > total_pages) {
      response.status = 404;
      response.set_content("{\"error\": \"no such page\"}", "application/json");
      return;
    }
    response.set_content("{\"data\":[" + JoinRecords(slice((page - 1) * per_page, per_page)) +
                             "],\"meta\":{\"page\":" + std::to_string(page) + ",\"total_pages\":" +
                             std::to_string(total_pages) + ",\"total\":" + std::to_string(total) + "}}",
                         "application/json");
    return;
  }
  if (route == "link") {
    if (page < total_pages)
      response.set_header("Link", "<" + base + "/api/link?page=" + std::to_string(page + 1) + size_part +
                                      ">; rel=\"next\", <" + base + "/api/link?page=1" + size_part +
                                      ">; rel=\"first\"");
    response.set_content("[" + JoinRecords(slice((page - 1) * per_page, per_page)) + "]", "application/json");
    return;
  }
  if (route == "next") {
    const int64_t next_page = request.get_param_value("loop") == "1" ? page : page + 1;
    std::string next = "null";
    if (page < total_pages) {
      const std::string prefix = scenario_.contains("link_host") ? base : "";
      next = "\"" + prefix + "/api/next?page=" + std::to_string(next_page) + size_part +
             (request.get_param_value("loop") == "1" ? "&loop=1" : "") + "\"";
    }
    response.set_content("{\"items\":[" + JoinRecords(slice((page - 1) * per_page, per_page)) +
                             "],\"links\":{\"next\":" + next + "}}",
                         "application/json");
    return;
  }
  if (route == "ndjson") {
    const auto records = request.has_param("page") ? slice((page - 1) * per_page, per_page) : slice(0, total);
    response.set_content(JoinRecords(records, "\n") + (records.empty() ? "" : "\n"), "application/x-ndjson");
    return;
  }
  response.status = 404;
}

void RestApi::Token(const httplib::Request& request, httplib::Response& response) {
  const Json auth = scenario_.value("auth", Json::object());
  httplib::Params form;
  httplib::detail::parse_query_text(request.body, form);
  auto value = [&](const std::string& key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  if (value("grant_type") != "client_credentials") {
    response.status = 400;
    response.set_content("{\"error\": \"unsupported_grant_type\"}", "application/json");
    return;
  }
  const std::string id = auth.value("client_id", std::string());
  const std::string secret = auth.value("client_secret", std::string());
  const bool basic_ok = request.get_header_value("Authorization") == "Basic " + Base64(id + ":" + secret);
  const bool body_ok = value("client_id") == id && value("client_secret") == secret;
  if (!basic_ok && !body_ok) {
    response.status = 401;
    response.set_content("{\"error\": \"invalid_client\"}", "application/json");
    return;
  }
  const int64_t expires_in = auth.value("expires_in", static_cast<int64_t>(3600));
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int n = ++tokens_issued_;
    token = "at-" + std::to_string(n) + "-" + Md5Hex(id + std::to_string(n)).substr(0, 8);
    tokens_[token] = server_->Now() + static_cast<double>(expires_in);
  }
  Json body = {{"access_token", token}, {"token_type", "bearer"}, {"expires_in", expires_in}};
  if (!value("scope").empty()) body["scope"] = value("scope");
  response.set_content(body.dump(), "application/json");
}

void RestApi::Install(MockServer& server) {
  server_ = &server;
  for (const std::string route :
       {"all", "pages", "pages_strict", "offset", "cursor", "link", "next", "ndjson", "echo"}) {
    auto handler = [this, route](const httplib::Request& q, httplib::Response& r) { Serve(route, q, r); };
    server.Get("/api/" + route, handler);
    server.Post("/api/" + route, handler);
  }
  if (scenario_.contains("static"))
    for (const auto& [path, pages] : scenario_["static"].items()) {
      auto handler = [this](const httplib::Request& q, httplib::Response& r) { Serve("static", q, r); };
      server.Get(path, handler);
      server.Post(path, handler);
    }
  server.Post("/oauth/token", [this](const httplib::Request& q, httplib::Response& r) { Token(q, r); });
  // Control routes for CLI use (examples, benchmarks): grow or re-version the dataset between runs.
  server.Post("/_control/grow", [this](const httplib::Request& q, httplib::Response& r) {
    Grow(IntParam(q, "count", 0));
    r.set_content("{\"records\":" + std::to_string(size()) + "}", "application/json");
  });
  server.Post("/_control/touch", [this](const httplib::Request& q, httplib::Response& r) {
    std::vector<int64_t> ids;
    std::stringstream list(q.get_param_value("ids"));
    std::string id;
    while (std::getline(list, id, ',')) ids.push_back(std::stoll(id));
    Touch(ids);
    r.set_content("{\"touched\":" + std::to_string(ids.size()) + "}", "application/json");
  });
}

}  // namespace sqlflow::mockd
