#pragma once
// xAPI 1.0.3 alternate request syntax (Communication 1.3): a browser that
// cannot send arbitrary methods or headers POSTs to `?method=PUT` (or GET,
// DELETE, ...) with a form body whose "content" field is the real body, whose
// header-named fields (Authorization, X-Experience-API-Version, Content-Type,
// Content-Length, If-Match, If-None-Match) are headers, and whose other fields
// are the query parameters. xAPI 2.0.0 removed it (DIFFERENCES.md item 3).

#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

// Whether the request uses the alternate syntax (a `method` query parameter).
bool UsesAlternateSyntax(const HttpRequest& request);

// Rewrites the request into the one it stands for. Errors (400): not a POST,
// other query parameters beside `method`, a body that is not a form, a
// header-named field that could not be that header: a control character (CR,
// LF, ...) in any, a Content-Type that is not a media type, a Content-Length
// that is not digits. The error names the field, never its value.
MaybeError RewriteAlternateSyntax(HttpRequest& request);

}  // namespace lrs::plugin
