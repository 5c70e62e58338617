#pragma once
// What a learner's self-access export (plugin/privacy/learner_export.h) shows of the
// other people in their records (issue 14, finding 11).
//
// A learner knows their instructor, team mates and group members. Shown a
// stable pseudonym (or any identifier stable across exports) beside each,
// they would hold identity-to-pseudonym pairs for people who never asked to
// be linked. So every other person is "another learner", with nothing that
// identifies or links them:
//
//   another Agent:  {"objectType": "Agent", "name": "another learner"}
//   a Group:        {"objectType": "Group", "member": [each member shown by
//                    these rules]} (no name, no identifier; "member": []
//                    when the stored Group had none)
//   the learner:    their own agent object as sent, opened (or, when no
//                    sealed copy exists, {"objectType": T, "account":
//                    {"homePage": <pseudonym home page>, "name": <their own
//                    pseudonym>}}, which the export names anyway)
//
// The learner's own Group (an Identified Group keyed by their own IFI) opens
// like their Agent, its members shown by the same rules.
//
// Where: every stored reference object anywhere in the statement JSON, not
// only the Agent positions of xAPI: any object with string members "$p" and
// "$v" (anonymizer/identity_split.h), extensions included.
//
// E-mail addresses outside Agent objects are stored as address tokens,
// "a" + 32 lowercase hex + "@pseudonym.invalid". In every string of the
// export (member names too), a token the learner's OwnAddressLookup opens
// becomes their address; any other becomes the text "another learner".
//
// Thread safety: pure functions; the lookup must be thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "xapi/json.h"

namespace lrs::plugin {

inline constexpr char kAnotherLearner[] = "another learner";
inline constexpr char kAddressTokenDomain[] = "@pseudonym.invalid";

// The learner's own address an address token stands for, or nullopt when the
// token names someone else (or cannot be opened). The export of `pseudonym`.
// THE HOOK for restoring a learner's own addresses: until the tokenizer's
// lookup is wired in (plugin/app/lrs_app.cc), an empty function, and every token
// is shown as "another learner".
using OwnAddressLookup =
    std::function<std::optional<std::string>(const std::string& pseudonym, std::string_view token)>;

// The learner the export is for, and what opens their own agents.
struct ExportSubject {
  std::string pseudonym;
  std::string pseudonym_home_page;
  // variant id ("$v") -> the original agent JSON, of the learner's own variants.
  std::unordered_map<std::string, std::string> own_variants;
};

// Replaces every reference object inside `value` (value included) by the
// rules above.
void ShowOthersAsAnotherLearner(xapi::JsonValue& value, xapi::JsonAllocator& alloc,
                                const ExportSubject& subject);

// Whether text[at..] starts an address token.
bool IsAddressTokenAt(std::string_view text, size_t at);

// Replaces the address tokens in every string and member name inside
// `value` (see above). An empty `own` counts no token as the learner's.
void ReplaceAddressTokens(xapi::JsonValue& value, xapi::JsonAllocator& alloc,
                          const std::string& pseudonym, const OwnAddressLookup& own);

}  // namespace lrs::plugin
