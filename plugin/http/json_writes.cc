#include "plugin/http/json_writes.h"

#include "xapi/media_type.h"
#include "xapi/multipart.h"

namespace lrs::plugin {

MaybeError RequireJsonForWrites(const HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "GET" || method == "HEAD" || method == "OPTIONS") return std::nullopt;
  const std::string_view type = request.Header("Content-Type");
  const bool needs_body = method == "POST" || method == "PUT";
  if (!needs_body && type.empty() && request.body.empty()) return std::nullopt;
  if (xapi::IsValidMediaType(type) && xapi::IsMediaType(type, "application/json")) {
    return std::nullopt;
  }
  return MakeError(415, "state-changing routes take application/json", "",
                   "send the body as Content-Type: application/json (a cross-site form cannot)");
}

}  // namespace lrs::plugin
