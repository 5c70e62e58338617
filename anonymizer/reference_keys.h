#pragma once
// The member names of a stored agent reference (anonymizer/identity_split.h):
//   {"objectType": ..., "$p": <pseudonym>, "$v": <variant id>,
//    ["$anon": true], ["member": [...]]}
// One definition for the split, the join, key rotation and the ingest code
// that reads a statement's actor pseudonym.

#include <string_view>

#include "xapi/json.h"

namespace lrs::anonymizer {

inline constexpr char kReferencePseudonym[] = "$p";
inline constexpr char kReferenceVariant[] = "$v";
inline constexpr char kReferenceAnonymous[] = "$anon";
inline constexpr char kReferenceMember[] = "member";

// The pseudonym of a reference (e.g. a split statement's "actor"); "" when
// `reference` is not one.
inline std::string_view ReferencePseudonym(const xapi::JsonValue& reference) {
  return xapi::StringMember(reference, kReferencePseudonym);
}

}  // namespace lrs::anonymizer
