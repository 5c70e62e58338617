#pragma once
// Canonical Activity definitions (xAPI Communication 2.5 and 2.1.3
// "format"): what the LRS knows about an Activity, gathered from every
// statement that defined it, and how that knowledge is applied.
//
// Merge rule (newer over older, MergeActivityDefinition):
//  - language maps (definition.name, definition.description, and the
//    description of each interaction component, matched by component id) are
//    merged entry by entry: the newer value of a language wins, languages only
//    the older one has are kept (ADL's suite, XAPI-00254: two statements with
//    different languages for one activity id must both show up). Language
//    tags compare case-insensitively (RFC 5646 2.1.1).
//  - every other property the newer definition has (type, moreInfo,
//    interactionType, correctResponsesPattern, the component lists,
//    extensions) replaces the older value whole;
//  - properties only the older definition has are kept.
//
// Pure functions over parsed DOMs; thread-safe. Preconditions: the input
// passed statement validation (definitions are objects, maps are maps).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xapi/json.h"

namespace lrs::xapi {

// (activity id, definition as compact JSON) for every Activity with a
// non-empty "definition" object anywhere in the statement: the object, the
// four context activity lists, and the same places of a SubStatement object.
// One entry per activity id; an id defined twice in one statement is merged in
// document order (object first, then context, then the SubStatement).
std::vector<std::pair<std::string, std::string>> ExtractActivityDefinitions(
    const JsonValue& statement);

// Merges `newer` into `older` in place, by the rule above. Both must be
// objects (anything else: `older` becomes a copy of `newer`).
void MergeActivityDefinition(JsonValue& older, const JsonValue& newer, JsonAllocator& alloc);

// The same on JSON text. An `older` that does not parse as an object is
// replaced; a `newer` that does not parse leaves `older` as it is.
std::string MergeActivityDefinitionJson(std::string_view older, std::string_view newer);

// The Activity object the Activities resource returns:
// {"objectType":"Activity","id":...,"definition":...}; without "definition"
// when none is known (Communication 2.5: still an Activity object).
std::string ActivityObjectJson(std::string_view activity_id,
                               const std::optional<std::string>& definition_json);

// Every Activity id a statement mentions, in the places listed above,
// de-duplicated.
std::vector<std::string> ActivityIds(const JsonValue& statement);

// The canonical definition (JSON text) for an activity id, or nullopt.
using CanonicalDefinitionLookup = std::function<const std::string*(std::string_view activity_id)>;

// format=canonical: replaces each Activity's "definition" (or adds one) by
// the canonical definition `lookup` gives, before language filtering
// (ApplyCanonicalFormat). Activities the lookup does not know keep theirs.
void ApplyCanonicalDefinitions(JsonValue& statement, JsonAllocator& alloc,
                               const CanonicalDefinitionLookup& lookup);

}  // namespace lrs::xapi
