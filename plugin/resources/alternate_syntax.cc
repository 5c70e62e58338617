#include "plugin/resources/alternate_syntax.h"

#include <strings.h>

#include "xapi/media_type.h"
#include "xapi/multipart.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "xAPI Communication 1.3: alternate request syntax";
constexpr const char* kHeaderFields[] = {"Authorization", "X-Experience-API-Version",
                                          "Content-Type", "Content-Length", "If-Match",
                                          "If-None-Match"};

// A form field becomes a header only as a header could have come: a field
// value (no CR, LF or other control character: nothing the form holds can
// add a header to any answer), a media type for Content-Type (it may be
// stored, and served back to others, with a document), digits for
// Content-Length. Real headers reach the routes already split by the HTTP
// parser; these come percent-decoded from a body, so anything is possible.
MaybeError CheckHeaderField(std::string_view header, const std::string& value) {
  auto refuse = [header](const std::string& what) {
    return MakeError(400, kRule, "", "the " + std::string(header) + " form field is not " + what);
  };
  if (!xapi::IsValidFieldValue(value)) {
    return refuse("a header value (it holds a control character such as CR or LF)");
  }
  // Empty: as if the field were not there (the routes' defaults apply).
  if (value.empty()) return std::nullopt;
  if (header == "Content-Type" && !xapi::IsValidMediaType(value)) return refuse("a media type");
  if (header == "Content-Length" && value.find_first_not_of("0123456789") != std::string::npos) {
    return refuse("a decimal number");
  }
  return std::nullopt;
}

}  // namespace

bool UsesAlternateSyntax(const HttpRequest& request) {
  return request.Param("method") != nullptr;
}

MaybeError RewriteAlternateSyntax(HttpRequest& request) {
  if (request.method != "POST") {
    return MakeError(400, kRule, "?method", "the alternate request syntax is always a POST");
  }
  if (request.query.size() != 1) {
    return MakeError(400, kRule, "?method",
                     "with the alternate syntax, method is the only query parameter");
  }
  std::string method = *request.Param("method");
  for (char& c : method) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  if (method != "GET" && method != "HEAD" && method != "PUT" && method != "POST" &&
      method != "DELETE") {
    return MakeError(400, kRule, "?method", "method must be GET, HEAD, PUT, POST or DELETE");
  }
  // An absent header is an empty view whose data() may be null: compared as
  // a view, never through the C string functions.
  if (!request.body.empty() &&
      !xapi::IsMediaType(request.Header("Content-Type"), "application/x-www-form-urlencoded")) {
    return MakeError(400, kRule, "",
                     "the alternate syntax sends its content as application/x-www-form-urlencoded");
  }

  QueryParams form = ParseQueryString(request.body);
  HttpRequest rewritten;
  rewritten.method = method;
  rewritten.path = request.path;
  rewritten.headers = request.headers;
  rewritten.headers.erase("Content-Type");
  rewritten.headers.erase("Content-Length");
  bool has_content = false;
  for (auto& [name, value] : form) {
    bool is_header = false;
    for (const char* header : kHeaderFields) {
      if (strcasecmp(name.c_str(), header) == 0) {
        if (MaybeError error = CheckHeaderField(header, value)) return error;
        rewritten.headers[header] = value;
        is_header = true;
      }
    }
    if (is_header) continue;
    if (name == "content") {
      rewritten.body = std::move(value);
      has_content = true;
    } else {
      rewritten.query.emplace_back(name, std::move(value));
    }
  }
  if ((method == "PUT" || method == "POST") && !has_content) {
    return MakeError(400, kRule, "content", "the form has no content field");
  }
  if (has_content && rewritten.headers.find("Content-Type") == rewritten.headers.end()) {
    rewritten.headers["Content-Type"] = "application/json";
  }
  request = std::move(rewritten);
  return std::nullopt;
}

}  // namespace lrs::plugin
