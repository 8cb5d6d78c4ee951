// Requests of the google_sheets source: spreadsheet metadata (with the `fields` mask) and `values.get`, with
// the configured credentials, through the retry policy of the API host. Non-2xx answers become the classified
// errors of CONNECTORS.md §3.8 (not shared, not found, API not enabled, bad key, quota); every message that
// leaves has its secrets masked (Scrub) and secret query parameters shown as ***.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/redact.h"
#include "sqlflow/connectors/google_sheets/sheets_auth.h"
#include "sqlflow/connectors/google_sheets/sheets_options.h"
#include "sqlflow/connectors/rest/json_records.h"
#include "sqlflow/net/clock.h"
#include "sqlflow/net/http_client.h"

namespace sqlflow::connectors::google_sheets {

struct SheetInfo {
  std::string title;
  int64_t sheet_id = 0;
  int64_t index = 0;
  int64_t row_count = 0;
  int64_t column_count = 0;
};

struct SpreadsheetInfo {
  std::string title;
  std::vector<SheetInfo> sheets;
  const SheetInfo* Find(const std::string& title) const;
  std::string Titles() const;  // "Sheet1, My Sheet"
};

class SheetsClient {
 public:
  SheetsClient(const SheetsOptions& options, std::string prefix, net::Clock* clock, net::Sleeper* sleeper,
               CancelToken* cancel);
  ~SheetsClient();

  // Resolves the credentials (files are read now) and checks the token endpoint URL. Throws.
  void Start();
  SpreadsheetInfo Metadata();
  // values.get of an A1 range (already sheet-qualified); the parsed body.
  std::unique_ptr<json::JsonPage> Values(const std::string& a1);
  // A token now (service account / authorized user), for connect test.
  void CheckToken();

  const Credentials& credentials() const { return credentials_; }
  const std::string& prefix() const { return prefix_; }
  std::string Scrub(std::string_view text) const;
  int64_t requests() const;
  int64_t retries() const { return retries_; }
  int64_t bytes() const { return bytes_; }

 private:
  std::string Get(const std::string& url, const std::function<void(std::string&)>& validate);
  net::HttpResponse Send(const std::string& url, int attempt);
  [[noreturn]] void ThrowStatus(const net::HttpRequest& request, const net::HttpResponse& response);
  std::string WithKey(std::string url) const;

  const SheetsOptions& options_;
  std::string prefix_;
  net::Clock* clock_;
  net::Sleeper* sleeper_;
  CancelToken* cancel_;
  std::unique_ptr<net::CurlHttpClient> http_;
  net::RetryPolicy policy_;
  Credentials credentials_;
  std::unique_ptr<TokenSource> tokens_;
  Redactor redactor_;
  std::string last_token_;
  int64_t requests_ = 0;
  int64_t retries_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace sqlflow::connectors::google_sheets
