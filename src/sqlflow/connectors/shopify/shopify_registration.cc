// Registry entry of the shopify source (CONNECTORS.md §3.9): parameter schema, capabilities, compile-time
// rules (the same ParseShopifyOptions that Configure uses) and the factory.
#include "sqlflow/connectors/registry/registry.h"

#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/shopify/shopify_options.h"
#include "sqlflow/connectors/shopify/shopify_source.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

ResilienceDefaults ShopifyResilience() {
  return ResilienceDefaultsOf("shopify");
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
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)shopify::ParseShopifyOptions(canonical, issues);
  };
  info.capabilities = {"multiple", "pushdown", false, {}, true, "access token"};
  // The objects table is fixed: an unknown object is a compile error, also when the LOAD names it.
  info.fixed_objects = FixedObjects{"object", shopify::ObjectNames(), &shopify::CheckObjectRules};
  // Parameters of the original Python SQLFlow's Shopify connector and what replaces them here.
  info.migration_hints = {
      {"flatten_line_items",
       "line items are their own object: LOAD from object 'order_line_items' (one row per line item with "
       "order_id, order_created_at, order_updated_at)"},
      {"include_fulfillments",
       "fulfillments are their own object: LOAD from object 'order_fulfillments' (one row per fulfillment "
       "with the order columns)"},
      {"include_refunds",
       "refunds are their own object: LOAD from object 'order_refunds' (one row per refund with the order "
       "columns)"},
      {"financial_status_filter",
       "filter on financial_status with a WHERE clause in a later transform (e.g. WHERE financial_status = "
       "'paid'); 'order_status' (any, open, closed, cancelled) filters the order status on the server"},
  };
  info.make_source = [] { return shopify::MakeShopifySource(); };
  return info;
}

void RegisterShopifyConnector(Registries& registries) {
  registries.sources.Register(ShopifySourceInfo());
}

}  // namespace sqlflow::connectors
