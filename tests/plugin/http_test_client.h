#pragma once
// Test helpers for the HTTP server: a blocking loopback client that speaks raw
// bytes (so tests can send what no HTTP library would), a free loopback port,
// and the process's resident memory.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "plugin/http/http_message.h"

namespace lrs::plugin::testing {

// A port that was free on 127.0.0.1 a moment ago.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// VmRSS of this process, in bytes.
inline size_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}

struct RawResponse {
  int status = 0;  // 0: the connection closed or the time ran out before a response
  Headers headers;
  std::string body;
};

class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  // False once the server has closed or reset the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (its body by Content-Length; none for a HEAD request).
  RawResponse Read(int timeout_ms = 3000, bool head_request = false) {
    auto deadline = Now() + timeout_ms;
    RawResponse response;
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return response;
    }
    std::string head = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return response;
    int status = std::atoi(status_line.c_str() + 9);
    size_t at = line_end;
    while (at != std::string::npos && at < head.size()) {
      size_t next = head.find("\r\n", at + 2);
      std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t value = line.find_first_not_of(' ', colon + 1);
        response.headers[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
      }
      at = next;
    }
    size_t length = 0;
    if (!head_request && status != 100 && status != 204 && response.headers.count("Content-Length")) {
      length = std::strtoull(response.headers["Content-Length"].c_str(), nullptr, 10);
    }
    while (pending_.size() < length) {
      if (!Fill(deadline)) return response;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    response.status = status;
    return response;
  }

  // True when the server closes (or resets) the connection within timeout_ms;
  // bytes that arrive meanwhile are dropped.
  bool ClosedWithin(int timeout_ms) {
    auto deadline = Now() + timeout_ms;
    for (;;) {
      int left = static_cast<int>(deadline - Now());
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
    }
  }

 private:
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  bool Fill(int64_t deadline) {
    int left = static_cast<int>(deadline - Now());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) return false;
    char buffer[65536];
    ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

}  // namespace lrs::plugin::testing
