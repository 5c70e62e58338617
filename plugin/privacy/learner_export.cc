#include "plugin/privacy/learner_export.h"

#include "anonymizer/identity_split.h"
#include "anonymizer/reference_keys.h"

#include <unordered_map>

#include "plugin/resources/document_routes.h"
#include "storage/statement_writer.h"
#include "xapi/jws.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr int kStatementPage = 500;

JsonValue Text(const std::string& text, JsonAllocator& alloc) {
  return JsonValue(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

// A Content-Type as the client sent it (a request header, or a multipart
// part's): any bytes, so made well-formed UTF-8 before it enters JSON.
JsonValue HeaderText(const std::string& text, JsonAllocator& alloc) {
  return Text(xapi::ToValidUtf8(text), alloc);
}

JsonValue Time(int64_t micros, JsonAllocator& alloc) {
  return Text(xapi::FormatTimestamp(micros), alloc);
}

// analytics::FactKind's values, as a learner reads them.
const char* FactKindName(int kind) {
  static constexpr const char* kNames[] = {"active",   "attempted", "completed",  "passed",
                                           "failed",   "score",     "time_spent", "response"};
  return kind >= 0 && kind < 8 ? kNames[kind] : "unknown";
}

// JSON content as JSON, other text as a string, anything else as base64.
void AddContent(JsonValue& object, const std::string& content, JsonAllocator& alloc) {
  auto parsed = xapi::ParseJson(content);
  if (parsed.ok()) {
    JsonValue copy((**parsed), alloc);
    object.AddMember("content", copy, alloc);
  } else if (xapi::IsValidUtf8(content)) {
    object.AddMember("content", Text(content, alloc), alloc);
  } else {
    object.AddMember("contentBase64", Text(xapi::EncodeBase64Url(content), alloc), alloc);
  }
}

const char* DocumentKindName(storage::DocumentKind kind) {
  switch (kind) {
    case storage::DocumentKind::kState:
      return "state";
    case storage::DocumentKind::kAgentProfile:
      return "agentProfile";
    case storage::DocumentKind::kActivityProfile:
      return "activityProfile";
  }
  return "document";
}

}  // namespace

MaybeError AddConsentView(const ConsentRegistry& consent, const std::string& pseudonym,
                          JsonValue& out, JsonAllocator& alloc) {
  out.SetObject();
  out.AddMember("mode",
                JsonValue(rapidjson::StringRef(consent.policy().opt_in ? "opt-in" : "opt-out")),
                alloc);
  JsonValue purposes(rapidjson::kObjectType);
  for (const auto& [purpose, state] : consent.States(pseudonym)) {
    purposes.AddMember(Text(purpose, alloc), Text(state, alloc), alloc);
  }
  out.AddMember("purposes", purposes, alloc);
  out.AddMember("storing", consent.MayStore(pseudonym), alloc);
  auto history = consent.History(pseudonym);
  if (!history.ok()) return history.error();
  JsonValue events(rapidjson::kArrayType);
  for (const auto& event : *history) {
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("state", Text(event.state, alloc), alloc);
    auto purposes_doc = xapi::ParseJson(event.purposes_json);
    JsonValue list(rapidjson::kArrayType);
    if (purposes_doc.ok()) list.CopyFrom(**purposes_doc, alloc);
    entry.AddMember("purposes", list, alloc);
    entry.AddMember("at", Time(event.at_us, alloc), alloc);
    // Who: the LMS (a credential key) or the learner themself.
    entry.AddMember("by", Text(event.actor, alloc), alloc);
    events.PushBack(entry, alloc);
  }
  out.AddMember("history", events, alloc);
  return std::nullopt;
}

LearnerExport::LearnerExport(std::string pseudonym_home_page, IdentityVault& vault,
                             storage::StatementReader& reader, storage::LearnerData& data,
                             const ConsentRegistry& consent, OwnAddressLookup own_addresses)
    : pseudonym_home_page_(std::move(pseudonym_home_page)),
      vault_(vault),
      reader_(reader),
      data_(data),
      consent_(consent),
      own_addresses_(std::move(own_addresses)) {}

MaybeError LearnerExport::Build(const std::string& pseudonym, xapi::JsonDocument& out) {
  JsonAllocator& alloc = out.GetAllocator();
  out.SetObject();
  out.AddMember("pseudonym", Text(pseudonym, alloc), alloc);
  out.AddMember("generated", Time(storage::SystemClockMicros(), alloc), alloc);
  auto own = OpenOwnIdentities(pseudonym);
  if (!own.ok()) return own.error();
  AddIdentities(*own, out);
  if (auto error = AddStatements(pseudonym, *own, out)) return error;
  if (auto error = AddDocuments(pseudonym, out)) return error;
  if (auto error = AddAttachmentsAndFacts(pseudonym, out)) return error;
  JsonValue consent;
  if (auto error = AddConsentView(consent_, pseudonym, consent, alloc)) return error;
  out.AddMember("consent", consent, alloc);
  // Recommendations are recorded here once the recommendation engine exists;
  // none has been given to anyone yet.
  out.AddMember("recommendations", JsonValue(rapidjson::kArrayType), alloc);
  // Last, over everything: an address token may sit in any string (a result,
  // an activity id, a document id, a fact).
  ReplaceAddressTokens(out, alloc, pseudonym, own_addresses_);
  return std::nullopt;
}

Result<LearnerExport::OwnIdentities> LearnerExport::OpenOwnIdentities(
    const std::string& pseudonym) {
  auto sealed = reader_.FindIdentitiesByPseudonym(pseudonym);
  if (!sealed.ok()) return sealed.error();
  OwnIdentities own;
  for (const auto& identity : *sealed) {
    auto opened = vault_.Open(identity);
    if (!opened.ok()) return opened.error();
    if (opened->has_value()) own.emplace_back(identity.variant_id, std::move(**opened));
  }
  return own;
}

void LearnerExport::AddIdentities(const OwnIdentities& own, xapi::JsonDocument& out) {
  JsonAllocator& alloc = out.GetAllocator();
  JsonValue identities(rapidjson::kArrayType);
  for (const auto& [variant_id, agent_json] : own) {
    auto agent = xapi::ParseJson(agent_json);
    if (agent.ok()) identities.PushBack(JsonValue(**agent, alloc), alloc);
  }
  out.AddMember("identities", identities, alloc);
}

MaybeError LearnerExport::AddStatements(const std::string& pseudonym, const OwnIdentities& own,
                                        xapi::JsonDocument& out) {
  JsonAllocator& alloc = out.GetAllocator();
  // Only the learner's own variants are opened; everyone else in their
  // statements (instructors, team mates, group members) is "another learner".
  const ExportSubject subject{pseudonym, pseudonym_home_page_,
                              std::unordered_map<std::string, std::string>(own.begin(), own.end())};

  JsonValue statements(rapidjson::kArrayType);
  int64_t after = 0;
  for (;;) {
    auto page = data_.Statements(pseudonym, after, kStatementPage);
    if (!page.ok()) return page.error();
    for (const auto& stored : *page) {
      after = stored.seq;
      xapi::JsonDocument parsed(&alloc);
      parsed.Parse(stored.json.c_str(), stored.json.size());
      if (parsed.HasParseError() || !parsed.IsObject()) {
        return MakeError(500, "storage", "", "a stored statement could not be read");
      }
      JsonValue statement;
      statement.Swap(parsed);
      ShowOthersAsAnotherLearner(statement, alloc, subject);
      // As a read renders it (plugin/resources/statement_read.cc): no token list, and
      // extension member names as the client sent them.
      statement.RemoveMember(anonymizer::kAddressTokens);
      anonymizer::UnescapeExtensionKeys(statement, alloc);
      statement.AddMember("stored", Time(stored.stored_us, alloc), alloc);
      if (stored.voided) statement.AddMember("voided", true, alloc);
      statements.PushBack(statement, alloc);
    }
    if (page->size() < static_cast<size_t>(kStatementPage)) break;
  }
  out.AddMember("statements", statements, alloc);
  return std::nullopt;
}

MaybeError LearnerExport::AddDocuments(const std::string& pseudonym, xapi::JsonDocument& out) {
  JsonAllocator& alloc = out.GetAllocator();
  auto documents = data_.Documents(pseudonym);
  if (!documents.ok()) return documents.error();
  JsonValue list(rapidjson::kArrayType);
  for (const auto& document : *documents) {
    auto opened = vault_.OpenFor(pseudonym, document.content, DocumentSealContext(document.key));
    if (!opened.ok()) return opened.error();
    if (!opened->has_value()) continue;
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("type", JsonValue(rapidjson::StringRef(DocumentKindName(document.key.kind))),
                    alloc);
    if (!document.key.activity_id.empty()) {
      entry.AddMember("activityId", Text(document.key.activity_id, alloc), alloc);
    }
    if (!document.key.registration.empty()) {
      entry.AddMember("registration", Text(document.key.registration, alloc), alloc);
    }
    entry.AddMember("id", Text(document.key.document_id, alloc), alloc);
    entry.AddMember("contentType", HeaderText(document.content_type, alloc), alloc);
    entry.AddMember("updated", Time(document.updated_us, alloc), alloc);
    AddContent(entry, **opened, alloc);
    list.PushBack(entry, alloc);
  }
  out.AddMember("documents", list, alloc);
  return std::nullopt;
}

MaybeError LearnerExport::AddAttachmentsAndFacts(const std::string& pseudonym,
                                                 xapi::JsonDocument& out) {
  JsonAllocator& alloc = out.GetAllocator();
  auto attachments = data_.Attachments(pseudonym);
  if (!attachments.ok()) return attachments.error();
  JsonValue attachment_list(rapidjson::kArrayType);
  for (const auto& attachment : *attachments) {
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("sha2", Text(attachment.sha2, alloc), alloc);
    entry.AddMember("contentType", HeaderText(attachment.content_type, alloc), alloc);
    entry.AddMember("sealedBytes", attachment.sealed_bytes, alloc);
    attachment_list.PushBack(entry, alloc);
  }
  out.AddMember("attachments", attachment_list, alloc);

  auto facts = data_.Facts(pseudonym);
  if (!facts.ok()) return facts.error();
  JsonValue fact_list(rapidjson::kArrayType);
  for (const auto& fact : *facts) {
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("activityId", Text(fact.activity_id, alloc), alloc);
    entry.AddMember("verbId", Text(fact.verb_id, alloc), alloc);
    entry.AddMember("first", Time(fact.first_us, alloc), alloc);
    entry.AddMember("last", Time(fact.last_us, alloc), alloc);
    entry.AddMember("statements", fact.statements, alloc);
    if (fact.completion) entry.AddMember("completion", *fact.completion != 0, alloc);
    if (fact.success) entry.AddMember("success", *fact.success != 0, alloc);
    if (fact.score_scaled) entry.AddMember("scoreScaled", *fact.score_scaled, alloc);
    fact_list.PushBack(entry, alloc);
  }
  out.AddMember("facts", fact_list, alloc);

  // What analytics counts them in (storage/analytics_store.h): each fact's
  // place (time, cohort values) and value, as the epoch reads it.
  auto analytics = data_.AnalyticsFacts(pseudonym);
  if (!analytics.ok()) return analytics.error();
  JsonValue analytics_list(rapidjson::kArrayType);
  for (const auto& fact : *analytics) {
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("activityId", Text(fact.activity_id, alloc), alloc);
    entry.AddMember("kind", JsonValue(FactKindName(fact.kind), alloc), alloc);
    entry.AddMember("at", Time(fact.at_us, alloc), alloc);
    JsonValue cohort(rapidjson::kArrayType);
    for (const auto& value : fact.cohort) cohort.PushBack(Text(value, alloc), alloc);
    entry.AddMember("cohort", cohort, alloc);
    if (fact.value) entry.AddMember("value", *fact.value, alloc);
    if (!fact.detail.empty()) entry.AddMember("detail", Text(fact.detail, alloc), alloc);
    entry.AddMember("updated", Time(fact.updated_us, alloc), alloc);
    analytics_list.PushBack(entry, alloc);
  }
  out.AddMember("analyticsFacts", analytics_list, alloc);
  return std::nullopt;
}

}  // namespace lrs::plugin
