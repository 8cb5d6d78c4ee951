// sqlflow-mockd <mock> [--scenario file.json] [--port-file f] [--log requests.jsonl] [--https --cert-dir d]
// Serves the named mock on 127.0.0.1 (a free port, written to --port-file once listening) until SIGINT or
// SIGTERM. With --https a self-signed certificate for 127.0.0.1 is generated into --cert-dir (cert.pem,
// key.pem) so that clients can pass it as their CA file.
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "plugins.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace sqlflow::mockd;
  if (argc < 2 || Plugins().count(argv[1]) == 0) {
    std::cerr
        << "usage: sqlflow-mockd <rest|sheets|shopify> [--scenario f.json] [--port-file f] [--log f.jsonl] "
           "[--https --cert-dir d]\n";
    return 2;
  }
  const std::string plugin(argv[1]);
  std::string scenario_file, port_file, log_file, cert_dir;
  bool https = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() { return std::string(i + 1 < argc ? argv[++i] : ""); };
    if (arg == "--scenario")
      scenario_file = next();
    else if (arg == "--port-file")
      port_file = next();
    else if (arg == "--log")
      log_file = next();
    else if (arg == "--https")
      https = true;
    else if (arg == "--cert-dir")
      cert_dir = next();
    else {
      std::cerr << "sqlflow-mockd: unknown argument '" << arg << "'\n";
      return 2;
    }
  }
  Json scenario = Json::object();
  if (!scenario_file.empty()) {
    std::ifstream in(scenario_file);
    if (!in) {
      std::cerr << "sqlflow-mockd: cannot read " << scenario_file << "\n";
      return 2;
    }
    scenario = Json::parse(in);
  }
  ServerOptions options;
  if (https) {
    if (cert_dir.empty()) cert_dir = ".";
    if (!MakeCertificate(cert_dir, &options.cert_file, &options.key_file)) {
      std::cerr << "sqlflow-mockd: openssl could not make a certificate in " << cert_dir << "\n";
      return 1;
    }
    options.https = true;
  }
  MockServer server(options);
  Configure(server, plugin, scenario);
  if (!log_file.empty()) server.log().StreamTo(log_file);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const int port = server.Start();
  if (port <= 0) {
    std::cerr << "sqlflow-mockd: cannot bind 127.0.0.1\n";
    return 1;
  }
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << port << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  std::cout << "sqlflow-mockd " << plugin << " listening on " << server.BaseUrl() << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.Stop();
  return 0;
}
