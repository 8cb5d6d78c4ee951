// The shopify source's parameters (CONNECTORS.md §3.9) and its objects table, parsed once by one function
// that both the compile-time validator and ShopifySource::Configure use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::shopify {

// A cursor field an object pushes down, and the server filters it becomes.
struct CursorFilter {
  std::string field;  // column of the object ("updated_at", "order_updated_at", "id")
  std::string min;    // "updated_at_min", "since_id"
  std::string max;    // closes the window at read start − clock_skew ("" for since_id)
};

// One row of the §3.9 objects table.
struct ObjectSpec {
  std::string name;      // "order_line_items"
  std::string endpoint;  // "orders" (the list endpoint /admin/api/<v>/<endpoint>.json and its JSON key)
  std::string element;   // derived objects: the array of each parent record ("line_items"); "" otherwise
  std::string parent;    // derived objects: prefix of the parent columns ("order")
  std::string scope;     // access scope for reading it ("read_orders")
  std::vector<CursorFilter> cursors;
  bool status_filter = false;  // orders and derived objects take status=<order_status>
  bool single_page = false;    // locations
};

const std::vector<ObjectSpec>& Objects();
const ObjectSpec* FindObject(const std::string& name);
std::vector<std::string> ObjectNames();

struct ShopifyOptions {
  std::string shop_domain;  // lower case, ".myshopify.com" appended when there is no dot
  std::string access_token;
  std::string api_version = "2025-10";
  std::string object;    // "" = the LOAD's table name
  std::string base_url;  // origin, no trailing '/'
  int64_t page_size = 250;
  std::vector<std::string> fields;
  std::string order_status = "any";
  std::vector<std::pair<std::string, std::string>> static_filters;  // created_at_min, ... in that order
  std::vector<int64_t> location_ids;
  bool flatten = true;
  int64_t clock_skew_seconds = 60;
  std::vector<std::pair<std::string, std::string>> column_types;
  std::string incremental_field;  // cursor_field when sync_mode is incremental: every read closes its window
  net::RetryOptions retry;
};

// Parses and checks `canonical` (registry defaults filled in, aliases renamed). Problems are appended to
// `issues` with the codes and messages of CONNECTORS.md §3.9; the options are complete only when no error was
// added.
ShopifyOptions ParseShopifyOptions(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

// "SHOPIFY connector: unknown object 'ordrs' (did you mean 'orders'?); objects: ..." for an unknown object,
// nullopt for a known one.
std::optional<std::string> UnknownObjectMessage(const std::string& object);

// The rules about a known object together with the other parameters (ConnectorTypeInfo::fixed_objects
// check): 'location_ids' only with inventory_levels (SF406), the EngineFilterWarning for cursor_field.
void CheckObjectRules(const std::string& object, const nlohmann::ordered_json& canonical,
                      std::vector<ParamIssue>& issues);

// The compile-time warning for a cursor field the object does not push down (CONNECTORS.md §3.9); nullopt
// when it is pushed down or the object is unknown.
std::optional<std::string> EngineFilterWarning(const std::string& object, const std::string& cursor_field);

}  // namespace sqlflow::connectors::shopify
