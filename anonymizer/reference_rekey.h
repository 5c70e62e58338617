#pragma once
// Re-keying the pseudonym references of a stored statement, for `lrs keys
// rotate` (anonymizer/identity_split.h has the reference format).
//
// Every reference at a position identity_split visits (the same traversal,
// internal::ForEachAgentPosition), and recursively each "member" reference:
//  - an Agent or identified Group: "$p" becomes rotate("$p");
//  - an anonymous Group ("$anon": true): "$p" is recomputed with the new key
//    from its members' new pseudonyms (Pseudonymizer::AnonymousGroupPseudonym),
//    exactly as a new ingest of the same group computes it.
// "$v" (variant ids) are left alone: they are opaque keys of identity rows,
// not derived again on read. Nothing sealed is opened: the function never
// sees an identity.
//
// Thread-safe: pure.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "anonymizer/pseudonymizer.h"
#include "xapi/result.h"

namespace lrs::anonymizer {

// The new pseudonym for an old one; nullopt when `old` is not a pseudonym of
// the old key (it is then left as it is, and counted).
using PseudonymMap = std::function<std::optional<std::string>(std::string_view old)>;

struct RekeyedStatement {
  std::string json;  // compact, like the stored form
  // (old, new) "$p" of each anonymous Group met, so tables keyed by it can follow.
  std::vector<std::pair<std::string, std::string>> anonymous_groups;
  size_t left_as_is = 0;  // references whose "$p" `rotate` did not know
};

// Errors: 500 when `stored_json` is not a JSON object (a corrupt row).
Result<RekeyedStatement> RekeyStoredStatement(std::string_view stored_json,
                                              const PseudonymMap& rotate, const Pseudonymizer& to);

}  // namespace lrs::anonymizer
