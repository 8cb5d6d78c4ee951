#include "sqlflow/net/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/classify.h"

#ifndef SQLFLOW_VERSION
#define SQLFLOW_VERSION "dev"
#endif

namespace sqlflow::net {
namespace {

constexpr size_t kBodyExcerpt = 200;
constexpr int kPollMs = 50;  // upper bound on the reaction time to cancellation and stalls

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double SteadyNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileDeleter {
  void operator()(FILE* file) const { std::fclose(file); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::string UrlPart(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || !value) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

UrlHandle ParseUrl(std::string_view text) {
  UrlHandle url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK)
    return nullptr;
  return url;
}

// scheme://host:port, the unit that may receive credentials.
std::string Origin(std::string_view text) {
  UrlHandle url = ParseUrl(text);
  if (!url) return "";
  return ToLower(UrlPart(url.get(), CURLUPART_SCHEME)) + "://" + ToLower(UrlPart(url.get(), CURLUPART_HOST)) +
         ":" + UrlPart(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

std::string Excerpt(std::string_view body) {
  std::string text(body.substr(0, kBodyExcerpt));
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (body.size() > kBodyExcerpt) text += "...";
  return text;
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Everything one transfer's callbacks share; lives on the stack of SendOnce.
struct Transfer {
  const HttpRequest* request = nullptr;
  CURL* easy = nullptr;
  HttpResponse* response = nullptr;
  CancelToken* cancel = nullptr;
  int64_t cap_bytes = 0;
  bool cap_exceeded = false;
  std::exception_ptr sink_error;
  std::unique_ptr<FILE, FileDeleter> upload;
  int64_t upload_left = 0;
  double last_activity = 0;

  int64_t Status() const {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  t->last_activity = SteadyNow();
  t->response->body_bytes += static_cast<int64_t>(bytes);
  const int64_t status = t->Status();
  const bool to_sink = t->request->body_sink && status >= 200 && status < 300;
  if (to_sink) {
    try {
      t->request->body_sink(std::string_view(data, bytes));
    } catch (...) {
      t->sink_error = std::current_exception();
      return 0;
    }
    return bytes;
  }
  if (static_cast<int64_t>(t->response->body.size() + bytes) > t->cap_bytes) {
    t->cap_exceeded = true;
    return 0;
  }
  t->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  t->last_activity = SteadyNow();
  std::string_view line(data, bytes);
  if (StartsWith(line, "HTTP/")) {
    t->response->headers = HttpHeaders();  // a new response (100 Continue, then the real one)
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos)
    t->response->headers.Add(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  return bytes;
}

size_t OnUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->last_activity = SteadyNow();
  const size_t want = std::min<int64_t>(static_cast<int64_t>(size * count), t->upload_left);
  const size_t got = want ? std::fread(buffer, 1, want, t->upload.get()) : 0;
  if (got < want && std::ferror(t->upload.get())) return CURL_READFUNC_ABORT;
  t->upload_left -= static_cast<int64_t>(got);
  return got;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancel && t->cancel->IsCancelled() ? 1 : 0;
}

AttemptError TransferError(const HttpRequest& request, ErrorKind kind, const std::string& cause,
                           std::string hint = "") {
  return AttemptError(kind, request.method + " " + RedactUrl(request.url) + " failed: " + cause, cause, "",
                      std::move(hint));
}

}  // namespace

// ---- HttpHeaders ----

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::Set(std::string name, std::string value) {
  Remove(name);
  Add(std::move(name), std::move(value));
}

void HttpHeaders::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& field) { return EqualsIgnoreCase(field.first, name); });
}

std::optional<std::string> HttpHeaders::Get(std::string_view name) const {
  for (const auto& [key, value] : fields_)
    if (EqualsIgnoreCase(key, name)) return value;
  return std::nullopt;
}

// ---- CurlHttpClient ----

struct CurlHttpClient::Handles {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  ~Handles() {
    if (multi) curl_multi_cleanup(multi);
    if (easy) curl_easy_cleanup(easy);
  }
};

CurlHttpClient::CurlHttpClient(HttpClientOptions options)
    : options_(std::move(options)), handles_(std::make_unique<Handles>()) {
  GlobalInit();
  handles_->easy = curl_easy_init();
  handles_->multi = curl_multi_init();
  if (!handles_->easy || !handles_->multi) throw Error(ErrorKind::kInternal, "libcurl initialisation failed");
}

CurlHttpClient::~CurlHttpClient() = default;

HttpResponse CurlHttpClient::Send(const HttpRequest& request) {
  HttpRequest current = request;
  for (int redirects = 0;; ++redirects) {
    HttpResponse response = SendOnce(current);
    const auto location = response.headers.Get("Location");
    if (!current.follow_redirects || !IsRedirect(response.status) || !location) return response;
    char* target = nullptr;
    curl_easy_getinfo(handles_->easy, CURLINFO_REDIRECT_URL, &target);
    if (!target) return response;
    if (redirects >= options_.max_redirects)
      throw TransferError(request, ErrorKind::kProtocolError,
                          "more than " + std::to_string(options_.max_redirects) + " redirects (last to " +
                              RedactUrl(target) + ")");
    const std::string next(target);
    if (Origin(next) != Origin(current.url)) {
      // Never forward credentials to another origin (scheme, host or port).
      current.headers.Remove("Authorization");
      current.headers.Remove("Proxy-Authorization");
      current.headers.Remove("Cookie");
      for (const auto& name : current.credential_headers) current.headers.Remove(name);
      std::vector<std::string> secret_names;
      for (const auto& [name, value] : current.headers.fields())
        if (IsSecretMapKey(name)) secret_names.push_back(name);
      for (const auto& name : secret_names) current.headers.Remove(name);
      current.auth = HttpAuthScheme::kNone;
      current.aws_sigv4.clear();
      current.username.clear();
      current.password.clear();
    }
    const bool to_get = response.status == 303 ||
                        ((response.status == 301 || response.status == 302) && current.method == "POST");
    if (to_get) {
      current.method = "GET";
      current.body.clear();
      current.body_file.clear();
      current.headers.Remove("Content-Type");
      current.headers.Remove("Content-Length");
    }
    current.url = next;
  }
}

namespace {

// Options of one request on a freshly reset easy handle. The slist must live until the transfer ends.
void SetRequestOptions(CURL* easy, const HttpRequest& request, const HttpClientOptions& options, Transfer& t,
                       curl_slist** headers) {
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, UserAgent().c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_seconds * 1000));
  if (options.timeout_seconds > 0 && !request.stall_timeout)
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_seconds * 1000));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_ssl ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_ssl ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &t);
  if (request.auth != HttpAuthScheme::kNone || !request.aws_sigv4.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, request.password.c_str());
  }
  if (request.auth == HttpAuthScheme::kBasic) curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  if (request.auth == HttpAuthScheme::kDigest) curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_DIGEST);
  if (!request.aws_sigv4.empty()) curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
  for (const auto& [name, value] : request.headers.fields()) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    *headers = curl_slist_append(*headers, line.c_str());
  }
  *headers = curl_slist_append(*headers, "Expect:");  // no 100-continue round trip before uploads
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, *headers);
}

// Method and body. Throws for an unreadable body file.
void SetBodyOptions(CURL* easy, const HttpRequest& request, Transfer& t) {
  const std::string& method = request.method;
  const bool has_body = !request.body.empty() || !request.body_file.empty() || method == "POST" ||
                        method == "PUT" || method == "PATCH";
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    return;
  }
  if (!has_body) {
    if (method != "GET") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
    return;
  }
  if (request.body_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  } else {
    t.upload.reset(std::fopen(request.body_file.c_str(), "rb"));
    if (!t.upload || std::fseek(t.upload.get(), static_cast<long>(request.body_file_offset), SEEK_SET) != 0)
      throw Error(ErrorKind::kNotFound, "cannot read upload body " + request.body_file);
    t.upload_left = request.body_length;
    if (t.upload_left < 0) {
      std::fseek(t.upload.get(), 0, SEEK_END);
      t.upload_left = std::ftell(t.upload.get()) - request.body_file_offset;
      std::fseek(t.upload.get(), static_cast<long>(request.body_file_offset), SEEK_SET);
    }
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.upload_left));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, OnUpload);
    curl_easy_setopt(easy, CURLOPT_READDATA, &t);
  }
  if (method != "POST" || !request.body_file.empty())
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
}

}  // namespace

namespace {

struct TransferOutcome {
  CURLcode result = CURLE_OK;
  bool stalled = false;
  bool cancelled = false;
};

// Runs the transfer on the multi handle, polling at most kPollMs at a time so that cancellation and the
// stall rule are noticed promptly; Cancel() wakes the poll at once.
TransferOutcome DriveTransfer(CURLM* multi, CURL* easy, const Transfer& t, double stall_limit,
                              CancelToken* cancel) {
  TransferOutcome outcome;
  curl_multi_add_handle(multi, easy);
  CancelRegistration wake(cancel, [multi] { curl_multi_wakeup(multi); });
  while (true) {
    int running = 0;
    curl_multi_perform(multi, &running);
    if (!running) {
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi, &queued))
        if (message->msg == CURLMSG_DONE) outcome.result = message->data.result;
      break;
    }
    if (cancel && cancel->IsCancelled()) {
      outcome.cancelled = true;
      break;
    }
    if (stall_limit > 0 && SteadyNow() - t.last_activity > stall_limit) {
      outcome.stalled = true;
      break;
    }
    curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  curl_multi_remove_handle(multi, easy);  // mid-transfer (cancel, stall): the connection is closed
  return outcome;
}

// The one place where a failed transfer becomes an error (ClassifyCurlCode for libcurl's own failures).
void ThrowIfFailed(const HttpRequest& request, const HttpClientOptions& options, const Transfer& t,
                   const TransferOutcome& outcome, const char* error_buffer) {
  const bool cancelled = options.cancel && options.cancel->IsCancelled();
  if (outcome.cancelled || (outcome.result == CURLE_ABORTED_BY_CALLBACK && cancelled))
    throw TransferError(request, ErrorKind::kCancelled, "cancelled");
  if (outcome.stalled)
    throw TransferError(request, ErrorKind::kTimeout,
                        "no data received for " + FormatSeconds(options.timeout_seconds) + " s (stalled)");
  if (t.sink_error) std::rethrow_exception(t.sink_error);
  if (t.cap_exceeded)
    throw TransferError(
        request, ErrorKind::kProtocolError,
        "response larger than max_response_mb (" + std::to_string(options.max_response_mb) + " MiB)",
        "raise max_response_mb or request smaller pages");
  if (outcome.result == CURLE_OK) return;
  const std::string cause = error_buffer[0] ? error_buffer : curl_easy_strerror(outcome.result);
  const ErrorKind kind = ClassifyCurlCode(outcome.result);
  std::string hint;
  if (outcome.result == CURLE_PEER_FAILED_VERIFICATION || outcome.result == CURLE_SSL_CACERT_BADFILE)
    hint =
        "set ca_file to the CA certificate that signed the server's certificate, or verify_ssl: false "
        "(insecure)";
  throw TransferError(request, kind == ErrorKind::kCancelled ? ErrorKind::kTransient : kind, cause, hint);
}

void LogRequest(const HttpRequest& request, const HttpResponse& response) {
  if (Console::Get().verbosity() < Verbosity::kVerbose) return;
  Console::Get().Verbose(request.method + " " + RedactUrl(request.url) + " -> " +
                         std::to_string(response.status) + ", " + std::to_string(response.body_bytes) +
                         " bytes, " + std::to_string(static_cast<int64_t>(response.elapsed_seconds * 1000)) +
                         " ms (attempt " + std::to_string(request.attempt) + ")\n");
}

}  // namespace

HttpResponse CurlHttpClient::SendOnce(const HttpRequest& request) {
  CURL* easy = handles_->easy;
  HttpResponse response;
  Transfer t;
  t.request = &request;
  t.easy = easy;
  t.response = &response;
  t.cancel = options_.cancel;
  t.cap_bytes = options_.max_response_mb * (int64_t{1} << 20);
  if (options_.cancel && options_.cancel->IsCancelled())
    throw TransferError(request, ErrorKind::kCancelled, "cancelled");

  curl_easy_reset(easy);  // the multi handle keeps the live connections, DNS and TLS session caches
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_slist* header_list = nullptr;
  SetRequestOptions(easy, request, options_, t, &header_list);
  std::unique_ptr<curl_slist, SlistDeleter> header_guard(header_list);
  SetBodyOptions(easy, request, t);

  const double started = SteadyNow();
  t.last_activity = started;
  const double stall_limit = request.stall_timeout ? options_.timeout_seconds : 0;
  const TransferOutcome outcome = DriveTransfer(handles_->multi, easy, t, stall_limit, options_.cancel);
  response.elapsed_seconds = SteadyNow() - started;
  response.status = static_cast<int>(t.Status());
  response.url = request.url;
  ThrowIfFailed(request, options_, t, outcome, error_buffer);
  LogRequest(request, response);
  return response;
}

// ---- free functions ----

AttemptError HttpStatusError(const HttpRequest& request, const HttpResponse& response) {
  const auto retry_after = response.headers.Get("Retry-After");
  const ErrorKind kind = ClassifyHttpStatus(response.status, retry_after.has_value());
  std::string status = "HTTP " + std::to_string(response.status);
  const std::string_view text = HttpStatusText(response.status);
  std::string message = request.method + " " + RedactUrl(request.url) + " failed: " + status;
  if (!text.empty()) message += " " + std::string(text);
  if (!response.body.empty()) message += ", body \"" + Excerpt(response.body) + "\"";
  return AttemptError(kind == ErrorKind::kOk ? ErrorKind::kProtocolError : kind, message, status,
                      retry_after.value_or(""));
}

void ThrowUnlessSuccess(const HttpRequest& request, const HttpResponse& response) {
  if (!response.ok()) throw HttpStatusError(request, response);
}

HttpResponse SendWithRetry(HttpTransport& transport, const RetryPolicy& policy, const HttpRequest& request,
                           const std::function<void(const HttpResponse&)>& check) {
  return RunWithRetry(policy, request.method + " " + RedactUrl(request.url), [&](int attempt) {
    HttpRequest numbered = request;
    numbered.attempt = attempt;
    HttpResponse response = transport.Send(numbered);
    ThrowUnlessSuccess(numbered, response);
    if (check) check(response);
    return response;
  });
}

std::string RedactUrl(std::string_view url) {
  std::string text = MaskUriPasswords(url);
  const size_t query = text.find('?');
  if (query == std::string::npos) return text;
  const size_t fragment = text.find('#', query);
  const size_t end = fragment == std::string::npos ? text.size() : fragment;
  std::string out = text.substr(0, query + 1);
  const std::vector<std::string> pairs =
      Split(std::string_view(text).substr(query + 1, end - query - 1), '&');
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += '&';
    const size_t eq = pairs[i].find('=');
    const std::string name = pairs[i].substr(0, eq);
    char* decoded = curl_unescape(name.c_str(), static_cast<int>(name.size()));
    const bool secret = decoded && IsSecretMapKey(decoded);
    if (decoded) curl_free(decoded);
    out += secret && eq != std::string::npos ? name + "=***" : pairs[i];
  }
  return out + text.substr(end);
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string HostPort(std::string_view text) {
  UrlHandle url = ParseUrl(text);
  if (!url) throw Error(ErrorKind::kInvalidConfig, "invalid URL " + RedactUrl(text));
  return ToLower(UrlPart(url.get(), CURLUPART_HOST)) + ":" +
         UrlPart(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

std::string UserAgent() {
  return std::string("sqlflow/") + SQLFLOW_VERSION;
}

}  // namespace sqlflow::net
