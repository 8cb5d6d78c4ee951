#include "sqlflow/connectors/shopify/shopify_options.h"

#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/validate_util.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors::shopify {
namespace {

using Json = nlohmann::ordered_json;
const std::string kPrefix = "SHOPIFY connector: ";

std::string Str(const Json& object, const std::string& key, const std::string& fallback = "") {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : fallback;
}

int64_t Int(const Json& object, const std::string& key, int64_t fallback) {
  return object.contains(key) && object[key].is_number_integer() ? object[key].get<int64_t>() : fallback;
}

// The usual cursor filters of a top-level resource.
std::vector<CursorFilter> Filters(bool updated, bool created, bool id) {
  std::vector<CursorFilter> out;
  if (updated) out.push_back({"updated_at", "updated_at_min", "updated_at_max"});
  if (created) out.push_back({"created_at", "created_at_min", "created_at_max"});
  if (id) out.push_back({"id", "since_id", ""});
  return out;
}

ObjectSpec Object(std::string name, std::string endpoint, std::string scope,
                  std::vector<CursorFilter> cursors) {
  ObjectSpec spec;
  spec.name = std::move(name);
  spec.endpoint = std::move(endpoint);
  spec.scope = std::move(scope);
  spec.cursors = std::move(cursors);
  return spec;
}

ObjectSpec Derived(std::string name, std::string endpoint, std::string element, std::string parent,
                   std::string scope) {
  ObjectSpec spec = Object(std::move(name), std::move(endpoint), std::move(scope), {});
  spec.element = std::move(element);
  spec.cursors = {{parent + "_updated_at", "updated_at_min", "updated_at_max"}};
  spec.parent = std::move(parent);
  return spec;
}

void CheckDomain(const Json& canonical, ShopifyOptions& o, std::vector<ParamIssue>& issues) {
  const std::string raw = Str(canonical, "shop_domain");
  o.shop_domain = ToLower(Trim(raw));
  if (!o.shop_domain.empty() && o.shop_domain.find('.') == std::string::npos)
    o.shop_domain += ".myshopify.com";
  if (canonical.contains("base_url")) return;
  static const std::regex domain("[a-z0-9][a-z0-9-]{1,61}[a-z0-9](\\.myshopify\\.com)?");
  if (canonical.contains("shop_domain") && !std::regex_match(ToLower(Trim(raw)), domain))
    AddIssue(issues, Severity::kError, "SF406", kPrefix + "invalid shop_domain '" + raw + "'", "shop_domain",
             {"use 'mystore' or 'mystore.myshopify.com' (set base_url for another origin)"});
}

void CheckBaseUrl(const Json& canonical, ShopifyOptions& o, std::vector<ParamIssue>& issues) {
  o.base_url = Str(canonical, "base_url");
  if (o.base_url.empty()) {
    o.base_url = "https://" + o.shop_domain;
    return;
  }
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  const std::string lower = ToLower(o.base_url);
  if (!StartsWith(lower, "http://") && !StartsWith(lower, "https://"))
    AddIssue(issues, Severity::kError, "SF406",
             kPrefix + "invalid base_url '" + o.base_url + "': the scheme must be http or https", "base_url");
}

void CheckLocations(const Json& canonical, ShopifyOptions& o, std::vector<ParamIssue>& issues) {
  if (!canonical.contains("location_ids")) return;
  const Json& ids = canonical["location_ids"];
  const bool ok = ids.is_array() &&
                  std::all_of(ids.begin(), ids.end(), [](const Json& id) { return id.is_number_integer(); });
  if (!ok) {
    AddIssue(issues, Severity::kError, "SF404",
             kPrefix + "parameter 'location_ids' must be an array of integers, got " + JsonTypeName(ids) +
                 " " + ShortJson(ids),
             "location_ids");
    return;
  }
  for (const auto& id : ids) o.location_ids.push_back(id.get<int64_t>());
}

}  // namespace

std::optional<std::string> EngineFilterWarning(const std::string& object, const std::string& cursor_field) {
  const ObjectSpec* spec = FindObject(object);
  if (!spec || cursor_field.empty()) return std::nullopt;
  std::vector<std::string> pushed;
  for (const auto& c : spec->cursors) {
    if (c.field == cursor_field) return std::nullopt;
    pushed.push_back(c.field);
  }
  return kPrefix + "cursor_field '" + cursor_field + "' of object '" + object +
         "' has no server filter; every record is read and the engine filters them (server filters: " +
         (pushed.empty() ? std::string("none") : Join(pushed, ", ")) + ")";
}

const std::vector<ObjectSpec>& Objects() {
  static const std::vector<ObjectSpec> objects = [] {
    std::vector<ObjectSpec> v;
    v.push_back(Object("orders", "orders", "read_orders", Filters(true, true, true)));
    v.back().status_filter = true;
    for (const auto& [name, element] :
         std::vector<std::pair<std::string, std::string>>{{"order_line_items", "line_items"},
                                                          {"order_fulfillments", "fulfillments"},
                                                          {"order_refunds", "refunds"}}) {
      v.push_back(Derived(name, "orders", element, "order", "read_orders"));
      v.back().status_filter = true;
    }
    v.push_back(Object("customers", "customers", "read_customers", Filters(true, true, true)));
    v.push_back(Object("products", "products", "read_products", Filters(true, true, true)));
    v.push_back(Derived("product_variants", "products", "variants", "product", "read_products"));
    v.push_back(
        Object("custom_collections", "custom_collections", "read_products", Filters(true, false, true)));
    v.push_back(
        Object("smart_collections", "smart_collections", "read_products", Filters(true, false, true)));
    v.push_back(Object("collects", "collects", "read_products", Filters(false, false, true)));
    v.push_back(Object("locations", "locations", "read_locations", {}));
    v.back().single_page = true;
    v.push_back(
        Object("inventory_levels", "inventory_levels", "read_inventory", Filters(true, false, false)));
    v.push_back(Object("price_rules", "price_rules", "read_price_rules", Filters(true, true, true)));
    v.push_back(Object("draft_orders", "draft_orders", "read_draft_orders", Filters(true, false, true)));
    v.push_back(Object("tender_transactions", "tender_transactions", "read_orders",
                       {{"processed_at", "processed_at_min", "processed_at_max"}, {"id", "since_id", ""}}));
    v.push_back(Object("metafields", "metafields", "read_metafields", Filters(true, true, true)));
    return v;
  }();
  return objects;
}

const ObjectSpec* FindObject(const std::string& name) {
  for (const auto& spec : Objects())
    if (spec.name == name) return &spec;
  return nullptr;
}

std::vector<std::string> ObjectNames() {
  std::vector<std::string> names;
  for (const auto& spec : Objects()) names.push_back(spec.name);
  return names;
}

std::optional<std::string> UnknownObjectMessage(const std::string& object) {
  return connectors::UnknownObjectMessage("shopify", object, ObjectNames());
}

void CheckObjectRules(const std::string& object, const Json& canonical, std::vector<ParamIssue>& issues) {
  if (canonical.contains("location_ids") && object != "inventory_levels")
    AddIssue(issues, Severity::kError, "SF406",
             kPrefix + "'location_ids' only applies to object 'inventory_levels'", "location_ids");
  if (canonical.contains("cursor_field") && canonical["cursor_field"].is_string())
    if (auto warning = EngineFilterWarning(object, canonical["cursor_field"].get<std::string>()))
      AddIssue(issues, Severity::kWarning, "SF406", *warning, "cursor_field");
}

ShopifyOptions ParseShopifyOptions(const Json& canonical, std::vector<ParamIssue>& issues) {
  ShopifyOptions o;
  CheckDomain(canonical, o, issues);
  CheckBaseUrl(canonical, o, issues);
  o.object = Str(canonical, "object");
  CheckLocations(canonical, o, issues);
  o.access_token = Str(canonical, "access_token");
  o.api_version = Str(canonical, "api_version", o.api_version);
  static const std::regex version("[0-9]{4}-[0-9]{2}");
  if (!std::regex_match(o.api_version, version))
    AddIssue(issues, Severity::kError, "SF405",
             kPrefix + "parameter 'api_version' must look like YYYY-MM; got '" + o.api_version + "'",
             "api_version");
  o.page_size = Int(canonical, "page_size", o.page_size);
  if (o.page_size < 1 || o.page_size > 250)
    AddIssue(issues, Severity::kError, "SF405",
             kPrefix + "parameter 'page_size' must be between 1 and 250; got " + std::to_string(o.page_size),
             "page_size");
  if (canonical.contains("fields") && canonical["fields"].is_array())
    for (const auto& f : canonical["fields"])
      if (f.is_string()) o.fields.push_back(f.get<std::string>());
  o.order_status = Str(canonical, "order_status", o.order_status);
  for (const char* key : {"created_at_min", "created_at_max", "updated_at_min", "updated_at_max"})
    if (canonical.contains(key)) o.static_filters.emplace_back(key, Str(canonical, key));
  if (canonical.contains("flatten") && canonical["flatten"].is_boolean())
    o.flatten = canonical["flatten"].get<bool>();
  o.clock_skew_seconds = Int(canonical, "clock_skew_seconds", o.clock_skew_seconds);
  if (canonical.contains("column_types") && canonical["column_types"].is_object())
    for (const auto& [k, v] : canonical["column_types"].items())
      if (v.is_string()) o.column_types.emplace_back(k, v.get<std::string>());
  if (Str(canonical, "sync_mode") == "incremental") o.incremental_field = Str(canonical, "cursor_field");
  try {
    o.retry = net::ParseRetryOptions("shopify", canonical);
  } catch (const Error& error) {
    AddIssue(issues, Severity::kError, "SF405", error.what());
  }
  return o;
}

}  // namespace sqlflow::connectors::shopify
