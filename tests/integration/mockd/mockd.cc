#include "mockd.h"

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sqlflow::mockd {

namespace {
// Index of the request the current worker thread is serving (-1 = none).
thread_local int64_t t_request_index = -1;
}  // namespace

std::string LoggedRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

std::string LoggedRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Json LoggedRequest::ToJson() const {
  Json json = {{"index", index}, {"t", t}, {"method", method}, {"path", path}, {"query", query}};
  json["params"] = Json::object();
  for (const auto& [k, v] : params) json["params"][k] = v;
  json["headers"] = headers;
  json["body"] = body;
  if (!fault.empty()) json["fault"] = fault;
  if (status != 0) json["status"] = status;
  return json;
}

void RequestLog::Add(LoggedRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(std::move(request));
}

void RequestLog::Answered(int64_t index, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Recent requests are at the end (Clear() may have dropped older ones).
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    if (it->index != index) continue;
    it->status = status;
    if (!stream_file_.empty()) {
      std::ofstream out(stream_file_, std::ios::app);
      out << it->ToJson().dump() << "\n";
    }
    return;
  }
}

std::vector<LoggedRequest> RequestLog::All() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<LoggedRequest> RequestLog::ForPath(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LoggedRequest> out;
  for (const auto& request : requests_)
    if (path.empty() || request.path == path) out.push_back(request);
  return out;
}

size_t RequestLog::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}

void RequestLog::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.clear();
}

void RequestLog::StreamTo(const std::string& file) {
  std::lock_guard<std::mutex> lock(mutex_);
  stream_file_ = file;
}

Fault Fault::FromJson(const Json& json) {
  Fault fault;
  fault.name = json.value("name", std::string());
  fault.method = json.value("method", std::string());
  fault.path = json.value("path", std::string());
  if (json.contains("query"))
    for (const auto& [k, v] : json["query"].items())
      fault.query[k] = v.is_string() ? v.get<std::string>() : v.dump();
  fault.times = json.value("times", 1);
  fault.kind = json.value("kind", std::string("status"));
  fault.status = json.value("status", 503);
  if (json.contains("headers"))
    for (const auto& [k, v] : json["headers"].items()) fault.headers[k] = v.get<std::string>();
  fault.body = json.value("body", std::string());
  fault.delay_ms = json.value("delay_ms", 0);
  if (fault.name.empty()) fault.name = fault.kind + " " + std::to_string(fault.status);
  return fault;
}

bool Fault::Matches(const LoggedRequest& request) const {
  if (!method.empty() && method != request.method) return false;
  if (!path.empty()) {
    if (path.back() == '*') {
      if (request.path.compare(0, path.size() - 1, path, 0, path.size() - 1) != 0) return false;
    } else if (path != request.path) {
      return false;
    }
  }
  for (const auto& [k, v] : query) {
    bool found = false;
    auto range = request.params.equal_range(k);
    for (auto it = range.first; it != range.second; ++it) found = found || v == "*" || it->second == v;
    if (!found) return false;
  }
  return true;
}

MockServer::MockServer(ServerOptions options) : options_(std::move(options)) {
  started_ = std::chrono::steady_clock::now();
  if (options_.https) {
    server_ = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  server_->set_keep_alive_max_count(100000);
  server_->set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    return Prerouting(request, response) ? httplib::Server::HandlerResponse::Handled
                                         : httplib::Server::HandlerResponse::Unhandled;
  });
  // cpp-httplib calls the logger on the worker thread that ran the pre-routing handler, after writing the
  // answer; the thread-local index ties the two together.
  server_->set_logger([this](const httplib::Request&, const httplib::Response& response) {
    if (t_request_index >= 0) log_.Answered(t_request_index, response.status);
    t_request_index = -1;
  });
}

MockServer::~MockServer() {
  Stop();
}

void MockServer::Add(std::shared_ptr<Plugin> plugin) {
  plugin->Install(*this);
  plugins_.push_back(std::move(plugin));
}

int MockServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return -1;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return port_;
}

void MockServer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string MockServer::BaseUrl() const {
  return std::string(options_.https ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void MockServer::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(faults_mutex_);
  faults_.push_back(std::move(fault));
}

void MockServer::ClearFaults() {
  std::lock_guard<std::mutex> lock(faults_mutex_);
  faults_.clear();
}

void MockServer::Get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, std::move(handler));
}
void MockServer::Post(const std::string& pattern, Handler handler) {
  server_->Post(pattern, std::move(handler));
}

double MockServer::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::optional<Fault> MockServer::TakeFault(const LoggedRequest& request) {
  std::lock_guard<std::mutex> lock(faults_mutex_);
  for (auto& fault : faults_) {
    if (fault.times == 0 || !fault.Matches(request)) continue;
    if (fault.times > 0) --fault.times;
    return fault;
  }
  return std::nullopt;
}

namespace {

// Sleeps in small steps so that Stop() is not held up by a long scripted delay.
void SleepUnlessStopped(const std::atomic<bool>& stopping, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until && !stopping.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

// Logs the request, then answers it with a scripted fault when one matches.
bool MockServer::Prerouting(const httplib::Request& request, httplib::Response& response) {
  LoggedRequest logged;
  logged.index = next_index_++;
  logged.t = Now();
  logged.method = request.method;
  logged.path = request.path;
  const auto q = request.target.find('?');
  if (q != std::string::npos) logged.query = request.target.substr(q + 1);
  for (const auto& [k, v] : request.params) logged.params.emplace(k, v);
  for (const auto& [k, v] : request.headers) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    logged.headers[name] = v;
  }
  logged.body = request.body;
  if (!options_.compress) {
    // The server decides on compression from the request's Accept-Encoding after the handler ran.
    auto& headers = const_cast<httplib::Request&>(request).headers;
    headers.erase("Accept-Encoding");
  }
  std::optional<Fault> fault = TakeFault(logged);
  if (fault) logged.fault = fault->name;
  t_request_index = logged.index;
  log_.Add(logged);
  if (!fault) return false;

  if (fault->kind == "delay" || fault->kind == "stall") {
    SleepUnlessStopped(stopping_, fault->delay_ms);
    return false;  // the API answers after the delay
  }
  for (const auto& [k, v] : fault->headers) response.set_header(k, v);
  if (fault->kind == "invalid_json") {
    response.status = 200;
    response.set_content(
        fault->body.empty() ? "{\"data\": [{\"id\": 1, \"name\": \"broken\"}, {\"id\": 2,, }" : fault->body,
        "application/json");
    return true;
  }
  if (fault->kind == "truncate") {
    // Announces twice the bytes it sends, then closes the connection (optionally after stalling).
    const std::string part = fault->body.empty() ? "{\"data\": [{\"id\": 1, \"name\": \"trunc" : fault->body;
    const int delay = fault->delay_ms;
    const std::atomic<bool>* stopping = &stopping_;
    response.status = 200;
    response.set_content_provider(part.size() * 2, "application/json",
                                  [part, delay, stopping](size_t offset, size_t, httplib::DataSink& sink) {
                                    if (offset == 0) {
                                      sink.write(part.data(), part.size());
                                      return true;
                                    }
                                    SleepUnlessStopped(*stopping, delay);
                                    return false;
                                  });
    return true;
  }
  if (fault->delay_ms > 0) SleepUnlessStopped(stopping_, fault->delay_ms);
  response.status = fault->status;
  response.set_content(fault->body, "text/plain");
  return true;
}

bool MakeCertificate(const std::string& dir, std::string* cert_file, std::string* key_file) {
  std::filesystem::create_directories(dir);
  *cert_file = dir + "/cert.pem";
  *key_file = dir + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + *key_file + "' -out '" + *cert_file +
      "' -days 2 -subj /CN=127.0.0.1 -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0 && std::filesystem::exists(*cert_file);
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace sqlflow::mockd
