// The Shopify plug-in of sqlflow-mockd (CONNECTORS.md §4.2): the Admin REST subset the shopify connector
// uses.
//
// Scenario (the "shopify" object of the scenario file; every key optional):
//   {"orders": 120, "customers": 40, "products": 12, "locations": 3,
//    "token": "shpat_mock_token", "scopes": ["read_orders", ...],        // default: every read_* scope
//    "api_version": "2025-10",          // versions served as asked; others are answered with this one
//    "supported_versions": ["2025-10", "2025-07"],
//    "bucket": {"size": 40, "leak": 2.0, "used": 0},                    // the shop's leaky bucket
//    "link_host": "http://127.0.0.1:9"}                                 // absolute base of Link URLs (F14)
//
// Routes:
//   GET /admin/api/<v>/shop.json, GET /admin/oauth/access_scopes.json
//   GET /admin/api/<v>/<resource>.json for orders, customers, products, custom_collections,
//       smart_collections, collects, locations, inventory_levels (location_ids required), price_rules,
//       draft_orders, tender_transactions, metafields
// List parameters: limit (default 50, > 250 → 400), since_id, created_at_min/max, updated_at_min/max,
// processed_at_min/max (inclusive, any ISO 8601 form), status for orders (default open, as Shopify), fields.
// Records come in id order; a next page is announced as `Link: <…?limit=n[&fields=…]&page_info=…>;
// rel="next"` with an opaque base64 page_info that carries the filters and position; a page_info request with
// any other parameter is a 400, as on Shopify. Every request takes one unit of the leaky bucket (size 40,
// leaking 2/s); when full the answer is 429 with `Retry-After: 2.0`. Every answer has
// X-Shopify-Shop-Api-Call-Limit and X-Shopify-API-Version. A wrong token is 401, a missing scope 403, an
// unknown resource 404.
//
// Data are generated from the index of each record (no memory per record), all timestamps in 2024 with the
// shop's offset -05:00; TouchOrders() moves orders' updated_at past all others and GrowOrders() adds orders
// created (and updated) after every change so far, as new orders on a real shop are.
//
// Control routes for CLI use (examples, benchmarks), not part of the Admin API:
//   POST /_control/grow?count=N                  adds N orders
//   POST /_control/touch?ids=a,b[&updated_at=E]  touches these orders (E: epoch seconds)
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mockd.h"

namespace sqlflow::mockd {

class ShopifyApi : public Plugin {
 public:
  explicit ShopifyApi(Json scenario = Json::object());
  std::string Name() const override { return "shopify"; }
  void Install(MockServer& server) override;

  // Adds `count` orders after the last one, created 10 minutes apart starting 10 minutes after the latest
  // updated_at of any order, so that an incremental read by updated_at sees every one of them.
  void GrowOrders(int64_t count);
  // Moves the updated_at of these orders to `updated_at` (epoch seconds; default: one hour after the latest
  // updated_at of any order) and bumps their note (" v<n>").
  void TouchOrders(const std::vector<int64_t>& ids, std::optional<int64_t> updated_at = std::nullopt);
  int64_t orders() const;
  // Sum of line items over every order (what order_line_items returns).
  int64_t LineItems() const;
  // Fills the bucket to `used` (F16).
  void SetBucketUsed(double used);
  // Seconds spent inside handlers (the mock's own serving time).
  double ServeSeconds() const;
  // Order id of index i (from 0) and the JSON text of order `id` as served now.
  static int64_t OrderId(int64_t index);
  std::string OrderJson(int64_t id) const;

  struct Meta;

 private:
  void InstallControl(MockServer& server);
  void List(const std::string& version, const std::string& resource, const httplib::Request& request,
            httplib::Response& response);
  bool Admit(const httplib::Request& request, httplib::Response& response, const std::string& version);
  std::vector<Meta> Select(const std::string& resource, const Json& query) const;
  Json RecordOf(const std::string& resource, const Meta& meta) const;
  int64_t Count(const std::string& resource) const;
  Meta MetaOf(const std::string& resource, int64_t index) const;

  Json scenario_;
  MockServer* server_ = nullptr;
  mutable std::mutex mutex_;
  int64_t orders_ = 0;
  int64_t customers_ = 0;
  int64_t products_ = 0;
  int64_t locations_ = 0;
  std::string token_;
  std::set<std::string> scopes_;
  std::string served_version_;
  std::set<std::string> supported_;
  std::string link_host_;
  double bucket_size_ = 40;
  double bucket_leak_ = 2;
  double bucket_used_ = 0;
  double bucket_time_ = 0;
  double serve_seconds_ = 0;
  std::map<int64_t, std::pair<int64_t, int>> touched_;  // order index -> (updated_at, version)
  std::map<int64_t, int64_t> grown_;                    // first index of a GrowOrders batch -> its created_at
  int64_t LatestOrderUpdate() const;
};

}  // namespace sqlflow::mockd
