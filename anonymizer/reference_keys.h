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
// A stored statement's top-level list of the address tokens its strings hold
// (anonymizer/address_tokens.h): only those are ever opened for it.
inline constexpr char kAddressTokens[] = "$a";

// The Agent that stands in for a learner without consent (anonymizer/
// consent_filter.h): an account on a reserved domain, the same for everyone,
// identifying nobody. Stored as it is, never pseudonymized or sealed.
inline constexpr char kWithheldHomePage[] = "https://withheld.invalid";
inline constexpr char kWithheldName[] = "another learner";

inline bool IsWithheldPlaceholder(const xapi::JsonValue& node) {
  if (!node.IsObject()) return false;
  const xapi::JsonValue* account = xapi::Member(node, "account");
  return account != nullptr && account->IsObject() &&
         xapi::StringMember(*account, "homePage") == kWithheldHomePage;
}

// The pseudonym of a reference (e.g. a split statement's "actor"); "" when
// `reference` is not one.
inline std::string_view ReferencePseudonym(const xapi::JsonValue& reference) {
  return xapi::StringMember(reference, kReferencePseudonym);
}

}  // namespace lrs::anonymizer
