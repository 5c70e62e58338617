// Ingest load generator: posts N xAPI statements in batches of B over C
// concurrent HTTP/1.1 keep-alive connections (one thread per connection,
// plain POSIX sockets), checks that every response is 200 with one id per
// statement, and prints one JSON line:
//   {"batch":B,"connections":C,"statements":N,"seconds":..,
//    "statements_per_s":..,"p50_ms":..,"p99_ms":..}
// Latencies are per request (send of the first byte to the last byte of the
// response). All request bodies are built before the clock starts, so the
// client spends its CPU on sockets only. Exit status 1 if any request failed.
//
// Usage: loadgen --url http://127.0.0.1:PORT/xapi --key K --secret S
//                [--total 100000] [--batch 100] [--connections 8]
//                [--learners 1000] [--version 1.0.3]

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "statement_gen.h"

using bench::Percentile;

namespace {

struct Options {
  std::string url;
  std::string key;
  std::string secret;
  uint64_t total = 100000;
  uint64_t batch = 100;
  unsigned connections = 8;
  uint64_t learners = 1000;
  std::string version = "1.0.3";
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "loadgen: %s\nusage: loadgen --url http://127.0.0.1:PORT/xapi --key K --secret S "
               "[--total N] [--batch B] [--connections C] [--learners L] [--version V]\n",
               why);
  std::exit(2);
}

uint64_t ParseCount(const char* name, const char* text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno || !end || *end || v == 0) {
    std::string why = std::string("bad value for ") + name + ": " + text;
    Usage(why.c_str());
  }
  return v;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    if (a == "--url") o.url = v;
    else if (a == "--key") o.key = v;
    else if (a == "--secret") o.secret = v;
    else if (a == "--total") o.total = ParseCount("--total", v);
    else if (a == "--batch") o.batch = ParseCount("--batch", v);
    else if (a == "--connections") o.connections = static_cast<unsigned>(ParseCount("--connections", v));
    else if (a == "--learners") o.learners = ParseCount("--learners", v);
    else if (a == "--version") o.version = v;
    else Usage(("unknown argument " + a).c_str());
  }
  if (o.url.empty() || o.key.empty() || o.secret.empty()) Usage("--url, --key and --secret are required");
  return o;
}

std::string Base64(const std::string& in) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

struct Target {
  std::string host;
  std::string port;
  std::string path;  // the statements resource, e.g. /xapi/statements
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

Target ParseUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) Usage("--url must start with http://");
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  std::string base = slash == std::string::npos ? "/" : rest.substr(slash);
  Target t;
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) {
    t.host = hostport;
    t.port = "80";
  } else {
    t.host = hostport.substr(0, colon);
    t.port = hostport.substr(colon + 1);
  }
  if (!t.host.empty() && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  if (base.empty() || base.back() != '/') base += '/';
  t.path = base + "statements";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(t.host.c_str(), t.port.c_str(), &hints, &res);
  if (rc != 0 || !res) {
    std::fprintf(stderr, "loadgen: cannot resolve %s: %s\n", t.host.c_str(), gai_strerror(rc));
    std::exit(2);
  }
  std::memcpy(&t.addr, res->ai_addr, res->ai_addrlen);
  t.addr_len = res->ai_addrlen;
  freeaddrinfo(res);
  return t;
}

int Connect(const Target& t) {
  int fd = socket(t.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), t.addr_len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

struct Response {
  int status = 0;
  bool close = false;
  std::string body;
};

bool IEquals(const std::string& a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Reads one HTTP/1.1 response from fd; `buf` keeps bytes past its end.
bool ReadResponse(int fd, std::string& buf, Response& out) {
  char chunk[65536];
  auto fill = [&]() -> bool {
    for (;;) {
      ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
      return true;
    }
  };
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return false;
  }
  std::string head = buf.substr(0, head_end);
  buf.erase(0, head_end + 4);
  out = Response{};
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return false;
  out.status = std::atoi(head.c_str() + head.find(' ') + 1);
  long long content_length = -1;
  bool chunked = false;
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (IEquals(name, "content-length")) content_length = std::atoll(value.c_str());
      else if (IEquals(name, "transfer-encoding") && value.find("chunked") != std::string::npos) chunked = true;
      else if (IEquals(name, "connection") && IEquals(value, "close")) out.close = true;
    }
    pos = next;
  }
  if (chunked) {
    for (;;) {
      size_t eol;
      while ((eol = buf.find("\r\n")) == std::string::npos)
        if (!fill()) return false;
      size_t size = std::strtoul(buf.c_str(), nullptr, 16);
      buf.erase(0, eol + 2);
      if (size == 0) {
        // Trailers (none expected) end with an empty line.
        size_t end;
        while ((end = buf.find("\r\n")) == std::string::npos)
          if (!fill()) return false;
        buf.erase(0, end + 2);
        return true;
      }
      while (buf.size() < size + 2)
        if (!fill()) return false;
      out.body.append(buf, 0, size);
      buf.erase(0, size + 2);
    }
  }
  if (content_length < 0) {
    // Body until close.
    while (fill()) {
    }
    out.body.swap(buf);
    out.close = true;
    return true;
  }
  while (buf.size() < static_cast<size_t>(content_length))
    if (!fill()) return false;
  out.body = buf.substr(0, static_cast<size_t>(content_length));
  buf.erase(0, static_cast<size_t>(content_length));
  return true;
}

// A 200 answer to a batch of n statements is a JSON array of n id strings.
bool LooksLikeIds(const std::string& body, uint64_t n) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || body[first] != '[') return false;
  uint64_t quotes = static_cast<uint64_t>(std::count(body.begin(), body.end(), '"'));
  return quotes == 2 * n;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = ParseArgs(argc, argv);
  const Target target = ParseUrl(opt.url);
  const std::string auth = "Basic " + Base64(opt.key + ":" + opt.secret);

  // Build every request before the clock starts.
  const uint64_t batches = (opt.total + opt.batch - 1) / opt.batch;
  std::vector<std::string> requests(batches);
  std::vector<uint64_t> sizes(batches);
  for (uint64_t b = 0; b < batches; ++b) {
    const uint64_t first = b * opt.batch;
    const uint64_t n = std::min<uint64_t>(opt.batch, opt.total - first);
    std::string body;
    body.reserve(n * 900 + 2);
    if (opt.batch > 1) body += '[';
    for (uint64_t i = 0; i < n; ++i) {
      if (i) body += ',';
      body += bench::MakeStatement(first + i, opt.learners, /*with_id=*/false).json;
    }
    if (opt.batch > 1) body += ']';
    std::string& r = requests[b];
    r.reserve(body.size() + 512);
    r += "POST " + target.path + " HTTP/1.1\r\nHost: " + target.host + ":" + target.port +
         "\r\nAuthorization: " + auth + "\r\nX-Experience-API-Version: " + opt.version +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n";
    r += body;
    sizes[b] = n;
  }

  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> stored{0};
  std::mutex report_mu;
  std::string first_error;
  std::vector<std::vector<double>> latencies(opt.connections);

  auto report = [&](const std::string& what) {
    failures.fetch_add(1);
    std::lock_guard<std::mutex> lock(report_mu);
    if (first_error.empty()) first_error = what;
  };

  auto worker = [&](unsigned c) {
    int fd = -1;
    std::string buf;
    std::vector<double>& lat = latencies[c];
    for (;;) {
      const uint64_t b = next.fetch_add(1);
      if (b >= batches) break;
      bool reused = fd >= 0;
      if (fd < 0) {
        fd = Connect(target);
        buf.clear();
        if (fd < 0) {
          report(std::string("connect: ") + std::strerror(errno));
          continue;
        }
      }
      auto t0 = std::chrono::steady_clock::now();
      bool sent = SendAll(fd, requests[b]);
      if (!sent && reused) {
        // The server closed an idle keep-alive connection: reconnect once.
        close(fd);
        fd = Connect(target);
        buf.clear();
        t0 = std::chrono::steady_clock::now();
        sent = fd >= 0 && SendAll(fd, requests[b]);
      }
      Response res;
      if (!sent || !ReadResponse(fd, buf, res)) {
        report(std::string("connection failed: ") + std::strerror(errno));
        if (fd >= 0) close(fd);
        fd = -1;
        continue;
      }
      auto t1 = std::chrono::steady_clock::now();
      lat.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      if (res.status != 200) {
        report("HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300));
      } else if (!LooksLikeIds(res.body, sizes[b])) {
        report("200 without " + std::to_string(sizes[b]) + " ids: " + res.body.substr(0, 300));
      } else {
        stored.fetch_add(sizes[b]);
      }
      if (res.close) {
        close(fd);
        fd = -1;
      }
    }
    if (fd >= 0) close(fd);
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  threads.reserve(opt.connections);
  for (unsigned c = 0; c < opt.connections; ++c) threads.emplace_back(worker, c);
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  const double p50 = Percentile(all, 0.50);
  const double p99 = Percentile(all, 0.99);
  const uint64_t ok = stored.load();
  std::printf(
      "{\"batch\":%llu,\"connections\":%u,\"statements\":%llu,\"seconds\":%.3f,"
      "\"statements_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
      static_cast<unsigned long long>(opt.batch), opt.connections,
      static_cast<unsigned long long>(ok), seconds, seconds > 0 ? static_cast<double>(ok) / seconds : 0.0,
      p50, p99);
  std::fflush(stdout);
  if (failures.load() != 0) {
    std::fprintf(stderr, "loadgen: %llu of %llu requests failed; first: %s\n",
                 static_cast<unsigned long long>(failures.load()),
                 static_cast<unsigned long long>(batches), first_error.c_str());
    return 1;
  }
  return 0;
}
