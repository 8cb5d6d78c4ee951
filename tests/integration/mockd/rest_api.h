// The REST plug-in of sqlflow-mockd: a generated dataset behind every pagination style, every auth type the
// rest connector supports, and an OAuth2 client-credentials token endpoint.
//
// Scenario (the "rest" object of the scenario file; every key optional):
//   {"records": 250, "page_size": 100,
//    "auth": {"type": "bearer", "token": "t0k"}          // none|basic|digest|bearer|api_key|oauth2
//            {"type": "basic"|"digest", "username": "u", "password": "p"}
//            {"type": "api_key", "name": "X-API-Key", "value": "k", "in": "header"|"query"}
//            {"type": "oauth2", "client_id": "id", "client_secret": "s", "expires_in": 3600}
//    "link_host": "http://127.0.0.1:9",                    // absolute base of Link / next URLs (F14)
//    "static": {"/api/widen": [<page 1 body>, <page 2 body>]}}  // literal pages served by ?page=n
//
// Routes (GET, and POST with the same parameters in the query string):
//   /api/all                   root array of every record
//   /api/pages?page&per_page   {"data": [...], "meta": {"page", "total_pages", "total"}}
//   /api/pages_strict          same, but 404 past the last page (stop_on_status)
//   /api/offset?offset&limit   {"data": [...], "total": N}
//   /api/cursor?cursor&limit   {"data": [...], "next_cursor": "c/<offset>+k==" or null}; loop=1 repeats it
//   /api/link?page&per_page    root array + Link: <.../api/link?page=n+1&per_page=k>; rel="next"
//   /api/next?page&per_page    {"items": [...], "links": {"next": "/api/next?page=n+1&per_page=k"}}; loop=1
//   /api/ndjson?page&per_page  one record per line (all records without page)
//   /api/echo                  {"method", "query", "headers", "body"} of the request, as one record
//   /oauth/token               POST grant_type=client_credentials (client auth basic or body)
// Every /api/ route filters by `updated_since` or `updated_at_min` (ISO 8601 or unix seconds; inclusive)
// and checks the scenario's auth (401 on failure).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "mockd.h"

namespace sqlflow::mockd {

class RestApi : public Plugin {
 public:
  explicit RestApi(Json scenario = Json::object());
  std::string Name() const override { return "rest"; }
  void Install(MockServer& server) override;

  // Dataset changes between runs: add `count` records after the last id; re-version records (their
  // updated_at moves past every other record and their name gets a " v<n>" suffix).
  void Grow(int64_t count);
  void Touch(const std::vector<int64_t>& ids);
  int64_t size() const;
  // The JSON text of record `id` as served now.
  std::string Record(int64_t id) const;
  // updated_at of record `id` as epoch seconds.
  int64_t UpdatedAt(int64_t id) const;
  // Number of tokens the token endpoint issued.
  int tokens_issued() const;
  // Invalidate every issued OAuth token (the next API request with one gets 401).
  void RevokeTokens();

 private:
  bool CheckAuth(const httplib::Request& request, httplib::Response& response);
  std::vector<int64_t> Selected(const httplib::Request& request) const;
  void Serve(const std::string& route, const httplib::Request& request, httplib::Response& response);
  void Token(const httplib::Request& request, httplib::Response& response);

  Json scenario_;
  MockServer* server_ = nullptr;
  mutable std::mutex mutex_;
  int64_t records_ = 0;
  int64_t page_size_ = 100;
  std::map<int64_t, int> versions_;
  std::map<std::string, double> tokens_;  // access token -> expiry (server seconds)
  int tokens_issued_ = 0;
  int64_t nonce_counter_ = 0;
};

}  // namespace sqlflow::mockd
