// Helpers of the rest connector tests: an in-process sqlflow-mockd, the rest source configured the way the
// compiler does it (registry validation and defaults), and a drain that stages a read into DuckDB exactly
// like the executor (CREATE on the first Schema event, ADD/ALTER COLUMN on later ones, refinements at End).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockd.h"
#include "rest_api.h"
#include "sqlflow/common/cancel.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::testing {

using Json = nlohmann::ordered_json;

struct RestOutcome {
  int64_t rows = 0;
  int schema_events = 0;
  std::vector<connectors::Schema> schemas;
  std::vector<std::string> warnings;
  std::map<std::string, std::string> refine;
  connectors::ReadStats stats;
};

// A mock REST API (rest plug-in) on a free loopback port, started by the constructor.
class RestMock {
 public:
  explicit RestMock(Json scenario = Json::object(), mockd::ServerOptions options = {});
  ~RestMock();
  mockd::MockServer& server() { return *server_; }
  mockd::RestApi& api() { return *api_; }
  std::string Url(const std::string& path) const { return server_->BaseUrl() + path; }
  std::vector<mockd::LoggedRequest> Requests(const std::string& path = "") {
    return server_->log().ForPath(path);
  }
  void Fault(const Json& fault) { server_->AddFault(mockd::Fault::FromJson(fault)); }

 private:
  std::shared_ptr<mockd::RestApi> api_;
  std::unique_ptr<mockd::MockServer> server_;
};

// A DuckDB in-memory database with the staging helpers.
class RestHarness {
 public:
  // `type`: the registered source type to configure (rest; shopify reuses the harness).
  explicit RestHarness(std::string type = "rest");
  // Validates `params` with the registry (throws std::runtime_error listing the errors), configures a rest
  // source and reads it into `table`.
  RestOutcome Read(const Json& params, const std::string& table = "t",
                   const connectors::ReadRequest& request = connectors::ReadRequest{},
                   CancelToken* cancel = nullptr);
  // Compile-time issues of `params` ("SF406 REST connector: ...").
  std::vector<std::string> Issues(const Json& params);
  std::unique_ptr<connectors::Source> Configured(const Json& params);
  std::string Value(const std::string& sql);
  engine::Connection& conn() { return *conn_; }

 private:
  std::string type_;
  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::Connection> conn_;
};

// Base parameters with fast retries for tests.
Json FastRetries(Json params);

}  // namespace sqlflow::testing
