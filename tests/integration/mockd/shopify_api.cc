#include "shopify_api.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace sqlflow::mockd {

struct ShopifyApi::Meta {
  int64_t index = 0;
  int64_t id = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t processed = 0;
  std::string status;  // orders: open | closed | cancelled
  int64_t location = 0;
  int version = 0;
};

namespace {

constexpr int64_t kBase = 1704103200;   // 2024-01-01T10:00:00Z
constexpr int64_t kOffset = -5 * 3600;  // the shop's zone, -05:00

// Shopify's form: local time with the shop's offset.
std::string Time(int64_t epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch + kOffset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S-05:00", &tm);
  return text;
}

// Epoch seconds of any ISO 8601 form (date, date-time, fraction, Z or ±hh:mm); nullopt when unparseable.
std::optional<int64_t> ParseTime(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const int n = std::sscanf(text.c_str(), "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n != 3 && n != 6) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t value = timegm(&tm);
  if (n == 6) {
    const auto zone = text.find_first_of("+-", 19);
    if (zone != std::string::npos) {
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

std::optional<std::string> Unbase64(const std::string& in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3 + 1, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

std::string Encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Money(int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return text;
}

void Answer(httplib::Response& response, int status, const Json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json; charset=utf-8");
}

const std::map<std::string, std::string>& ResourceScopes() {
  static const std::map<std::string, std::string> scopes = {{"orders", "read_orders"},
                                                            {"customers", "read_customers"},
                                                            {"products", "read_products"},
                                                            {"custom_collections", "read_products"},
                                                            {"smart_collections", "read_products"},
                                                            {"collects", "read_products"},
                                                            {"locations", "read_locations"},
                                                            {"inventory_levels", "read_inventory"},
                                                            {"price_rules", "read_price_rules"},
                                                            {"draft_orders", "read_draft_orders"},
                                                            {"tender_transactions", "read_orders"},
                                                            {"metafields", "read_metafields"}};
  return scopes;
}

// Line items of order index i: 1 to 3, product (i*7+k) mod products.
int64_t LineCount(int64_t i) {
  return 1 + i % 3;
}

int64_t VariantPrice(int64_t product, int64_t k) {
  return 1000 + product * 250 + k * 100;  // cents
}

}  // namespace

ShopifyApi::ShopifyApi(Json scenario) : scenario_(std::move(scenario)) {
  orders_ = scenario_.value("orders", int64_t{120});
  customers_ = std::max<int64_t>(1, scenario_.value("customers", int64_t{40}));
  products_ = std::max<int64_t>(1, scenario_.value("products", int64_t{12}));
  locations_ = std::max<int64_t>(1, scenario_.value("locations", int64_t{3}));
  token_ = scenario_.value("token", std::string("shpat_mock_token"));
  if (scenario_.contains("scopes"))
    for (const auto& s : scenario_["scopes"]) scopes_.insert(s.get<std::string>());
  else
    for (const auto& [resource, scope] : ResourceScopes()) scopes_.insert(scope);
  served_version_ = scenario_.value("api_version", std::string("2025-10"));
  if (scenario_.contains("supported_versions"))
    for (const auto& v : scenario_["supported_versions"]) supported_.insert(v.get<std::string>());
  else
    supported_ = {"2025-10", "2025-07", "2025-04", "2025-01"};
  link_host_ = scenario_.value("link_host", std::string());
  if (scenario_.contains("bucket")) {
    const Json& b = scenario_["bucket"];
    bucket_size_ = b.value("size", 40.0);
    bucket_leak_ = b.value("leak", 2.0);
    bucket_used_ = b.value("used", 0.0);
  }
}

int64_t ShopifyApi::OrderId(int64_t index) {
  return 4500000000 + index;
}

int64_t ShopifyApi::LatestOrderUpdate() const {
  int64_t latest = kBase;
  for (int64_t i = 0; i < orders_; ++i) latest = std::max(latest, MetaOf("orders", i).updated);
  return latest;
}

void ShopifyApi::GrowOrders(int64_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (count <= 0) return;
  grown_[orders_] = LatestOrderUpdate() + 600;
  orders_ += count;
}

void ShopifyApi::TouchOrders(const std::vector<int64_t>& ids, std::optional<int64_t> updated_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t when = updated_at.value_or(LatestOrderUpdate() + 3600);
  for (int64_t id : ids) {
    const int64_t index = id - OrderId(0);
    auto& slot = touched_[index];
    slot = {when, slot.second + 1};
  }
}

int64_t ShopifyApi::orders() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return orders_;
}

int64_t ShopifyApi::LineItems() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t total = 0;
  for (int64_t i = 0; i < orders_; ++i) total += LineCount(i);
  return total;
}

void ShopifyApi::SetBucketUsed(double used) {
  std::lock_guard<std::mutex> lock(mutex_);
  bucket_used_ = used;
  bucket_time_ = server_ ? server_->Now() : 0;
}

double ShopifyApi::ServeSeconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return serve_seconds_;
}

std::string ShopifyApi::OrderJson(int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return RecordOf("orders", MetaOf("orders", id - OrderId(0))).dump();
}

int64_t ShopifyApi::Count(const std::string& resource) const {
  if (resource == "orders" || resource == "tender_transactions") return orders_;
  if (resource == "customers") return customers_;
  if (resource == "products" || resource == "collects") return products_;
  if (resource == "locations") return locations_;
  if (resource == "inventory_levels") return locations_ * products_;
  if (resource == "custom_collections" || resource == "price_rules" || resource == "metafields") return 3;
  if (resource == "smart_collections") return 2;
  if (resource == "draft_orders") return 5;
  return 0;
}

ShopifyApi::Meta ShopifyApi::MetaOf(const std::string& resource, int64_t i) const {
  Meta m;
  m.index = i;
  if (resource == "orders" || resource == "tender_transactions") {
    m.id = resource == "orders" ? OrderId(i) : 9500000000 + i;
    m.created = kBase + i * 600;
    auto batch = grown_.upper_bound(i);  // the GrowOrders batch of index i, if any
    if (batch != grown_.begin()) {
      --batch;
      m.created = batch->second + (i - batch->first) * 600;
    }
    m.updated = m.created + (i % 5) * 3600;
    m.processed = m.created + 60;
    m.status = i % 10 == 9 ? "cancelled" : i % 3 == 0 ? "closed" : "open";
    auto touched = touched_.find(i);
    if (touched != touched_.end()) {
      m.updated = touched->second.first;
      m.version = touched->second.second;
    }
    return m;
  }
  static const std::map<std::string, int64_t> bases = {
      {"customers", 6000000000},         {"products", 7000000000},    {"custom_collections", 9000000000},
      {"smart_collections", 9010000000}, {"collects", 9100000000},    {"locations", 6500000000},
      {"inventory_levels", 0},           {"price_rules", 9200000000}, {"draft_orders", 9300000000},
      {"metafields", 9400000000}};
  m.id = bases.at(resource) + i;
  const int64_t step = resource == "customers" ? 3600 : 86400;
  m.created = kBase + i * step;
  m.updated = m.created + 7200;
  if (resource == "inventory_levels") m.location = 6500000000 + i / products_;
  return m;
}

Json ShopifyApi::RecordOf(const std::string& resource, const Meta& m) const {
  const int64_t i = m.index;
  Json r = Json::object();
  if (resource == "orders") {
    r["id"] = m.id;
    r["admin_graphql_api_id"] = "gid://shopify/Order/" + std::to_string(m.id);
    r["name"] = "#" + std::to_string(1001 + i);
    r["email"] = "buyer" + std::to_string(i % customers_) + "@example.com";
    r["created_at"] = Time(m.created);
    r["updated_at"] = Time(m.updated);
    r["processed_at"] = Time(m.processed);
    r["cancelled_at"] = m.status == "cancelled" ? Json(Time(m.created + 7200)) : Json(nullptr);
    r["closed_at"] = m.status == "closed" ? Json(Time(m.created + 3600)) : Json(nullptr);
    r["financial_status"] = m.status == "cancelled" ? "refunded" : (i % 4 == 1 ? "pending" : "paid");
    r["fulfillment_status"] = m.status == "closed" ? Json("fulfilled") : Json(nullptr);
    r["currency"] = "USD";
    r["note"] = m.version ? Json("note v" + std::to_string(m.version)) : Json(nullptr);
    Json items = Json::array();
    int64_t subtotal = 0;
    for (int64_t k = 0; k < LineCount(i); ++k) {
      const int64_t product = (i * 7 + k) % products_;
      const int64_t variant = k % (1 + product % 3);
      const int64_t quantity = 1 + (i + k) % 3;
      const int64_t price = VariantPrice(product, variant);
      subtotal += quantity * price;
      items.push_back(Json{{"id", 1100000000 + i * 10 + k},
                           {"product_id", 7000000000 + product},
                           {"variant_id", 8000000000 + product * 10 + variant},
                           {"title", "Product " + std::to_string(product)},
                           {"sku", "SKU-" + std::to_string(product) + "-" + std::to_string(variant)},
                           {"quantity", quantity},
                           {"price", Money(price)}});
    }
    const int64_t tax = subtotal / 10;
    r["subtotal_price"] = Money(subtotal);
    r["total_tax"] = Money(tax);
    r["total_price"] = Money(subtotal + tax);
    r["customer"] = Json{{"id", 6000000000 + (i * 13) % customers_},
                         {"email", "buyer" + std::to_string(i % customers_) + "@example.com"}};
    r["billing_address"] = Json{{"city", i % 2 ? "Ottawa" : "Lyon"}, {"country_code", i % 2 ? "CA" : "FR"}};
    r["line_items"] = items;
    Json fulfillments = Json::array();
    if (m.status == "closed")
      fulfillments.push_back(Json{{"id", 1200000000 + i},
                                  {"order_id", m.id},
                                  {"status", "success"},
                                  {"created_at", Time(m.created + 1800)},
                                  {"tracking_number", "TRK" + std::to_string(i)}});
    r["fulfillments"] = fulfillments;
    Json refunds = Json::array();
    if (m.status == "cancelled")
      refunds.push_back(Json{{"id", 1300000000 + i},
                             {"order_id", m.id},
                             {"created_at", Time(m.created + 7200)},
                             {"note", "cancelled"}});
    r["refunds"] = refunds;
    return r;
  }
  r["id"] = m.id;
  if (resource == "customers") {
    r["email"] = "buyer" + std::to_string(i) + "@example.com";
    r["first_name"] = "Buyer";
    r["last_name"] = std::to_string(i);
    r["created_at"] = Time(m.created);
    r["updated_at"] = Time(m.updated);
    r["state"] = "enabled";
    r["default_address"] = Json{{"city", i % 2 ? "Ottawa" : "Lyon"}, {"country_code", i % 2 ? "CA" : "FR"}};
  } else if (resource == "products") {
    r["title"] = "Product " + std::to_string(i);
    r["vendor"] = i % 2 ? "Acme" : "Globex";
    r["product_type"] = i % 3 ? "Widget" : "Gadget";
    r["created_at"] = Time(m.created);
    r["updated_at"] = Time(m.updated);
    r["published_at"] = Time(m.created + 60);
    Json variants = Json::array();
    for (int64_t k = 0; k < 1 + i % 3; ++k)
      variants.push_back(Json{{"id", 8000000000 + i * 10 + k},
                              {"product_id", m.id},
                              {"title", "Variant " + std::to_string(k)},
                              {"price", Money(VariantPrice(i, k))},
                              {"sku", "SKU-" + std::to_string(i) + "-" + std::to_string(k)},
                              {"inventory_item_id", 8500000000 + i * 10 + k}});
    r["variants"] = variants;
  } else if (resource == "collects") {
    r["collection_id"] = 9000000000 + i % 3;
    r["product_id"] = 7000000000 + i;
    r["position"] = i + 1;
  } else if (resource == "locations") {
    r["name"] = "Warehouse " + std::to_string(i);
    r["active"] = true;
  } else if (resource == "inventory_levels") {
    r.erase("id");
    r["inventory_item_id"] = 8500000000 + (i % products_) * 10;
    r["location_id"] = m.location;
    r["available"] = (i * 17) % 50;
    r["updated_at"] = Time(m.updated);
  } else if (resource == "tender_transactions") {
    r["order_id"] = OrderId(i);
    r["amount"] = Money(1000 + i);
    r["currency"] = "USD";
    r["payment_method"] = i % 2 ? "credit_card" : "paypal";
    r["processed_at"] = Time(m.processed);
  } else if (resource == "metafields") {
    r["namespace"] = "custom";
    r["key"] = "k" + std::to_string(i);
    r["value"] = "v" + std::to_string(i);
    r["created_at"] = Time(m.created);
    r["updated_at"] = Time(m.updated);
  } else {
    r["title"] = resource + " " + std::to_string(i);
    r["created_at"] = Time(m.created);
    r["updated_at"] = Time(m.updated);
  }
  return r;
}

std::vector<ShopifyApi::Meta> ShopifyApi::Select(const std::string& resource, const Json& q) const {
  auto bound = [&](const char* key) -> std::optional<int64_t> {
    if (!q.contains(key)) return std::nullopt;
    return ParseTime(q[key].get<std::string>());
  };
  const auto cmin = bound("created_at_min"), cmax = bound("created_at_max");
  const auto umin = bound("updated_at_min"), umax = bound("updated_at_max");
  const auto pmin = bound("processed_at_min"), pmax = bound("processed_at_max");
  const int64_t since = q.contains("since_id") ? std::stoll(q["since_id"].get<std::string>()) : INT64_MIN;
  const int64_t after = q.value("after", int64_t{-1});
  const std::string status = q.value("status", std::string("open"));
  std::set<int64_t> locations;
  if (q.contains("location_ids")) {
    std::string ids = q["location_ids"].get<std::string>();
    size_t pos = 0;
    while (pos < ids.size()) {
      const size_t comma = ids.find(',', pos);
      locations.insert(
          std::stoll(ids.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
      pos = comma == std::string::npos ? ids.size() : comma + 1;
    }
  }
  std::vector<Meta> out;
  const int64_t count = Count(resource);
  for (int64_t i = after + 1; i < count; ++i) {
    const Meta m = MetaOf(resource, i);
    if (resource != "inventory_levels" && m.id <= since) continue;
    if ((cmin && m.created < *cmin) || (cmax && m.created > *cmax)) continue;
    if ((umin && m.updated < *umin) || (umax && m.updated > *umax)) continue;
    if ((pmin && m.processed < *pmin) || (pmax && m.processed > *pmax)) continue;
    if (resource == "orders" && status != "any" && m.status != status) continue;
    if (resource == "inventory_levels" && !locations.count(m.location)) continue;
    out.push_back(m);
  }
  return out;
}

// Auth, then the leaky bucket; sets the call-limit and version headers. False when answered.
bool ShopifyApi::Admit(const httplib::Request& request, httplib::Response& response,
                       const std::string& version) {
  response.set_header("X-Shopify-API-Version", supported_.count(version) ? version : served_version_);
  if (request.get_header_value("X-Shopify-Access-Token") != token_) {
    Answer(response, 401,
           Json{{"errors",
                 "[API] Invalid API key or access token (unrecognized login or wrong "
                 "password)"}});
    return false;
  }
  const double now = server_->Now();
  bucket_used_ = std::max(0.0, bucket_used_ - (now - bucket_time_) * bucket_leak_);
  bucket_time_ = now;
  if (bucket_used_ + 1 > bucket_size_ + 1e-9) {
    response.set_header("X-Shopify-Shop-Api-Call-Limit",
                        std::to_string(static_cast<int64_t>(bucket_size_)) + "/" +
                            std::to_string(static_cast<int64_t>(bucket_size_)));
    response.set_header("Retry-After", "2.0");
    Answer(response, 429,
           Json{{"errors",
                 "Exceeded 2 calls per second for api client. Reduce request rates to "
                 "resume uninterrupted service."}});
    return false;
  }
  bucket_used_ += 1;
  response.set_header("X-Shopify-Shop-Api-Call-Limit",
                      std::to_string(static_cast<int64_t>(std::ceil(bucket_used_ - 1e-9))) + "/" +
                          std::to_string(static_cast<int64_t>(bucket_size_)));
  return true;
}

void ShopifyApi::List(const std::string& version, const std::string& resource,
                      const httplib::Request& request, httplib::Response& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!Admit(request, response, version)) return;
  const auto scope = ResourceScopes().find(resource);
  if (scope == ResourceScopes().end()) return Answer(response, 404, Json{{"errors", "Not Found"}});
  if (!scopes_.count(scope->second))
    return Answer(
        response, 403,
        Json{{"errors", "[API] This action requires merchant approval for " + scope->second + " scope."}});
  int64_t limit = 50;
  if (request.has_param("limit")) limit = std::atoll(request.get_param_value("limit").c_str());
  if (limit < 1 || limit > 250)
    return Answer(response, 400, Json{{"errors", {{"limit", "must be between 1 and 250"}}}});
  Json query = Json::object();
  if (request.has_param("page_info")) {
    for (const auto& [name, value] : request.params)
      if (name != "page_info" && name != "limit" && name != "fields")
        return Answer(
            response, 400,
            Json{{"errors", {{"page_info", "Parameter '" + name + "' cannot be used with page_info"}}}});
    const auto decoded = Unbase64(request.get_param_value("page_info"));
    if (!decoded) return Answer(response, 400, Json{{"errors", {{"page_info", "Invalid value."}}}});
    query = Json::parse(*decoded, nullptr, false);
    if (!query.is_object() || query.value("r", std::string()) != resource)
      return Answer(response, 400, Json{{"errors", {{"page_info", "Invalid value."}}}});
  } else {
    for (const auto& [name, value] : request.params)
      if (name != "limit" && name != "fields") query[name] = value;
    if (resource == "inventory_levels" && !query.contains("location_ids"))
      return Answer(response, 422, Json{{"errors", {{"location_ids", "is required"}}}});
    query["r"] = resource;
  }
  const auto selected = Select(resource, query);
  std::vector<std::string> fields;
  if (request.has_param("fields")) {
    std::string text = request.get_param_value("fields");
    size_t pos = 0;
    while (pos <= text.size()) {
      const size_t comma = text.find(',', pos);
      fields.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  Json records = Json::array();
  const size_t n = std::min<size_t>(selected.size(), static_cast<size_t>(limit));
  for (size_t k = 0; k < n; ++k) {
    Json record = RecordOf(resource, selected[k]);
    if (!fields.empty()) {
      Json kept = Json::object();
      for (const auto& f : fields)
        if (record.contains(f)) kept[f] = record[f];
      record = std::move(kept);
    }
    records.push_back(std::move(record));
  }
  if (selected.size() > n) {
    Json next = query;
    next["after"] = selected[n - 1].index;
    std::string url = (link_host_.empty() ? server_->BaseUrl() : link_host_) + "/admin/api/" + version + "/" +
                      resource + ".json?limit=" + std::to_string(limit);
    if (request.has_param("fields")) url += "&fields=" + Encode(request.get_param_value("fields"));
    url += "&page_info=" + Encode(Base64(next.dump()));
    std::string link = "<" + url + ">; rel=\"next\"";
    if (request.has_param("page_info")) link = "<" + url + "&dir=prev>; rel=\"previous\", " + link;
    response.set_header("Link", link);
  }
  Answer(response, 200, Json{{resource, records}});
}

void ShopifyApi::Install(MockServer& server) {
  server_ = &server;
  bucket_time_ = server.Now();
  auto timed = [this](auto body) {
    return [this, body](const httplib::Request& request, httplib::Response& response) {
      const auto start = std::chrono::steady_clock::now();
      body(request, response);
      const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> lock(mutex_);
      serve_seconds_ += spent;
    };
  };
  server.Get(R"(/admin/api/([0-9]{4}-[0-9]{2})/shop\.json)",
             timed([this](const httplib::Request& request, httplib::Response& response) {
               std::lock_guard<std::mutex> lock(mutex_);
               if (!Admit(request, response, request.matches[1])) return;
               Answer(response, 200,
                      Json{{"shop",
                            {{"id", 548380009},
                             {"name", "Mock Shop"},
                             {"myshopify_domain", "mock-shop.myshopify.com"},
                             {"plan_name", "basic"},
                             {"currency", "USD"},
                             {"iana_timezone", "America/New_York"}}}});
             }));
  server.Get(R"(/admin/oauth/access_scopes\.json)",
             timed([this](const httplib::Request& request, httplib::Response& response) {
               std::lock_guard<std::mutex> lock(mutex_);
               if (!Admit(request, response, served_version_)) return;
               Json scopes = Json::array();
               for (const auto& s : scopes_) scopes.push_back(Json{{"handle", s}});
               Answer(response, 200, Json{{"access_scopes", scopes}});
             }));
  server.Get(R"(/admin/api/([0-9]{4}-[0-9]{2})/([a-z_]+)\.json)",
             timed([this](const httplib::Request& request, httplib::Response& response) {
               List(request.matches[1], request.matches[2], request, response);
             }));
  InstallControl(server);
}

// Control routes for CLI use (examples, benchmarks): change the shop's data between runs.
void ShopifyApi::InstallControl(MockServer& server) {
  server.Post("/_control/grow", [this](const httplib::Request& request, httplib::Response& response) {
    GrowOrders(std::atoll(request.get_param_value("count").c_str()));
    Answer(response, 200, Json{{"orders", orders()}});
  });
  server.Post("/_control/touch", [this](const httplib::Request& request, httplib::Response& response) {
    std::vector<int64_t> ids;
    const std::string list = request.get_param_value("ids");
    size_t pos = 0;
    while (pos < list.size()) {
      const size_t comma = std::min(list.find(',', pos), list.size());
      if (comma > pos) ids.push_back(std::atoll(list.substr(pos, comma - pos).c_str()));
      pos = comma + 1;
    }
    std::optional<int64_t> when;
    if (request.has_param("updated_at")) when = std::atoll(request.get_param_value("updated_at").c_str());
    TouchOrders(ids, when);
    Answer(response, 200, Json{{"touched", ids.size()}});
  });
}

}  // namespace sqlflow::mockd
