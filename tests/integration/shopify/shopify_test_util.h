// Helpers of the shopify connector tests: the in-process sqlflow-mockd shopify plug-in and base parameters.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mockd.h"
#include "rest_test_util.h"
#include "shopify_api.h"

namespace sqlflow::testing {

inline constexpr const char* kShopToken = "shpat_s3cr3t_t0ken_4242";

class ShopifyMock {
 public:
  explicit ShopifyMock(Json scenario = Json::object()) {
    if (!scenario.contains("token")) scenario["token"] = kShopToken;
    api_ = std::make_shared<mockd::ShopifyApi>(scenario);
    server_ = std::make_unique<mockd::MockServer>();
    server_->Add(api_);
    if (server_->Start() <= 0) throw std::runtime_error("mock server did not start");
  }
  ~ShopifyMock() { server_->Stop(); }
  mockd::MockServer& server() { return *server_; }
  mockd::ShopifyApi& api() { return *api_; }
  std::string Url() const { return server_->BaseUrl(); }
  std::vector<mockd::LoggedRequest> Requests(const std::string& path = "") {
    return server_->log().ForPath(path);
  }
  void Fault(const Json& fault) { server_->AddFault(mockd::Fault::FromJson(fault)); }

 private:
  std::shared_ptr<mockd::ShopifyApi> api_;
  std::unique_ptr<mockd::MockServer> server_;
};

// Parameters for `object` on the mock, with fast error retries (throttle waits stay the server's).
inline Json ShopParams(const ShopifyMock& mock, const std::string& object, Json extra = Json::object()) {
  Json params{{"shop_domain", "mock-shop"}, {"access_token", kShopToken}, {"base_url", mock.Url()},
              {"object", object},           {"retry_delay", 0.05},        {"retry_max_delay", 0.2}};
  for (const auto& [k, v] : extra.items()) params[k] = v;
  return params;
}

}  // namespace sqlflow::testing
