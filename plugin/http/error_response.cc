#include "plugin/http/error_response.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "xapi/json.h"

namespace lrs::plugin {

HttpResponse ErrorResponse(const Error& error) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  // A message may quote request text (a path, a parameter name) that is not
  // UTF-8; the body must still be JSON (RFC 8259 8.1).
  auto string = [&w](const std::string& text) {
    const std::string valid = xapi::ToValidUtf8(text);
    w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
  };
  w.StartObject();
  w.Key("status");
  w.Int(error.status);
  w.Key("rule");
  string(error.rule);
  w.Key("path");
  string(error.path);
  w.Key("message");
  string(error.message);
  w.EndObject();
  HttpResponse response =
      HttpResponse::Json(error.status, std::string(buffer.GetString(), buffer.GetSize()));
  if (error.status == 401) response.headers["WWW-Authenticate"] = "Basic realm=\"xAPI\"";
  if (error.retry_after_seconds > 0) {
    response.headers["Retry-After"] = std::to_string(error.retry_after_seconds);
  }
  return response;
}

}  // namespace lrs::plugin
