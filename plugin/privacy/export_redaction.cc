#include "plugin/privacy/export_redaction.h"

#include <vector>

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr size_t kTokenHexDigits = 32;
constexpr size_t kTokenLength = 1 + kTokenHexDigits + sizeof(kAddressTokenDomain) - 1;

JsonValue Text(std::string_view text, JsonAllocator& alloc) {
  return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

bool IsReference(const JsonValue& node) {
  if (!node.IsObject()) return false;
  const JsonValue* pseudonym = xapi::Member(node, "$p");
  const JsonValue* variant = xapi::Member(node, "$v");
  return pseudonym != nullptr && pseudonym->IsString() && variant != nullptr &&
         variant->IsString();
}

bool IsGroup(const JsonValue& reference) {
  return xapi::StringMember(reference, "objectType") == "Group" ||
         xapi::Member(reference, "member") != nullptr;
}

// The stored member references, rendered (empty when there were none).
JsonValue RenderedMembers(JsonValue& reference, JsonAllocator& alloc,
                          const ExportSubject& subject) {
  JsonValue members(rapidjson::kArrayType);
  auto it = reference.FindMember("member");
  if (it == reference.MemberEnd() || !it->value.IsArray()) return members;
  for (auto& member : it->value.GetArray()) {
    ShowOthersAsAnotherLearner(member, alloc, subject);
    members.PushBack(member, alloc);  // moves it
  }
  return members;
}

// The learner's own agent, opened when a sealed copy of this variant exists.
void RenderOwn(JsonValue& reference, JsonAllocator& alloc, const ExportSubject& subject) {
  const bool group = IsGroup(reference);
  JsonValue members = RenderedMembers(reference, alloc, subject);
  const std::string type = group ? "Group" : "Agent";
  auto variant = subject.own_variants.find(std::string(xapi::StringMember(reference, "$v")));
  xapi::JsonDocument opened(&alloc);
  if (variant != subject.own_variants.end()) {
    opened.Parse<rapidjson::kParseIterativeFlag>(variant->second.data(), variant->second.size());
  }
  if (variant != subject.own_variants.end() && !opened.HasParseError() && opened.IsObject()) {
    reference.Swap(opened);
  } else {
    reference.SetObject();
    reference.AddMember("objectType", Text(type, alloc), alloc);
    JsonValue account(rapidjson::kObjectType);
    account.AddMember("homePage", Text(subject.pseudonym_home_page, alloc), alloc);
    account.AddMember("name", Text(subject.pseudonym, alloc), alloc);
    reference.AddMember("account", account, alloc);
  }
  reference.RemoveMember("member");
  if (group) reference.AddMember("member", members, alloc);
}

void RenderOther(JsonValue& reference, JsonAllocator& alloc, const ExportSubject& subject) {
  if (IsGroup(reference)) {
    JsonValue members = RenderedMembers(reference, alloc, subject);
    reference.SetObject();
    reference.AddMember("objectType", "Group", alloc);
    reference.AddMember("member", members, alloc);
    return;
  }
  reference.SetObject();
  reference.AddMember("objectType", "Agent", alloc);
  reference.AddMember("name", rapidjson::StringRef(kAnotherLearner), alloc);
}

// `text` with its address tokens replaced; nullopt when it holds none.
std::optional<std::string> WithoutTokens(std::string_view text, const std::string& pseudonym,
                                         const OwnAddressLookup& own) {
  size_t at = text.find(kAddressTokenDomain);
  if (at == std::string_view::npos) return std::nullopt;  // the common case: nothing to do
  std::string out;
  bool changed = false;
  size_t copied = 0;
  for (size_t start = 0; start + kTokenLength <= text.size(); ++start) {
    if (text[start] != 'a' || !IsAddressTokenAt(text, start)) continue;
    const std::string_view token = text.substr(start, kTokenLength);
    std::optional<std::string> address = own ? own(pseudonym, token) : std::nullopt;
    out.append(text.substr(copied, start - copied));
    out.append(address ? *address : std::string(kAnotherLearner));
    copied = start + kTokenLength;
    start = copied - 1;
    changed = true;
  }
  if (!changed) return std::nullopt;
  out.append(text.substr(copied));
  return out;
}

}  // namespace

bool IsAddressTokenAt(std::string_view text, size_t at) {
  if (at + kTokenLength > text.size() || text[at] != 'a') return false;
  for (size_t i = 1; i <= kTokenHexDigits; ++i) {
    const char c = text[at + i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return text.substr(at + 1 + kTokenHexDigits, sizeof(kAddressTokenDomain) - 1) ==
         kAddressTokenDomain;
}

void ShowOthersAsAnotherLearner(JsonValue& value, JsonAllocator& alloc,
                                const ExportSubject& subject) {
  // An explicit stack: stored JSON nests as deep as the client sent it.
  std::vector<JsonValue*> pending{&value};
  while (!pending.empty()) {
    JsonValue* node = pending.back();
    pending.pop_back();
    if (IsReference(*node)) {
      if (xapi::StringMember(*node, "$p") == subject.pseudonym) {
        RenderOwn(*node, alloc, subject);
      } else {
        RenderOther(*node, alloc, subject);
      }
      continue;  // members were rendered with it
    }
    if (node->IsObject()) {
      for (auto& member : node->GetObject()) pending.push_back(&member.value);
    } else if (node->IsArray()) {
      for (auto& element : node->GetArray()) pending.push_back(&element);
    }
  }
}

void ReplaceAddressTokens(JsonValue& value, JsonAllocator& alloc, const std::string& pseudonym,
                          const OwnAddressLookup& own) {
  auto replace = [&](JsonValue& text) {
    const std::string_view current(text.GetString(), text.GetStringLength());
    if (std::optional<std::string> replaced = WithoutTokens(current, pseudonym, own)) {
      text.SetString(replaced->data(), static_cast<rapidjson::SizeType>(replaced->size()), alloc);
    }
  };
  std::vector<JsonValue*> pending{&value};
  while (!pending.empty()) {
    JsonValue* node = pending.back();
    pending.pop_back();
    if (node->IsString()) {
      replace(*node);
    } else if (node->IsObject()) {
      for (auto& member : node->GetObject()) {
        replace(member.name);
        pending.push_back(&member.value);
      }
    } else if (node->IsArray()) {
      for (auto& element : node->GetArray()) pending.push_back(&element);
    }
  }
}

}  // namespace lrs::plugin
