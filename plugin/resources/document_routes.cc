// The Document Resources. See the header for the rules; this file keeps one
// request's work together in DocumentExchange.
//
// Design note. Every write is a decision made inside the store's write
// transaction (storage::DocumentStore::Update): the preconditions are checked
// against the document as it is at that moment, and a merge reads and writes
// it in the same transaction, so two clients racing with the same ETag cannot
// both win. Sealing happens inside the decision too, which is why the data
// keys a write needs travel with it (IdentityVault invariant 2) and are
// marked durable only after the store committed them.

#include "plugin/resources/document_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "anonymizer/address_tokens.h"
#include "plugin/http/entity_tags.h"
#include "plugin/http/error_response.h"
#include "xapi/agent_identifier.h"
#include "xapi/iri.h"
#include "xapi/json.h"
#include "xapi/json_merge.h"
#include "xapi/media_type.h"
#include "xapi/timestamp.h"
#include "xapi/uuid.h"
#include "xapi/validator.h"

namespace lrs::plugin {
namespace {

using storage::DocumentChange;
using storage::DocumentKey;
using storage::DocumentKind;
using storage::StoredDocument;

constexpr char kConcurrencyRule[] = "xAPI Communication 3.1: Concurrency";
constexpr char kMergeRule[] = "xAPI Communication 2.2: JSON documents are merged by POST";
constexpr char kDefaultContentType[] = "application/octet-stream";
constexpr char kMediaTypeRule[] = "RFC 9110 8.3.1: Content-Type is a media type";

// Documents are the client's own data and may nest deeper than statements;
// still bounded, because RapidJSON's DOM builder recurses.
constexpr int kDocumentJsonDepth = 128;

struct ResourceSpec {
  DocumentKind kind;
  const char* rule;      // cited in errors
  const char* id_param;  // "stateId" or "profileId"
  bool has_activity;
  bool has_agent;
  bool has_registration;
  bool sealed;  // learner-owned: sealed under the learner's data key
};

constexpr ResourceSpec kState{DocumentKind::kState,
                              "xAPI Communication 2.3: State Resource",
                              "stateId",
                              true,
                              true,
                              true,
                              true};
constexpr ResourceSpec kAgentProfile{DocumentKind::kAgentProfile,
                                     "xAPI Communication 2.6: Agent Profile Resource",
                                     "profileId",
                                     false,
                                     true,
                                     false,
                                     true};
constexpr ResourceSpec kActivityProfile{DocumentKind::kActivityProfile,
                                        "xAPI Communication 2.7: Activity Profile Resource",
                                        "profileId",
                                        true,
                                        false,
                                        false,
                                        false};

const ResourceSpec* FindSpec(std::string_view resource) {
  if (resource == "/activities/state") return &kState;
  if (resource == "/agents/profile") return &kAgentProfile;
  if (resource == "/activities/profile") return &kActivityProfile;
  return nullptr;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "application/json", in any case, with or without parameters.
bool IsJsonType(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view kJson = "application/json";
  return media.size() == kJson.size() &&
         std::equal(media.begin(), media.end(), kJson.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

Error Precondition(std::string message) {
  return MakeError(412, kConcurrencyRule, "", std::move(message));
}

// If-Match and If-None-Match against the current ETag (nullopt: no document).
MaybeError CheckPreconditions(const HttpRequest& request,
                              const std::optional<std::string>& current_etag) {
  const std::string_view if_match = Trim(request.Header("If-Match"));
  const std::string_view if_none_match = Trim(request.Header("If-None-Match"));
  if (!if_match.empty()) {
    if (!current_etag) return Precondition("If-Match: there is no such document");
    if (if_match != "*" && !EntityTagListNames(if_match, *current_etag, /*weak=*/false)) {
      return Precondition("If-Match: the document has changed since that ETag");
    }
  }
  if (!if_none_match.empty() && current_etag) {
    if (if_none_match == "*") return Precondition("If-None-Match: the document exists");
    if (EntityTagListNames(if_none_match, *current_etag, /*weak=*/true)) {
      return Precondition("If-None-Match: the document has that ETag");
    }
  }
  return std::nullopt;
}

// AEAD associated data: binds a sealed document to its row. No field but the
// last can hold a newline (IRIs, UUIDs and pseudonyms cannot), so distinct
// keys give distinct contexts.
std::string SealContext(const DocumentKey& key) { return DocumentSealContext(key); }

std::string IdArray(const std::vector<storage::DocumentListEntry>& entries) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& entry : entries) {
    writer.String(entry.document_id.data(),
                  static_cast<rapidjson::SizeType>(entry.document_id.size()));
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The parameters of one request, checked.
struct Params {
  DocumentKey key;  // key.document_id is "" when the id parameter is absent
  bool has_document_id = false;
  bool has_registration = false;
  std::optional<int64_t> since_us;
};

// One request's work: parameters, then the method.
class DocumentExchange {
 public:
  DocumentExchange(const ResourceSpec& spec, const HttpRequest& request, xapi::Version version,
                   const anonymizer::Pseudonymizer& pseudonymizer, IdentityVault& vault,
                   storage::DocumentStore& store, const DocumentPrivacy& privacy)
      : spec_(spec),
        request_(request),
        version_(version),
        pseudonymizer_(pseudonymizer),
        vault_(vault),
        store_(store),
        privacy_(privacy),
        // A write names a learner without consent as kWithheldAddress, as a
        // statement does; a read still finds what was stored under a token.
        addresses_(pseudonymizer, request.method == "GET" || request.method == "HEAD"
                                      ? nullptr
                                      : &privacy.may_store) {}

  // The learner the request concerns ("" for Activity Profile documents).
  const std::string& agent_pseudonym() const { return params_.key.agent_pseudonym; }

  Result<HttpResponse> Run() {
    const std::string& method = request_.method;
    if (MaybeError error = ParseParams()) return *error;
    if (method == "GET" || method == "HEAD") {
      Result<HttpResponse> response = params_.has_document_id ? GetOne() : GetIds();
      if (response.ok() && method == "HEAD") response->body.clear();
      return response;
    }
    const bool needs_id = method != "DELETE" || spec_.kind != DocumentKind::kState;
    if (needs_id && !params_.has_document_id) {
      return Missing(spec_.id_param);
    }
    // Consent (DESIGN.md, privacy rules): a learner without a granted
    // purpose is stored nowhere, their documents included. The client gets
    // what a statement gets: success, and nothing is kept (no key either).
    if ((method == "PUT" || method == "POST") && spec_.sealed && privacy_.may_store &&
        !privacy_.may_store(params_.key.agent_pseudonym)) {
      return HttpResponse::Empty(204);
    }
    if (method == "PUT") return Put();
    if (method == "POST") return Post();
    return params_.has_document_id ? DeleteOne() : DeleteAll();
  }

 private:
  // Keyed, never a plain hash of the bytes (storage/document_store.h, invariant 5).
  std::string QuotedEtag(std::string_view content) const {
    return store_.Etag(params_.key, content);
  }

  Error Missing(const std::string& name) const {
    return MakeError(400, spec_.rule, "?" + name, "the " + name + " parameter is required");
  }
  Error Invalid(const std::string& name, const std::string& what) const {
    return MakeError(400, spec_.rule, "?" + name, "the " + name + " parameter must be " + what);
  }

  MaybeError ParseParams() {
    const bool is_read = request_.method == "GET" || request_.method == "HEAD";
    params_.key.kind = spec_.kind;
    std::set<std::string> seen;
    bool has_activity = false, has_agent = false;
    for (const auto& [name, value] : request_.query) {
      if (!seen.insert(name).second) {
        return MakeError(400, spec_.rule, "", "a parameter is given twice");
      }
      if (name == "activityId" && spec_.has_activity) {
        if (!xapi::IsValidIri(value)) return Invalid(name, "an IRI");
        params_.key.activity_id = Tokenized(value);
        has_activity = true;
      } else if (name == "agent" && spec_.has_agent) {
        Result<std::string> pseudonym = AgentPseudonym(value);
        if (!pseudonym.ok()) return pseudonym.error();
        params_.key.agent_pseudonym = std::move(*pseudonym);
        has_agent = true;
      } else if (name == "registration" && spec_.has_registration) {
        if (!xapi::IsValidUuid(value)) return Invalid(name, "a UUID");
        params_.key.registration = xapi::NormalizeUuid(value);
        params_.has_registration = true;
      } else if (name == spec_.id_param) {
        if (value.empty()) return Invalid(name, "a non-empty string");
        params_.key.document_id = Tokenized(value);
        params_.has_document_id = true;
      } else if (name == "since" && is_read) {
        // Meaningful only without an id; accepted (and ignored) with one, as
        // ADL's suite notes for XAPI-00192.
        std::optional<int64_t> since = xapi::ParseTimestampMicros(value, version_);
        if (!since) return Invalid(name, "a timestamp");
        params_.since_us = since;
      } else {
        // Communication 3.2: unknown parameters (and known ones in the wrong
        // case or context) are rejected. The name is not echoed: it is input.
        return MakeError(400, spec_.rule, "",
                         "a parameter this resource does not take with " + request_.method);
      }
    }
    if (spec_.has_activity && !has_activity) return Missing("activityId");
    if (spec_.has_agent && !has_agent) return Missing("agent");
    return std::nullopt;
  }

  // Addresses in ids (and in Activity Profile bodies) are stored as tokens
  // (anonymizer/address_tokens.h); each one's sealed form is kept for a
  // write, so listings and bodies read back as sent.
  std::string Tokenized(std::string_view text) {
    std::optional<std::string> out = addresses_.Replace(text);
    return out ? *out : std::string(text);
  }

  Result<std::string> AgentPseudonym(const std::string& text) const {
    Result<std::shared_ptr<xapi::JsonDocument>> agent = xapi::ParseJson(text);
    if (!agent.ok() || !(*agent)->IsObject()) return Invalid("agent", "an Agent as JSON");
    xapi::ValidationOptions options;
    options.version = version_;
    if (MaybeError error = xapi::ValidateAgent(**agent, options)) {
      error->path = "?agent" + error->path.substr(std::min<size_t>(1, error->path.size()));
      return *error;
    }
    // An Identified Group is keyed by its identifier, as an Agent would be
    // (Communication 2.6, note). mbox and the matching mbox_sha1sum are one
    // learner (xapi/agent_identifier.h), so they share documents.
    std::optional<std::string> ifi = xapi::CanonicalIfi(**agent);
    if (!ifi) return Invalid("agent", "an Agent or an Identified Group");
    return pseudonymizer_.Pseudonym(*ifi);
  }

  // The document's bytes; nullopt when its learner's key is gone (erased).
  Result<std::optional<std::string>> Open(const StoredDocument& document) const {
    if (!spec_.sealed) return std::optional<std::string>(document.content);
    return vault_.OpenFor(params_.key.agent_pseudonym, document.content, SealContext(params_.key));
  }

  Result<HttpResponse> GetOne() {
    Result<std::optional<StoredDocument>> found = store_.Find(params_.key);
    if (!found.ok()) return found.error();
    std::optional<std::string> content;
    if (found->has_value()) {
      Result<std::optional<std::string>> opened = Open(**found);
      if (!opened.ok()) return opened.error();
      content = std::move(*opened);
    }
    if (!content) return MakeError(404, spec_.rule, "", "no such document");
    HttpResponse response;
    response.status = 200;
    // Stored before media types were checked on the way in: served as bytes.
    const std::string& type = (*found)->content_type;
    response.headers["Content-Type"] = xapi::IsValidMediaType(type) ? type : kDefaultContentType;
    response.headers["ETag"] = QuotedEtag(*content);  // of the stored form, as preconditions see it
    response.headers["Last-Modified"] = HttpDate((*found)->updated_us);
    response.body = std::move(*content);
    if (!spec_.sealed && RestoresAddresses()) {
      if (MaybeError error = RestoreAddresses({&response.body})) return *error;
    }
    return response;
  }

  Result<HttpResponse> GetIds() {
    storage::DocumentScope scope{spec_.kind, params_.key.activity_id, params_.key.agent_pseudonym,
                                 std::nullopt};
    // Communication 2.3: "Activity + Agent [+ registration if specified]":
    // without a registration, the ids under every registration.
    if (params_.has_registration) scope.registration = params_.key.registration;
    Result<std::vector<storage::DocumentListEntry>> entries = store_.List(scope, params_.since_us);
    if (!entries.ok()) return entries.error();
    if (MaybeError error = RestoreIds(*entries)) return *error;
    HttpResponse response = HttpResponse::Json(200, IdArray(*entries));
    response.headers["ETag"] = QuotedEtag(response.body);
    int64_t newest = 0;
    for (const auto& entry : *entries) newest = std::max(newest, entry.updated_us);
    // Communication 2.2, Last Modified: the newest of the documents returned.
    if (!entries->empty()) response.headers["Last-Modified"] = HttpDate(newest);
    return response;
  }

  // The Content-Type the document is stored under, and served with later.
  // Errors: 400 when it is not a media type (xapi/media_type.h): the value
  // becomes a response header for whoever reads the document.
  Result<std::string> ContentType() const {
    const std::string_view type = Trim(request_.Header("Content-Type"));
    if (type.empty()) return std::string(kDefaultContentType);
    if (!xapi::IsValidMediaType(type)) {
      return MakeError(400, kMediaTypeRule, "",
                       "the Content-Type header is not a media type (type/subtype, then "
                       "parameters)");
    }
    return std::string(type);
  }

  // The current document's bytes and ETag, inside the write transaction.
  struct Current {
    std::optional<std::string> content;  // nullopt: no document (or its key is gone)
    std::optional<std::string> etag;
    std::string content_type;
  };
  Result<Current> ReadCurrent(const std::optional<StoredDocument>& stored) const {
    Current current;
    if (!stored) return current;
    Result<std::optional<std::string>> opened = Open(*stored);
    if (!opened.ok()) return opened.error();
    if (!*opened) return current;
    current.content = std::move(*opened);
    current.etag = QuotedEtag(*current.content);
    current.content_type = stored->content_type;
    return current;
  }

  bool RestoresAddresses() const {
    return privacy_.may_see_identities && privacy_.identities != nullptr;
  }

  // `texts` with their address tokens put back (the sealed forms open only
  // while their learners' keys exist). For a caller who may see identities.
  MaybeError RestoreAddresses(const std::vector<std::string*>& texts) {
    std::vector<std::string> tokens;
    for (const std::string* text : texts) {
      for (auto& t : anonymizer::FindTokens(*text)) tokens.push_back(std::move(t));
    }
    if (tokens.empty()) return std::nullopt;
    auto sealed = privacy_.identities->FindIdentities(tokens);
    if (!sealed.ok()) return sealed.error();
    auto opened = vault_.OpenAddresses(*sealed);
    if (!opened.ok()) return opened.error();
    for (std::string* text : texts) {
      std::optional<std::string> restored = anonymizer::ReplaceTokens(
          *text, [&](std::string_view token) -> std::optional<std::string> {
            auto it = opened->find(std::string(token));
            if (it == opened->end()) return std::nullopt;
            return it->second;
          });
      if (restored) *text = std::move(*restored);
    }
    return std::nullopt;
  }

  // The listed ids as they were sent, for a caller who may see identities.
  MaybeError RestoreIds(std::vector<storage::DocumentListEntry>& entries) {
    if (!RestoresAddresses()) return std::nullopt;
    std::vector<std::string*> ids;
    for (auto& entry : entries) ids.push_back(&entry.document_id);
    return RestoreAddresses(ids);
  }

  // The body as it is stored, before any merge: an Activity Profile belongs
  // to no learner and is kept in clear, so the addresses in its text become
  // tokens, as in a statement (the LMS reads them back; erasing their learner
  // deletes the document). Once per request: a token is address-shaped too.
  // Bytes that are not UTF-8 are scanned too (an address is ASCII). JSON may
  // write "@" as \u0040: then the strings are rewritten in the parsed
  // document, so that no escaped address (nor a token spelled so) passes.
  std::string StoredForm(const std::string& body, const std::string& content_type) {
    if (spec_.sealed) return body;
    if (IsJsonType(content_type) && body.find("\\u0040") != std::string::npos) {
      Result<std::shared_ptr<xapi::JsonDocument>> parsed =
          xapi::ParseJson(body, xapi::JsonLimits{kDocumentJsonDepth});
      if (parsed.ok()) {
        xapi::JsonDocument& doc = **parsed;
        anonymizer::RewriteStrings(doc, doc.GetAllocator(), [&](std::string_view text) {
          return std::optional<std::string>(Tokenized(text));
        });
        return xapi::ToJson(doc);
      }
    }
    return Tokenized(body);
  }

  MaybeError AddressLimit() const {
    if (!addresses_.too_many()) return std::nullopt;
    return MakeError(413, "address limit", "$",
                     "a document and its ids may hold at most " +
                         std::to_string(anonymizer::kMaxAddresses) + " different e-mail addresses");
  }

  // Builds a kPut change of `content` (in its stored form), sealed when the
  // kind is learner-owned.
  Result<DocumentChange> PutChange(std::string content_type, const std::string& content) {
    DocumentChange change;
    change.action = DocumentChange::Action::kPut;
    change.content_type = std::move(content_type);
    if (privacy_.seal_identities && !addresses_.found().variants.empty()) {
      Result<std::vector<storage::SealedIdentity>> sealed =
          vault_.SealVariants(addresses_.found().variants, change.data_keys);
      if (!sealed.ok()) return sealed.error();
      change.identities = std::move(*sealed);
    }
    if (spec_.sealed) {
      Result<std::string> sealed = vault_.SealFor(params_.key.agent_pseudonym, content,
                                                  SealContext(params_.key), change.data_keys);
      if (!sealed.ok()) return sealed.error();
      change.content = std::move(*sealed);
    } else {
      change.content = content;
      change.etag = QuotedEtag(content);
    }
    carried_ = change.data_keys;
    return change;
  }

  Result<HttpResponse> Commit(const storage::DocumentDecision& decide) {
    Result<int64_t> updated = store_.Update(params_.key, decide);
    if (!updated.ok()) return updated.error();
    if (!carried_.empty()) vault_.MarkDurable(carried_);
    return HttpResponse::Empty(204);
  }

  Result<HttpResponse> Put() {
    Result<std::string> type = ContentType();
    if (!type.ok()) return type.error();
    const std::string& content_type = *type;
    if (IsJsonType(content_type)) {
      // Communication 3.2: a body that does not match its content type is a 400.
      Result<std::shared_ptr<xapi::JsonDocument>> parsed =
          xapi::ParseJson(request_.body, xapi::JsonLimits{kDocumentJsonDepth});
      if (!parsed.ok()) {
        return MakeError(400, spec_.rule, "$", "the body is not the JSON its Content-Type says");
      }
    }
    const bool has_precondition = !Trim(request_.Header("If-Match")).empty() ||
                                  !Trim(request_.Header("If-None-Match")).empty();
    const std::string body = StoredForm(request_.body, content_type);
    if (MaybeError error = AddressLimit()) return *error;
    return Commit([&](const std::optional<StoredDocument>& stored) -> Result<DocumentChange> {
      Result<Current> current = ReadCurrent(stored);
      if (!current.ok()) return current.error();
      if (MaybeError error = CheckPreconditions(request_, current->etag)) return *error;
      if (!has_precondition) {
        const bool is_state = spec_.kind == DocumentKind::kState;
        if (current->content && (!is_state || version_ == xapi::Version::k2_0)) {
          return MakeError(409, kConcurrencyRule, "",
                           "the document exists: GET it and send If-Match with its ETag "
                           "(or If-None-Match: * to create a document only if there is none)");
        }
        if (!current->content && !is_state && version_ == xapi::Version::k1_0) {
          return MakeError(400, kConcurrencyRule, "",
                           "a PUT to a profile resource needs If-Match or If-None-Match");
        }
      }
      return PutChange(content_type, body);
    });
  }

  Result<HttpResponse> Post() {
    Result<std::string> type = ContentType();
    if (!type.ok()) return type.error();
    const std::string& content_type = *type;
    std::shared_ptr<xapi::JsonDocument> posted;
    const std::string body = StoredForm(request_.body, content_type);  // merged as stored
    if (MaybeError error = AddressLimit()) return *error;
    if (IsJsonType(content_type)) {
      // Rejected even when there is nothing to merge with (ADL's suite,
      // XAPI-00314): a JSON POST is a merge request.
      Result<std::shared_ptr<xapi::JsonDocument>> parsed =
          xapi::ParseJson(body, xapi::JsonLimits{kDocumentJsonDepth});
      if (!parsed.ok() || !(*parsed)->IsObject()) {
        return MakeError(400, kMergeRule, "$", "a JSON document sent by POST must be an object");
      }
      posted = std::move(*parsed);
    }
    return Commit([&](const std::optional<StoredDocument>& stored) -> Result<DocumentChange> {
      Result<Current> current = ReadCurrent(stored);
      if (!current.ok()) return current.error();
      if (MaybeError error = CheckPreconditions(request_, current->etag)) return *error;
      if (!current->content) return PutChange(content_type, body);
      if (!posted || !IsJsonType(current->content_type)) {
        return MakeError(400, kMergeRule, "",
                         "POST to an existing document merges JSON objects: both the stored "
                         "document and the body must be application/json");
      }
      Result<std::shared_ptr<xapi::JsonDocument>> existing =
          xapi::ParseJson(*current->content, xapi::JsonLimits{kDocumentJsonDepth});
      if (!existing.ok() || !(*existing)->IsObject()) {
        return MakeError(400, kMergeRule, "", "the stored document is not a JSON object");
      }
      // Communication 2.2: top-level properties of the posted object replace
      // the stored ones whole; the others stay.
      xapi::JsonDocument& merged = **existing;
      xapi::MergeTopLevelMembers(merged, *posted, merged.GetAllocator());
      return PutChange(current->content_type, xapi::ToJson(merged));
    });
  }

  Result<HttpResponse> DeleteOne() {
    return Commit([&](const std::optional<StoredDocument>& stored) -> Result<DocumentChange> {
      Result<Current> current = ReadCurrent(stored);
      if (!current.ok()) return current.error();
      if (MaybeError error = CheckPreconditions(request_, current->etag)) return *error;
      DocumentChange change;
      change.action = DocumentChange::Action::kDelete;
      return change;
    });
  }

  // State only (Communication 2.3, Multiple Document DELETE).
  Result<HttpResponse> DeleteAll() {
    storage::DocumentScope scope{spec_.kind, params_.key.activity_id, params_.key.agent_pseudonym,
                                 std::nullopt};
    if (params_.has_registration) scope.registration = params_.key.registration;
    Result<int64_t> deleted = store_.DeleteAll(scope);
    if (!deleted.ok()) return deleted.error();
    return HttpResponse::Empty(204);
  }

  const ResourceSpec& spec_;
  const HttpRequest& request_;
  const xapi::Version version_;
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
  storage::DocumentStore& store_;
  const DocumentPrivacy& privacy_;
  Params params_;
  anonymizer::AddressTokenizer addresses_;        // in the ids and body, as sent
  std::vector<storage::WrappedDataKey> carried_;  // data keys the write carried
};

}  // namespace

std::string DocumentSealContext(const storage::DocumentKey& key) {
  // Not the agent's pseudonym: the learner's own data key binds the bytes to
  // the learner, and `lrs keys rotate` re-keys pseudonyms without opening
  // documents.
  return "doc\n" + std::to_string(static_cast<int>(key.kind)) + "\n" + key.activity_id + "\n" +
         key.registration + "\n" + key.document_id;
}

DocumentRoutes::DocumentRoutes(const Manifest& manifest,
                               const anonymizer::Pseudonymizer& pseudonymizer, IdentityVault& vault,
                               storage::DocumentStore& store, AuditTrail& audit,
                               DocumentPrivacy privacy)
    : manifest_(manifest),
      pseudonymizer_(pseudonymizer),
      vault_(vault),
      store_(store),
      audit_(audit),
      privacy_(std::move(privacy)) {}

bool DocumentRoutes::Handles(std::string_view resource) { return FindSpec(resource) != nullptr; }

HttpResponse DocumentRoutes::Handle(const HttpRequest& request, std::string_view resource,
                                    const Principal& who, xapi::Version version) {
  const ResourceSpec* spec = FindSpec(resource);
  if (spec == nullptr) {
    return ErrorResponse(
        MakeError(404, "xAPI Communication 2.0: resources", "", "no such resource"));
  }
  const std::string& method = request.method;
  const bool is_read = method == "GET" || method == "HEAD";
  const bool is_write = method == "PUT" || method == "POST" || method == "DELETE";
  if (!is_read && !is_write) {
    return ErrorResponse(
        MakeError(405, spec->rule, "", "documents answer GET, HEAD, PUT, POST and DELETE"));
  }
  if (!manifest_.RoleMay(who.role, is_read ? "statements:read" : "statements:write")) {
    return ErrorResponse(MakeError(403, "role", "",
                                   std::string("this credential's role may not ") +
                                       (is_read ? "read" : "write") + " documents"));
  }
  DocumentPrivacy privacy = privacy_;
  privacy.may_see_identities = manifest_.RoleMaySeeIdentities(who.role);
  DocumentExchange exchange(*spec, request, version, pseudonymizer_, vault_, store_, privacy);
  Result<HttpResponse> response = exchange.Run();
  // A HEAD is a read too: its 200 or 404 tells whether the document exists.
  if (response.ok() && is_read && spec->sealed) {
    const bool state = spec->kind == DocumentKind::kState;
    AuditDetail detail;
    detail.Name("resource", state ? "state" : "agent-profile")
        .Names("params", ParameterNames(request.query));
    if (method == "HEAD") detail.Name("method", "HEAD");
    auto recorded = audit_.Record(who, state ? kActionStateRead : kActionAgentProfileRead,
                                  kPurposeRecordKeeping, detail, {exchange.agent_pseudonym()});
    if (!recorded.ok()) response = recorded.error();
  }
  if (!response.ok()) {
    HttpResponse error = ErrorResponse(response.error());
    if (method == "HEAD") error.body.clear();
    return error;
  }
  return std::move(*response);
}

}  // namespace lrs::plugin
