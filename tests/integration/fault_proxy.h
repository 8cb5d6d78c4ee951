// faultproxy (CONNECTORS.md §4.2): a loopback TCP forwarder placed between a connector and its server that
// can cut a connection after N bytes from the client, or right after the client sends COMMIT, chosen per
// connection index. Test utility; one thread per connection.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sqlflow::testing {

class FaultProxy {
 public:
  struct Rule {
    int64_t cut_after_client_bytes = -1;  // forward this many client bytes, then drop both sides
    bool cut_after_commit = false;        // forward a client message containing COMMIT, then drop the client
  };

  // Listens on 127.0.0.1 (a free port) and forwards to target_host:target_port.
  FaultProxy(std::string target_host, int target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  // The rule for the connection with this 0-based index (connections without a rule pass through).
  void SetRule(int connection_index, Rule rule);
  int connections() const { return accepted_.load(); }
  int cuts() const { return cuts_.load(); }

 private:
  void AcceptLoop();
  void Serve(int client, int index);

  std::string target_host_;
  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> cuts_{0};
  std::mutex mutex_;
  std::map<int, Rule> rules_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace sqlflow::testing
