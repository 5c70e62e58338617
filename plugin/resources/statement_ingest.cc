#include "plugin/resources/statement_ingest.h"

#include <functional>
#include <map>
#include <set>
#include <unordered_set>

#include "anonymizer/address_tokens.h"
#include "anonymizer/agent_positions.h"
#include "anonymizer/consent_filter.h"
#include "anonymizer/identity_split.h"
#include "anonymizer/reference_keys.h"
#include "anonymizer/scrubber.h"
#include "xapi/activity_definition.h"
#include "xapi/attachments.h"
#include "xapi/statement_comparison.h"
#include "xapi/statement_normalize.h"
#include "xapi/timestamp.h"
#include "xapi/uuid.h"
#include "xapi/validator.h"

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr char kVoidedVerb[] = "http://adlnet.gov/expapi/verbs/voided";

Error WithPath(Error error, const std::string& prefix) {
  if (error.path.rfind("$", 0) == 0) error.path = prefix + error.path.substr(1);
  return error;
}

void SetString(JsonValue& object, const char* name, const std::string& value,
               JsonAllocator& alloc) {
  JsonValue v(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), alloc);
  if (object.HasMember(name)) {
    object[name] = v;
  } else {
    object.AddMember(JsonValue(name, alloc), v, alloc);
  }
}

void AddActivity(const JsonValue& activity, storage::ActivityRole role,
                 std::vector<storage::ActivityRef>& out) {
  auto id = xapi::StringMember(activity, "id");
  if (id.empty()) return;
  for (const auto& existing : out) {
    if (existing.activity_id == id && existing.role == role) return;
  }
  out.push_back({std::string(id), role});
}

void AddContextActivities(const JsonValue& statement, std::vector<storage::ActivityRef>& out) {
  const JsonValue* context = xapi::Member(statement, "context");
  const JsonValue* lists = context ? xapi::Member(*context, "contextActivities") : nullptr;
  if (lists == nullptr || !lists->IsObject()) return;
  for (const auto& list : lists->GetObject()) {
    if (list.value.IsArray()) {
      for (const auto& a : list.value.GetArray())
        AddActivity(a, storage::ActivityRole::kRelated, out);
    } else {
      AddActivity(list.value, storage::ActivityRole::kRelated, out);
    }
  }
}

bool IsActivity(const JsonValue& object) {
  auto type = xapi::StringMember(object, "objectType");
  return type.empty() || type == "Activity";
}

// The largest "member" list of any Group the statement names.
size_t LargestGroup(const JsonValue& statement) {
  size_t largest = 0;
  anonymizer::internal::ForEachAgentPosition(
      statement, [&](const JsonValue& node, anonymizer::MentionRole) {
        const JsonValue* members = xapi::Member(node, "member");
        if (members != nullptr && members->IsArray())
          largest = std::max<size_t>(largest, members->Size());
      });
  return largest;
}

// A voiding statement from a learner without consent keeps only what
// voiding needs: id, actor (its identifier, no name), verb id, the
// StatementRef, timestamp, version, authority.
void MinimizeVoiding(JsonValue& statement, JsonAllocator& alloc) {
  static constexpr const char* kKept[] = {"id",        "actor",   "verb",     "object",
                                          "timestamp", "version", "authority"};
  for (auto it = statement.MemberBegin(); it != statement.MemberEnd();) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool keep = false;
    for (const char* k : kKept) keep |= name == k;
    it = keep ? it + 1 : statement.EraseMember(it);
  }
  JsonValue& verb = statement["verb"];
  if (verb.IsObject()) verb.EraseMember("display");
  JsonValue& actor = statement["actor"];
  if (actor.IsObject()) {
    actor.EraseMember("name");
    if (JsonValue* members = actor.HasMember("member") ? &actor["member"] : nullptr;
        members && members->IsArray()) {
      for (auto& m : members->GetArray()) {
        if (m.IsObject()) m.EraseMember("name");
      }
    }
  }
}

}  // namespace

StatementIngest::StatementIngest(IngestOptions options,
                                 const anonymizer::Pseudonymizer& pseudonymizer,
                                 IdentityVault& vault, storage::StatementWriter& writer,
                                 std::shared_ptr<anonymizer::RandomSource> random)
    : options_(std::move(options)),
      scrubs_(!options_.keep.KeepsEverything()),
      pseudonymizer_(pseudonymizer),
      vault_(vault),
      writer_(writer),
      random_(std::move(random)) {}

StatementIngest::Kept StatementIngest::ApplyConsent(JsonValue& statement, JsonAllocator& alloc,
                                                    bool is_voiding) const {
  Kept kept;
  if (!options_.may_store) return kept;
  const anonymizer::ConsentCheck consents = [this](const std::string& ifi) {
    return options_.may_store(pseudonymizer_.Pseudonym(ifi));
  };
  if (is_voiding && !anonymizer::ConsentsToBeNamed(statement["actor"], consents)) {
    // Apply the voiding, keep nothing of the learner but their pseudonym.
    MinimizeVoiding(statement, alloc);
    kept.seal = false;
    kept.attachments = false;
    return kept;
  }
  const anonymizer::ConsentFilterResult filtered =
      anonymizer::WithholdUnconsented(statement, alloc, consents);
  kept.store = filtered.keeps_learner || is_voiding;
  if (filtered.actor_withheld) {
    // The actor owns the attachments; without them there is nobody to seal under.
    statement.RemoveMember("attachments");
    kept.attachments = false;
  }
  return kept;
}

Result<storage::StatementRecord> StatementIngest::Prepare(
    JsonValue& statement, JsonAllocator& alloc, const Principal& who, xapi::Version version,
    const std::string& path, std::vector<anonymizer::IdentityVariant>& variants, Kept& kept) {
  if (auto error = xapi::ValidateStatement(statement, xapi::ValidationOptions{version})) {
    return WithPath(*error, path);
  }
  if (anonymizer::internal::ExtensionWithUnkeyablePerson(statement)) {
    return MakeError(400, "identities in extensions", path + ".extensions",
                     "an extension holds an Agent or Group without an identifier (mbox, "
                     "mbox_sha1sum, "
                     "openid, account with homePage and name) or a member without one: "
                     "the LRS could not protect or erase that person");
  }
  if (LargestGroup(statement) > options_.max_group_members) {
    return MakeError(413, "group member limit", path,
                     "a Group may have at most " + std::to_string(options_.max_group_members) +
                         " members (manifest limits.group_members)");
  }
  // Minimization (DESIGN.md, step 3): what the manifest does not keep goes
  // before anything is hashed, sealed or stored; the rest stays valid xAPI.
  if (scrubs_) anonymizer::ScrubStatement(statement, options_.keep);
  storage::StatementRecord record;

  // id (Data 2.4.1): the LRS assigns one when the client did not.
  if (auto id = xapi::StringMember(statement, "id"); !id.empty()) {
    record.id = xapi::NormalizeUuid(id);
  } else {
    uint8_t random[16];
    random_->Fill(random, sizeof random);
    record.id = xapi::FormatUuidV4(random);
  }
  SetString(statement, "id", record.id, alloc);
  xapi::NormalizeContextActivities(statement, alloc);

  // Compared before the LRS changes anything, so a retry of the same
  // statement matches and a different one under the same id is a conflict.
  record.content_hash = pseudonymizer_.ContentDigest(xapi::ComparableForm(statement, version));

  // stored is the LRS's alone (Data 2.4.8), set at commit; authority is the
  // credential that sent it (Data 2.4.9); version defaults (Data 2.4.10).
  statement.RemoveMember("stored");
  JsonValue authority(rapidjson::kObjectType);
  JsonValue account(rapidjson::kObjectType);
  account.AddMember("homePage", JsonValue(options_.authority_home_page.c_str(), alloc), alloc);
  account.AddMember("name", JsonValue(who.key.c_str(), alloc), alloc);
  authority.AddMember("objectType", "Agent", alloc);
  authority.AddMember("account", account, alloc);
  if (statement.HasMember("authority")) {
    statement["authority"] = authority;
  } else {
    statement.AddMember("authority", authority, alloc);
  }
  if (!statement.HasMember("version")) {
    SetString(statement, "version", std::string(xapi::StatementVersion(version)), alloc);
  }
  if (auto ts = xapi::StringMember(statement, "timestamp"); !ts.empty()) {
    record.timestamp_us = xapi::ParseTimestampMicros(ts, version);
    // 2.0.0 stores and returns timestamps in UTC (DIFFERENCES.md item 4).
    if (version == xapi::Version::k2_0 && record.timestamp_us) {
      SetString(statement, "timestamp", xapi::FormatTimestamp(*record.timestamp_us), alloc);
    }
  }

  // Consent for every learner the statement names (DESIGN.md, step 4).
  const bool is_voiding = xapi::StringMember(statement["verb"], "id") == kVoidedVerb;
  kept = ApplyConsent(statement, alloc, is_voiding);
  if (!kept.store) return record;

  // Identities leave the statement here (DESIGN.md, Identity): every Agent
  // and Group, then every e-mail address anywhere else.
  anonymizer::SplitIdentities split =
      anonymizer::SplitStatementIdentities(statement, alloc, pseudonymizer_);
  bool too_many_addresses = false;
  anonymizer::SplitIdentities addresses = anonymizer::SplitStatementAddresses(
      statement, alloc, pseudonymizer_, &options_.may_store, &too_many_addresses);
  if (too_many_addresses) {
    return MakeError(413, "address limit", path,
                     "a statement may hold at most " + std::to_string(anonymizer::kMaxAddresses) +
                         " different e-mail addresses");
  }
  // Each part is de-duplicated; an address's learner may also be an agent.
  std::unordered_set<std::string> mentioned;
  for (auto* part : {&split, &addresses}) {
    for (auto& mention : part->mentions) {
      const bool primary = mention.role == anonymizer::MentionRole::kActorOrObject;
      if (!mentioned.insert(mention.pseudonym + (primary ? "\n0" : "\n1")).second) continue;
      record.agents.push_back(
          {std::move(mention.pseudonym),
           primary ? storage::AgentRole::kActorOrObject : storage::AgentRole::kRelated});
    }
    for (auto& variant : part->variants) variants.push_back(std::move(variant));
  }

  // What queries filter on, read from the statement as it will be stored
  // (addresses in ids are tokens, so are the query parameters).
  record.verb_id = std::string(xapi::StringMember(statement["verb"], "id"));
  const JsonValue& object = statement["object"];
  auto object_type = xapi::StringMember(object, "objectType");
  if (const JsonValue* context = xapi::Member(statement, "context")) {
    if (auto registration = xapi::StringMember(*context, "registration"); !registration.empty()) {
      record.registration = xapi::NormalizeUuid(registration);
    }
  }
  if (object_type == "StatementRef") {
    record.statement_ref = xapi::NormalizeUuid(xapi::StringMember(object, "id"));
  }
  if (is_voiding) {
    if (!record.statement_ref) {
      return MakeError(400, "xAPI Data 2.3.2: a voiding statement's object is a StatementRef",
                       path + ".object",
                       "the object of a voiding statement must be a StatementRef");
    }
    record.is_voiding = true;
  }
  if (IsActivity(object)) AddActivity(object, storage::ActivityRole::kObject, record.activities);
  AddContextActivities(statement, record.activities);
  if (object_type == "SubStatement") {
    if (const JsonValue* inner = xapi::Member(object, "object"); inner && IsActivity(*inner)) {
      AddActivity(*inner, storage::ActivityRole::kRelated, record.activities);
    }
    AddContextActivities(object, record.activities);
  }
  // Merged into the canonical definitions if the writer inserts the statement,
  // and only for a credential with the scope `define` (plugin/auth/scopes.h).
  record.activity_definitions = xapi::ExtractActivityDefinitions(statement);
  if (!who.scopes.Grants(Scope::kDefine)) record.activity_definitions.clear();
  for (auto& [id, definition] : record.activity_definitions) {
    definition = anonymizer::DefinitionWithoutReferences(definition);
  }
  record.credential = who.key;  // statements/read/mine

  // What the statement adds to its learner's facts (storage::LearnerFactUpdate),
  // read from the statement as it will be stored, pseudonym included.
  if (const JsonValue& actor = statement["actor"], &fact_object = statement["object"];
      IsActivity(fact_object) && xapi::StringMember(actor, "objectType") == "Agent" &&
      !anonymizer::ReferencePseudonym(actor).empty()) {
    storage::LearnerFactUpdate fact;
    fact.pseudonym = std::string(anonymizer::ReferencePseudonym(actor));
    fact.activity_id = std::string(xapi::StringMember(fact_object, "id"));
    if (const JsonValue* result = xapi::Member(statement, "result")) {
      const JsonValue* completion = xapi::Member(*result, "completion");
      if (completion && completion->IsBool()) fact.completion = completion->GetBool();
      const JsonValue* success = xapi::Member(*result, "success");
      if (success && success->IsBool()) fact.success = success->GetBool();
      const JsonValue* score = xapi::Member(*result, "score");
      const JsonValue* scaled = score ? xapi::Member(*score, "scaled") : nullptr;
      if (scaled && scaled->IsNumber()) fact.score_scaled = scaled->GetDouble();
    }
    record.fact = std::move(fact);
  }
  // Likewise its analytics facts (storage::AnalyticsFactUpdate).
  record.analytics = AnalyticsFactsOf(statement, record.timestamp_us, options_.cohort_sources);
  if (!record.analytics.empty() && options_.may_analyse &&
      !options_.may_analyse(record.analytics.front().pseudonym)) {
    record.analytics.clear();
  }
  record.json = xapi::ToJson(statement);
  return record;
}

Result<std::vector<std::string>> StatementIngest::Store(xapi::JsonDocument& body,
                                                        const Principal& who, xapi::Version version,
                                                        const std::optional<std::string>& put_id,
                                                        RequestAttachments attachments) {
  JsonAllocator& alloc = body.GetAllocator();
  std::vector<JsonValue*> statements;
  bool is_batch = body.IsArray();
  if (is_batch && !put_id) {
    if (body.Size() > options_.max_batch) {
      return MakeError(
          413, "batch size limit", "$",
          "a batch may hold at most " + std::to_string(options_.max_batch) + " statements");
    }
    for (auto& s : body.GetArray()) statements.push_back(&s);
  } else if (body.IsObject()) {
    statements.push_back(&body);
  } else {
    return MakeError(400, "xAPI Communication 2.1.2: a statement or an array of statements", "$",
                     put_id ? "PUT takes one statement object"
                            : "the body must be a statement object or an array of them");
  }

  if (put_id) {
    auto given = xapi::StringMember(body, "id");
    if (!given.empty() && xapi::IsValidUuid(given) && xapi::NormalizeUuid(given) != *put_id) {
      return MakeError(400, "xAPI Communication 2.1.1: the id must match statementId", "$.id",
                       "the statement's id differs from the statementId parameter");
    }
    // Only an absent id is filled in: any other value, a number or "" too,
    // is the client's and is validated like the rest of the statement.
    if (xapi::Member(body, "id") == nullptr) SetString(body, "id", *put_id, alloc);
  }

  // Attachment data (Communication 1.5.2) is matched before anything else:
  // the exchange rules concern the request as a whole.
  const std::vector<xapi::DeclaredAttachment> declared = xapi::DeclaredAttachments(body);
  if (auto error = xapi::CheckAttachmentParts(declared, attachments.parts, attachments.multipart)) {
    return *error;
  }

  storage::WriteBatch batch;
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (size_t i = 0; i < statements.size(); ++i) {
    std::string path = is_batch ? "$[" + std::to_string(i) + "]" : "$";
    // Data 2.6: a signature is compared with the statement as received,
    // before Prepare completes and pseudonymizes it; validated first so a
    // malformed statement is reported as such. Signed statements are rare, so
    // validating them twice costs little.
    if (xapi::HasSignatureAttachment(*statements[i])) {
      if (auto error = xapi::ValidateStatement(*statements[i], xapi::ValidationOptions{version})) {
        return WithPath(*error, path);
      }
      if (auto error =
              xapi::VerifyStatementSignatures(*statements[i], attachments.parts, version, path)) {
        return *error;
      }
    }
    std::vector<anonymizer::IdentityVariant> variants;
    Kept kept;
    auto record = Prepare(*statements[i], alloc, who, version, path, variants, kept);
    if (!record.ok()) return record.error();
    if (!seen.insert(record->id).second) {
      return MakeError(400, "xAPI Communication 2.1.2: one id per batch", path + ".id",
                       "the batch uses this statement id twice");
    }
    ids.push_back(record->id);
    // The learner the statement is about, for consent and attachments.
    const std::string owner(anonymizer::ReferencePseudonym((*statements[i])["actor"]));
    // Consent (DESIGN.md, the path of one statement, step 4): a statement
    // naming nobody with consent is acknowledged with its id and never stored.
    if (!kept.store) continue;
    // As stored: addresses in a contentType are tokens (or withheld) by now.
    std::map<std::string, std::string> stored_types;
    for (auto& attachment : xapi::DeclaredAttachments(*statements[i])) {
      if (!kept.attachments) break;
      stored_types.emplace(attachment.sha2, attachment.content_type);
      record->attachment_sha2s.push_back(std::move(attachment.sha2));
    }
    // The actor owns the statement's attachments: they are sealed under the
    // actor's data key (storage/schema.cc, version 4).
    for (const auto& sha2 : record->attachment_sha2s) {
      for (auto& part : attachments.parts) {
        if (part.sha2 != sha2) continue;
        bool listed = false;
        for (const auto& a : batch.attachments) listed |= a.sha2 == sha2 && a.owner == owner;
        if (listed) break;
        // The part's own Content-Type, unless it is absent or may hold an
        // address (a parameter such as name="ada@example.org"): then the
        // statement's contentType as stored, which holds it as a token.
        std::string content_type = part.content_type;
        if (content_type.empty() || content_type.find('@') != std::string::npos) {
          content_type = stored_types[sha2];
        }
        auto sealed_content =
            vault_.SealFor(owner, part.content, "attachment\n" + sha2, batch.data_keys);
        if (!sealed_content.ok()) return sealed_content.error();
        batch.attachments.push_back(
            {sha2, owner, std::move(content_type), std::move(*sealed_content)});
        break;
      }
    }
    // Sealed identities travel with the statement that names them: a
    // statement the writer finds already stored is skipped whole.
    if (!kept.seal) {
      // A voiding statement from a learner without consent: their pseudonym
      // only, no sealed identity and no data key.
    } else if (options_.seal_identities) {
      auto sealed = vault_.SealVariants(variants, batch.data_keys);
      if (!sealed.ok()) return sealed.error();
      record->identities = std::move(*sealed);
    } else {
      for (const auto& variant : variants) {
        if (auto error = vault_.KeepKeyFor(variant.pseudonym, batch.data_keys)) return *error;
      }
    }
    batch.statements.push_back(std::move(*record));
  }
  if (batch.statements.empty()) return ids;

  std::vector<storage::WrappedDataKey> carried = batch.data_keys;
  std::vector<std::vector<std::string>> sealed_variants;  // per statement
  for (const auto& statement : batch.statements) {
    auto& variants = sealed_variants.emplace_back();
    for (const auto& identity : statement.identities) variants.push_back(identity.variant_id);
  }
  auto receipt = writer_.Submit(std::move(batch)).get();
  if (!receipt.ok()) {
    // The writer names statements by batch index; a single statement was
    // sent as an object, so its paths start at "$" like validation's do.
    Error error = receipt.error();
    if (error.status == 503) vault_.DropUndurable(carried);
    if (!is_batch && error.path.rfind("$[0]", 0) == 0) error.path = "$" + error.path.substr(4);
    return error;
  }
  vault_.MarkDurable(carried);
  // A statement found already stored is skipped whole, identities included:
  // only inserted ones stored theirs. (A re-send after `lrs keys rotate`
  // derives variant ids the stored statement does not have.)
  std::vector<std::string> stored_variants;
  for (size_t i = 0; i < sealed_variants.size() && i < receipt->outcomes.size(); ++i) {
    if (receipt->outcomes[i] != storage::WriteOutcome::kStored) continue;
    stored_variants.insert(stored_variants.end(), sealed_variants[i].begin(),
                           sealed_variants[i].end());
  }
  vault_.MarkStored(stored_variants);
  return ids;
}

}  // namespace lrs::plugin
