#include "sheets_api.h"

#include <httplib.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>

namespace sqlflow::mockd {
namespace {

void GoogleError(httplib::Response& response, int code, const std::string& status, const std::string& message,
                 const std::string& reason = "") {
  Json error = {{"code", code}, {"message", message}, {"status", status}};
  if (!reason.empty()) error["details"] = Json::array({{{"reason", reason}}});
  response.status = code;
  response.set_content(Json{{"error", error}}.dump(), "application/json");
}

void OAuthError(httplib::Response& response, int code, const std::string& error,
                const std::string& description) {
  response.status = code;
  response.set_content(Json{{"error", error}, {"error_description", description}}.dump(), "application/json");
}

std::string Base64UrlDecode(const std::string& in) {
  std::string out;
  int value = 0, bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '-')
      d = 62;
    else if (c == '_')
      d = 63;
    else
      return "";
    value = (value << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int64_t ColumnNumber(const std::string& letters) {
  int64_t n = 0;
  for (char c : letters) n = n * 26 + (std::toupper(static_cast<unsigned char>(c)) - 'A' + 1);
  return n;
}

std::string Letters(int64_t column) {
  std::string out;
  for (; column > 0; column = (column - 1) / 26)
    out.insert(out.begin(), static_cast<char>('A' + (column - 1) % 26));
  return out;
}

struct Range {
  std::string sheet;
  int64_t col1 = 1, col2 = 0, row1 = 1, row2 = 0;  // 0 = to the end
};

// 'My Sheet'!A1:E9, Name!2:1001, Name!A:E, Name, Name!B3. False when it is not one of these.
bool ParseRange(const std::string& text, Range& range) {
  std::string cells;
  if (!text.empty() && text[0] == '\'') {
    size_t i = 1;
    for (; i < text.size(); ++i) {
      if (text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        range.sheet += '\'';
        ++i;
      } else if (text[i] == '\'') {
        break;
      } else {
        range.sheet += text[i];
      }
    }
    if (i >= text.size()) return false;
    if (i + 1 < text.size()) {
      if (text[i + 1] != '!') return false;
      cells = text.substr(i + 2);
    }
  } else {
    const auto bang = text.find('!');
    range.sheet = text.substr(0, bang);
    if (bang != std::string::npos) cells = text.substr(bang + 1);
  }
  if (cells.empty()) return true;
  static const std::regex rows("([0-9]+):([0-9]+)");
  static const std::regex box("([A-Za-z]+)([0-9]*)(?::([A-Za-z]+)([0-9]*))?");
  std::smatch m;
  if (std::regex_match(cells, m, rows)) {
    range.row1 = std::stoll(m[1]);
    range.row2 = std::stoll(m[2]);
    return true;
  }
  if (!std::regex_match(cells, m, box)) return false;
  range.col1 = ColumnNumber(m[1]);
  range.row1 = m[2].length() ? std::stoll(m[2]) : 1;
  range.col2 = m[3].matched ? ColumnNumber(m[3]) : range.col1;
  range.row2 = m[3].matched ? (m[4].length() ? std::stoll(m[4]) : 0) : (m[2].length() ? range.row1 : 0);
  return true;
}

std::string Quote(const std::string& title) {
  std::string out = "'";
  for (char c : title) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string Grouped(double value) {
  std::ostringstream text;
  text.precision(15);
  text << value;
  std::string s = text.str();
  const auto dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot);
  std::string grouped;
  const size_t start = whole[0] == '-' ? 1 : 0;
  for (size_t i = start; i < whole.size(); ++i) {
    if (i > start && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return whole.substr(0, start) + grouped + frac;
}

// One cell as values.get renders it.
Json Render(const Json& cell, const std::string& option) {
  if (cell.is_object()) {
    if (option == "FORMULA" && cell.contains("f")) return cell["f"];
    return Render(cell.value("v", Json()), option);
  }
  if (option != "FORMATTED_VALUE" || cell.is_null() || cell.is_string()) return cell;
  if (cell.is_boolean()) return cell.get<bool>() ? "TRUE" : "FALSE";
  return Grouped(cell.get<double>());
}

bool Empty(const Json& cell) {
  return cell.is_null() || (cell.is_string() && cell.get<std::string>().empty());
}

// Field mask: "a.b,c(d,e(f))" -> tree; applied to an object.
Json ParseMask(const std::string& mask, size_t& pos) {
  Json tree = Json::object();
  std::string name;
  auto flush = [&](Json sub) {
    if (name.empty()) return;
    // a.b.c -> a: {b: {c: sub}}
    Json* node = &tree;
    size_t start = 0;
    for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1) {
      node = &(*node)[name.substr(start, dot - start)];
      if (node->is_null()) *node = Json::object();
    }
    (*node)[name.substr(start)] = sub;
    name.clear();
  };
  while (pos < mask.size()) {
    const char c = mask[pos++];
    if (c == ',') {
      flush(Json());
    } else if (c == '(') {
      Json sub = ParseMask(mask, pos);
      flush(sub);
    } else if (c == ')') {
      break;
    } else if (c != ' ') {
      name += c;
    }
  }
  flush(Json());
  return tree;
}

Json ApplyMask(const Json& value, const Json& mask) {
  if (mask.is_null()) return value;
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) out.push_back(ApplyMask(item, mask));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, sub] : mask.items())
    if (value.contains(key)) out[key] = ApplyMask(value[key], sub);
  return out;
}

}  // namespace

SheetsApi::SheetsApi(Json scenario) : scenario_(std::move(scenario)) {
  int64_t id = 0;
  for (const auto& s : scenario_.value("sheets", Json::array())) {
    Sheet sheet;
    sheet.title = s.value("title", "Sheet" + std::to_string(id + 1));
    sheet.sheet_id = s.value("sheet_id", id * 1000);
    if (s.contains("rows")) sheet.rows = s["rows"];
    if (s.contains("generate")) {
      sheet.generate_rows = s["generate"].value("rows", int64_t{0});
      sheet.generate_columns = s["generate"].value("columns", int64_t{1});
    }
    sheet.row_count = s.value("row_count", std::max<int64_t>(sheet.Rows(), 1));
    sheet.column_count = s.value("column_count", std::max<int64_t>(26, sheet.generate_columns));
    sheets_.push_back(std::move(sheet));
    ++id;
  }
}

const SheetsApi::Sheet* SheetsApi::Find(const std::string& title) const {
  for (const auto& sheet : sheets_)
    if (sheet.title == title) return &sheet;
  return nullptr;
}

// Generated sheets: row 1 is c1..cN; row r > 1: c1 = r - 1 (id), c2 = "name <id>", c3 = id * 0.5, c4 = id
// even, c5 = an ISO date, then alternating integers and strings.
Json SheetsApi::Cell(const std::string& title, int64_t row, int64_t column) const {
  const Sheet* sheet = Find(title);
  if (!sheet || row < 1 || column < 1) return nullptr;
  if (sheet->generate_rows == 0) {
    if (row > static_cast<int64_t>(sheet->rows.size())) return nullptr;
    const Json& cells = sheet->rows[static_cast<size_t>(row - 1)];
    if (!cells.is_array() || column > static_cast<int64_t>(cells.size())) return nullptr;
    return cells[static_cast<size_t>(column - 1)];
  }
  if (row > sheet->generate_rows || column > sheet->generate_columns) return nullptr;
  if (row == 1) return "c" + std::to_string(column);
  const int64_t id = row - 1;
  switch (column) {
    case 1:
      return id;
    case 2:
      return "name " + std::to_string(id);
    case 3:
      return static_cast<double>(id) * 0.5;
    case 4:
      return id % 2 == 0;
    case 5: {
      char date[16];
      std::snprintf(date, sizeof(date), "2024-%02d-%02d", static_cast<int>(id % 12 + 1),
                    static_cast<int>(id % 28 + 1));
      return std::string(date);
    }
    default:
      return column % 2 == 0 ? Json(id * column)
                             : Json("v" + std::to_string(id % 97) + "_" + std::to_string(column));
  }
}

void SheetsApi::Install(MockServer& server) {
  server_ = &server;
  server.Get(R"(/v4/spreadsheets/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) { Metadata(q, r); });
  server.Get(R"(/v4/spreadsheets/([^/]+)/values/(.+))",
             [this](const httplib::Request& q, httplib::Response& r) { Values(q, r); });
  server.Post("/token", [this](const httplib::Request& q, httplib::Response& r) { Token(q, r); });
}

int SheetsApi::tokens_issued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tokens_issued_;
}

void SheetsApi::RevokeTokens() {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.clear();
}

bool SheetsApi::CheckAuth(const httplib::Request& request, httplib::Response& response) {
  const Json auth = scenario_.value("auth", Json::object());
  const std::string type = auth.value("type", std::string("none"));
  if (scenario_.value("api_disabled", false)) {
    GoogleError(response, 403, "PERMISSION_DENIED",
                "Google Sheets API has not been used in project 123 before or it is disabled.",
                "SERVICE_DISABLED");
    return false;
  }
  if (type == "none") return true;
  if (type == "api_key") {
    if (request.get_param_value("key") == auth.value("api_key", std::string())) return true;
    GoogleError(response, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                "API_KEY_INVALID");
    return false;
  }
  const std::string header = request.get_header_value("Authorization");
  const std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
  if (type == "access_token") {
    if (!token.empty() && token == auth.value("access_token", std::string())) return true;
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tokens_.find(token);
    if (it != tokens_.end() && server_->Now() < it->second) {
      const auto shared = scenario_.value("shared_with", Json());
      if (shared.is_array()) {
        bool ok = false;
        for (const auto& email : shared) ok = ok || email == token_owner_[token];
        if (!ok) {
          GoogleError(response, 403, "PERMISSION_DENIED", "The caller does not have permission");
          return false;
        }
      }
      return true;
    }
  }
  GoogleError(response, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
  return false;
}

void SheetsApi::Metadata(const httplib::Request& request, httplib::Response& response) {
  if (!CheckAuth(request, response)) return;
  if (request.matches[1] != scenario_.value("spreadsheet_id", std::string("book1"))) {
    GoogleError(response, 404, "NOT_FOUND", "Requested entity was not found.");
    return;
  }
  Json sheets = Json::array();
  int64_t index = 0;
  for (const auto& sheet : sheets_)
    sheets.push_back(
        {{"properties",
          {{"sheetId", sheet.sheet_id},
           {"title", sheet.title},
           {"index", index++},
           {"sheetType", "GRID"},
           {"gridProperties", {{"rowCount", sheet.row_count}, {"columnCount", sheet.column_count}}}}},
         {"data", Json::array()}});
  Json full = {
      {"spreadsheetId", request.matches[1]},
      {"properties", {{"title", scenario_.value("title", std::string("Book"))}, {"locale", "en_US"}}},
      {"sheets", sheets},
      {"spreadsheetUrl", "https://docs.google.com/spreadsheets/d/" + std::string(request.matches[1])}};
  if (request.has_param("fields")) {
    size_t pos = 0;
    full = ApplyMask(full, ParseMask(request.get_param_value("fields"), pos));
  }
  response.set_content(full.dump(), "application/json");
}

void SheetsApi::Values(const httplib::Request& request, httplib::Response& response) {
  if (!CheckAuth(request, response)) return;
  if (request.matches[1] != scenario_.value("spreadsheet_id", std::string("book1"))) {
    GoogleError(response, 404, "NOT_FOUND", "Requested entity was not found.");
    return;
  }
  const std::string a1 = request.matches[2];
  Range range;
  const Sheet* sheet = ParseRange(a1, range) ? Find(range.sheet) : nullptr;
  if (!sheet) {
    GoogleError(response, 400, "INVALID_ARGUMENT", "Unable to parse range: " + a1);
    return;
  }
  const std::string option = request.has_param("valueRenderOption")
                                 ? request.get_param_value("valueRenderOption")
                                 : "FORMATTED_VALUE";
  const int64_t last_row = range.row2 > 0 ? std::min(range.row2, sheet->row_count) : sheet->row_count;
  const int64_t last_col = range.col2 > 0 ? range.col2 : sheet->column_count;
  Json values = Json::array();
  size_t kept = 0;  // values.size() without trailing empty rows
  for (int64_t r = range.row1; r <= last_row; ++r) {
    Json row = Json::array();
    size_t width = 0;
    for (int64_t c = range.col1; c <= last_col; ++c) {
      Json cell = Render(Cell(sheet->title, r, c), option);
      if (cell.is_null()) cell = "";
      row.push_back(cell);
      if (!Empty(cell)) width = row.size();
    }
    row.erase(row.begin() + static_cast<std::ptrdiff_t>(width), row.end());  // trailing empty cells omitted
    values.push_back(std::move(row));
    if (width > 0) kept = values.size();
  }
  values.erase(values.begin() + static_cast<std::ptrdiff_t>(kept), values.end());  // trailing empty rows
  Json body = {{"range", Quote(sheet->title) + "!" + Letters(range.col1) + std::to_string(range.row1) + ":" +
                             Letters(last_col) + std::to_string(last_row)},
               {"majorDimension", "ROWS"}};
  if (!values.empty()) body["values"] = std::move(values);
  response.set_content(body.dump(), "application/json");
}

std::string SheetsApi::VerifyJwt(const std::string& assertion) {
  const Json auth = scenario_.value("auth", Json::object());
  const auto d1 = assertion.find('.'), d2 = assertion.rfind('.');
  if (d1 == std::string::npos || d1 == d2) return "Invalid JWT: not three parts";
  Json header, claims;
  try {
    header = Json::parse(Base64UrlDecode(assertion.substr(0, d1)));
    claims = Json::parse(Base64UrlDecode(assertion.substr(d1 + 1, d2 - d1 - 1)));
  } catch (const std::exception&) {
    return "Invalid JWT: bad base64url JSON";
  }
  if (header.value("alg", std::string()) != "RS256" || header.value("typ", std::string()) != "JWT")
    return "Invalid JWT: alg must be RS256";
  const std::string pem = ReadText(auth.value("public_key_file", std::string()));
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key) return "mock: cannot read public_key_file";
  const std::string input = assertion.substr(0, d2), signature = Base64UrlDecode(assertion.substr(d2 + 1));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool valid =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!valid) return "Invalid JWT Signature.";
  const std::string aud = server_->BaseUrl() + "/token";
  if (claims.value("aud", std::string()) != aud) return "Invalid JWT: aud must be " + aud;
  const std::string scope =
      auth.value("scope", std::string("https://www.googleapis.com/auth/spreadsheets.readonly"));
  if (claims.value("scope", std::string()).find(scope) == std::string::npos)
    return "Invalid JWT: scope lacks " + scope;
  if (auth.contains("client_email") && claims.value("iss", std::string()) != auth["client_email"])
    return "Invalid JWT: unknown iss";
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const int64_t iat = claims.value("iat", int64_t{0}), exp = claims.value("exp", int64_t{0});
  if (iat > now + 60 || exp <= now || exp - iat > 3600)
    return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
           "your iat "
           "and exp values in the JWT claim.";
  return "";
}

void SheetsApi::Token(const httplib::Request& request, httplib::Response& response) {
  const Json auth = scenario_.value("auth", Json::object());
  const std::string grant = request.get_param_value("grant_type");
  std::string owner;
  if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    const std::string error = VerifyJwt(request.get_param_value("assertion"));
    if (!error.empty()) return OAuthError(response, 400, "invalid_grant", error);
    const std::string assertion = request.get_param_value("assertion");
    const auto d1 = assertion.find('.');
    owner = Json::parse(Base64UrlDecode(assertion.substr(d1 + 1, assertion.rfind('.') - d1 - 1)))
                .value("iss", "");
  } else if (grant == "refresh_token") {
    if (request.get_param_value("client_id") != auth.value("client_id", std::string()) ||
        request.get_param_value("client_secret") != auth.value("client_secret", std::string()))
      return OAuthError(response, 401, "invalid_client", "The OAuth client was not found.");
    if (request.get_param_value("refresh_token") != auth.value("refresh_token", std::string()))
      return OAuthError(response, 400, "invalid_grant", "Token has been expired or revoked.");
    owner = "user";
  } else {
    return OAuthError(response, 400, "unsupported_grant_type", "Invalid grant_type: " + grant);
  }
  const double expires_in = auth.value("expires_in", 3600.0);
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    token = "ya29.mock-" + std::to_string(++tokens_issued_) + "-" + std::to_string(server_->port());
    tokens_[token] = server_->Now() + expires_in;
    token_owner_[token] = owner;
  }
  response.set_content(
      Json{{"access_token", token}, {"expires_in", expires_in}, {"token_type", "Bearer"}}.dump(),
      "application/json");
}

}  // namespace sqlflow::mockd
