// Registry entries of the shopify type (CONNECTORS.md §3.9): schema and compile-time rules; the implementation
// is not in this build yet, so its factory throws Error(kUnsupported).
#include "sqlflow/connectors/registry/registry.h"

#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

// ---- shopify ----

ResilienceDefaults ShopifyResilience() { return ResilienceDefaultsOf("shopify"); }

const std::vector<std::string>& ShopifyObjects() {
  static const std::vector<std::string> objects = {
      "orders",    "order_line_items", "order_fulfillments", "order_refunds",     "customers",
      "products",  "product_variants", "custom_collections", "smart_collections", "collects",
      "locations", "inventory_levels", "price_rules",        "draft_orders",      "tender_transactions",
      "metafields"};
  return objects;
}

void ValidateShopify(const Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string prefix = "SHOPIFY connector: ";
  const std::string object = StringOr(canonical, "object");
  if (canonical.contains("object")) {
    const auto& objects = ShopifyObjects();
    if (std::find(objects.begin(), objects.end(), object) == objects.end()) {
      std::string message = prefix + "unknown object '" + object + "'";
      if (auto close = DidYouMean(object, objects)) message += " (did you mean '" + *close + "'?)";
      message += "; objects: " + Join(objects, ", ");
      AddIssue(issues, Severity::kError, "SF406", message, "object");
    }
  }
  if (canonical.contains("api_version")) {
    static const std::regex version("[0-9]{4}-[0-9]{2}");
    const std::string value = StringOr(canonical, "api_version");
    if (!std::regex_match(value, version)) {
      AddIssue(issues, Severity::kError, "SF405",
               prefix + "parameter 'api_version' must look like YYYY-MM; got '" + value + "'", "api_version");
    }
  }
  if (canonical.contains("shop_domain") && !canonical.contains("base_url")) {
    static const std::regex domain("[a-z0-9][a-z0-9-]{1,61}[a-z0-9](\\.myshopify\\.com)?");
    const std::string value = ToLower(StringOr(canonical, "shop_domain"));
    if (!std::regex_match(value, domain)) {
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "invalid shop_domain '" + StringOr(canonical, "shop_domain") + "'", "shop_domain");
    }
  }
  if (canonical.contains("location_ids")) {
    const Json& ids = canonical["location_ids"];
    const bool ok = ids.is_array() && std::all_of(ids.begin(), ids.end(),
                                                  [](const Json& id) { return id.is_number_integer(); });
    if (!ok) {
      AddIssue(issues, Severity::kError, "SF404",
               prefix + "parameter 'location_ids' must be an array of integers, got " + JsonTypeName(ids) +
                   " " + ShortJson(ids),
               "location_ids");
    } else if (canonical.contains("object") && object != "inventory_levels") {
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "'location_ids' only applies to object 'inventory_levels'", "location_ids");
    }
  }
}

}  // namespace

ConnectorTypeInfo ShopifySourceInfo() {
  ConnectorTypeInfo info;
  info.name = "shopify";
  info.description = "Shopify Admin REST API resources (orders, customers, products, ...).";
  info.params = {
      P("shop_domain", ParamType::kString, "mystore or mystore.myshopify.com.")
          .Alias({"shop", "shop_name"})
          .Required(),
      P("access_token", ParamType::kString, "Admin API access token.").Secret().Required(),
      P("api_version", ParamType::kString, "Admin API version, YYYY-MM.").Default("2025-10"),
      P("object", ParamType::kString, "Resource to read; default: the LOAD target name.")
          .Alias({"resource", "table_name"}),
      P("base_url", ParamType::kString, "Origin override; default https://<shop_domain>."),
      P("page_size", ParamType::kInteger, "Records per request (limit).")
          .Alias({"limit"})
          .Min(1)
          .Max(250)
          .Default(250),
      P("fields", ParamType::kArrayOfStrings, "fields parameter of the first request."),
      P("order_status", ParamType::kString, "status filter for orders and derived objects.")
          .Enum({"any", "open", "closed", "cancelled"})
          .Default("any"),
      P("created_at_min", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("created_at_max", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("updated_at_min", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("updated_at_max", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("location_ids", ParamType::kJson, "Locations for inventory_levels; default: all.")
          .Label("array of integers"),
      P("flatten", ParamType::kBoolean, "Nested objects become parent.child columns.").Default(true),
      P("clock_skew_seconds", ParamType::kInteger, "Safety margin for the incremental upper bound.")
          .Min(0)
          .Default(60),
  };
  const ResilienceDefaults resilience = ShopifyResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.validate = ValidateShopify;
  info.capabilities = {"multiple", "pushdown", false, {}, true, "access token"};
  info.make_source = UnavailableSource("shopify");
  return info;
}

void RegisterShopifyConnector(Registries& registries) { registries.sources.Register(ShopifySourceInfo()); }

}  // namespace sqlflow::connectors
