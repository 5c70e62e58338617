#include "plugin/resources/statement_read.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "anonymizer/address_tokens.h"
#include "anonymizer/identity_split.h"
#include "anonymizer/reference_keys.h"
#include "plugin/resources/more_cursor.h"
#include "xapi/activity_definition.h"
#include "xapi/agent_identifier.h"
#include "xapi/attachments.h"
#include "xapi/multipart.h"
#include "xapi/statement_format.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonDocument;
using xapi::JsonValue;

Error NotFound() {
  return MakeError(404, "xAPI Communication 2.1.3", "", "no such statement");
}

// The pseudonyms a stored statement's agent references carry, but the
// authority's (the credential that stored it, not a learner it is about).
void AddMentionedLearners(JsonValue& statement, std::vector<std::string>& out) {
  // The authority is set aside in place (swapped, not erased), so member
  // order and the rendering are untouched.
  JsonValue authority;
  auto it = statement.FindMember("authority");
  if (it != statement.MemberEnd()) authority.Swap(it->value);
  for (auto& [variant, pseudonym] : anonymizer::ReferencedVariants(statement)) {
    out.push_back(std::move(pseudonym));
  }
  if (it != statement.MemberEnd()) it->value.Swap(authority);
}

// Takes a stored statement's list of address tokens out of it.
std::vector<std::string> TakeAddressTokens(JsonValue& statement) {
  std::vector<std::string> tokens;
  auto it = statement.FindMember(anonymizer::kAddressTokens);
  if (it == statement.MemberEnd()) return tokens;
  if (it->value.IsArray()) {
    for (const auto& t : it->value.GetArray()) {
      if (t.IsString()) tokens.emplace_back(t.GetString(), t.GetStringLength());
    }
  }
  statement.EraseMember(it);
  return tokens;
}

// Puts back the addresses of `tokens` (those that opened) in every string.
void RestoreAddresses(JsonValue& statement, JsonAllocator& alloc,
                      const std::vector<std::string>& tokens,
                      const std::unordered_map<std::string, std::string>& opened) {
  if (tokens.empty()) return;
  auto open = [&](std::string_view token) -> std::optional<std::string> {
    if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) return std::nullopt;
    auto it = opened.find(std::string(token));
    if (it == opened.end()) return std::nullopt;
    return anonymizer::AddressFromVariantJson(it->second);
  };
  anonymizer::RewriteStrings(statement, alloc, [&](std::string_view text) {
    return anonymizer::ReplaceTokens(text, open);
  });
}

}  // namespace

StatementRead::StatementRead(ReadOptions options, const anonymizer::Pseudonymizer& pseudonymizer,
                             IdentityVault& vault, storage::StatementReader& reader)
    : options_(std::move(options)),
      pseudonymizer_(pseudonymizer),
      vault_(vault),
      reader_(reader) {}

MaybeError StatementRead::Render(const std::vector<storage::StoredStatement>& statements,
                                 xapi::StatementFormat format, bool may_see_identities,
                                 const std::vector<std::string>& languages, JsonDocument& out,
                                 std::vector<std::string>& subjects) {
  JsonAllocator& alloc = out.GetAllocator();
  out.SetArray();
  for (const auto& stored : statements) {
    JsonDocument parsed(&alloc);
    parsed.Parse(stored.json.c_str(), stored.json.size());
    if (parsed.HasParseError() || !parsed.IsObject()) {
      return MakeError(500, "storage", "", "a stored statement could not be read");
    }
    out.PushBack(parsed.Move(), alloc);  // same allocator: no copy
  }
  std::vector<std::vector<std::string>> address_tokens;  // per statement
  for (auto& statement : out.GetArray()) {
    address_tokens.push_back(TakeAddressTokens(statement));
    AddMentionedLearners(statement, subjects);
  }
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());

  // Open every sealed identity the page needs in one round trip.
  std::unordered_map<std::string, std::string> opened;  // variant id -> original JSON
  if (may_see_identities) {
    std::vector<std::string> variant_ids;
    for (auto& statement : out.GetArray()) {
      for (auto& [variant, pseudonym] : anonymizer::ReferencedVariants(statement)) {
        variant_ids.push_back(variant);
      }
    }
    // An address's token is the variant id of its sealed copy.
    for (const auto& tokens : address_tokens) {
      variant_ids.insert(variant_ids.end(), tokens.begin(), tokens.end());
    }
    auto sealed = reader_.FindIdentities(variant_ids);
    if (!sealed.ok()) return sealed.error();
    for (const auto& identity : *sealed) {
      auto plaintext = vault_.Open(identity);
      if (!plaintext.ok()) return plaintext.error();
      if (plaintext->has_value()) opened.emplace(identity.variant_id, std::move(**plaintext));
    }
  }
  anonymizer::VariantResolver resolve =
      [&opened](const std::string& variant_id,
                const std::string& /*pseudonym*/) -> std::optional<std::string> {
    auto it = opened.find(variant_id);
    if (it == opened.end()) return std::nullopt;
    return it->second;
  };

  // format=canonical: every Activity shows the LRS's canonical definition
  // (Communication 2.1.3 "format"), then one language per map.
  std::map<std::string, std::string> canonical;
  if (format == xapi::StatementFormat::kCanonical) {
    std::vector<std::string> activity_ids;
    for (const auto& statement : out.GetArray()) {
      for (auto& id : xapi::ActivityIds(statement)) activity_ids.push_back(std::move(id));
    }
    auto definitions = reader_.FindActivityDefinitions(activity_ids);
    if (!definitions.ok()) return definitions.error();
    canonical = std::move(*definitions);
  }
  xapi::CanonicalDefinitionLookup canonical_definition =
      [&canonical](std::string_view id) -> const std::string* {
    auto it = canonical.find(std::string(id));
    return it == canonical.end() ? nullptr : &it->second;
  };

  size_t i = 0;
  for (auto& statement : out.GetArray()) {
    const storage::StoredStatement& stored = statements[i++];
    anonymizer::JoinStatementIdentities(statement, alloc, resolve, options_.pseudonym_home_page);
    std::string stamp = xapi::FormatTimestamp(stored.stored_us);
    statement.AddMember("stored", JsonValue(stamp.c_str(), alloc), alloc);
    // Data 2.4.7: a statement without a timestamp gets one equal to stored.
    if (!statement.HasMember("timestamp")) {
      statement.AddMember("timestamp", JsonValue(stamp.c_str(), alloc), alloc);
    }
    if (format == xapi::StatementFormat::kIds) xapi::ApplyIdsFormat(statement, alloc);
    if (format == xapi::StatementFormat::kCanonical) {
      xapi::ApplyCanonicalDefinitions(statement, alloc, canonical_definition);
      xapi::ApplyCanonicalFormat(statement, alloc, languages);
    }
    RestoreAddresses(statement, alloc, address_tokens[i - 1], opened);
  }
  return std::nullopt;
}

Result<ReadResult> StatementRead::WithAttachments(ReadResult result, const JsonValue& statements,
                                                  bool may_see_identities) {
  std::vector<xapi::AttachmentPart> parts;
  if (may_see_identities) {
    std::vector<std::string> sha2s;
    // Communication 1.5.2: a part's Content-Type is the attachment object's
    // contentType. The stored row may have come with another statement that
    // declared the same bytes under another type.
    std::map<std::string, std::string> declared_types;
    for (auto& declared : xapi::DeclaredAttachments(statements)) {
      declared_types.emplace(declared.sha2, declared.content_type);
      sha2s.push_back(std::move(declared.sha2));
    }
    auto found = reader_.FindAttachments(sha2s);
    if (!found.ok()) return found.error();
    // Every owner's copy holds the same bytes (they share the hash); the
    // first one whose owner's key still exists is sent.
    std::set<std::string> sent;
    for (auto& a : *found) {
      if (sent.count(a.sha2)) continue;
      auto content = vault_.OpenFor(a.owner, a.content, "attachment\n" + a.sha2);
      if (!content.ok()) return content.error();
      if (!content->has_value()) continue;
      sent.insert(a.sha2);
      std::string content_type = declared_types[a.sha2];
      if (content_type.empty()) content_type = std::move(a.content_type);
      parts.push_back({std::move(a.sha2), std::move(content_type), std::move(**content)});
    }
  }
  xapi::BuiltMultipart built = xapi::BuildMultipart(result.body, parts);
  result.body = std::move(built.body);
  result.content_type = std::move(built.content_type);
  return result;
}

Result<ReadResult> StatementRead::ReadOne(const xapi::StatementQuery& query, const Principal& who,
                                          bool may_see_identities,
                                          const std::vector<std::string>& languages) {
  bool want_voided = query.voided_statement_id.has_value();
  const std::string& id = want_voided ? *query.voided_statement_id : *query.statement_id;
  // statements/read/mine: another credential's statement is not found (404).
  std::optional<std::string> own;
  if (ReadsOnlyOwn(who.scopes)) own = who.key;
  auto found = reader_.FindById(id, own);
  if (!found.ok()) return found.error();
  // Communication 2.1.4: a voided statement is only found by voidedStatementId,
  // and voidedStatementId finds only voided statements.
  if (!found->has_value() || (*found)->voided != want_voided) return NotFound();

  JsonDocument rendered;
  std::vector<std::string> subjects;
  if (auto error =
          Render({**found}, query.format, may_see_identities, languages, rendered, subjects)) {
    return *error;
  }
  ReadResult result{xapi::ToJson(rendered[0]), (*found)->stored_us};
  result.subjects = std::move(subjects);
  if (query.attachments) return WithAttachments(std::move(result), rendered, may_see_identities);
  return result;
}

Result<ReadResult> StatementRead::ReadPage(const xapi::StatementQuery& query,
                                           const Principal& who, bool may_see_identities,
                                           const std::vector<std::string>& languages) {
  CursorState state;
  if (query.more) {
    auto decoded = DecodeCursor(*query.more, who.key, options_.cursor_key);
    if (!decoded.ok()) return decoded.error();
    state = std::move(*decoded);
  } else {
    storage::StatementFilter& f = state.filter;
    if (query.agent) {
      auto ifi = xapi::CanonicalIfi(*query.agent);
      if (!ifi) {
        return MakeError(400, "xAPI Communication 2.1.3: agent is an Agent or identified Group",
                         "?agent", "an anonymous Group cannot be used as a filter");
      }
      f.agent_pseudonym = pseudonymizer_.Pseudonym(*ifi);
    }
    // Ids are stored with their addresses as tokens (anonymizer/address_tokens.h).
    auto tokenized = [this](const std::optional<std::string>& id) -> std::optional<std::string> {
      if (!id) return id;
      std::optional<std::string> t = anonymizer::TokenizeAddresses(*id, pseudonymizer_);
      return t ? t : id;
    };
    f.verb_id = tokenized(query.verb_id);
    f.activity_id = tokenized(query.activity_id);
    f.registration = query.registration;
    f.related_agents = query.related_agents;
    f.related_activities = query.related_activities;
    f.since_us = query.since_us;
    f.until_us = query.until_us;
    f.ascending = query.ascending;
    f.limit = query.limit == 0 ? options_.max_limit : std::min(query.limit, options_.max_limit);
    state.format = query.format;
    state.attachments = query.attachments;
  }

  // statements/read/mine, decided by the scopes the credential has now, on
  // every page: a cursor carries no such filter of its own.
  state.filter.credential.reset();
  if (ReadsOnlyOwn(who.scopes)) state.filter.credential = who.key;
  auto page = reader_.Query(state.filter);
  if (!page.ok()) return page.error();

  JsonDocument result(rapidjson::kObjectType);
  JsonDocument statements(&result.GetAllocator());
  std::vector<std::string> subjects;
  if (auto error = Render(page->statements, state.format, may_see_identities, languages,
                          statements, subjects)) {
    return *error;
  }
  std::string more;
  if (page->has_more && !page->statements.empty()) {
    CursorState next = state;
    next.filter.snapshot_seq = page->snapshot_seq;
    next.filter.after_seq = page->statements.back().seq;
    more = options_.more_path + "?more=" + EncodeCursor(next, who.key, options_.cursor_key);
  }
  JsonAllocator& alloc = result.GetAllocator();
  result.AddMember("statements", statements.Move(), alloc);
  result.AddMember("more", JsonValue(more.c_str(), alloc), alloc);
  ReadResult out{xapi::ToJson(result), 0};
  out.subjects = std::move(subjects);
  if (state.attachments) {
    return WithAttachments(std::move(out), result["statements"], may_see_identities);
  }
  return out;
}

Result<ReadResult> StatementRead::Read(const xapi::StatementQuery& query, const Principal& who,
                                       bool may_see_identities,
                                       const std::string& accept_language) {
  std::vector<std::string> languages = xapi::ParseAcceptLanguage(accept_language);
  if (query.statement_id || query.voided_statement_id) {
    return ReadOne(query, who, may_see_identities, languages);
  }
  return ReadPage(query, who, may_see_identities, languages);
}

}  // namespace lrs::plugin
