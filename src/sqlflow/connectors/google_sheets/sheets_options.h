// Options of the google_sheets source (CONNECTORS.md §3.8), parsed once from the canonical parameters: the
// registry's compile-time validation and Source::Configure both call ParseSheetsOptions, so a pipeline that
// passes `pipeline validate` configures without surprises. A1 ranges are parsed here too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::google_sheets {

// An A1 range: an optional sheet part and a cell part. Columns and rows are 1-based; 0 = open (`A1:E` has
// no last row, `2:5000` no columns).
struct A1Range {
  std::optional<std::string> sheet;  // unquoted title
  int64_t col1 = 0, row1 = 0, col2 = 0, row2 = 0;
  bool has_cells = false;  // false: the range is only a sheet name
};

// Parses `'My Sheet'!A1:E`, `Name!2:1001`, `A2:F1000`, `A:E`, `B3` and a quoted sheet alone (`'My Sheet'`).
// nullopt when it is not A1 (an unquoted name without a cell part is rejected: `ABC` is a column).
std::optional<A1Range> ParseA1(const std::string& text);
std::string ColumnLetters(int64_t column);         // 1 -> A, 27 -> AA
std::string QuoteSheet(const std::string& title);  // 'It''s here'

// Credentials as configured (content is resolved at read time: files are read then, not at compile time).
struct CredentialsOptions {
  enum class Kind { kNone, kFile, kInline, kAccessToken, kApiKey };
  Kind kind = Kind::kNone;
  std::string value;   // path, inline JSON text, token or key
  std::string origin;  // the parameter that gave it ("credentials_file"), for messages
};

struct SheetsOptions {
  std::string spreadsheet_id;
  std::string sheet_name;  // "" = the LOAD target (ReadRequest::object)
  std::optional<A1Range> range;
  std::string range_text;
  bool has_header = true;
  std::string value_render = "UNFORMATTED_VALUE";
  std::string date_time_render = "FORMATTED_STRING";
  bool skip_empty_rows = true;
  bool infer_types = true;
  CredentialsOptions credentials;
  std::vector<std::string> scopes = {"https://www.googleapis.com/auth/spreadsheets.readonly"};
  std::string base_url = "https://sheets.googleapis.com";
  std::string token_url;  // "" = token_uri of the credentials, else Google's
  std::vector<std::pair<std::string, std::string>> column_types;
  int64_t batch_size = 10000;
  net::RetryOptions retry;
};

// Never throws for bad values: problems go to `issues` (kError: the options must not be used).
SheetsOptions ParseSheetsOptions(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues);

bool IsLoopbackUrl(const std::string& url);

}  // namespace sqlflow::connectors::google_sheets
