#pragma once
// The headers every page and page asset the LRS serves carries (/privacy,
// /me, /dashboard): its Content-Security-Policy, no type sniffing, no
// referrer, never framed.

#include <string>

#include "plugin/http/http_message.h"

namespace lrs::plugin {

inline void AddPageSecurityHeaders(HttpResponse& response, const std::string& policy) {
  response.headers["Content-Security-Policy"] = policy;
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Referrer-Policy"] = "no-referrer";
  response.headers["X-Frame-Options"] = "DENY";
}

}  // namespace lrs::plugin
