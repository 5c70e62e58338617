// Design note (identity split).
//   1. Split and join visit the same nodes: both go through
//      internal::ForEachAgentPosition and handle "member" the same way.
//   2. Work is in place on the caller's document and allocator: a node's
//      "member" array and "objectType" are moved, never copied, and the
//      original object is serialized once per distinct variant.
//   3. A Group's members are split before the Group itself, because an
//      anonymous Group's pseudonym is derived from its members' pseudonyms.
//   4. An anonymous Group's reference carries "$anon": true. Its "$p" is a
//      keyed digest indistinguishable from a pseudonym, and the pseudonymous
//      view must render it without an account (it has no IFI to stand for).
#include "anonymizer/identity_split.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "anonymizer/agent_positions.h"
#include "anonymizer/reference_keys.h"
#include "xapi/agent_identifier.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr char kObjectType[] = "objectType";
constexpr char kDefaultType[] = "Agent";
constexpr char kVariantDomain[] = "variant";

// Moves `object[name]` out and erases it (keeping the order of the others);
// null when absent.
JsonValue Detach(JsonValue& object, const char* name) {
  JsonValue out;
  auto it = object.FindMember(name);
  if (it != object.MemberEnd()) {
    out.Swap(it->value);
    object.EraseMember(it);
  }
  return out;
}

JsonValue CopyString(std::string_view s, JsonAllocator& alloc) {
  return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// The node's own objectType, moved out of it, or "Agent" when it has none.
JsonValue TakeObjectType(JsonValue& node) {
  JsonValue type = Detach(node, kObjectType);
  if (!type.IsString()) type.SetString(rapidjson::StringRef(kDefaultType));
  return type;
}

class Splitter {
 public:
  Splitter(JsonAllocator& alloc, const Pseudonymizer& pseudonymizer)
      : alloc_(alloc), pseudonymizer_(pseudonymizer) {}

  // Replaces the Agent or Group `node` (and its members) by references.
  // Returns its pseudonym.
  std::string Split(JsonValue& node, MentionRole role) {
    // The stand-in for a learner without consent identifies nobody and is
    // stored as it is (anonymizer/consent_filter.h).
    if (IsWithheldPlaceholder(node)) return {};
    JsonValue members = Detach(node, kReferenceMember);
    std::vector<std::string> member_pseudonyms;
    internal::ForEachMember(members, [&](JsonValue& member) {
      std::string pseudonym = Split(member, role);
      if (!pseudonym.empty()) member_pseudonyms.push_back(std::move(pseudonym));
    });

    const std::optional<std::string> ifi = xapi::CanonicalIfi(node);
    std::string pseudonym;
    if (ifi) {
      pseudonym = pseudonymizer_.Pseudonym(*ifi);
      Mention(pseudonym, role);
    } else {
      pseudonym = AnonymousGroupPseudonym(std::move(member_pseudonyms));
    }

    // `node` now holds exactly the variant: every property but "member".
    std::string digest_input = pseudonym;
    digest_input += '\n';
    digest_input += xapi::ToCanonicalJson(node);
    std::string variant_id = pseudonymizer_.KeyedDigest(kVariantDomain, digest_input);
    AddVariant(variant_id, pseudonym, node);

    JsonValue type = TakeObjectType(node);
    node.SetObject();
    node.AddMember(rapidjson::StringRef(kObjectType), type, alloc_);
    node.AddMember(rapidjson::StringRef(kReferencePseudonym), CopyString(pseudonym, alloc_), alloc_);
    node.AddMember(rapidjson::StringRef(kReferenceVariant), CopyString(variant_id, alloc_), alloc_);
    if (!ifi) node.AddMember(rapidjson::StringRef(kReferenceAnonymous), true, alloc_);
    if (!members.IsNull()) node.AddMember(rapidjson::StringRef(kReferenceMember), members, alloc_);
    return pseudonym;
  }

  SplitIdentities Take() && { return std::move(result_); }

 private:
  std::string AnonymousGroupPseudonym(std::vector<std::string> member_pseudonyms) const {
    return pseudonymizer_.AnonymousGroupPseudonym(std::move(member_pseudonyms));
  }

  // Sets, not scans: a Group may have thousands of members, and a scan per
  // member made splitting one quadratic (20,000 members took 9 s).
  void Mention(const std::string& pseudonym, MentionRole role) {
    std::string key = pseudonym;
    key += role == MentionRole::kActorOrObject ? '0' : '1';
    if (mentioned_.insert(std::move(key)).second) result_.mentions.push_back({pseudonym, role});
  }

  void AddVariant(const std::string& variant_id, const std::string& pseudonym,
                  const JsonValue& node) {
    if (variant_ids_.insert(variant_id).second) {
      result_.variants.push_back(IdentityVariant{variant_id, pseudonym, xapi::ToJson(node)});
    }
  }

  JsonAllocator& alloc_;
  const Pseudonymizer& pseudonymizer_;
  SplitIdentities result_;
  std::unordered_set<std::string> mentioned_;
  std::unordered_set<std::string> variant_ids_;
};

class Joiner {
 public:
  Joiner(JsonAllocator& alloc, const VariantResolver& resolve, std::string_view home_page)
      : alloc_(alloc), resolve_(resolve), home_page_(home_page) {}

  // Replaces the reference `node` (and its member references) by the original
  // object or its pseudonymous form. A node that is not a reference is left alone.
  void Join(JsonValue& node) {
    const std::string_view pseudonym_view = xapi::StringMember(node, kReferencePseudonym);
    const JsonValue* variant_value = xapi::Member(node, kReferenceVariant);
    if (pseudonym_view.empty() || variant_value == nullptr || !variant_value->IsString()) return;
    const std::string pseudonym(pseudonym_view);
    const std::string variant_id(variant_value->GetString(), variant_value->GetStringLength());

    JsonValue members = Detach(node, kReferenceMember);
    internal::ForEachMember(members, [&](JsonValue& member) { Join(member); });

    const std::optional<std::string> original = resolve_(variant_id, pseudonym);
    if (!original || !ParseObjectInto(*original, node)) PseudonymousForm(node, pseudonym);
    if (!members.IsNull()) {
      Detach(node, kReferenceMember);  // the references' members win over any stale copy
      node.AddMember(rapidjson::StringRef(kReferenceMember), members, alloc_);
    }
  }

 private:
  // Parses straight into the caller's allocator, so the result moves into the
  // statement without a copy. Leaves `node` untouched on failure.
  bool ParseObjectInto(const std::string& text, JsonValue& node) {
    xapi::JsonDocument parsed(&alloc_);
    // Iterative: no recursion on the stack, whatever the resolved text holds.
    parsed.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
        text.data(), text.size());
    if (parsed.HasParseError() || !parsed.IsObject()) return false;
    node.Swap(parsed);
    return true;
  }

  void PseudonymousForm(JsonValue& node, const std::string& pseudonym) {
    const JsonValue* anonymous_flag = xapi::Member(node, kReferenceAnonymous);
    const bool anonymous = anonymous_flag != nullptr && anonymous_flag->IsTrue();
    JsonValue type = TakeObjectType(node);
    node.SetObject();
    node.AddMember(rapidjson::StringRef(kObjectType), type, alloc_);
    if (anonymous) return;
    JsonValue account(rapidjson::kObjectType);
    account.AddMember("homePage", CopyString(home_page_, alloc_), alloc_);
    account.AddMember("name", CopyString(pseudonym, alloc_), alloc_);
    node.AddMember("account", account, alloc_);
  }

  JsonAllocator& alloc_;
  const VariantResolver& resolve_;
  std::string_view home_page_;
};

void CollectReferences(const JsonValue& node, std::unordered_set<std::string>& seen,
                       std::vector<std::pair<std::string, std::string>>& out) {
  const std::string_view pseudonym = xapi::StringMember(node, kReferencePseudonym);
  const std::string_view variant_id = xapi::StringMember(node, kReferenceVariant);
  if (pseudonym.empty() || variant_id.empty()) return;
  std::string key(variant_id);
  key += '\n';
  key += pseudonym;
  if (seen.insert(std::move(key)).second) out.emplace_back(variant_id, pseudonym);
  if (const JsonValue* members = xapi::Member(node, kReferenceMember)) {
    internal::ForEachMember(
        *members, [&](const JsonValue& member) { CollectReferences(member, seen, out); });
  }
}

// Client member names in extension values that start with "$" get one more
// (agent_positions.h), so only the split's references have "$p" there.
void RenameDollarKeys(JsonValue& value, JsonAllocator& alloc, bool escape) {
  if (value.IsObject()) {
    for (auto& m : value.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (escape && !name.empty() && name[0] == '$') {
        const std::string renamed = "$" + std::string(name);
        m.name.SetString(renamed.data(), static_cast<rapidjson::SizeType>(renamed.size()), alloc);
      } else if (!escape && name.size() >= 2 && name[0] == '$' && name[1] == '$') {
        const std::string renamed(name.substr(1));
        m.name.SetString(renamed.data(), static_cast<rapidjson::SizeType>(renamed.size()), alloc);
      }
      RenameDollarKeys(m.value, alloc, escape);
    }
  } else if (value.IsArray()) {
    for (auto& element : value.GetArray()) RenameDollarKeys(element, alloc, escape);
  }
}

void RenameExtensionKeys(JsonValue& statement, JsonAllocator& alloc, bool escape) {
  internal::ForEachExtensionsMap(statement, [&](JsonValue& extensions) {
    for (auto& m : extensions.GetObject()) RenameDollarKeys(m.value, alloc, escape);
  });
}

}  // namespace

SplitIdentities SplitStatementIdentities(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                                         const Pseudonymizer& pseudonymizer) {
  RenameExtensionKeys(statement, alloc, /*escape=*/true);
  Splitter splitter(alloc, pseudonymizer);
  internal::ForEachAgentPosition(
      statement, [&](JsonValue& node, MentionRole role) { splitter.Split(node, role); });
  return std::move(splitter).Take();
}

SplitIdentities SplitAgentIdentity(xapi::JsonValue& agent, xapi::JsonAllocator& alloc,
                                   const Pseudonymizer& pseudonymizer) {
  Splitter splitter(alloc, pseudonymizer);
  if (agent.IsObject()) splitter.Split(agent, MentionRole::kActorOrObject);
  return std::move(splitter).Take();
}

void JoinStatementIdentities(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                             const VariantResolver& resolve, std::string_view home_page) {
  Joiner joiner(alloc, resolve, home_page);
  internal::ForEachAgentPosition(statement,
                                 [&](JsonValue& node, MentionRole) { joiner.Join(node); });
  RenameExtensionKeys(statement, alloc, /*escape=*/false);
}

void JoinAgentIdentity(xapi::JsonValue& agent, xapi::JsonAllocator& alloc,
                       const VariantResolver& resolve, std::string_view home_page) {
  Joiner joiner(alloc, resolve, home_page);
  joiner.Join(agent);
}

void UnescapeExtensionKeys(xapi::JsonValue& statement, xapi::JsonAllocator& alloc) {
  RenameExtensionKeys(statement, alloc, /*escape=*/false);
}

std::vector<std::pair<std::string, std::string>> ReferencedVariants(
    const xapi::JsonValue& statement) {
  std::vector<std::pair<std::string, std::string>> references;
  std::unordered_set<std::string> seen;
  internal::ForEachAgentPosition(statement, [&](const JsonValue& node, MentionRole) {
    CollectReferences(node, seen, references);
  });
  return references;
}

}  // namespace lrs::anonymizer
