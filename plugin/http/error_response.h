#pragma once
// The one place where a domain Error becomes an HTTP response (STYLE.md rule 2):
//   {"status": 400, "rule": "xAPI Data 2.4.2.3 ...", "path": "$.actor", "message": "..."}

#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

HttpResponse ErrorResponse(const Error& error);

}  // namespace lrs::plugin
