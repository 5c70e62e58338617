#pragma once
// What of a statement is stored: the minimization part of the data manifest
// ("keep" in manifests/manifest.schema.json, where each field is described).
// Plain data. plugin/app/manifest.cc builds it from a validated manifest; the
// scrubber (anonymizer/scrubber.h) applies it at the door.
//
// Default-constructed, a KeepPolicy keeps everything xAPI defines, which is
// what conformance needs (manifests/default.json says the same).
//
// Free text: "response" in `result` means result.response is kept; the
// manifest's separate "free_text" list is a consistency check made when the
// manifest is loaded, not a second switch here.

#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

namespace lrs::anonymizer {

using NameSet = std::set<std::string, std::less<>>;

// Which keys of one extensions object are kept.
struct ExtensionKeep {
  bool all = true;  // "*": every key
  NameSet iris;     // when !all: exactly these keys, compared as sent

  bool Keeps(std::string_view iri) const { return all || iris.count(iri) > 0; }
};

// The properties a policy can keep, all of them (the manifest schema's enums).
inline constexpr const char* kResultProperties[] = {"score",    "success",  "completion",
                                                    "duration", "response", "extensions"};
inline constexpr const char* kContextProperties[] = {
    "registration", "instructor", "team",       "contextActivities", "revision",     "platform",
    "language",     "statement",  "extensions", "contextAgents",     "contextGroups"};

struct KeepPolicy {
  // result properties kept (xAPI Data 2.4.5), in statements and SubStatements.
  NameSet result{std::begin(kResultProperties), std::end(kResultProperties)};
  ExtensionKeep result_extensions;  // applies when result keeps "extensions"
  // context properties kept (xAPI Data 2.4.6; the last two are 2.0 only).
  NameSet context{std::begin(kContextProperties), std::end(kContextProperties)};
  ExtensionKeep context_extensions;  // applies when context keeps "extensions"
  bool display_names = true;         // "name" of every Agent and Group
  bool attachments = true;           // the attachments property (and so their data)
  bool activity_definitions = true;  // "definition" of every Activity

  bool KeepsResult(std::string_view property) const { return result.count(property) > 0; }
  bool KeepsContext(std::string_view property) const { return context.count(property) > 0; }
  // True when the scrubber has nothing to remove from any statement.
  bool KeepsEverything() const {
    for (const char* p : kResultProperties) {
      if (!KeepsResult(p)) return false;
    }
    for (const char* p : kContextProperties) {
      if (!KeepsContext(p)) return false;
    }
    return result_extensions.all && context_extensions.all && display_names && attachments &&
           activity_definitions;
  }
};

}  // namespace lrs::anonymizer
