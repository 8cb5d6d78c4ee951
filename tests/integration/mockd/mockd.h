// sqlflow-mockd: loopback servers speaking the subset of real HTTP APIs that the network connectors use
// (CONNECTORS.md §4.2). One MockServer owns a cpp-httplib server (plain or TLS) bound to 127.0.0.1 on a free
// port, a request log and a list of scripted faults; API plug-ins (rest today; sheets, shopify later) add
// their routes to it. The same code runs in-process in gtest and behind the `sqlflow-mockd` command.
//
// Every request is logged on arrival (method, path, raw query, decoded parameters, headers, body, arrival
// time) before routing, so tests assert counts, parameters and spacing even for requests a fault answered;
// the status of the answer is added once it was written (a 429 of an emulated rate limit shows there).
// The log keeps secrets (Authorization headers, tokens) on purpose: tests assert what was sent where. It is a
// test artefact and never part of product output.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sqlflow::mockd {

using Json = nlohmann::ordered_json;

struct LoggedRequest {
  int64_t index = 0;  // arrival order, from 0
  double t = 0;       // seconds since the server started (steady clock)
  std::string method;
  std::string path;                                // decoded path
  std::string query;                               // raw query string as sent (percent-encoding kept)
  std::multimap<std::string, std::string> params;  // decoded query parameters
  std::map<std::string, std::string> headers;      // lower-case names (the last value of repeated ones)
  std::string body;
  std::string fault;  // name of the fault that answered it ("" = the API did)
  int status = 0;     // HTTP status of the answer, set once it was written (0 = not answered yet)

  std::string Param(const std::string& name) const;   // first value or ""
  std::string Header(const std::string& name) const;  // lower-case name; "" when absent
  Json ToJson() const;
};

// Thread-safe request log.
class RequestLog {
 public:
  void Add(LoggedRequest request);
  std::vector<LoggedRequest> All() const;
  // Requests whose path equals `path` (all when empty).
  std::vector<LoggedRequest> ForPath(const std::string& path) const;
  size_t size() const;
  void Clear();
  // Records the status of request `index` once its answer was written, and then streams it.
  void Answered(int64_t index, int status);
  // One JSON object per line, appended to `file` when a request has been answered (so with its status; `t`
  // stays the arrival time).
  void StreamTo(const std::string& file);

 private:
  mutable std::mutex mutex_;
  std::vector<LoggedRequest> requests_;
  std::string stream_file_;
};

// A scripted fault: answers matching requests instead of the API, `times` times (-1 = always).
//   {"path": "/api/page", "query": {"page": "3"}, "times": 3, "status": 503, "body": "upstream",
//    "headers": {"Retry-After": "2"}, "delay_ms": 0, "kind": "status"}
// kind: "status" (default: answer with status/headers/body), "delay" (sleep delay_ms, then let the API
// answer), "invalid_json" (200 with a broken JSON body), "truncate" (200, Content-Length of the real answer
// but only half the body, then the connection is closed), "stall" (sleep delay_ms before the API answers;
// same as delay, named for readability).
struct Fault {
  std::string name;
  std::string method;  // "" = any
  std::string path;    // exact path, or a prefix when it ends with '*'
  std::map<std::string, std::string>
      query;  // every listed parameter must have this (decoded) value; "*": any
  int times = 1;
  std::string kind = "status";
  int status = 503;
  std::map<std::string, std::string> headers;
  std::string body;
  int delay_ms = 0;

  static Fault FromJson(const Json& json);
  bool Matches(const LoggedRequest& request) const;
};

struct ServerOptions {
  bool https = false;
  std::string cert_file;  // PEM, required with https
  std::string key_file;
  // cpp-httplib gzips JSON answers when the client accepts it; on loopback that only costs time (and makes
  // the benchmark compare different bytes), so mocks answer uncompressed unless a test asks for it.
  bool compress = false;
};

class MockServer;

// An API plug-in: registers its routes and reads its part of the scenario.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual std::string Name() const = 0;
  virtual void Install(MockServer& server) = 0;
};

class MockServer {
 public:
  explicit MockServer(ServerOptions options = {});
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Installs a plug-in (before Start).
  void Add(std::shared_ptr<Plugin> plugin);
  // Binds 127.0.0.1 on a free port and serves on a background thread; returns the port once running.
  int Start();
  void Stop();

  int port() const { return port_; }
  std::string BaseUrl() const;  // http(s)://127.0.0.1:<port>
  RequestLog& log() { return log_; }
  httplib::Server& http() { return *server_; }

  void AddFault(Fault fault);
  void ClearFaults();

  // Route registration for plug-ins (pattern: cpp-httplib regex).
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  void Get(const std::string& pattern, Handler handler);
  void Post(const std::string& pattern, Handler handler);

  double Now() const;  // seconds since construction

 private:
  bool Prerouting(const httplib::Request& request, httplib::Response& response);
  std::optional<Fault> TakeFault(const LoggedRequest& request);

  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
  std::thread thread_;
  int port_ = 0;
  std::chrono::steady_clock::time_point started_;
  RequestLog log_;
  std::mutex faults_mutex_;
  std::vector<Fault> faults_;
  std::atomic<int64_t> next_index_{0};
  std::atomic<bool> stopping_{false};  // set before stopping so that scripted delays end at once
};

// Writes a self-signed certificate for 127.0.0.1/localhost (openssl CLI) into `dir`; returns false on
// failure.
bool MakeCertificate(const std::string& dir, std::string* cert_file, std::string* key_file);

// The HTTP reason phrase of a status ("Service Unavailable").
std::string ReasonPhrase(int status);

}  // namespace sqlflow::mockd
