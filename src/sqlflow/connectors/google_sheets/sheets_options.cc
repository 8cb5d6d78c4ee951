#include "sqlflow/connectors/google_sheets/sheets_options.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/validate_util.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors::google_sheets {
namespace {

using OrderedJson = nlohmann::ordered_json;
constexpr const char* kPrefix = "GOOGLE_SHEETS connector: ";

std::string Str(const OrderedJson& canonical, const char* key) {
  return canonical.contains(key) && canonical[key].is_string() ? canonical[key].get<std::string>() : "";
}

bool Bool(const OrderedJson& canonical, const char* key, bool fallback) {
  return canonical.contains(key) && canonical[key].is_boolean() ? canonical[key].get<bool>() : fallback;
}

int64_t ColumnNumber(const std::string& letters) {
  int64_t n = 0;
  for (char c : letters) n = n * 26 + (std::toupper(static_cast<unsigned char>(c)) - 'A' + 1);
  return n;
}

// The cell part: A1, A1:E, A:E, A2:F1000, 2:5000, B3.
bool ParseCells(const std::string& text, A1Range& range) {
  static const std::regex cells("([A-Za-z]{1,3})([0-9]*)(?::([A-Za-z]{1,3})([0-9]*))?");
  static const std::regex rows("([0-9]+):([0-9]+)");
  std::smatch m;
  if (std::regex_match(text, m, rows)) {
    range.row1 = std::stoll(m[1].str());
    range.row2 = std::stoll(m[2].str());
    return range.row1 >= 1 && range.row2 >= range.row1;
  }
  if (!std::regex_match(text, m, cells)) return false;
  range.col1 = ColumnNumber(m[1].str());
  range.row1 = m[2].length() ? std::stoll(m[2].str()) : 0;
  if (m[3].matched) {
    range.col2 = ColumnNumber(m[3].str());
    range.row2 = m[4].length() ? std::stoll(m[4].str()) : 0;
  } else {
    range.col2 = range.col1;  // one cell (or one column with `A`)
    range.row2 = range.row1;
  }
  if (range.col2 < range.col1) return false;
  if (range.row1 > 0 && range.row2 > 0 && range.row2 < range.row1) return false;
  if (range.row1 == 0 && m[2].length() == 0 && range.row2 > 0) range.row1 = 1;  // A:E5 = A1:E5
  return true;
}

std::string SpreadsheetId(const std::string& value) {
  static const std::regex url("https?://docs\\.google\\.com/spreadsheets/d/([A-Za-z0-9_-]+).*");
  static const std::regex id("[A-Za-z0-9_-]+");
  std::smatch m;
  if (std::regex_match(value, m, url)) return m[1].str();
  if (std::regex_match(value, id)) return value;
  return "";
}

void ParseCredentials(const OrderedJson& canonical, SheetsOptions& o, std::vector<ParamIssue>& issues) {
  using Kind = CredentialsOptions::Kind;
  if (canonical.contains("credentials_file") && canonical["credentials_file"].is_string())
    o.credentials = {Kind::kFile, Str(canonical, "credentials_file"), "credentials_file"};
  if (canonical.contains("credentials_json") && !canonical["credentials_json"].is_null()) {
    const OrderedJson& value = canonical["credentials_json"];
    if (value.is_string())
      o.credentials = {Kind::kInline, value.get<std::string>(), "credentials_json"};
    else if (value.is_object())
      o.credentials = {Kind::kInline, value.dump(), "credentials_json"};
    else
      AddIssue(issues, Severity::kError, "SF404",
               std::string(kPrefix) + "parameter 'credentials_json' must be a string or an object, got " +
                   JsonTypeName(value),
               "credentials_json");
  }
  if (canonical.contains("credentials") && canonical["credentials"].is_string()) {
    const std::string value = Str(canonical, "credentials");
    const bool inline_json = !Trim(value).empty() && Trim(value)[0] == '{';
    o.credentials = {inline_json ? Kind::kInline : Kind::kFile, value, "credentials"};
  }
  if (canonical.contains("access_token") && canonical["access_token"].is_string())
    o.credentials = {Kind::kAccessToken, Str(canonical, "access_token"), "access_token"};
  if (canonical.contains("api_key") && canonical["api_key"].is_string())
    o.credentials = {Kind::kApiKey, Str(canonical, "api_key"), "api_key"};
}

void CheckUrl(const std::string& url, const char* key, std::vector<ParamIssue>& issues) {
  const std::string lower = ToLower(url);
  if (!StartsWith(lower, "http://") && !StartsWith(lower, "https://")) {
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "'" + key + "' must be an http(s) URL, got '" + url + "'", key);
  } else if (StartsWith(lower, "http://") && !IsLoopbackUrl(url)) {
    // Tokens and keys would travel in clear text: plain HTTP is for loopback test servers only.
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "'" + key + "' uses plain http to a non-loopback host: '" + url + "'",
             key, {"use https (plain http is accepted only for 127.0.0.1 / localhost)"});
  }
}

void ParseRange(const OrderedJson& canonical, SheetsOptions& o, std::vector<ParamIssue>& issues) {
  if (!canonical.contains("range") || !canonical["range"].is_string()) return;
  o.range_text = Str(canonical, "range");
  o.range = ParseA1(o.range_text);
  if (!o.range) {
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "invalid A1 range '" + o.range_text + "'", "range");
    return;
  }
  if (o.range->sheet && !o.sheet_name.empty() && *o.range->sheet != o.sheet_name) {
    AddIssue(issues, Severity::kError, "SF406",
             std::string(kPrefix) + "range names sheet '" + *o.range->sheet + "' but sheet_name is '" +
                 o.sheet_name + "'",
             "range");
  }
  if (o.range->sheet && o.sheet_name.empty()) o.sheet_name = *o.range->sheet;
}

}  // namespace

std::string ColumnLetters(int64_t column) {
  std::string out;
  while (column > 0) {
    const int64_t rem = (column - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    column = (column - 1) / 26;
  }
  return out;
}

std::string QuoteSheet(const std::string& title) {
  std::string out = "'";
  for (char c : title) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::optional<A1Range> ParseA1(const std::string& raw) {
  const std::string text = Trim(raw);
  if (text.empty()) return std::nullopt;
  A1Range range;
  std::string cells = text;
  if (text[0] == '\'') {
    // 'It''s here'!A1:E: a doubled quote is a quote.
    std::string title;
    size_t i = 1;
    for (; i < text.size(); ++i) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          title += '\'';
          ++i;
          continue;
        }
        break;
      }
      title += text[i];
    }
    if (i >= text.size() || title.empty()) return std::nullopt;
    range.sheet = title;
    cells = text.substr(i + 1);
    if (cells.empty()) return range;
    if (cells[0] != '!') return std::nullopt;
    cells = cells.substr(1);
  } else if (const auto bang = text.rfind('!'); bang != std::string::npos) {
    range.sheet = text.substr(0, bang);
    if (range.sheet->empty() || range.sheet->find('\'') != std::string::npos) return std::nullopt;
    cells = text.substr(bang + 1);
  }
  if (!ParseCells(cells, range)) return std::nullopt;
  range.has_cells = true;
  return range;
}

bool IsLoopbackUrl(const std::string& url) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return false;
  std::string host = url.substr(colon + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  const auto at = host.rfind('@');
  if (at != std::string::npos) host = host.substr(at + 1);
  return StartsWith(host, "127.") || host == "localhost" || StartsWith(host, "localhost:") ||
         StartsWith(host, "[::1]");
}

SheetsOptions ParseSheetsOptions(const OrderedJson& canonical, std::vector<ParamIssue>& issues) {
  SheetsOptions o;
  if (canonical.contains("spreadsheet_id") && canonical["spreadsheet_id"].is_string()) {
    const std::string value = Str(canonical, "spreadsheet_id");
    o.spreadsheet_id = SpreadsheetId(value);
    if (o.spreadsheet_id.empty())
      AddIssue(issues, Severity::kError, "SF406",
               std::string(kPrefix) + "cannot find a spreadsheet id in '" + value + "'", "spreadsheet_id");
  }
  o.sheet_name = Str(canonical, "sheet_name");
  ParseRange(canonical, o, issues);
  o.has_header = Bool(canonical, "has_header", true);
  const std::string render = Str(canonical, "value_render");
  o.value_render = render == "formatted" ? "FORMATTED_VALUE"
                   : render == "formula" ? "FORMULA"
                                         : "UNFORMATTED_VALUE";
  o.date_time_render =
      Str(canonical, "date_time_render") == "serial_number" ? "SERIAL_NUMBER" : "FORMATTED_STRING";
  o.skip_empty_rows = Bool(canonical, "skip_empty_rows", true);
  o.infer_types = Bool(canonical, "infer_types", true);
  ParseCredentials(canonical, o, issues);
  if (canonical.contains("scopes") && canonical["scopes"].is_array()) {
    o.scopes.clear();
    for (const auto& scope : canonical["scopes"])
      if (scope.is_string()) o.scopes.push_back(scope.get<std::string>());
  }
  if (!Str(canonical, "base_url").empty()) o.base_url = Str(canonical, "base_url");
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  CheckUrl(o.base_url, "base_url", issues);
  o.token_url = Str(canonical, "token_url");
  if (!o.token_url.empty()) CheckUrl(o.token_url, "token_url", issues);
  if (canonical.contains("column_types") && canonical["column_types"].is_object())
    for (const auto& [k, v] : canonical["column_types"].items())
      if (v.is_string()) o.column_types.emplace_back(k, v.get<std::string>());
  if (canonical.contains("batch_size") && canonical["batch_size"].is_number_integer())
    o.batch_size = std::max<int64_t>(1, canonical["batch_size"].get<int64_t>());
  try {
    o.retry = net::ParseRetryOptions("google_sheets", canonical);
  } catch (const Error& error) {
    AddIssue(issues, Severity::kError, "SF405", error.what());
  }
  return o;
}

}  // namespace sqlflow::connectors::google_sheets
