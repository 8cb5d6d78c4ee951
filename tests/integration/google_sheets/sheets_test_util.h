// Helpers of the google_sheets tests: a per-run RSA key pair made with the openssl CLI, service-account and
// authorized-user JSON files pointing at an in-process Sheets mock, and a fixture spreadsheet.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "mockd.h"
#include "sheets_api.h"

namespace sqlflow::testing {

using Json = nlohmann::ordered_json;

// The per-run key pair (generated on first use): PEM file paths and the private key text.
struct TestKeys {
  std::string dir;
  std::string private_pem_file, public_pem_file, other_private_pem_file;
  std::string private_pem;
};
const TestKeys& Keys();

constexpr const char* kClientEmail = "loader@sqlflow-test.iam.gserviceaccount.com";

class SheetsMock {
 public:
  // `scenario` is the plug-in's "sheets" object; auth.public_key_file and client_email default to the test
  // key and kClientEmail.
  explicit SheetsMock(Json scenario);
  ~SheetsMock();
  mockd::MockServer& server() { return *server_; }
  mockd::SheetsApi& api() { return *api_; }
  std::string Base() const { return server_->BaseUrl(); }
  std::vector<mockd::LoggedRequest> Requests(const std::string& path = "") {
    return server_->log().ForPath(path);
  }
  void Fault(const Json& fault) { server_->AddFault(mockd::Fault::FromJson(fault)); }
  // A service-account JSON file whose token_uri is this mock's /token (signed with `private_pem_file`).
  std::string ServiceAccountFile(const std::string& private_pem_file = "");

 private:
  std::shared_ptr<mockd::SheetsApi> api_;
  std::unique_ptr<mockd::MockServer> server_;
};

// The fixture spreadsheet "book1": sheet "people" (header, ragged rows, an empty middle row, a row with a
// cell past the header), sheet "It's a sheet" (spaces and a quote), sheet "cities".
Json FixtureBook(Json auth);

}  // namespace sqlflow::testing
