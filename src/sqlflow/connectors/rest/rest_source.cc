// The rest source (CONNECTORS.md §3.7). A read runs on the producer thread of a ProducerStream
// (connectors/base/producer_stream.h): fetch a page through the shared HTTP client inside the retry policy
// (the unit of retry is the whole request with its parsed body), stage its records, hand the page's
// Schema/Batch events to the stream's small queue, work out the next page's URL, repeat. The executor
// appends page n while page n+1 is being fetched; the queue holds at most two pages, so memory stays bounded
// whatever the number of pages. A failed page delivers nothing and fails the read.
#include "sqlflow/connectors/rest/rest_source.h"
#include "sqlflow/connectors/base/now_ms.h"
#include "sqlflow/connectors/base/producer_stream.h"
#include "sqlflow/connectors/registry/options_util.h"

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/rest/json_records.h"
#include "sqlflow/connectors/rest/rest_options.h"
#include "sqlflow/net/http_client.h"
#include "sqlflow/net/source_error.h"
#include "sqlflow/net/url.h"

namespace sqlflow::connectors::rest {
namespace {

using net::EncodeComponent;
using net::IsLoopbackUrl;
using net::LinkTarget;
using net::ResolveUrl;
using net::SameOrigin;
using net::SplitUrl;
using net::WithQuery;

// ---- incremental bound ----

std::optional<double> EpochSeconds(const std::string& text) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  const int n = std::sscanf(text.c_str(), "%d-%d-%d%*c%d:%d:%lf", &y, &mo, &d, &h, &mi, &s);
  if (n < 3) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  double value = static_cast<double>(timegm(&tm)) + s;
  if (text.size() > 19) {
    const auto zone = text.find_first_of("+-", 19);
    if (zone != std::string::npos) {
      const int zh = std::atoi(text.substr(zone + 1, 2).c_str());
      const int zm = text.size() >= zone + 5
                         ? std::atoi(text.substr(text.find_first_not_of(":", zone + 3), 2).c_str())
                         : 0;
      const double offset = zh * 3600.0 + zm * 60.0;
      value += text[zone] == '+' ? -offset : offset;
    }
  }
  return value;
}

// The watermark text (DuckDB's CAST(value AS VARCHAR)) in the configured format (CONNECTORS.md §6.6).
std::string FormatBound(const TypedValue& bound, const std::string& format) {
  std::string text = bound.text;
  if (format == "raw") return text;
  const bool temporal = json::TemporalClass(text) > 0 ||
                        (text.size() >= 19 && text[4] == '-' && (text[10] == ' ' || text[10] == 'T'));
  if (!temporal) return text;
  if (format == "date") return text.substr(0, 10);
  if (format == "unix" || format == "unix_ms") {
    const auto seconds = EpochSeconds(text);
    if (!seconds) return text;
    return format == "unix" ? std::to_string(static_cast<int64_t>(*seconds))
                            : std::to_string(static_cast<int64_t>(*seconds * 1000.0 + 0.5));
  }
  if (text.size() == 10) return text;  // a DATE stays a date
  if (text[10] == ' ') text[10] = 'T';
  // DuckDB prints zoned values with +00 (the session is UTC): written as Z.
  for (const char* zero : {"+00:00", "+00"})
    if (EndsWith(text, zero)) return text.substr(0, text.size() - std::string_view(zero).size()) + "Z";
  if (ToUpper(bound.type).find("TIME ZONE") != std::string::npos || ToUpper(bound.type) == "TIMESTAMPTZ")
    if (text.back() != 'Z') return text + "Z";
  return text;
}

// ---- fetching ----

struct Fetched {
  std::string url;
  int status = 0;
  bool stop = false;  // stop_on_status matched
  net::HttpHeaders headers;
  std::unique_ptr<json::JsonPage> page;
  int64_t bytes = 0;
};

// Requests with auth, through the retry policy of the API host; OAuth2 tokens cached per instance.
class Fetcher {
 public:
  Fetcher(const RestOptions& options, std::string prefix, const RestRuntime& runtime, CancelToken* cancel)
      : options_(options), prefix_(std::move(prefix)), runtime_(runtime), cancel_(cancel) {
    net::HttpClientOptions http;
    http.timeout_seconds = options.retry.timeout_seconds;
    http.connect_timeout_seconds = options.retry.connect_timeout_seconds;
    http.verify_ssl = options.verify_ssl;
    http.ca_file = options.ca_file;
    http.max_response_mb = options.max_response_mb;
    http.max_redirects = options.follow_redirects ? 5 : 0;
    http.cancel = cancel;
    client_ = std::make_unique<net::CurlHttpClient>(http);
    policy_ = MakePolicy(options.url);
    for (const std::string* secret :
         {&options.auth.password, &options.auth.token, &options.auth.key_value, &options.auth.client_secret})
      AddSecret(*secret);
    for (const auto& [name, value] : options.headers)
      if (IsSecretMapKey(name)) AddSecret(value);
    for (const auto& [name, value] : options.params)
      if (IsSecretMapKey(name)) AddSecret(value);
  }

  const std::string& prefix() const { return prefix_; }
  int64_t requests() const { return requests_; }
  int64_t retries() const { return retries_; }

  // Secrets masked: the configured ones, their URL-encoded forms and OAuth access tokens.
  std::string Scrub(std::string_view text) const { return redactor_.Mask(MaskUriPasswords(text)); }
  std::string Shown(const std::string& url) const { return Scrub(net::RedactUrl(url)); }

  // The URL with the api_key query parameter when that is the auth (not already present).
  std::string Authorize(const std::string& url) const {
    if (options_.auth.type != "api_key" || options_.auth.key_in != "query") return url;
    if (url.find(EncodeComponent(options_.auth.key_name) + "=") != std::string::npos) return url;
    return WithQuery(url, {{options_.auth.key_name, options_.auth.key_value}});
  }

  Fetched Get(const std::string& url) {
    return net::RunWithRetry(policy_, options_.method + " " + Shown(url), [&](int attempt) {
      Fetched fetched = Attempt(url, attempt);
      retries_ += attempt - 1;
      return fetched;
    });
  }

 private:
  void AddSecret(const std::string& secret) {
    if (secret.empty()) return;
    redactor_.AddSecret(secret);
    if (EncodeComponent(secret) != secret) redactor_.AddSecret(EncodeComponent(secret));
  }

  net::RetryPolicy MakePolicy(const std::string& url) {
    net::RetryPolicy policy =
        net::MakeRetryPolicy(options_.retry, "rest", net::HostPort(url), prefix_, cancel_);
    policy.clock = runtime_.clock;
    policy.sleeper = runtime_.sleeper;
    return policy;
  }

  net::HttpRequest Build(const std::string& url, int attempt) {
    net::HttpRequest request;
    request.method = options_.method;
    request.url = url;
    request.attempt = attempt;
    request.follow_redirects = options_.follow_redirects;
    request.headers.Set("Accept",
                        options_.ndjson ? "application/x-ndjson, application/json" : "application/json");
    if (!options_.user_agent.empty()) request.headers.Set("User-Agent", options_.user_agent);
    for (const auto& [name, value] : options_.headers) request.headers.Set(name, value);
    if (options_.body) {
      request.body = *options_.body;
      request.headers.Set("Content-Type", "application/json");
    }
    const AuthOptions& auth = options_.auth;
    if (auth.type == "basic" || auth.type == "digest") {
      request.auth = auth.type == "basic" ? net::HttpAuthScheme::kBasic : net::HttpAuthScheme::kDigest;
      request.username = auth.username;
      request.password = auth.password;
    } else if (auth.type == "bearer") {
      request.headers.Set("Authorization", "Bearer " + auth.token);
    } else if (auth.type == "api_key" && auth.key_in == "header") {
      request.headers.Set(auth.key_name, auth.key_value);
      request.credential_headers.push_back(auth.key_name);
    } else if (auth.type == "oauth2_client_credentials") {
      request.headers.Set("Authorization", "Bearer " + AccessToken());
    }
    for (const auto& [name, value] : options_.headers)
      if (IsSecretMapKey(name)) request.credential_headers.push_back(name);
    return request;
  }

  Fetched Attempt(const std::string& url, int attempt) {
    net::HttpRequest request = Build(url, attempt);
    net::HttpResponse response = client_->Send(request);
    ++requests_;
    if (response.status == 401 && options_.auth.type == "oauth2_client_credentials") {
      // One token refresh per request, not counted as a retry; a second 401 is AuthFailed.
      token_.clear();
      request = Build(url, attempt);
      response = client_->Send(request);
      ++requests_;
    }
    Fetched fetched;
    fetched.url = url;
    fetched.status = response.status;
    const auto& stops = options_.pagination.stop_on_status;
    if (std::find(stops.begin(), stops.end(), response.status) != stops.end()) {
      fetched.stop = true;
      return fetched;
    }
    net::ThrowUnlessSuccess(request, response);
    fetched.bytes = static_cast<int64_t>(response.body.size());
    fetched.headers = response.headers;
    try {
      fetched.page = std::make_unique<json::JsonPage>(
          std::move(response.body), options_.ndjson ? json::Layout::kNdjson : json::Layout::kJson);
    } catch (const Error& error) {
      std::string message = error.what();
      const std::string head = "invalid JSON";
      if (StartsWith(message, head)) message = head + " from " + Shown(url) + message.substr(head.size());
      throw net::AttemptError(ErrorKind::kTransient, message, "invalid JSON");
    }
    return fetched;
  }

  // The cached OAuth2 access token, fetched when missing or within 60 s of its expiry (half its lifetime for
  // tokens that live less than two minutes).
  std::string AccessToken() {
    if (!token_.empty() && runtime_.clock->Now() < token_valid_until_) return token_;
    const AuthOptions& auth = options_.auth;
    if (!token_policy_) token_policy_ = std::make_unique<net::RetryPolicy>(MakePolicy(auth.token_url));
    const std::string shown = Shown(auth.token_url);
    nlohmann::json body = net::RunWithRetry(*token_policy_, "POST " + shown, [&](int attempt) {
      net::HttpRequest request;
      request.method = "POST";
      request.url = auth.token_url;
      request.attempt = attempt;
      request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
      request.headers.Set("Accept", "application/json");
      std::string form = "grant_type=client_credentials";
      if (!auth.scope.empty()) form += "&scope=" + EncodeComponent(auth.scope);
      if (!auth.audience.empty()) form += "&audience=" + EncodeComponent(auth.audience);
      if (auth.client_auth == "body") {
        form += "&client_id=" + EncodeComponent(auth.client_id) +
                "&client_secret=" + EncodeComponent(auth.client_secret);
      } else {
        request.auth = net::HttpAuthScheme::kBasic;
        request.username = auth.client_id;
        request.password = auth.client_secret;
      }
      request.body = form;
      net::HttpResponse response = client_->Send(request);
      ++requests_;
      if (response.status >= 400 && response.status < 500)
        throw Error(ErrorKind::kAuthFailed,
                    "OAuth2 token request POST " + shown + " failed: HTTP " +
                        std::to_string(response.status) + ", body \"" + Scrub(response.body.substr(0, 200)) +
                        "\"",
                    "", "check auth.client_id, auth.client_secret, auth.scope and auth.token_url");
      net::ThrowUnlessSuccess(request, response);
      nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        throw net::AttemptError(ErrorKind::kTransient, "invalid JSON from token endpoint " + shown,
                                "invalid JSON");
      return parsed;
    });
    if (!body.contains("access_token") || !body["access_token"].is_string())
      throw Error(ErrorKind::kProtocolError, prefix_ + ": token endpoint " + shown + " sent no access_token");
    token_ = body["access_token"].get<std::string>();
    redactor_.AddSecret(token_);
    double expires_in = body.contains("expires_in") && body["expires_in"].is_number()
                            ? body["expires_in"].get<double>()
                            : 3600.0;
    const double margin = expires_in >= 120 ? 60.0 : expires_in / 2;
    token_valid_until_ = runtime_.clock->Now() + expires_in - margin;
    return token_;
  }

  const RestOptions& options_;
  std::string prefix_;
  RestRuntime runtime_;
  CancelToken* cancel_;
  std::unique_ptr<net::CurlHttpClient> client_;
  net::RetryPolicy policy_;
  std::unique_ptr<net::RetryPolicy> token_policy_;
  Redactor redactor_;
  std::string token_;
  double token_valid_until_ = 0;
  int64_t requests_ = 0;
  int64_t retries_ = 0;
};

// ---- pagination ----

class Paginator {
 public:
  Paginator(const RestOptions& options, Fetcher& fetcher, const ReadRequest& request)
      : options_(options), p_(options.pagination), fetcher_(fetcher) {
    fixed_ = options.params;
    if (request.cursor && !options.incremental_param.empty())
      fixed_.emplace_back(options.incremental_param,
                          FormatBound(request.cursor->value, options.incremental_value_format));
    page_ = p_.start_page;
    offset_ = p_.start_offset;
  }

  std::string First() {
    std::string url = Compose();
    seen_.insert(url);
    return url;
  }

  // The next page's URL after `fetched` gave `records` records; nullopt at the end.
  std::optional<std::string> Next(const Fetched& fetched, int64_t records) {
    const std::string& type = p_.type;
    if (type == "none") return std::nullopt;
    if (type == "page_number") {
      if (records == 0 || (!p_.size_param.empty() && records < p_.page_size)) return std::nullopt;
      if (!p_.total_pages_path.empty()) {
        auto total = fetched.page->TextAt(p_.total_pages_path);
        if (total && page_ >= std::atoll(total->c_str())) return std::nullopt;
      }
      ++page_;
      return Compose();
    }
    if (type == "offset") {
      if (records == 0 || records < p_.limit) return std::nullopt;
      offset_ += p_.limit;
      if (!p_.total_path.empty()) {
        auto total = fetched.page->TextAt(p_.total_path);
        if (total && offset_ >= std::atoll(total->c_str())) return std::nullopt;
      }
      return Compose();
    }
    if (type == "cursor") {
      auto value = fetched.page->TextAt(p_.cursor_path);
      if (!value || value->empty()) return std::nullopt;
      cursor_ = *value;
      std::string url = Compose();
      if (!cursors_.insert(cursor_).second) Loop(url);
      return url;
    }
    std::optional<std::string> ref;
    if (type == "link_header") {
      auto header = fetched.headers.Get("Link");
      if (header) ref = LinkTarget(*header, p_.rel);
    } else if (type == "next_url") {
      ref = fetched.page->TextAt(p_.next_url_path);
    }
    if (!ref || ref->empty()) return std::nullopt;
    std::string url = ResolveUrl(fetched.url, *ref);
    if (!SameOrigin(url, options_.url))
      throw Error(ErrorKind::kProtocolError,
                  fetcher_.prefix() + ": next page URL points to another host: " + fetcher_.Shown(url), "",
                  "pagination only follows URLs on the host of 'url'");
    url = fetcher_.Authorize(url);
    if (!seen_.insert(url).second) Loop(url);
    return url;
  }

 private:
  [[noreturn]] void Loop(const std::string& url) {
    throw Error(ErrorKind::kProtocolError, fetcher_.prefix() + ": pagination loop at " + fetcher_.Shown(url),
                "", "the API returned a next page it had already returned");
  }

  std::string Compose() const {
    auto params = fixed_;
    if (p_.type == "page_number") {
      params.emplace_back(p_.page_param, std::to_string(page_));
      if (!p_.size_param.empty()) params.emplace_back(p_.size_param, std::to_string(p_.page_size));
    } else if (p_.type == "offset") {
      params.emplace_back(p_.offset_param, std::to_string(offset_));
      params.emplace_back(p_.limit_param, std::to_string(p_.limit));
    } else if (p_.type == "cursor") {
      if (!p_.size_param.empty()) params.emplace_back(p_.size_param, std::to_string(p_.page_size));
      if (!cursor_.empty()) params.emplace_back(p_.cursor_param, cursor_);
    }
    return fetcher_.Authorize(WithQuery(options_.url, params));
  }

  const RestOptions& options_;
  const PaginationOptions& p_;
  Fetcher& fetcher_;
  std::vector<std::pair<std::string, std::string>> fixed_;
  int64_t page_ = 1;
  int64_t offset_ = 0;
  std::string cursor_;
  std::set<std::string> seen_;
  std::set<std::string> cursors_;
};

json::RecordsOptions RecordsOptionsFor(const RestOptions& options, const ReadRequest& request) {
  json::RecordsOptions records;
  records.flatten = options.flatten;
  records.separator = options.flatten_separator;
  records.max_depth = options.max_flatten_depth;
  records.infer_types = options.infer_types;
  records.projection = request.columns;
  records.declared = options.column_types;
  records.source_label = "rest";
  return records;
}

// ---- the stream ----

// The producer of a rest read (ProducerStream runs it on its thread and owns the queue to the executor).
class RestProducer : public Producer {
 public:
  RestProducer(const RestOptions& options, std::string prefix, RestRuntime runtime, ReadRequest request)
      : options_(options),
        request_(std::move(request)),
        fetcher_(options_, std::move(prefix), runtime, &stop_token()) {}

  // The fetch stage may wait for room in pages_; the stop token is already cancelled, wake it to see that.
  void Interrupt(Interruption why) override {
    (void)why;
    std::lock_guard<std::mutex> lock(mutex_);
    changed_.notify_all();
  }

  // Every message leaves the stream prefixed and with secrets masked.
  void Produce(ProducerSink& sink) override {
    net::RunAsSource(
        fetcher_.prefix(), [this](std::string_view text) { return fetcher_.Scrub(text); },
        [&] { Read(sink); });
  }

 private:
  // The stream is cancelled or going away (or this producer aborted its fetch stage on the way out).
  bool Stopped() { return stop_token().IsCancelled(); }

  // Two stages: this thread turns parsed pages into chunks and hands them to the executor, while a fetch
  // thread already requests and parses the next page (its URL is known once the previous page was parsed).
  // At most one parsed page waits between them, so memory stays bounded.
  void Read(ProducerSink& sink) {
    std::vector<std::string> warnings;
    if (options_.auth.type != "none" && StartsWith(ToLower(options_.url), "http://") &&
        !IsLoopbackUrl(options_.url))
      warnings.push_back(fetcher_.prefix() + ": sending credentials over plain HTTP to " +
                         SplitUrl(options_.url).authority);
    if (!options_.verify_ssl && StartsWith(ToLower(options_.url), "https://"))
      warnings.push_back(fetcher_.prefix() + ": TLS certificate verification is off (verify_ssl: false)");
    std::thread fetch_thread([this, &sink] { FetchPages(sink); });
    struct Joiner {
      RestProducer* self;
      std::thread& thread;
      ~Joiner() {
        bool done = false;
        {
          std::lock_guard<std::mutex> lock(self->mutex_);
          self->fetch_stop_ = true;
          done = self->fetch_done_;
        }
        // The read failed or stopped early: abort a request in flight instead of waiting for it.
        if (std::uncaught_exceptions() > 0 || !done) self->stop_token().Cancel();
        self->changed_.notify_all();
        thread.join();
      }
    } joiner{this, fetch_thread};
    json::RecordsBuilder builder(RecordsOptionsFor(options_, request_));
    while (true) {
      Fetched fetched;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return !pages_.empty() || fetch_done_ || Stopped(); });
        if (Stopped()) return;
        if (pages_.empty()) break;
        fetched = std::move(pages_.front());
        pages_.pop_front();
      }
      changed_.notify_all();
      try {
        builder.Add(*fetched.page, options_.data_path);
      } catch (const Error& error) {
        throw Error(error.kind(),
                    fetcher_.prefix() + ": " + error.what() + " (page " + fetcher_.Shown(fetched.url) + ")",
                    error.code(), error.hint());
      }
      fetched.page.reset();
      if (!sink.PushAll(builder.Take())) return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (fetch_error_) std::rethrow_exception(fetch_error_);
      for (auto& w : fetch_warnings_) warnings.push_back(w);
    }
    std::optional<ReadEvent> schema;
    ReadEvent end;
    end.kind = ReadEvent::Kind::kEnd;
    end.end = builder.Finish(&schema);
    for (auto& w : warnings) end.end.warnings.push_back(fetcher_.Scrub(w));
    if (schema) sink.Push(std::move(*schema));
    sink.Push(std::move(end));
  }

  bool FetchStopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return fetch_stop_ || Stopped();
  }

  // The fetch stage: requests, retries, parsing and pagination, one page ahead of the builder.
  void FetchPages(ProducerSink& sink) {
    try {
      Paginator paginator(options_, fetcher_, request_);
      std::optional<std::string> url = paginator.First();
      int64_t pages = 0;
      int64_t records_total = 0;
      while (url && !FetchStopping()) {
        if (options_.max_pages > 0 && pages >= options_.max_pages) {
          std::lock_guard<std::mutex> lock(mutex_);
          fetch_warnings_.push_back(fetcher_.prefix() + ": stopped at max_pages (" +
                                    std::to_string(options_.max_pages) + ") after " + std::to_string(pages) +
                                    " pages; the read may be incomplete");
          break;
        }
        Fetched fetched = fetcher_.Get(*url);
        ++pages;
        sink.UpdateStats([&](ReadStats& stats) {
          stats.requests = fetcher_.requests();
          stats.retries = fetcher_.retries();
          stats.bytes += fetched.bytes;
        });
        if (fetched.stop) break;
        const int64_t records = fetched.page->CountRecords(options_.data_path);
        records_total += records;
        url = paginator.Next(fetched, records);
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [&] { return pages_.empty() || fetch_stop_ || Stopped(); });
          if (fetch_stop_ || Stopped()) break;
          pages_.push_back(std::move(fetched));
        }
        changed_.notify_all();
        if (request_.limit && records_total >= *request_.limit) break;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      fetch_error_ = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fetch_done_ = true;
    }
    changed_.notify_all();
  }

  RestOptions options_;
  ReadRequest request_;
  Fetcher fetcher_;  // its requests observe stop_token()

  // The hand-off between the fetch stage and the builder, under mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Fetched> pages_;  // parsed pages from the fetch stage (at most one)
  bool fetch_done_ = false;
  bool fetch_stop_ = false;
  std::exception_ptr fetch_error_;
  std::vector<std::string> fetch_warnings_;
};

// ---- the source ----

class RestSource : public Source {
 public:
  explicit RestSource(RestRuntime runtime) : runtime_(runtime) {}

  void Configure(const ResolvedParams& params) override {
    std::vector<ParamIssue> issues;
    options_ = ParseRestOptions(params.values, issues);
    ThrowFirstError(issues);
    prefix_ = "REST source '" + params.name + "'";
  }

  ConnectionTestResult TestConnection(engine::Connection& scratch) override {
    (void)scratch;
    ConnectionTestResult result;
    const int64_t start = NowMs();
    ConnectionCheck check{"request", false, "", 0};
    try {
      RestOptions probe = options_;
      if (!probe.pagination.size_param.empty()) probe.pagination.page_size = 1;
      if (probe.pagination.type == "offset") probe.pagination.limit = 1;
      probe.retry.max_retries = std::min<int64_t>(probe.retry.max_retries, 1);
      CancelToken cancel;
      Fetcher fetcher(probe, prefix_, runtime_, &cancel);
      ReadRequest request;
      Paginator paginator(probe, fetcher, request);
      const std::string url = paginator.First();
      Fetched fetched = fetcher.Get(url);
      const std::string shown = fetcher.Shown(url);
      if (fetched.stop) {
        check.detail =
            probe.method + " " + shown + " -> " + std::to_string(fetched.status) + " (stop_on_status)";
      } else {
        const int64_t n = fetched.page->CountRecords(probe.data_path);
        check.detail = probe.method + " " + shown + " -> " + std::to_string(fetched.status) + " in " +
                       std::to_string(NowMs() - start) + " ms; " + std::to_string(n) + " records at '" +
                       (probe.data_path.empty() ? "$" : probe.data_path) + "'";
      }
      check.ok = true;
      result.ok = true;
      result.kind = ErrorKind::kOk;
    } catch (const Error& error) {
      check.detail = error.what();
      result.kind = error.kind();
    } catch (const std::exception& error) {
      check.detail = error.what();
      result.kind = ErrorKind::kInternal;
    }
    check.elapsed_ms = NowMs() - start;
    result.message = check.detail;
    result.checks.push_back(check);
    result.elapsed_ms = check.elapsed_ms;
    return result;
  }

  std::vector<ObjectRef> Discover(engine::Connection& scratch) override {
    (void)scratch;
    std::string path = SplitUrl(options_.url).path_and_query;
    path = path.substr(0, path.find_first_of("?#"));
    while (!path.empty() && path.back() == '/') path.pop_back();
    std::string name = path.substr(path.rfind('/') + 1);
    if (name.empty()) name = "data";
    return {ObjectRef{name, "endpoint", std::nullopt, std::nullopt, std::nullopt}};
  }

  Schema GetSchema(std::string_view object, engine::Connection& scratch) override {
    (void)object;
    (void)scratch;
    CancelToken cancel;
    Fetcher fetcher(options_, prefix_, runtime_, &cancel);
    ReadRequest request;
    Paginator paginator(options_, fetcher, request);
    Fetched fetched = fetcher.Get(paginator.First());
    json::RecordsBuilder builder(RecordsOptionsFor(options_, request));
    if (!fetched.stop) builder.Add(*fetched.page, options_.data_path);
    (void)builder.Take();
    return builder.sent_schema();
  }

  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override {
    return std::make_unique<ProducerStream>(
        std::make_unique<RestProducer>(options_, prefix_, runtime_, request), prefix_, context.cancel);
  }

  IncrementalSupport SupportsIncremental() const override {
    return options_.incremental_param.empty() ? IncrementalSupport::kEngineFilter
                                              : IncrementalSupport::kPushdown;
  }
  ObjectMode Objects() const override { return ObjectMode::kSingle; }

 private:
  RestRuntime runtime_;
  RestOptions options_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<Source> MakeRestSource(RestRuntime runtime) {
  return std::make_unique<RestSource>(runtime);
}

}  // namespace sqlflow::connectors::rest
