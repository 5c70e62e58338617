#pragma once
// Routes that change something take only application/json (issue 15,
// finding 9): /privacy writes (consent, tokens, erasure) and, as they come,
// /admin writes.
//
// Why: a page on any other site can make a browser send a cross-site POST
// without asking the LRS first (no CORS preflight) only as a form would:
// application/x-www-form-urlencoded, multipart/form-data or text/plain, or
// with no body at all. Such a request carries the Basic credentials the
// browser remembers for this origin. A JSON body needs a preflight, which
// these routes never grant, and a browser form cannot send PUT or DELETE.
// So refusing every other content type (right after authentication, before
// the route does anything) leaves a cross-site page nothing to drive.
//
// The rule, for any method but GET, HEAD and OPTIONS:
//  - POST and PUT carry a body: Content-Type must be application/json
//    (parameters allowed, e.g. charset=utf-8), whatever the body holds;
//  - any other method (DELETE) may come without a body and without a
//    Content-Type; if it has either, the same rule holds.
// Otherwise: 415 with the project's JSON error body.
//
// Pure function; thread-safe.

#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

// Errors: 415 as above.
MaybeError RequireJsonForWrites(const HttpRequest& request);

}  // namespace lrs::plugin
