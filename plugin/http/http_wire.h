#pragma once
// The bytes of HTTP/1.1 that the server writes and the request targets it
// accepts, kept apart from the socket code (plugin/http/http_server.cc) so they
// can be tested without a connection.
//
// The response head keeps what clients of this LRS have always seen (the
// cpprestsdk server wrote the same): Date on every answer, the handler's
// headers as they are, Content-Length always (0 for HEAD and for answers
// without a body), Content-Type application/octet-stream for a body the
// handler did not type, and the fields in case-insensitive name order.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/http/http_message.h"

namespace lrs::plugin {

struct ResponseFraming {
  bool head_request = false;      // headers only; Content-Length says 0
  bool close_connection = false;  // adds Connection: close
};

// Status line, header fields and the empty line. Header names or values with
// CR, LF or NUL are dropped: a field must never end early and start another.
std::string ResponseHead(const HttpResponse& response, ResponseFraming framing,
                         int64_t now_micros);

// "404" -> "Not Found"; "Unknown" for a code without a phrase here.
std::string_view ReasonPhrase(int status);

struct RequestTarget {
  std::string path;  // percent-decoded ('+' stays '+')
  std::string raw_query;
};
// Origin form ("/a/b?x=1"), absolute form ("http://host/a/b?x=1") or "*".
// Anything else, or a byte RFC 3986 does not allow unencoded in a path or
// query, is nullopt: 400. A fragment is dropped.
std::optional<RequestTarget> ParseRequestTarget(std::string_view target);

// How many connections fit under this process's RLIMIT_NOFILE, keeping
// headroom for the data files, the listening socket and the event loop.
size_t ConnectionCapFromFdLimit();

}  // namespace lrs::plugin
