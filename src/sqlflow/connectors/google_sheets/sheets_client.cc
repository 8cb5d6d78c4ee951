#include "sqlflow/connectors/google_sheets/sheets_client.h"

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/classify.h"

namespace sqlflow::connectors::google_sheets {
namespace {

using Json = nlohmann::json;

constexpr const char* kFields =
    "properties.title,sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))";
constexpr const char* kGoogleTokenUrl = "https://oauth2.googleapis.com/token";

// Google's error body: {"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED",
// "details": [{"reason": "SERVICE_DISABLED", ...}]}}.
struct GoogleError {
  std::string message;
  std::string status;
  std::string text;  // the whole body, for reason lookups
};

GoogleError ParseGoogleError(const std::string& body) {
  GoogleError error;
  error.text = body;
  try {
    Json json = Json::parse(body);
    if (json.contains("error") && json["error"].is_object()) {
      error.message = json["error"].value("message", std::string());
      error.status = json["error"].value("status", std::string());
    }
  } catch (const std::exception&) {
  }
  if (error.message.empty()) error.message = body.substr(0, 200);
  return error;
}

}  // namespace

const SheetInfo* SpreadsheetInfo::Find(const std::string& title) const {
  for (const auto& sheet : sheets)
    if (sheet.title == title) return &sheet;
  return nullptr;
}

std::string SpreadsheetInfo::Titles() const {
  std::string out;
  for (const auto& sheet : sheets) out += (out.empty() ? "" : ", ") + sheet.title;
  return out;
}

SheetsClient::SheetsClient(const SheetsOptions& options, std::string prefix, net::Clock* clock,
                           net::Sleeper* sleeper, CancelToken* cancel)
    : options_(options), prefix_(std::move(prefix)), clock_(clock), sleeper_(sleeper), cancel_(cancel) {
  net::HttpClientOptions http;
  http.timeout_seconds = options.retry.timeout_seconds;
  http.connect_timeout_seconds = options.retry.connect_timeout_seconds;
  http.cancel = cancel;
  http_ = std::make_unique<net::CurlHttpClient>(http);
  policy_ =
      net::MakeRetryPolicy(options.retry, "google_sheets", net::HostPort(options.base_url), prefix_, cancel);
  policy_.clock = clock;
  policy_.sleeper = sleeper;
}

SheetsClient::~SheetsClient() = default;

std::string SheetsClient::Scrub(std::string_view text) const {
  return redactor_.Mask(MaskUriPasswords(text));
}

int64_t SheetsClient::requests() const {
  return requests_ + (tokens_ ? tokens_->requests() : 0);
}

void SheetsClient::Start() {
  credentials_ = LoadCredentials(options_.credentials);
  for (const auto& secret : credentials_.Secrets()) {
    redactor_.AddSecret(secret);
    if (net::PercentEncode(secret) != secret) redactor_.AddSecret(net::PercentEncode(secret));
  }
  if (!credentials_.NeedsToken()) return;
  std::string token_url = options_.token_url;
  if (token_url.empty()) token_url = credentials_.token_uri;
  if (token_url.empty()) token_url = kGoogleTokenUrl;
  const std::string lower = ToLower(token_url);
  if (!StartsWith(lower, "https://") && !(StartsWith(lower, "http://") && IsLoopbackUrl(token_url)))
    throw Error(ErrorKind::kInvalidConfig, "token endpoint '" + net::RedactUrl(token_url) +
                                               "' must be https (plain http only on loopback)");
  net::RetryPolicy token_policy =
      net::MakeRetryPolicy(options_.retry, "google_sheets", net::HostPort(token_url), prefix_, cancel_);
  token_policy.clock = clock_;
  token_policy.sleeper = sleeper_;
  tokens_ = std::make_unique<TokenSource>(credentials_, options_.scopes, token_url, *http_, token_policy);
}

void SheetsClient::CheckToken() {
  if (tokens_) redactor_.AddSecret(tokens_->Token());
}

std::string SheetsClient::WithKey(std::string url) const {
  if (credentials_.type != Credentials::Type::kApiKey) return url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  return url + "key=" + net::PercentEncode(credentials_.secret);
}

net::HttpResponse SheetsClient::Send(const std::string& url, int attempt) {
  net::HttpRequest request;
  request.url = url;
  request.attempt = attempt;
  request.headers.Set("Accept", "application/json");
  if (credentials_.type == Credentials::Type::kAccessToken) {
    request.headers.Set("Authorization", "Bearer " + credentials_.secret);
  } else if (tokens_) {
    std::string token = tokens_->Token();
    if (token != last_token_) redactor_.AddSecret(token);
    last_token_ = std::move(token);
    request.headers.Set("Authorization", "Bearer " + last_token_);
  }
  net::HttpResponse response = http_->Send(request);
  ++requests_;
  bytes_ += static_cast<int64_t>(response.body.size());
  return response;
}

// Runs one GET through the retry policy; a 401 with a fetched token refreshes it once and repeats the request
// (not counted as a retry); `validate` parses the body inside the attempt so that a broken body is retried.
std::string SheetsClient::Get(const std::string& url, const std::function<void(std::string&)>& validate) {
  const std::string full = WithKey(url);
  const std::string shown = Scrub(net::RedactUrl(full));
  return net::RunWithRetry(policy_, "GET " + shown, [&](int attempt) {
    if (attempt > 1) ++retries_;
    net::HttpResponse response = Send(full, attempt);
    if (response.status == 401 && tokens_) {
      // The token expired or was revoked early: one refresh, then a second 401 is AuthFailed.
      tokens_->Invalidate();
      response = Send(full, attempt);
    }
    if (!response.ok()) {
      net::HttpRequest request;
      request.url = full;
      ThrowStatus(request, response);
    }
    try {
      validate(response.body);
    } catch (const Error& error) {
      throw net::AttemptError(ErrorKind::kTransient, "invalid JSON from " + shown + ": " + error.what(),
                              "invalid JSON");
    }
    return std::move(response.body);
  });
}

void SheetsClient::ThrowStatus(const net::HttpRequest& request, const net::HttpResponse& response) {
  const int status = response.status;
  const GoogleError google = ParseGoogleError(response.body);
  const std::string id = options_.spreadsheet_id;
  const std::string detail = Scrub(google.message);
  const bool api_key = credentials_.type == Credentials::Type::kApiKey;
  if (status == 404)
    throw Error(ErrorKind::kNotFound, "spreadsheet '" + id + "' not found (" + detail + ")", "",
                "check spreadsheet_id: the part of the spreadsheet URL after /d/");
  if (status == 403) {
    if (google.text.find("SERVICE_DISABLED") != std::string::npos ||
        google.text.find("has not been used") != std::string::npos)
      throw Error(ErrorKind::kPermissionDenied,
                  "the Google Sheets API is not enabled for this project: " + detail, "",
                  "enable 'Google Sheets API' in the Google Cloud console (APIs & Services > Library)");
    if (api_key)
      throw Error(
          ErrorKind::kPermissionDenied, "access denied to spreadsheet '" + id + "' with an API key", "",
          "an API key reads only spreadsheets shared with 'Anyone with the link'; use a service account");
    const std::string who =
        credentials_.client_email.empty() ? "the account of these credentials" : credentials_.client_email;
    throw Error(ErrorKind::kPermissionDenied,
                "access denied to spreadsheet '" + id + "'; share it with " + who, "",
                "open the spreadsheet, Share, add " + who + " as Viewer");
  }
  if (status == 400 && google.text.find("API key not valid") != std::string::npos)
    throw Error(ErrorKind::kAuthFailed, "API key not valid: " + detail, "",
                "check api_key (Google Cloud console > Credentials) and its API restrictions");
  if (status == 400 && google.text.find("Unable to parse range") != std::string::npos)
    throw Error(ErrorKind::kInvalidConfig, "the API cannot read range: " + detail, "",
                "check range and sheet_name");
  if (status == 401)
    throw Error(ErrorKind::kAuthFailed, "the API rejected the credentials (HTTP 401): " + detail, "",
                api_key ? "check api_key" : "the access token is invalid or expired");
  if (status == 429) {
    const std::string shown = Scrub(net::RedactUrl(request.url));
    throw net::AttemptError(
        ErrorKind::kThrottled,
        "GET " + shown + " failed: HTTP 429 Too Many Requests, body \"" +
            Scrub(response.body.substr(0, 200)) + "\"",
        "HTTP 429", response.headers.Value("Retry-After"),
        "read quota exceeded (Sheets allows 300 read requests per minute per project and 60 "
        "per user); lower requests_per_second or raise batch_size");
  }
  const net::AttemptError error = net::HttpStatusError(request, response);
  throw net::AttemptError(error.kind(), Scrub(error.what()), error.cause(), error.retry_after(),
                          error.hint());
}

SpreadsheetInfo SheetsClient::Metadata() {
  const std::string url = options_.base_url + "/v4/spreadsheets/" +
                          net::PercentEncode(options_.spreadsheet_id) +
                          "?fields=" + net::PercentEncode(kFields);
  Json json;
  Get(url, [&](std::string& body) {
    try {
      json = Json::parse(body);
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kTransient, e.what());
    }
  });
  SpreadsheetInfo info;
  if (json.contains("properties") && json["properties"].is_object())
    info.title = json["properties"].value("title", std::string());
  if (json.contains("sheets") && json["sheets"].is_array()) {
    for (const auto& sheet : json["sheets"]) {
      if (!sheet.contains("properties")) continue;
      const Json& p = sheet["properties"];
      SheetInfo s;
      s.title = p.value("title", std::string());
      s.sheet_id = p.value("sheetId", int64_t{0});
      s.index = p.value("index", int64_t{0});
      if (p.contains("gridProperties")) {
        s.row_count = p["gridProperties"].value("rowCount", int64_t{0});
        s.column_count = p["gridProperties"].value("columnCount", int64_t{0});
      }
      info.sheets.push_back(s);
    }
  }
  return info;
}

std::unique_ptr<json::JsonPage> SheetsClient::Values(const std::string& a1) {
  std::string url = options_.base_url + "/v4/spreadsheets/" + net::PercentEncode(options_.spreadsheet_id) +
                    "/values/" + net::PercentEncode(a1) +
                    "?majorDimension=ROWS&valueRenderOption=" + options_.value_render;
  if (options_.value_render != "FORMATTED_VALUE") url += "&dateTimeRenderOption=" + options_.date_time_render;
  std::unique_ptr<json::JsonPage> page;
  Get(url, [&](std::string& text) {
    page = std::make_unique<json::JsonPage>(std::move(text), json::Layout::kJson);
  });
  return page;
}

}  // namespace sqlflow::connectors::google_sheets
