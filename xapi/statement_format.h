#pragma once
// The `format` parameter of GET Statements (xAPI Communication 2.1.3):
// `ids` keeps only what identifies each Agent, Group, Activity and Verb;
// `canonical` keeps one language per language map, chosen by the request's
// Accept-Language (RFC 9110 12.5.4, applied to each map on its own).
// `exact` needs no transformation.

#include <string>
#include <string_view>
#include <vector>

#include "xapi/json.h"

namespace lrs::xapi {

// In place. Precondition: a valid statement with identities already joined.
void ApplyIdsFormat(JsonValue& statement, JsonAllocator& alloc);

// Language ranges from an Accept-Language header, best first ("*" last).
std::vector<std::string> ParseAcceptLanguage(std::string_view header);

// In place: each language map of the statement's verb and activities keeps
// the single best entry for `languages`.
void ApplyCanonicalFormat(JsonValue& statement, JsonAllocator& alloc,
                          const std::vector<std::string>& languages);

}  // namespace lrs::xapi
