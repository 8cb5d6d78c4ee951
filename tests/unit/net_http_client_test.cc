// CurlHttpClient against real loopback servers (cpp-httplib): methods, headers, gzip, the size cap, streaming
// bodies both ways, redirects and credentials, timeouts and the stall rule, refused connections,
// cancellation from another thread, TLS with a certificate made at test time, and URL redaction.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/error.h"
#include "sqlflow/net/clock.h"
#include "sqlflow/net/http_client.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::net {
namespace {

namespace fs = std::filesystem;

constexpr int kClosedPort = 18099;  // in this helper's port range; nothing listens on it

struct Seen {
  std::string method;
  std::string path;
  httplib::Headers headers;
  std::string body;
};

// A loopback server on a free port, started in a thread; every request is logged. Handlers that stall wait
// in short slices until the test ends, so the server stops promptly.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
      : server_(std::move(server)) {
    server_->set_logger([this](const httplib::Request& request, const httplib::Response&) {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back({request.method, request.path, request.headers, request.body});
    });
  }
  ~LoopbackServer() {
    releasing_ = true;
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& server() { return *server_; }
  void Start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string Url(const std::string& path, const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  // The requests logged so far, after waiting (up to 2 s) for at least `at_least`: the server logs a request
  // after it has sent the response, so the client can be faster than the log.
  std::vector<Seen> seen(size_t at_least) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (seen_.size() >= at_least || std::chrono::steady_clock::now() > until) return seen_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Sleeps up to `seconds`, returning early when the server is going away.
  void Stall(double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!releasing_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<Seen> seen_;
  std::atomic<bool> releasing_{false};
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

HttpRequest Get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

ErrorKind KindOf(const std::function<void()>& fn, std::string* message = nullptr,
                 std::string* hint = nullptr) {
  try {
    fn();
  } catch (const Error& error) {
    if (message) *message = error.what();
    if (hint) *hint = error.hint();
    return error.kind();
  }
  return ErrorKind::kOk;
}

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("sqlflow-net-test-" + name + "-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

TEST(NetHttp, GetAndPostWithHeaders) {
  LoopbackServer s;
  s.server().Get("/items", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("X-Request-Id", "abc-1");
    response.set_content("page=" + request.get_param_value("page"), "text/plain");
  });
  s.server().Post("/items", [](const httplib::Request& request, httplib::Response& response) {
    response.status = 201;
    response.set_content("got " + request.body, "application/json");
  });
  s.Start();
  CurlHttpClient client({});
  HttpRequest get = Get(s.Url("/items?page=3"));
  get.headers.Add("X-Custom", "yes");
  HttpResponse response = client.Send(get);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "page=3");
  EXPECT_EQ(response.headers.Value("x-request-id"), "abc-1");  // case-insensitive
  EXPECT_EQ(response.headers.Value("X-REQUEST-ID"), "abc-1");

  HttpRequest post = Get(s.Url("/items"));
  post.method = "POST";
  post.body = R"({"a":1})";
  post.headers.Add("Content-Type", "application/json");
  response = client.Send(post);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"(got {"a":1})");

  const auto seen = s.seen(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].headers.find("X-Custom")->second, "yes");
  EXPECT_EQ(seen[0].headers.find("User-Agent")->second, UserAgent());
  EXPECT_EQ(UserAgent(), std::string("sqlflow/") + SQLFLOW_VERSION);
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_EQ(seen[1].body, R"({"a":1})");
}

TEST(NetHttp, HeadAndDeleteAndTheVerboseRequestLog) {
  LoopbackServer s;
  s.server().Get("/thing", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("0123456789", "application/octet-stream");  // not compressed
  });
  s.server().Delete("/thing",
                    [](const httplib::Request&, httplib::Response& response) { response.status = 204; });
  s.Start();
  CurlHttpClient client({});
  HttpRequest head = Get(s.Url("/thing"));
  head.method = "HEAD";
  const HttpResponse head_response = client.Send(head);
  EXPECT_EQ(head_response.status, 200);
  EXPECT_EQ(head_response.headers.Value("content-length"), "10");
  EXPECT_TRUE(head_response.body.empty());

  const Verbosity saved = Console::Get().verbosity();
  Console::Get().set_verbosity(Verbosity::kVerbose);
  ::testing::internal::CaptureStderr();
  HttpRequest del = Get(s.Url("/thing?token=abc123"));
  del.method = "DELETE";
  del.attempt = 2;
  const int status = client.Send(del).status;
  const std::string log = ::testing::internal::GetCapturedStderr();
  Console::Get().set_verbosity(saved);
  EXPECT_EQ(status, 204);
  EXPECT_NE(log.find("DELETE " + s.Url("/thing?token=***") + " -> 204, 0 bytes, "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms (attempt 2)\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("abc123"), std::string::npos) << log;
  const auto seen = s.seen(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "HEAD");
  EXPECT_EQ(seen[1].method, "DELETE");
}

TEST(NetHttp, NonSuccessStatusesAreReturnedAndTurnedIntoClassifiedErrors) {
  LoopbackServer s;
  s.server().Get("/busy", [](const httplib::Request&, httplib::Response& response) {
    response.status = 503;
    response.set_header("Retry-After", "2");
    response.set_content(std::string(300, 'x'), "text/plain");
  });
  s.Start();
  CurlHttpClient client({});
  const HttpRequest request = Get(s.Url("/busy?api_key=s3cr3t&page=1"));
  const HttpResponse response = client.Send(request);
  EXPECT_EQ(response.status, 503);
  const AttemptError error = HttpStatusError(request, response);
  EXPECT_EQ(error.kind(), ErrorKind::kThrottled);  // 503 with Retry-After
  EXPECT_EQ(error.retry_after(), "2");
  EXPECT_EQ(error.cause(), "HTTP 503");
  EXPECT_EQ(std::string(error.what()), "GET " + s.Url("/busy?api_key=***&page=1") +
                                           " failed: HTTP 503 Service Unavailable, body \"" +
                                           std::string(200, 'x') + "...\"");
}

TEST(NetHttp, GzipBodiesAreDecoded) {
  LoopbackServer s;
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  s.server().Get("/big.txt", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(text, "text/plain");
  });
  s.Start();
  CurlHttpClient client({});
  const HttpResponse response = client.Send(Get(s.Url("/big.txt")));
  EXPECT_EQ(response.body, text);
  // The server picks the compression among those offered (brotli is preferred by cpp-httplib when offered).
  const std::string encoding = response.headers.Value("Content-Encoding");
  EXPECT_TRUE(encoding == "gzip" || encoding == "br") << encoding;
  const auto seen = s.seen(1);
  ASSERT_EQ(seen.size(), 1u);
  const std::string accepted = seen[0].headers.find("Accept-Encoding")->second;
  EXPECT_NE(accepted.find("gzip"), std::string::npos) << accepted;
  EXPECT_NE(accepted.find("deflate"), std::string::npos) << accepted;
}

TEST(NetHttp, ResponsesOverTheSizeCapFailClearly) {
  LoopbackServer s;
  s.server().Get("/huge", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(2 << 20, 'a'), "application/octet-stream");
  });
  s.Start();
  HttpClientOptions options;
  options.max_response_mb = 1;
  CurlHttpClient client(options);
  std::string message, hint;
  EXPECT_EQ(KindOf([&] { client.Send(Get(s.Url("/huge"))); }, &message, &hint), ErrorKind::kProtocolError);
  EXPECT_EQ(message, "GET " + s.Url("/huge") + " failed: response larger than max_response_mb (1 MiB)");
  EXPECT_NE(hint.find("max_response_mb"), std::string::npos);
  // A streamed body has no cap: it goes to the sink.
  int64_t streamed = 0;
  HttpRequest request = Get(s.Url("/huge"));
  request.body_sink = [&](std::string_view piece) { streamed += static_cast<int64_t>(piece.size()); };
  EXPECT_EQ(client.Send(request).status, 200);
  EXPECT_EQ(streamed, 2 << 20);
}

TEST(NetHttp, StreamsBodiesToASinkAndUploadsFromAFile) {
  LoopbackServer s;
  std::string stored;
  s.server().Put("/object", [&](const httplib::Request& request, httplib::Response& response) {
    stored = request.body;
    response.set_content(std::to_string(request.body.size()), "text/plain");
  });
  s.server().Get("/object", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(stored, "application/octet-stream");
  });
  s.Start();
  const fs::path dir = TempDir("stream");
  std::string data;
  for (int i = 0; i < 300000; ++i) data += static_cast<char>('a' + i % 26);
  { std::ofstream(dir / "up.bin", std::ios::binary) << data; }

  CurlHttpClient client({});
  HttpRequest put = Get(s.Url("/object"));
  put.method = "PUT";
  put.body_file = (dir / "up.bin").string();
  put.body_file_offset = 1000;
  put.body_length = 200000;
  const HttpResponse put_response = client.Send(put);
  EXPECT_EQ(put_response.status, 200);
  EXPECT_EQ(put_response.body, "200000");
  EXPECT_EQ(stored, data.substr(1000, 200000));

  std::ofstream out(dir / "down.bin", std::ios::binary);
  HttpRequest get = Get(s.Url("/object"));
  get.body_sink = [&](std::string_view piece) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  };
  const HttpResponse get_response = client.Send(get);
  out.close();
  EXPECT_EQ(get_response.status, 200);
  EXPECT_TRUE(get_response.body.empty());
  EXPECT_EQ(get_response.body_bytes, 200000);
  std::ifstream in(dir / "down.bin", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), data.substr(1000, 200000));
  fs::remove_all(dir);
}

TEST(NetHttp, SinkErrorsAbortTheTransferAndPropagate) {
  LoopbackServer s;
  s.server().Get("/data", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(100000, 'z'), "application/octet-stream");
  });
  s.Start();
  CurlHttpClient client({});
  HttpRequest request = Get(s.Url("/data"));
  request.body_sink = [](std::string_view) { throw Error(ErrorKind::kDataError, "disk full"); };
  std::string message;
  EXPECT_EQ(KindOf([&] { client.Send(request); }, &message), ErrorKind::kDataError);
  EXPECT_EQ(message, "disk full");
}

TEST(NetHttp, RedirectToAnotherHostDropsCredentials) {
  LoopbackServer other;
  other.server().Get("/landing", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("landed", "text/plain");
  });
  other.Start();
  LoopbackServer origin;
  origin.server().Get("/start", [&](const httplib::Request&, httplib::Response& response) {
    response.set_redirect(other.Url("/landing"), 302);
  });
  origin.Start();
  CurlHttpClient client({});
  HttpRequest request = Get(origin.Url("/start"));
  request.headers.Add("Authorization", "Bearer tok-123");
  request.headers.Add("X-Api-Key", "key-456");
  request.headers.Add("Cookie", "session=789");
  request.headers.Add("X-Trace", "keep-me");
  request.headers.Add("X-Shop-Token", "tok-not-listed");  // secret by its name alone
  request.credential_headers = {"X-Api-Key"};
  const HttpResponse response = client.Send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "landed");
  EXPECT_EQ(response.url, other.Url("/landing"));
  const auto at_origin = origin.seen(1);
  ASSERT_EQ(at_origin.size(), 1u);
  EXPECT_EQ(at_origin[0].headers.count("Authorization"), 1u);
  const auto at_other = other.seen(1);
  ASSERT_EQ(at_other.size(), 1u);
  EXPECT_EQ(at_other[0].headers.count("Authorization"), 0u);
  EXPECT_EQ(at_other[0].headers.count("X-Api-Key"), 0u);
  EXPECT_EQ(at_other[0].headers.count("Cookie"), 0u);
  EXPECT_EQ(at_other[0].headers.count("X-Shop-Token"), 0u);
  EXPECT_EQ(at_other[0].headers.find("X-Trace")->second, "keep-me");
}

TEST(NetHttp, BasicAuthIsSentToTheOriginOnlyNeverAfterACrossOriginRedirect) {
  LoopbackServer other;
  other.server().Get("/elsewhere", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content("auth=" + request.get_header_value("Authorization"), "text/plain");
  });
  other.Start();
  LoopbackServer origin;
  origin.server().Get("/me", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.get_header_value("Authorization"), "text/plain");
  });
  origin.server().Get("/away", [&](const httplib::Request&, httplib::Response& response) {
    response.set_redirect(other.Url("/elsewhere"), 307);
  });
  origin.Start();
  CurlHttpClient client({});
  HttpRequest request = Get(origin.Url("/me"));
  request.auth = HttpAuthScheme::kBasic;
  request.username = "etl";
  request.password = "pw-123";
  EXPECT_EQ(client.Send(request).body, "Basic ZXRsOnB3LTEyMw==");  // base64("etl:pw-123")
  request.url = origin.Url("/away");
  EXPECT_EQ(client.Send(request).body, "auth=");
}

TEST(NetHttp, SameHostRedirectKeepsCredentialsAndLoopsAreBounded) {
  LoopbackServer s;
  s.server().Get("/old", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect("/new", 301);
  });
  s.server().Get("/new", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.get_header_value("Authorization"), "text/plain");
  });
  s.server().Get(R"(/loop/(\d+))", [](const httplib::Request& request, httplib::Response& response) {
    response.set_redirect("/loop/" + std::to_string(std::stoi(request.matches[1]) + 1), 307);
  });
  s.Start();
  CurlHttpClient client({});
  HttpRequest request = Get(s.Url("/old"));
  request.headers.Add("Authorization", "Bearer tok-123");
  EXPECT_EQ(client.Send(request).body, "Bearer tok-123");

  std::string message;
  EXPECT_EQ(KindOf([&] { client.Send(Get(s.Url("/loop/0"))); }, &message), ErrorKind::kProtocolError);
  EXPECT_EQ(message,
            "GET " + s.Url("/loop/0") + " failed: more than 5 redirects (last to " + s.Url("/loop/6") + ")");
  // Not following: the 3xx comes back as is.
  HttpRequest no_follow = Get(s.Url("/old"));
  no_follow.follow_redirects = false;
  EXPECT_EQ(client.Send(no_follow).status, 301);
}

TEST(NetHttp, SlowHeadersHitTheRequestTimeout) {
  LoopbackServer s;
  s.server().Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    s.Stall(3);
    response.set_content("late", "text/plain");
  });
  s.Start();
  HttpClientOptions options;
  options.timeout_seconds = 0.5;
  CurlHttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  EXPECT_EQ(KindOf([&] { client.Send(Get(s.Url("/slow"))); }, &message), ErrorKind::kTimeout);
  EXPECT_LT(Seconds(start), 2.0);
  EXPECT_EQ(message.rfind("GET " + s.Url("/slow") + " failed: ", 0), 0u) << message;
}

// A body that trickles in slower than the total limit but never pauses for timeout_seconds passes the stall
// rule; a body that stops fails it.
TEST(NetHttp, StallRuleForBodies) {
  LoopbackServer s;
  s.server().Get("/trickle", [](const httplib::Request&, httplib::Response& response) {
    response.set_chunked_content_provider("application/octet-stream",
                                          [](size_t offset, httplib::DataSink& sink) {
                                            if (offset >= 8) {
                                              sink.done();
                                              return true;
                                            }
                                            std::this_thread::sleep_for(std::chrono::milliseconds(200));
                                            sink.write("x", 1);
                                            return true;
                                          });
  });
  s.server().Get("/stops", [&](const httplib::Request&, httplib::Response& response) {
    response.set_chunked_content_provider("application/octet-stream",
                                          [&](size_t offset, httplib::DataSink& sink) {
                                            if (offset > 0) s.Stall(5);
                                            sink.write("0123456789", 10);
                                            return true;
                                          });
  });
  s.Start();
  HttpClientOptions options;
  options.timeout_seconds = 0.6;
  CurlHttpClient client(options);
  HttpRequest trickle = Get(s.Url("/trickle"));
  trickle.stall_timeout = true;
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response = client.Send(trickle);
  EXPECT_EQ(response.body, "xxxxxxxx");
  EXPECT_GT(Seconds(start), 1.2);  // longer than timeout_seconds in total

  HttpRequest stops = Get(s.Url("/stops"));
  stops.stall_timeout = true;
  std::string message;
  const auto stop_start = std::chrono::steady_clock::now();
  EXPECT_EQ(KindOf([&] { client.Send(stops); }, &message), ErrorKind::kTimeout);
  EXPECT_LT(Seconds(stop_start), 2.5);
  EXPECT_EQ(message, "GET " + s.Url("/stops") + " failed: no data received for 0.6 s (stalled)");
}

TEST(NetHttp, RefusedConnectionIsTransient) {
  CurlHttpClient client({});
  const std::string url = "http://127.0.0.1:" + std::to_string(kClosedPort) + "/x?token=abc123";
  std::string message;
  EXPECT_EQ(KindOf([&] { client.Send(Get(url)); }, &message), ErrorKind::kTransient);
  EXPECT_EQ(message.rfind("GET http://127.0.0.1:" + std::to_string(kClosedPort) + "/x?token=*** failed: ", 0),
            0u)
      << message;
  EXPECT_EQ(message.find("abc123"), std::string::npos);
}

TEST(NetHttp, CancellationFromAnotherThreadAbortsAStalledRequest) {
  LoopbackServer s;
  s.server().Get("/stall", [&](const httplib::Request&, httplib::Response& response) {
    s.Stall(10);
    response.set_content("late", "text/plain");
  });
  s.Start();
  CancelToken cancel;
  HttpClientOptions options;
  options.timeout_seconds = 30;
  options.cancel = &cancel;
  CurlHttpClient client(options);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  const ErrorKind kind = KindOf([&] { client.Send(Get(s.Url("/stall"))); }, &message);
  const double elapsed = Seconds(start);
  canceller.join();
  EXPECT_EQ(kind, ErrorKind::kCancelled);
  EXPECT_EQ(message, "GET " + s.Url("/stall") + " failed: cancelled");
  EXPECT_GE(elapsed, 0.45);
  EXPECT_LT(elapsed, 1.5);
  // A cancelled token stops the next request before it starts.
  EXPECT_EQ(KindOf([&] { client.Send(Get(s.Url("/stall"))); }), ErrorKind::kCancelled);
}

TEST(NetHttp, CancellationAlsoStopsTheRetryLoop) {
  LoopbackServer s;
  s.server().Get("/down",
                 [](const httplib::Request&, httplib::Response& response) { response.status = 503; });
  s.Start();
  CancelToken cancel;
  HttpClientOptions options;
  options.cancel = &cancel;
  CurlHttpClient client(options);
  RetryPolicy policy;
  policy.options.max_retries = 5;
  policy.options.retry_delay = 10;  // a real 10 s wait that the cancel must cut short
  policy.options.retry_jitter = 0;
  policy.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const HttpRequest request = Get(s.Url("/down"));
  const ErrorKind kind = KindOf([&] {
    RunWithRetry(policy, "GET " + RedactUrl(request.url),
                 [&](int) { ThrowUnlessSuccess(request, client.Send(request)); });
  });
  canceller.join();
  EXPECT_EQ(kind, ErrorKind::kCancelled);
  EXPECT_LT(Seconds(start), 1.5);
}

// The retry loop around real requests, on a fake clock: a page that fails twice is fetched three times with
// the exact backoff; a malformed 2xx body found by `check` is retried like a 503; a 404 is not retried.
TEST(NetHttpRetry, SendWithRetryRetriesStatusesAndBadBodies) {
  LoopbackServer s;
  std::atomic<int> calls{0};
  s.server().Get("/page", [&](const httplib::Request&, httplib::Response& response) {
    const int n = ++calls;
    if (n <= 2) {
      response.status = 503;
      response.set_content("upstream timeout", "text/plain");
    } else if (n == 3) {
      response.set_content("{\"truncated\":", "application/json");
    } else {
      response.set_content("{\"ok\":true}", "application/json");
    }
  });
  s.server().Get("/missing",
                 [](const httplib::Request&, httplib::Response& response) { response.status = 404; });
  s.Start();
  FakeClock clock;
  RetryPolicy policy;
  policy.options.max_retries = 3;
  policy.options.retry_delay = 1;
  policy.options.retry_jitter = 0;
  policy.clock = &clock;
  policy.sleeper = &clock;
  CurlHttpClient client({});
  const HttpResponse response =
      SendWithRetry(client, policy, Get(s.Url("/page?access_token=xyz")), [](const HttpResponse& r) {
        if (r.body.back() != '}')
          throw AttemptError(ErrorKind::kTransient, "truncated JSON body", "truncated body");
      });
  EXPECT_EQ(response.body, "{\"ok\":true}");
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{1, 2, 4}));

  clock.ClearSleeps();
  policy.prefix = "REST source 'users'";
  std::string message;
  EXPECT_EQ(KindOf([&] { SendWithRetry(client, policy, Get(s.Url("/missing?api_key=k1"))); }, &message),
            ErrorKind::kNotFound);
  EXPECT_EQ(message,
            "REST source 'users': GET " + s.Url("/missing?api_key=***") + " failed: HTTP 404 Not Found");
  EXPECT_TRUE(clock.sleeps().empty());
}

// Real time (CONNECTORS.md §4.1): a Retry-After of 1 s is waited out even with a tiny retry_delay.
TEST(NetHttpRetry, RetryAfterIsHonouredInRealTime) {
  LoopbackServer s;
  std::atomic<int> calls{0};
  std::vector<double> at;
  std::mutex at_mutex;
  const auto start = std::chrono::steady_clock::now();
  s.server().Get("/limited", [&](const httplib::Request&, httplib::Response& response) {
    {
      std::lock_guard<std::mutex> lock(at_mutex);
      at.push_back(Seconds(start));
    }
    if (++calls == 1) {
      response.status = 429;
      response.set_header("Retry-After", "1");
      return;
    }
    response.set_content("ok", "text/plain");
  });
  s.Start();
  RetryPolicy policy;
  policy.options.max_retries = 3;
  policy.options.max_throttle_retries = 3;
  policy.options.retry_delay = 0.05;
  CurlHttpClient client({});
  EXPECT_EQ(SendWithRetry(client, policy, Get(s.Url("/limited"))).body, "ok");
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GE(at[1] - at[0], 1.0);
}

class NetHttps : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("tls");
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl could not make a test certificate";
    auto ssl = std::make_unique<httplib::SSLServer>((dir_ / "cert.pem").c_str(), (dir_ / "key.pem").c_str());
    ASSERT_TRUE(ssl->is_valid());
    server_ = std::make_unique<LoopbackServer>(std::move(ssl));
    server_->server().Get("/secure", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("tls ok", "text/plain");
    });
    server_->Start();
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<LoopbackServer> server_;
};

TEST_F(NetHttps, DefaultVerificationRejectsAnUnknownCertificate) {
  CurlHttpClient client({});
  std::string message, hint;
  EXPECT_EQ(KindOf([&] { client.Send(Get(server_->Url("/secure", "https"))); }, &message, &hint),
            ErrorKind::kInvalidConfig);
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
  EXPECT_NE(hint.find("ca_file"), std::string::npos) << hint;
  EXPECT_NE(hint.find("verify_ssl"), std::string::npos) << hint;
}

TEST_F(NetHttps, CaFileTrustsTheServer) {
  HttpClientOptions options;
  options.ca_file = (dir_ / "cert.pem").string();
  CurlHttpClient client(options);
  EXPECT_EQ(client.Send(Get(server_->Url("/secure", "https"))).body, "tls ok");
}

TEST_F(NetHttps, VerifySslFalseSkipsVerification) {
  HttpClientOptions options;
  options.verify_ssl = false;
  CurlHttpClient client(options);
  EXPECT_EQ(client.Send(Get(server_->Url("/secure", "https"))).body, "tls ok");
}

TEST(NetUrl, RedactMasksSecretQueryValuesAndPasswords) {
  EXPECT_EQ(RedactUrl("https://api.test/v1/users?page=3&api_key=abc&limit=10"),
            "https://api.test/v1/users?page=3&api_key=***&limit=10");
  EXPECT_EQ(RedactUrl("https://h/x?key=k1&token=t&access_token=a&password=p&client_secret=c&sig=s"),
            "https://h/x?key=***&token=***&access_token=***&password=***&client_secret=***&sig=s");
  EXPECT_EQ(RedactUrl("https://b.s3.test/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=AK%2F2026&X-Amz-Signature=ff"
                      "&X-Amz-Security-Token=tt#frag"),
            "https://b.s3.test/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=***&X-Amz-Signature=***"
            "&X-Amz-Security-Token=***#frag");
  EXPECT_EQ(RedactUrl("https://user:hunter2@h/x"), "https://user:***@h/x");
  EXPECT_EQ(RedactUrl("https://h/x"), "https://h/x");
}

TEST(NetUrl, PercentEncodeFollowsRfc3986) {
  EXPECT_EQ(PercentEncode("a/0+k=="), "a%2F0%2Bk%3D%3D");
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b&c"), "a%20b%26c");
  EXPECT_EQ(PercentEncode("dir/ä é.csv", true), "dir/%C3%A4%20%C3%A9.csv");
}

TEST(NetUrl, HostPortUsesTheDefaultPort) {
  EXPECT_EQ(HostPort("https://API.example.com/v1"), "api.example.com:443");
  EXPECT_EQ(HostPort("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
  EXPECT_EQ(HostPort("http://h/x"), "h:80");
  EXPECT_THROW(HostPort("not a url"), Error);
}

}  // namespace
}  // namespace sqlflow::net
