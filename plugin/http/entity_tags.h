#pragma once
// Entity-tag lists of conditional requests (RFC 9110 13.1), for every route
// that answers with an ETag: documents (If-Match, If-None-Match) and the
// pages' assets (If-None-Match).

#include <string>
#include <string_view>

namespace lrs::plugin {

// Whether a comma-separated entity-tag list names `etag` (quoted). `weak`:
// W/"x" matches "x" (RFC 9110 8.8.3.2 weak comparison, for If-None-Match);
// otherwise only strong tags match (If-Match). An unquoted tag is taken as
// the quoted one: some clients drop the quotes. "*" is the caller's to judge.
bool EntityTagListNames(std::string_view list, const std::string& etag, bool weak);

}  // namespace lrs::plugin
