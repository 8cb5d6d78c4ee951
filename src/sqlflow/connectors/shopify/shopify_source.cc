// The shopify source (CONNECTORS.md §3.9, §6.1, §6.7). A read is a list of request chains (one for most
// objects; inventory_levels: one per 50 locations). Each chain starts with the first request (limit, status,
// static filters, the incremental window, fields) and follows `Link: <...>; rel="next"` exactly as given,
// since a page_info request accepts no other parameters. Pages are fetched on the producer thread of a
// ProducerStream (connectors/base/producer_stream.h), at most a couple of pages ahead of the executor's
// append; the requests are paced by the shop's bucket either way. Derived objects (order_line_items, ...)
// turn each page into one record per element of the parent's array, with the parent's id and timestamps in
// front.
#include "sqlflow/connectors/shopify/shopify_source.h"
#include "sqlflow/connectors/base/now_ms.h"
#include "sqlflow/connectors/base/producer_stream.h"
#include "sqlflow/connectors/registry/options_util.h"

#include <cstdio>
#include <ctime>
#include <deque>
#include <set>

#include <nlohmann/json.hpp>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/rest/json_records.h"
#include "sqlflow/connectors/shopify/shopify_client.h"
#include "sqlflow/connectors/shopify/shopify_options.h"
#include "sqlflow/net/source_error.h"
#include "sqlflow/net/url.h"

namespace sqlflow::connectors::shopify {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// ---- time ----

// "YYYY-MM-DDTHH:MM:SS+00:00" of epoch seconds (rounded down to the second).
std::string FormatUtc(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return text;
}

// Epoch seconds of a watermark text as DuckDB prints it ("2024-03-01 10:00:00.5+00", "2024-03-01T10:00:00Z",
// "2024-03-01"), rounded down to the second; nullopt when it is not a date or timestamp.
std::optional<int64_t> ParseEpoch(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
  if (n != 3 && n != 6) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t value = static_cast<int64_t>(timegm(&tm));
  if (n == 6 && text.size() > 19) {
    const auto zone = text.find_first_of("+-", 19);
    if (zone != std::string::npos) {
      int zh = 0, zm = 0;
      std::sscanf(text.c_str() + zone + 1, "%2d:%2d", &zh, &zm);
      if (zm == 0 && text.size() >= zone + 5 && text[zone + 3] != ':')
        std::sscanf(text.c_str() + zone + 3, "%2d", &zm);
      const int64_t offset = zh * 3600 + zm * 60;
      value += text[zone] == '+' ? -offset : offset;
    }
  }
  return value;
}

// ---- requests ----

const CursorFilter* FilterFor(const ObjectSpec& spec, const std::string& field) {
  for (const auto& c : spec.cursors)
    if (c.field == field) return &c;
  return nullptr;
}

// Parameters of the first request of a chain (§3.9 "First request"); `window_max` is the read start minus
// clock_skew_seconds.
Params FirstParams(const ShopifyOptions& o, const ObjectSpec& spec, const ReadRequest& request,
                   int64_t window_max) {
  Params params{{"limit", std::to_string(o.page_size)}};
  if (spec.status_filter) params.emplace_back("status", o.order_status);
  std::map<std::string, std::string> filters(o.static_filters.begin(), o.static_filters.end());
  const std::string field = request.cursor ? request.cursor->field : o.incremental_field;
  if (const CursorFilter* c = field.empty() ? nullptr : FilterFor(spec, field)) {
    if (!c->max.empty()) filters[c->max] = FormatUtc(window_max);
    if (request.cursor && !request.cursor->value.text.empty()) {
      const std::string& text = request.cursor->value.text;
      if (c->min == "since_id") {
        int64_t id = std::atoll(text.c_str());
        filters["since_id"] = std::to_string(request.cursor->inclusive ? id - 1 : id);
      } else if (auto epoch = ParseEpoch(text)) {
        filters[c->min] = FormatUtc(*epoch);
      }
    }
  }
  for (const char* key : {"since_id", "created_at_min", "created_at_max", "updated_at_min", "updated_at_max",
                          "processed_at_min", "processed_at_max"})
    if (filters.count(key)) params.emplace_back(key, filters[key]);
  if (!o.fields.empty()) {
    std::vector<std::string> fields = o.fields;
    if (!spec.element.empty())  // the parent columns and the array the rows come from
      for (const std::string extra : {"id", "created_at", "updated_at", spec.element.c_str()})
        if (std::find(fields.begin(), fields.end(), extra) == fields.end()) fields.push_back(extra);
    params.emplace_back("fields", Join(fields, ","));
  }
  return params;
}

std::string ListUrl(const ShopifyOptions& o, const std::string& endpoint) {
  return o.base_url + "/admin/api/" + o.api_version + "/" + endpoint + ".json";
}

// ---- pages ----

// One record per element of each parent's `element` array, the parent's id and timestamps first.
std::string DerivedRecords(const std::string& body, const ObjectSpec& spec) {
  const auto root = nlohmann::ordered_json::parse(body);
  auto rows = nlohmann::ordered_json::array();
  if (!root.contains(spec.endpoint) || !root[spec.endpoint].is_array()) return rows.dump();
  std::vector<std::string> parent_keys = {"id", "updated_at"};
  if (spec.parent == "order") parent_keys = {"id", "created_at", "updated_at"};
  for (const auto& parent : root[spec.endpoint]) {
    if (!parent.is_object() || !parent.contains(spec.element) || !parent[spec.element].is_array()) continue;
    for (const auto& element : parent[spec.element]) {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (const auto& key : parent_keys)
        row[spec.parent + "_" + key] = parent.contains(key) ? parent[key] : nullptr;
      if (element.is_object()) {
        for (const auto& [key, value] : element.items())
          if (!row.contains(key)) row[key] = value;
      } else {
        row["value"] = element;
      }
      rows.push_back(std::move(row));
    }
  }
  return rows.dump();
}

struct Page {
  Response response;
  std::unique_ptr<json::JsonPage> json;
};

// Parses a response body as the object's page; invalid JSON is a transient failure (retried).
Page ParsePage(Response response, const ObjectSpec& spec, const Client& client) {
  Page page;
  try {
    std::string body = spec.element.empty() ? response.body : DerivedRecords(response.body, spec);
    page.json = std::make_unique<json::JsonPage>(std::move(body), json::Layout::kJson);
  } catch (const std::exception& error) {
    std::string message = error.what();
    if (!StartsWith(message, "invalid JSON")) message = "invalid JSON: " + message;
    throw net::AttemptError(ErrorKind::kTransient, message + " from " + client.Shown(response.url),
                            "invalid JSON");
  }
  page.response = std::move(response);
  return page;
}

std::string DataPath(const ObjectSpec& spec) {
  return spec.element.empty() ? spec.endpoint : "";
}

// The next page of a chain from the Link header, followed only on base_url's origin.
std::optional<std::string> NextUrl(const Page& page, const ShopifyOptions& o, const Client& client,
                                   std::set<std::string>& seen) {
  const auto header = page.response.headers.Get("Link");
  if (!header) return std::nullopt;
  const auto ref = net::LinkTarget(*header, "next");
  if (!ref || ref->empty()) return std::nullopt;
  const std::string url = net::ResolveUrl(page.response.url, *ref);
  if (!net::SameOrigin(url, o.base_url))
    throw Error(ErrorKind::kProtocolError,
                client.prefix() + ": next page URL points to another host: " + client.Shown(url), "",
                "pagination only follows Link URLs on the origin of base_url");
  if (!seen.insert(url).second)
    throw Error(ErrorKind::kProtocolError, client.prefix() + ": pagination loop at " + client.Shown(url), "",
                "the API returned a next page it had already returned");
  return url;
}

// Shopify's declared types (§3.9): ids BIGINT, the known timestamps TIMESTAMPTZ; column_types win.
void DeclareTypes(const Schema& schema, const ShopifyOptions& o, EndInfo& end) {
  static const std::set<std::string> timestamps = {"created_at",   "updated_at", "processed_at",
                                                   "cancelled_at", "closed_at",  "published_at"};
  for (const auto& field : schema) {
    bool declared = false;
    for (const auto& [name, type] : o.column_types) declared |= EqualsIgnoreCase(name, field.name);
    if (declared) continue;
    const auto dot = field.name.rfind('.');
    const std::string leaf = dot == std::string::npos ? field.name : field.name.substr(dot + 1);
    const bool id = (leaf == "id" || EndsWith(leaf, "_id")) && !EndsWith(leaf, "graphql_api_id");
    const bool timestamp = timestamps.count(leaf) > 0 ||
                           (EndsWith(leaf, "_at") && timestamps.count(leaf.substr(leaf.find('_') + 1)) > 0);
    if (id && field.type != "BIGINT" && field.type != "JSON") end.refine[field.name] = "BIGINT";
    if (timestamp && field.type == "VARCHAR") end.refine[field.name] = "TIMESTAMPTZ";
  }
}

// ---- the stream ----

// The producer of a shopify read (ProducerStream runs it on its thread).
class ShopifyProducer : public Producer {
 public:
  ShopifyProducer(const ShopifyOptions& options, const ObjectSpec& spec, std::string prefix,
                  ShopifyRuntime runtime, ReadRequest request)
      : options_(options),
        spec_(spec),
        request_(std::move(request)),
        client_(options_, std::move(prefix), runtime, &stop_token()),
        builder_(RecordsOptionsFor()),
        window_max_(static_cast<int64_t>(runtime.clock->WallNow()) - options.clock_skew_seconds) {}

  // Every message leaves the stream prefixed and with secrets masked.
  void Produce(ProducerSink& sink) override {
    net::RunAsSource(
        client_.prefix(), [this](std::string_view text) { return client_.Scrub(text); }, [&] { Read(sink); });
  }

 private:
  json::RecordsOptions RecordsOptionsFor() const {
    json::RecordsOptions records;
    records.flatten = options_.flatten;
    records.projection = request_.columns;
    records.declared = options_.column_types;
    records.source_label = "shopify";
    return records;
  }

  void Read(ProducerSink& sink) {
    Start();
    while (!sink.Stopping()) {
      if (url_) {
        if (!FetchPage(sink)) return;
      } else if (!chains_.empty()) {
        url_ = chains_.front();
        chains_.pop_front();
      } else {
        return Finish(sink);
      }
    }
  }

  // The chains' first URLs; inventory_levels asks locations.json for the ids unless location_ids is set.
  void Start() {
    const Params first = FirstParams(options_, spec_, request_, window_max_);
    const std::string url = ListUrl(options_, spec_.endpoint);
    if (spec_.name != "inventory_levels") {
      chains_.push_back(net::WithQuery(url, first));
      return;
    }
    std::vector<int64_t> ids = options_.location_ids;
    if (ids.empty()) ids = LocationIds();
    for (size_t i = 0; i < ids.size(); i += 50) {
      std::vector<std::string> chunk;
      for (size_t j = i; j < ids.size() && j < i + 50; ++j) chunk.push_back(std::to_string(ids[j]));
      Params params = first;
      params.emplace_back("location_ids", Join(chunk, ","));
      chains_.push_back(net::WithQuery(url, params));
    }
  }

  std::vector<int64_t> LocationIds() {
    const ObjectSpec* locations = FindObject("locations");
    const std::string url = net::WithQuery(ListUrl(options_, "locations"), {{"limit", "250"}});
    auto body = client_.Get(url, locations, [](Response& r) { return nlohmann::json::parse(r.body); });
    std::vector<int64_t> ids;
    if (body.contains("locations") && body["locations"].is_array())
      for (const auto& location : body["locations"])
        if (location.contains("id") && location["id"].is_number_integer()) ids.push_back(location["id"]);
    return ids;
  }

  // One page of the current chain; false when the stream is going away.
  bool FetchPage(ProducerSink& sink) {
    Page page =
        client_.Get(*url_, &spec_, [&](Response& r) { return ParsePage(std::move(r), spec_, client_); });
    try {
      builder_.Add(*page.json, DataPath(spec_));
    } catch (const Error& error) {
      throw Error(error.kind(),
                  client_.prefix() + ": " + error.what() + " (page " + client_.Shown(*url_) + ")",
                  error.code(), error.hint());
    }
    auto events = builder_.Take();
    sink.UpdateStats([this](ReadStats& stats) {  // rows are counted by the sink
      stats.requests = client_.requests();
      stats.retries = client_.retries();
      stats.bytes = client_.bytes();
    });
    url_ = spec_.single_page ? std::nullopt : NextUrl(page, options_, client_, seen_);
    if (request_.limit && builder_.rows() >= *request_.limit) {
      url_.reset();
      chains_.clear();
    }
    return sink.PushAll(std::move(events));
  }

  void Finish(ProducerSink& sink) {
    std::optional<ReadEvent> schema;
    ReadEvent end;
    end.kind = ReadEvent::Kind::kEnd;
    end.end = builder_.Finish(&schema);
    if (schema) sink.Push(std::move(*schema));
    DeclareTypes(builder_.sent_schema(), options_, end.end);
    if (client_.served_version())
      end.end.warnings.push_back(client_.prefix() + ": Shopify served API version " +
                                 *client_.served_version() + " instead of " + options_.api_version);
    for (auto& warning : end.end.warnings) warning = client_.Scrub(warning);
    sink.Push(std::move(end));
  }

  ShopifyOptions options_;
  const ObjectSpec& spec_;
  ReadRequest request_;
  Client client_;  // its requests and paced waits observe stop_token()
  json::RecordsBuilder builder_;
  int64_t window_max_;
  std::deque<std::string> chains_;
  std::optional<std::string> url_;
  std::set<std::string> seen_;
};

// ---- the source ----

class ShopifySource : public Source {
 public:
  explicit ShopifySource(ShopifyRuntime runtime) : runtime_(runtime) {}

  void Configure(const ResolvedParams& params) override {
    std::vector<ParamIssue> issues;
    options_ = ParseShopifyOptions(params.values, issues);
    ThrowFirstError(issues);
    prefix_ = "SHOPIFY source '" + params.name + "'";
  }

  ConnectionTestResult TestConnection(engine::Connection& scratch) override;

  std::vector<ObjectRef> Discover(engine::Connection& scratch) override {
    (void)scratch;
    std::optional<std::set<std::string>> scopes;
    try {
      scopes = Scopes();
    } catch (const Error&) {
      // Without access_scopes.json every object is listed.
    }
    std::vector<ObjectRef> out;
    for (const auto& spec : shopify::Objects())
      if (!scopes || HasScope(*scopes, spec.scope))
        out.push_back(ObjectRef{spec.name, "resource", std::nullopt, std::nullopt, std::nullopt});
    return out;
  }

  Schema GetSchema(std::string_view object, engine::Connection& scratch) override {
    (void)scratch;
    const ObjectSpec& spec = Resolve(std::string(object));
    ShopifyOptions probe = options_;
    probe.page_size = std::min<int64_t>(probe.page_size, 50);
    CancelToken cancel;
    Client client(probe, prefix_, runtime_, &cancel);
    ReadRequest request;
    const std::string url =
        net::WithQuery(ListUrl(probe, spec.endpoint), FirstParams(probe, spec, request, 0));
    Page page = client.Get(url, &spec, [&](Response& r) { return ParsePage(std::move(r), spec, client); });
    json::RecordsBuilder builder(json::RecordsOptions{});
    builder.Add(*page.json, DataPath(spec));
    (void)builder.Take();
    return builder.sent_schema();
  }

  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override {
    const ObjectSpec& spec = Resolve(request.object);
    return std::make_unique<ProducerStream>(
        std::make_unique<ShopifyProducer>(options_, spec, prefix_, runtime_, request), prefix_,
        context.cancel);
  }

  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kPushdown; }
  ObjectMode Objects() const override { return ObjectMode::kMultiple; }

 private:
  const ObjectSpec& Resolve(const std::string& requested) const {
    const std::string name = options_.object.empty() ? requested : options_.object;
    if (const ObjectSpec* spec = FindObject(name)) return *spec;
    throw Error(ErrorKind::kInvalidConfig, *UnknownObjectMessage(name));
  }

  static bool HasScope(const std::set<std::string>& scopes, const std::string& scope) {
    // write_x implies read_x.
    return scopes.count(scope) > 0 || scopes.count("write_" + scope.substr(5)) > 0;
  }

  std::set<std::string> Scopes() const {
    CancelToken cancel;
    ShopifyOptions quick = options_;
    quick.retry.max_retries = std::min<int64_t>(quick.retry.max_retries, 1);
    Client client(quick, prefix_, runtime_, &cancel);
    auto body = client.Get(options_.base_url + "/admin/oauth/access_scopes.json", nullptr,
                           [](Response& r) { return nlohmann::json::parse(r.body); });
    std::set<std::string> scopes;
    if (body.contains("access_scopes") && body["access_scopes"].is_array())
      for (const auto& s : body["access_scopes"])
        if (s.contains("handle") && s["handle"].is_string()) scopes.insert(s["handle"].get<std::string>());
    return scopes;
  }

  ShopifyRuntime runtime_;
  ShopifyOptions options_;
  std::string prefix_;
};

ConnectionTestResult ShopifySource::TestConnection(engine::Connection& scratch) {
  (void)scratch;
  ConnectionTestResult result;
  const int64_t start = NowMs();
  auto check = [&](const std::string& name, auto body) {
    ConnectionCheck c{name, false, "", 0};
    const int64_t t0 = NowMs();
    try {
      c.detail = body();
      c.ok = true;
    } catch (const Error& error) {
      c.detail = error.what();
      result.kind = error.kind();
    } catch (const std::exception& error) {
      c.detail = error.what();
      result.kind = ErrorKind::kInternal;
    }
    c.elapsed_ms = NowMs() - t0;
    result.checks.push_back(c);
    return c.ok;
  };
  std::string summary;
  bool ok = check("shop", [&] {
    CancelToken cancel;
    ShopifyOptions quick = options_;
    quick.retry.max_retries = std::min<int64_t>(quick.retry.max_retries, 1);
    Client client(quick, prefix_, runtime_, &cancel);
    const std::string url = options_.base_url + "/admin/api/" + options_.api_version + "/shop.json";
    auto body = client.Get(url, nullptr, [](Response& r) { return nlohmann::json::parse(r.body); });
    const auto shop = body.contains("shop") ? body["shop"] : nlohmann::json::object();
    const std::string name = shop.value("name", std::string("?"));
    const std::string domain = shop.value("myshopify_domain", options_.shop_domain);
    const std::string version = client.served_version().value_or(options_.api_version);
    summary = "connected to " + name + " (" + domain + "), API " + version + ", call limit " +
              (client.call_limit().empty() ? std::string("?") : client.call_limit());
    std::string detail = summary + ", plan " + shop.value("plan_name", std::string("?"));
    if (client.served_version())
      detail += "; Shopify served API version " + version + " instead of " + options_.api_version;
    return detail;
  });
  if (ok && !options_.object.empty()) {
    ok = check("scope", [&] {
      const ObjectSpec* spec = FindObject(options_.object);
      if (!spec) throw Error(ErrorKind::kInvalidConfig, *UnknownObjectMessage(options_.object));
      const auto scopes = Scopes();
      if (!HasScope(scopes, spec->scope))
        throw Error(ErrorKind::kPermissionDenied,
                    prefix_ + ": token lacks the scope for " + spec->name + " (" + spec->scope + ")");
      return "token has " + spec->scope + " for " + spec->name;
    });
  }
  result.ok = ok;
  if (ok) result.kind = ErrorKind::kOk;
  result.message = ok ? summary : result.checks.back().detail;
  result.elapsed_ms = NowMs() - start;
  return result;
}

}  // namespace

std::unique_ptr<Source> MakeShopifySource(ShopifyRuntime runtime) {
  return std::make_unique<ShopifySource>(runtime);
}

}  // namespace sqlflow::connectors::shopify
