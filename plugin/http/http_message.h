#pragma once
// The small HTTP interface routes are written against (DESIGN.md, HTTP):
// a request in, a response out. No route ever touches the server's types
// (Boost.Beast, only in plugin/http/http_server.cc), so it can be replaced without
// touching them.

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
  // rate limited by it (plugin/auth/auth_rate_limiter.h).
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

// Whether a response header field may be written as it is: the name an
// RFC 9110 token, the value free of control characters other than HTAB (CR,
// LF and NUL above all). The server writes no other field (plugin/http/http_wire.cc),
// the last line of defence against response splitting (issue 15, finding 7).
bool IsWritableHeaderField(std::string_view name, std::string_view value);

// Removes every header whose name is not an RFC 9110 token or whose value
// holds a control character other than HTAB (CR, LF and NUL above all), so
// no route's mistake can add a header or a body to an answer. Returns how many headers it removed.
size_t DropUnwritableHeaders(HttpResponse& response);

// Parses "a=1&b=%20x" (the raw query string, without '?').
QueryParams ParseQueryString(std::string_view raw);
std::string PercentDecode(std::string_view text, bool plus_is_space);
std::string PercentEncode(std::string_view text);

// RFC 9110 5.6.7 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), for Date and
// Last-Modified.
std::string HttpDate(int64_t micros_since_epoch);

}  // namespace lrs::plugin
