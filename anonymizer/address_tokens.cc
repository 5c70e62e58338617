#include "anonymizer/address_tokens.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "anonymizer/reference_keys.h"
#include "xapi/agent_identifier.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

// RFC 5322 atext but "/", "?", "#", "&" and "=": an address inside an IRI
// or a query string starts after the path or parameter that holds it.
bool IsAtext(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return c != '\0' && std::strchr("!$%'*+^_`{|}~-", c) != nullptr;
}

bool IsDomainChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '-' || c == '.';
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The end of the longest domain starting at `begin` (`begin` when none):
// labels of letters, digits and hyphens, none empty, the last alphabetic and
// at least two long, not followed by a letter or digit. Backs off from a
// longer run ("ada@example.org-final" names ada@example.org). Each
// character is looked at a bounded number of times.
size_t DomainEnd(std::string_view text, size_t begin) {
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (begin >= text.size() || !alnum(text[begin]) && text[begin] != '-') return begin;
  size_t run_end = begin;
  while (run_end < text.size() && IsDomainChar(text[run_end])) {
    if (text[run_end] == '.' && text[run_end - 1] == '.') break;  // an empty label ends it
    ++run_end;
  }
  size_t end = run_end;
  while (end > begin) {
    if (!alpha(text[end - 1])) {
      --end;
      continue;
    }
    size_t label = end;
    while (label > begin && alpha(text[label - 1])) --label;
    const bool followed_by_alnum = end < text.size() && alnum(text[end]);
    if (end - label >= 2 && label > begin + 1 && text[label - 1] == '.' && !followed_by_alnum) {
      return end;
    }
    end = label;
  }
  return begin;
}

void CollectStrings(JsonValue& value, JsonAllocator& alloc,
                    const std::function<std::optional<std::string>(std::string_view)>& rewrite) {
  auto replace = [&](JsonValue& s) {
    if (std::memchr(s.GetString(), '@', s.GetStringLength()) == nullptr) return;
    std::optional<std::string> out = rewrite(std::string_view(s.GetString(), s.GetStringLength()));
    if (out) s.SetString(out->data(), static_cast<rapidjson::SizeType>(out->size()), alloc);
  };
  if (value.IsString()) {
    replace(value);
  } else if (value.IsObject()) {
    if (!ReferencePseudonym(value).empty() && value.HasMember(kReferenceVariant)) return;
    for (auto& m : value.GetObject()) {
      replace(m.name);
      CollectStrings(m.value, alloc, rewrite);
    }
  } else if (value.IsArray()) {
    for (auto& element : value.GetArray()) CollectStrings(element, alloc, rewrite);
  }
}

}  // namespace

std::vector<TextSpan> FindAddresses(std::string_view text) {
  std::vector<TextSpan> found;
  // Each scan stops at the previous "@" (not atext, not a domain char) or
  // the previous address, so the whole search is linear in the text.
  size_t searched_to = 0;
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < searched_to) continue;
    size_t begin = at;
    while (begin > searched_to && (IsAtext(text[begin - 1]) || text[begin - 1] == '.')) {
      --begin;
    }
    while (begin < at && text[begin] == '.') ++begin;  // a dot-atom starts with atext
    if (begin == at || text[at - 1] == '.') continue;
    const size_t end = DomainEnd(text, at + 1);
    if (end == at + 1) continue;
    found.push_back({begin, end});
    searched_to = end;
  }
  return found;
}

std::optional<std::string> ReplaceAddresses(
    std::string_view text, const std::function<std::string(std::string_view)>& replace) {
  if (text.find('@') == std::string_view::npos) return std::nullopt;
  const std::vector<TextSpan> spans = FindAddresses(text);
  if (spans.empty()) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (const TextSpan& span : spans) {
    out.append(text.substr(from, span.begin - from));
    out += replace(text.substr(span.begin, span.end - span.begin));
    from = span.end;
  }
  out.append(text.substr(from));
  return out;
}

namespace {

// Each token address in `text`: calls `on(token_begin)` with the offset of
// the "a" of "a<hex>@pseudonym.invalid".
template <typename On>
void ForEachToken(std::string_view text, On&& on) {
  for (size_t at = text.find(kTokenDomain); at != std::string_view::npos;
       at = text.find(kTokenDomain, at + 1)) {
    if (at < kTokenLength) continue;
    const size_t begin = at - kTokenLength;
    if (text[begin] != 'a') continue;
    bool hex = true;
    for (size_t i = begin + 1; i < at && hex; ++i) hex = IsHex(text[i]);
    // Not part of a longer local part or domain.
    const size_t end = at + kTokenDomain.size();
    if (!hex || (begin > 0 && IsAtext(text[begin - 1]))) continue;
    if (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) continue;
    on(begin);
  }
}

}  // namespace

std::vector<std::string> FindTokens(std::string_view text) {
  std::vector<std::string> tokens;
  ForEachToken(text, [&](size_t begin) { tokens.emplace_back(text.substr(begin, kTokenLength)); });
  return tokens;
}

std::optional<std::string> ReplaceTokens(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view)>& open) {
  std::string out;
  size_t from = 0;
  bool replaced = false;
  ForEachToken(text, [&](size_t begin) {
    if (begin < from) return;
    std::optional<std::string> address = open(text.substr(begin, kTokenLength));
    if (!address) return;
    out.append(text.substr(from, begin - from));
    out += *address;
    from = begin + kTokenLength + kTokenDomain.size();
    replaced = true;
  });
  if (!replaced) return std::nullopt;
  out.append(text.substr(from));
  return out;
}

std::string AddressIfi(std::string_view address) {
  xapi::JsonDocument agent(rapidjson::kObjectType);
  const std::string mbox = "mailto:" + std::string(address);
  agent.AddMember("mbox", JsonValue(mbox.c_str(), agent.GetAllocator()), agent.GetAllocator());
  return *xapi::CanonicalIfi(agent);
}

std::string AddressVariantJson(std::string_view address) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("mbox");
  const std::string mbox = "mailto:" + std::string(address);
  writer.String(mbox.data(), static_cast<rapidjson::SizeType>(mbox.size()));
  writer.EndObject();
  return buffer.GetString();
}

std::optional<std::string> AddressFromVariantJson(std::string_view json) {
  xapi::JsonDocument doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const std::string_view mbox = xapi::StringMember(doc, "mbox");
  if (mbox.rfind("mailto:", 0) != 0) return std::nullopt;
  return std::string(mbox.substr(7));
}

void RewriteStrings(JsonValue& root, JsonAllocator& alloc,
                    const std::function<std::optional<std::string>(std::string_view)>& rewrite) {
  CollectStrings(root, alloc, rewrite);
}

void ForEachString(const JsonValue& root, const std::function<void(std::string_view)>& visit) {
  if (root.IsString()) {
    visit(std::string_view(root.GetString(), root.GetStringLength()));
  } else if (root.IsObject()) {
    for (const auto& m : root.GetObject()) {
      visit(std::string_view(m.name.GetString(), m.name.GetStringLength()));
      ForEachString(m.value, visit);
    }
  } else if (root.IsArray()) {
    for (const auto& element : root.GetArray()) ForEachString(element, visit);
  }
}

std::string AddressTokenizer::ReplacementOf(std::string_view address) {
  if (auto it = replaced_.find(std::string(address)); it != replaced_.end()) return it->second;
  if (too_many_ || replaced_.size() >= kMaxAddresses) {
    too_many_ = true;
    return std::string(address);
  }
  std::string pseudonym = pseudonymizer_.Pseudonym(AddressIfi(address));
  std::string replacement;
  if (may_store_ != nullptr && *may_store_ && !(*may_store_)(pseudonym)) {
    replacement = std::string(kWithheldAddress);
  } else {
    std::string token = pseudonymizer_.AddressToken(address);
    replacement = token + std::string(kTokenDomain);
    if (mentioned_.insert(pseudonym).second) {
      found_.mentions.push_back({pseudonym, MentionRole::kRelated});
    }
    tokens_.push_back(token);  // one per spelling: replaced_ saw none of them before
    found_.variants.push_back(
        {std::move(token), std::move(pseudonym), AddressVariantJson(address)});
  }
  replaced_.emplace(std::string(address), replacement);
  return replacement;
}

std::optional<std::string> AddressTokenizer::Replace(std::string_view text) {
  return ReplaceAddresses(text,
                          [this](std::string_view address) { return ReplacementOf(address); });
}

SplitIdentities SplitStatementAddresses(JsonValue& statement, JsonAllocator& alloc,
                                        const Pseudonymizer& pseudonymizer,
                                        const MayStore* may_store, bool* too_many) {
  AddressTokenizer tokenizer(pseudonymizer, may_store);
  RewriteStrings(statement, alloc, [&](std::string_view text) { return tokenizer.Replace(text); });
  if (!tokenizer.tokens().empty()) {
    JsonValue list(rapidjson::kArrayType);
    for (const std::string& token : tokenizer.tokens()) {
      list.PushBack(JsonValue(token.data(), static_cast<rapidjson::SizeType>(token.size()), alloc),
                    alloc);
    }
    statement.AddMember(rapidjson::StringRef(kAddressTokens), list, alloc);
  }
  if (too_many != nullptr) *too_many = tokenizer.too_many();
  return std::move(tokenizer.found());
}

std::optional<std::string> TokenizeAddresses(std::string_view text,
                                             const Pseudonymizer& pseudonymizer) {
  return ReplaceAddresses(text, [&](std::string_view address) {
    return pseudonymizer.AddressToken(address) + std::string(kTokenDomain);
  });
}

}  // namespace lrs::anonymizer
