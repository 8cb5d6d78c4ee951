#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace sqlflow::testing {

FaultProxy::FaultProxy(std::string target_host, int target_port)
    : target_host_(std::move(target_host)), target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener_, 16) != 0)
    throw std::runtime_error("faultproxy: cannot listen");
  socklen_t length = sizeof(address);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
}

void FaultProxy::SetRule(int connection_index, Rule rule) {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_[connection_index] = rule;
}

void FaultProxy::AcceptLoop() {
  while (!stop_) {
    pollfd fd{listener_, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    const int index = accepted_++;
    workers_.emplace_back([this, client, index] { Serve(client, index); });
  }
}

void FaultProxy::Serve(int client, int index) {
  Rule rule;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto found = rules_.find(index); found != rules_.end()) rule = found->second;
  }
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(target_port_));
  ::inet_pton(AF_INET, target_host_.c_str(), &address.sin_addr);
  if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(client);
    ::close(server);
    return;
  }
  int64_t client_bytes = 0;
  char buffer[65536];
  bool open = true;
  while (open && !stop_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(fds, 2, 100) <= 0) continue;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      bool cut = false;
      if (rule.cut_after_client_bytes >= 0 && client_bytes + n >= rule.cut_after_client_bytes) {
        n = static_cast<ssize_t>(rule.cut_after_client_bytes - client_bytes);
        cut = true;
      }
      const bool commit =
          rule.cut_after_commit &&
          std::string_view(buffer, static_cast<size_t>(n)).find("COMMIT") != std::string_view::npos;
      if (n > 0 && ::send(server, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
      client_bytes += n;
      if (cut || commit) {
        ++cuts_;
        // The client loses its connection at once; the server gets the forwarded bytes (and so, for COMMIT,
        // commits) before the upstream side closes.
        ::shutdown(client, SHUT_RDWR);
        std::this_thread::sleep_for(std::chrono::milliseconds(commit ? 300 : 0));
        open = false;
        break;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(server, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      if (::send(client, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace sqlflow::testing
