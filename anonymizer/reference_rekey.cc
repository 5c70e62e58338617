#include "anonymizer/reference_rekey.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "anonymizer/agent_positions.h"
#include "anonymizer/reference_keys.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

class Rekeyer {
 public:
  Rekeyer(JsonAllocator& alloc, const PseudonymMap& rotate, const Pseudonymizer& to,
          RekeyedStatement& out)
      : alloc_(alloc), rotate_(rotate), to_(to), out_(out) {}

  // Re-keys the reference `node` and its members; returns its new "$p", or
  // nullopt when `node` is not a reference (the join leaves those alone too).
  std::optional<std::string> Rekey(JsonValue& node) {
    auto pseudonym = node.FindMember(kReferencePseudonym);
    const JsonValue* variant = xapi::Member(node, kReferenceVariant);
    if (pseudonym == node.MemberEnd() || !pseudonym->value.IsString() ||
        pseudonym->value.GetStringLength() == 0 || variant == nullptr || !variant->IsString()) {
      return std::nullopt;
    }
    // Members first: an anonymous Group's pseudonym derives from theirs.
    std::vector<std::string> member_pseudonyms;
    auto members = node.FindMember(kReferenceMember);
    if (members != node.MemberEnd()) {
      internal::ForEachMember(members->value, [&](JsonValue& member) {
        if (std::optional<std::string> p = Rekey(member))
          member_pseudonyms.push_back(std::move(*p));
      });
    }

    const std::string old(pseudonym->value.GetString(), pseudonym->value.GetStringLength());
    const JsonValue* anonymous = xapi::Member(node, kReferenceAnonymous);
    std::string renewed;
    if (anonymous != nullptr && anonymous->IsTrue()) {
      renewed = to_.AnonymousGroupPseudonym(std::move(member_pseudonyms));
      auto& groups = out_.anonymous_groups;
      std::pair<std::string, std::string> group(old, renewed);
      if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
        groups.push_back(std::move(group));
      }
    } else if (std::optional<std::string> rotated = rotate_(old)) {
      renewed = std::move(*rotated);
    } else {
      ++out_.left_as_is;
      return old;
    }
    pseudonym->value.SetString(renewed.data(), static_cast<rapidjson::SizeType>(renewed.size()),
                               alloc_);
    return renewed;
  }

 private:
  JsonAllocator& alloc_;
  const PseudonymMap& rotate_;
  const Pseudonymizer& to_;
  RekeyedStatement& out_;
};

}  // namespace

Result<RekeyedStatement> RekeyStoredStatement(std::string_view stored_json,
                                              const PseudonymMap& rotate, const Pseudonymizer& to) {
  xapi::JsonDocument doc;
  // Iterative: no recursion on the stack, whatever the stored text holds.
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      stored_json.data(), stored_json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return MakeError(500, "key rotation", "", "a stored statement is not a JSON object");
  }
  RekeyedStatement out;
  Rekeyer rekeyer(doc.GetAllocator(), rotate, to, out);
  internal::ForEachAgentPosition(doc, [&](JsonValue& node, MentionRole) { rekeyer.Rekey(node); });
  out.json = xapi::ToJson(doc);
  return out;
}

}  // namespace lrs::anonymizer
