#include "plugin/error_response.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace lrs::plugin {

HttpResponse ErrorResponse(const Error& error) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("status");
  w.Int(error.status);
  w.Key("rule");
  w.String(error.rule.c_str());
  w.Key("path");
  w.String(error.path.c_str());
  w.Key("message");
  w.String(error.message.c_str());
  w.EndObject();
  HttpResponse response = HttpResponse::Json(error.status, buffer.GetString());
  if (error.status == 401) response.headers["WWW-Authenticate"] = "Basic realm=\"xAPI\"";
  return response;
}

}  // namespace lrs::plugin
