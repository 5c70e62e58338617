#pragma once
// The small HTTP interface routes are written against (DESIGN.md, HTTP):
// a request in, a response out. No route ever touches cpprestsdk types, so the
// server underneath can be replaced (e.g. by Boost.Beast) without touching them.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lrs::plugin {

// Header names compare case-insensitively (RFC 9110 5.1).
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

// Query parameters in arrival order, percent-decoded ('+' is a space).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // upper case: GET, POST, PUT, DELETE, HEAD, OPTIONS
  std::string path;    // percent-decoded path, e.g. "/xapi/statements"
  QueryParams query;
  Headers headers;
  std::string body;
  // The client's IP address as text ("127.0.0.1", "::1"), filled by the
  // server; "" when unknown (in-process tests). Failed authentication is
  // rate limited by it (plugin/auth_rate_limiter.h).
  std::string remote_address;

  // The header's value, or "" when absent.
  std::string_view Header(const std::string& name) const;
  // The first query parameter with this name, or nullptr.
  const std::string* Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Empty(int status);
};

// Parses "a=1&b=%20x" (the raw query string, without '?').
QueryParams ParseQueryString(std::string_view raw);
std::string PercentDecode(std::string_view text, bool plus_is_space);
std::string PercentEncode(std::string_view text);

// RFC 9110 5.6.7 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), for Date and
// Last-Modified.
std::string HttpDate(int64_t micros_since_epoch);

}  // namespace lrs::plugin
