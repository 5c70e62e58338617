#include "plugin/http/http_wire.h"

#include <strings.h>
#include <sys/resource.h>

#include <algorithm>

namespace lrs::plugin {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string ResponseHead(const HttpResponse& response, ResponseFraming framing,
                         int64_t now_micros) {
  Headers fields;
  for (const auto& [name, value] : response.headers) {
    if (!IsWritableHeaderField(name, value)) continue;  // no header injection
    // The server alone frames the message.
    if (strcasecmp(name.c_str(), "Content-Length") == 0 ||
        strcasecmp(name.c_str(), "Transfer-Encoding") == 0 ||
        strcasecmp(name.c_str(), "Connection") == 0) {
      continue;
    }
    fields[name] = value;
  }
  // RFC 9110 6.6.1: an origin server with a clock sends Date (clients such as
  // ADL's conformance suite compare it with X-Experience-API-Consistent-Through).
  fields["Date"] = HttpDate(now_micros);
  const bool sends_body = !framing.head_request && !response.body.empty();
  if (sends_body && fields.find("Content-Type") == fields.end()) {
    fields["Content-Type"] = "application/octet-stream";
  }
  fields["Content-Length"] = std::to_string(sends_body ? response.body.size() : 0);
  if (framing.close_connection) fields["Connection"] = "close";

  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " ";
  head += ReasonPhrase(response.status);
  head += "\r\n";
  for (const auto& [name, value] : fields) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

std::optional<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (target == "*") return RequestTarget{"*", ""};
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && strncasecmp(target.data(), scheme.data(), scheme.size()) == 0) {
      size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || target[0] != '/') return std::nullopt;
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  // RFC 3986 3.3 and 3.4: a path and query hold pchar, '/' and '?' only; other
  // bytes (spaces, quotes, braces, non-ASCII) must come percent-encoded, as
  // the cpprestsdk server also required.
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?%";
  if (target.find_first_not_of(kAllowed) != std::string_view::npos) return std::nullopt;
  size_t question = target.find('?');
  RequestTarget out;
  out.path = PercentDecode(target.substr(0, question), /*plus_is_space=*/false);
  if (question != std::string_view::npos) out.raw_query = std::string(target.substr(question + 1));
  return out;
}

size_t ConnectionCapFromFdLimit() {
  constexpr rlim_t kCeiling = 1'000'000;
  rlimit limit{};
  rlim_t soft = getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
  if (soft == RLIM_INFINITY || soft > kCeiling) soft = kCeiling;
  // The store, the key store and the audit trail hold SQLite files (each with
  // its -wal and -shm), plus stdio, the lock file, the event loop's own fds
  // and the listening socket: a few dozen. Keep well clear of them.
  const size_t headroom = 64 + static_cast<size_t>(soft) / 16;
  return static_cast<size_t>(soft) > headroom + 8 ? static_cast<size_t>(soft) - headroom : 8;
}

}  // namespace lrs::plugin
