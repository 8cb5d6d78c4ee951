// The Google Sheets plug-in of sqlflow-mockd (CONNECTORS.md §4.2): the subset of the Sheets API v4 the
// google_sheets source uses, and an OAuth token endpoint.
//
//   GET  /v4/spreadsheets/{id}?fields=<mask>            spreadsheet metadata, filtered by the field mask
//   GET  /v4/spreadsheets/{id}/values/{A1 range}         values.get: 'Name'!A1:E9, Name!2:1001, Name!A:E,
//   Name,
//        ?majorDimension=ROWS&valueRenderOption=UNFORMATTED_VALUE|FORMATTED_VALUE|FORMULA
//   POST /token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
//                                                        (RS256 JWT verified with the test public key; aud,
//                                                        scope, iat/exp, iss checked) or
//                                                        grant_type=refresh_token
// Like the real API, values.get omits trailing empty cells of each row and trailing empty rows; an empty
// middle row is []. A range that names an unknown sheet is 400 "Unable to parse range".
//
// Scenario (the "sheets" object; every key optional):
//   {"spreadsheet_id": "book1", "title": "Book",
//    "sheets": [{"title": "people", "rows": [["id","name"], [1, "Ann"], [], [3]], "row_count": 1000,
//                "column_count": 26},
//               {"title": "big", "generate": {"rows": 100000, "columns": 20}}],   // rows incl. the header
//    "auth": {"type": "none"|"service_account"|"authorized_user"|"access_token"|"api_key",
//             "public_key_file": "pub.pem", "client_email": "sa@x.iam.gserviceaccount.com",
//             "scope": "https://www.googleapis.com/auth/spreadsheets.readonly", "expires_in": 3600,
//             "client_id": "...", "client_secret": "...", "refresh_token": "...",
//             "access_token": "...", "api_key": "..."},
//    "shared_with": ["sa@x..."],      // other service accounts get 403 PERMISSION_DENIED
//    "api_disabled": false}           // true: every API request is 403 SERVICE_DISABLED
// A cell is a JSON scalar, or {"f": "=A2*2", "v": 4} (a formula and its value).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "mockd.h"

namespace sqlflow::mockd {

class SheetsApi : public Plugin {
 public:
  explicit SheetsApi(Json scenario = Json::object());
  std::string Name() const override { return "sheets"; }
  void Install(MockServer& server) override;

  int tokens_issued() const;
  void RevokeTokens();
  // The cell value (UNFORMATTED) of sheet `title` at 1-based row/column; null when empty.
  Json Cell(const std::string& title, int64_t row, int64_t column) const;

 private:
  struct Sheet {
    std::string title;
    int64_t sheet_id = 0;
    Json rows = Json::array();
    int64_t generate_rows = 0, generate_columns = 0;
    int64_t row_count = 0, column_count = 26;
    int64_t Rows() const { return generate_rows > 0 ? generate_rows : static_cast<int64_t>(rows.size()); }
  };

  bool CheckAuth(const httplib::Request& request, httplib::Response& response);
  void Metadata(const httplib::Request& request, httplib::Response& response);
  void Values(const httplib::Request& request, httplib::Response& response);
  void Token(const httplib::Request& request, httplib::Response& response);
  std::string VerifyJwt(const std::string& assertion);  // "" when valid, else the error_description
  const Sheet* Find(const std::string& title) const;

  Json scenario_;
  MockServer* server_ = nullptr;
  std::vector<Sheet> sheets_;
  mutable std::mutex mutex_;
  std::map<std::string, double> tokens_;            // access token -> expiry (server seconds)
  std::map<std::string, std::string> token_owner_;  // access token -> client email
  int tokens_issued_ = 0;
};

}  // namespace sqlflow::mockd
