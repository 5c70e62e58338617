#include "plugin/privacy/privacy_routes.h"

#include "anonymizer/consent_filter.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/http/error_response.h"
#include "plugin/http/json_writes.h"
#include "storage/erasure.h"
#include "xapi/agent_identifier.h"
#include "xapi/timestamp.h"
#include "xapi/uuid.h"
#include "xapi/validator.h"

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr int64_t kDefaultTokenTtlSeconds = 900;
constexpr std::string_view kBearer = "Bearer ";

JsonValue Text(const std::string& text, JsonAllocator& alloc) {
  return JsonValue(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

Error Forbidden(const std::string& message) { return MakeError(403, "privacy roles", "", message); }

Error Revoked() {
  return MakeError(401, "learner token", "Authorization",
                   "the learner token was revoked: its learner was erased");
}

Error NotFound(const HttpRequest& request) {
  return MakeError(404, "routes", "",
                   "no such privacy resource: " + request.method + " " + request.path);
}

Result<std::shared_ptr<xapi::JsonDocument>> ParseBody(const HttpRequest& request) {
  auto body = xapi::ParseJson(request.body);
  if (!body.ok()) return body.error();
  if (!(*body)->IsObject())
    return MakeError(400, "privacy API", "$", "the body must be a JSON object");
  return body;
}

// ?agent= as JSON. Errors: 400.
Result<std::shared_ptr<xapi::JsonDocument>> AgentParam(const HttpRequest& request) {
  const std::string* text = request.Param("agent");
  if (text == nullptr) return std::shared_ptr<xapi::JsonDocument>();
  auto agent = xapi::ParseJson(*text);
  if (!agent.ok() || !(*agent)->IsObject()) {
    return MakeError(400, "privacy API", "?agent", "agent must be an Agent as JSON");
  }
  return agent;
}

std::string SerializedCounts(const storage::ErasureCounts& counts, JsonValue& erased,
                             JsonAllocator& alloc) {
  erased.SetObject();
  erased.AddMember("statements", counts.statements, alloc);
  erased.AddMember("identities", counts.identities, alloc);
  erased.AddMember("documents", counts.documents, alloc);
  erased.AddMember("attachments", counts.attachments, alloc);
  erased.AddMember("facts", counts.facts, alloc);
  erased.AddMember("consent_events", counts.consent_events, alloc);
  erased.AddMember("data_key", counts.data_key, alloc);
  erased.AddMember("consent_tombstone", counts.consent_tombstone, alloc);
  erased.AddMember("activity_definitions", counts.activity_definitions, alloc);
  erased.AddMember("anonymous_groups", counts.anonymous_groups, alloc);
  erased.AddMember("audit_subjects_unlinked", counts.audit_subjects_unlinked, alloc);
  return xapi::ToJson(erased);
}

}  // namespace

Result<Caller> AuthenticateCaller(const HttpRequest& request, Authenticator& authenticator,
                                  const LearnerTokens& tokens,
                                  const TokenRevocations* revocations) {
  std::string_view authorization = request.Header("Authorization");
  if (authorization.substr(0, kBearer.size()) == kBearer) {
    auto claims =
        tokens.Verify(authorization.substr(kBearer.size()), storage::SystemClockMicros() / 1000000);
    if (!claims.ok()) return claims.error();
    if (revocations != nullptr && !revocations->Alive(claims->pseudonym, claims->issued_us)) {
      return Revoked();
    }
    return Caller{Principal{"learner", "learner", "learner"}, claims->pseudonym, claims->issued_us};
  }
  auto principal = authenticator.Authenticate(authorization, request.remote_address);
  if (!principal.ok()) return principal.error();
  return Caller{*principal, std::nullopt};
}

PrivacyRoutes::PrivacyRoutes(PrivacyParts parts) : parts_(std::move(parts)) {}

HttpResponse PrivacyRoutes::Handle(const HttpRequest& request) {
  auto caller =
      AuthenticateCaller(request, parts_.authenticator, parts_.tokens, parts_.revocations);
  Result<HttpResponse> response = caller.ok() ? Route(request, *caller) : caller.error();
  HttpResponse out = response.ok() ? std::move(*response) : ErrorResponse(response.error());
  if (out.status == 401) out.headers["WWW-Authenticate"] = "Basic realm=\"lrs\", Bearer";
  out.headers["Cache-Control"] = "no-store";
  return out;
}

Result<HttpResponse> PrivacyRoutes::Route(const HttpRequest& request, const Caller& caller) {
  // A cross-site form gets nothing, whatever credentials its browser sends.
  if (MaybeError refused = RequireJsonForWrites(request)) return *refused;
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/privacy/consent") {
    if (method == "PUT") return PutConsent(request, caller);
    if (method == "GET") return GetConsent(request, caller);
  } else if (path == "/privacy/tokens") {
    if (method == "POST") return IssueToken(request, caller);
  } else if (path == "/privacy/me") {
    if (!caller.learner) return Forbidden("/privacy/me takes a learner token");
    if (method == "GET") return GetMe(request, caller);
    if (method == "DELETE") return Erase(*caller.learner, caller);
  } else if (path == "/privacy/learners") {
    if (method == "DELETE") {
      auto agent = AgentParam(request);
      if (!agent.ok()) return agent.error();
      if (!*agent) return MakeError(400, "privacy API", "?agent", "agent is required");
      auto learner = LearnerOf(caller, agent->get(), "?agent", "learners:erase");
      if (!learner.ok()) return learner.error();
      return Erase(*learner, caller);
    }
  } else {
    return NotFound(request);
  }
  return MakeError(405, "routes", "", method + " is not allowed on " + path);
}

Result<std::string> PrivacyRoutes::PseudonymOf(const JsonValue& agent,
                                               const std::string& path) const {
  if (auto error = xapi::ValidateAgent(agent, xapi::ValidationOptions{})) {
    error->path = path + error->path.substr(std::min<size_t>(1, error->path.size()));
    return *error;
  }
  std::optional<std::string> ifi = xapi::CanonicalIfi(agent);
  if (!ifi) return MakeError(400, "privacy API", path, "agent must identify one learner (an IFI)");
  return parts_.pseudonymizer.Pseudonym(*ifi);
}

Result<std::string> PrivacyRoutes::LearnerOf(const Caller& caller, const JsonValue* agent,
                                             const std::string& agent_path,
                                             const std::string& permission) {
  if (caller.learner) {
    if (agent == nullptr) return *caller.learner;
    auto named = PseudonymOf(*agent, agent_path);
    if (!named.ok()) return named.error();
    if (*named != *caller.learner) return Forbidden("a learner token reaches only its own learner");
    return *caller.learner;
  }
  if (!parts_.manifest.RoleMay(caller.principal.role, permission)) {
    return Forbidden("the " + caller.principal.role + " role may not do this (needs " + permission +
                     ")");
  }
  if (agent == nullptr) return MakeError(400, "privacy API", agent_path, "agent is required");
  return PseudonymOf(*agent, agent_path);
}

Result<HttpResponse> PrivacyRoutes::PutConsent(const HttpRequest& request, const Caller& caller) {
  auto body = ParseBody(request);
  if (!body.ok()) return body.error();
  const JsonValue& doc = **body;
  auto learner = LearnerOf(caller, xapi::Member(doc, "agent"), "$.agent", "consent:manage");
  if (!learner.ok()) return learner.error();

  const JsonValue* state = xapi::Member(doc, "state");
  if (state == nullptr || !state->IsString()) {
    return MakeError(400, "privacy API", "$.state", "state must be \"granted\" or \"withdrawn\"");
  }
  std::vector<std::string> purposes;  // none given: every consent purpose
  if (const JsonValue* list = xapi::Member(doc, "purposes")) {
    const Error not_ids =
        MakeError(400, "privacy API", "$.purposes", "purposes must be an array of purpose ids");
    if (!list->IsArray()) return not_ids;
    for (const auto& p : list->GetArray()) {
      if (!p.IsString()) return not_ids;
      purposes.emplace_back(p.GetString(), p.GetStringLength());
    }
  }
  const std::string state_text(state->GetString(), state->GetStringLength());
  // A token checked before an erasure that ran meanwhile writes nothing.
  auto token_still_alive = [&]() -> MaybeError {
    if (!caller.learner || parts_.revocations == nullptr) return std::nullopt;
    if (parts_.revocations->Alive(*caller.learner, caller.token_issued_us)) return std::nullopt;
    return Revoked();
  };
  if (auto error = parts_.consent.Change(*learner, state_text, purposes,
                                         caller.learner ? "learner" : caller.principal.key,
                                         storage::SystemClockMicros(), token_still_alive)) {
    return *error;
  }
  if (auto error = parts_.audit.record(caller.principal, "consent." + state_text, "consent", "{}",
                                       {*learner})) {
    return *error;
  }
  HttpResponse response = HttpResponse::Empty(204);
  if (state_text == "withdrawn") {
    // Opt-out done: offer erasure of what is already stored.
    response.headers["Link"] = caller.learner
                                   ? "</privacy/me>; rel=\"erase\"; method=\"DELETE\""
                                   : "</privacy/learners>; rel=\"erase\"; method=\"DELETE\"";
  }
  return response;
}

Result<HttpResponse> PrivacyRoutes::GetConsent(const HttpRequest& request, const Caller& caller) {
  auto agent = AgentParam(request);
  if (!agent.ok()) return agent.error();
  auto learner = LearnerOf(caller, agent->get(), "?agent", "consent:manage");
  if (!learner.ok()) return learner.error();
  xapi::JsonDocument out;
  if (auto error = AddConsentView(parts_.consent, *learner, out, out.GetAllocator())) return *error;
  // A read of learner data (their consent state and whole history): audited
  // before it is answered, as every such read (plugin/privacy/audit_trail.h).
  const std::string detail = AuditDetail()
                                 .Count("purposes", static_cast<int64_t>(out["purposes"].MemberCount()))
                                 .Count("history", static_cast<int64_t>(out["history"].Size()))
                                 .ToJson();
  if (auto error = parts_.audit.record(caller.principal, "consent.read", "consent", detail,
                                       {*learner})) {
    return *error;
  }
  if (!parts_.consent.MayStore(*learner)) {
    JsonValue erasure(rapidjson::kObjectType);
    erasure.AddMember("method", "DELETE", out.GetAllocator());
    const std::string href =
        caller.learner ? std::string("/privacy/me")
                       : "/privacy/learners?agent=" + PercentEncode(*request.Param("agent"));
    erasure.AddMember("href", Text(href, out.GetAllocator()), out.GetAllocator());
    out.AddMember("erasure", erasure, out.GetAllocator());
  }
  return HttpResponse::Json(200, xapi::ToJson(out));
}

Result<HttpResponse> PrivacyRoutes::IssueToken(const HttpRequest& request, const Caller& caller) {
  if (caller.learner) return Forbidden("a learner token cannot issue tokens");
  auto body = ParseBody(request);
  if (!body.ok()) return body.error();
  const JsonValue& doc = **body;
  auto learner = LearnerOf(caller, xapi::Member(doc, "agent"), "$.agent", "tokens:issue");
  if (!learner.ok()) return learner.error();
  int64_t ttl = kDefaultTokenTtlSeconds;
  if (const JsonValue* given = xapi::Member(doc, "ttl_seconds")) {
    if (!given->IsInt64() || given->GetInt64() < 1 || given->GetInt64() > kMaxTokenTtlSeconds) {
      return MakeError(
          400, "privacy API", "$.ttl_seconds",
          "ttl_seconds must be an integer from 1 to " + std::to_string(kMaxTokenTtlSeconds));
    }
    ttl = given->GetInt64();
  }
  const int64_t now_us = storage::SystemClockMicros();
  std::string token = parts_.tokens.Issue(*learner, now_us, ttl);
  if (auto error =
          parts_.audit.record(caller.principal, "token.issue", "self-access",
                              "{\"ttl_seconds\":" + std::to_string(ttl) + "}", {*learner})) {
    return *error;
  }
  xapi::JsonDocument out(rapidjson::kObjectType);
  out.AddMember("token", Text(token, out.GetAllocator()), out.GetAllocator());
  out.AddMember("expires", Text(xapi::FormatTimestamp((now_us / 1000000 + ttl) * 1000000), out.GetAllocator()),
                out.GetAllocator());
  return HttpResponse::Json(200, xapi::ToJson(out));
}

Result<HttpResponse> PrivacyRoutes::GetMe(const HttpRequest& request, const Caller& caller) {
  const std::string& learner = *caller.learner;
  const std::string* format = request.Param("format");
  const bool download = format != nullptr && *format == "download";
  if (format != nullptr && !download) {
    return MakeError(400, "privacy API", "?format", "format may only be \"download\"");
  }
  // Audited before the data leaves, so the export lists this read too.
  if (auto error = parts_.audit.record(caller.principal, download ? "me.export" : "me.read",
                                       "self-access", "{}", {learner})) {
    return *error;
  }
  xapi::JsonDocument out;
  if (auto error = parts_.learner_export.Build(learner, out)) return *error;
  JsonValue audit(rapidjson::kArrayType);
  if (auto error = parts_.audit.about(learner, audit, out.GetAllocator())) return *error;
  out.AddMember("audit", audit, out.GetAllocator());
  HttpResponse response = HttpResponse::Json(200, xapi::ToJson(out));
  if (download) {
    response.headers["Content-Disposition"] = "attachment; filename=\"my-learning-data.json\"";
  }
  return response;
}

Result<storage::ErasureCounts> PrivacyRoutes::EraseStored(const std::string& pseudonym) {
  // The learner's tokens die first, so none is used while (or after) the
  // data goes; their audit tag is taken while their key still exists.
  if (parts_.revocations != nullptr) {
    if (auto error = parts_.revocations->Revoke(pseudonym)) return *error;
  }
  storage::ErasureOptions options;
  options.canonical_definition = anonymizer::DefinitionWithoutReferences;
  if (parts_.audit_tag) {
    auto tag = parts_.audit_tag(pseudonym);
    if (!tag.ok()) return tag.error();
    options.audit_tag = tag->value_or("");
  }
  // The consent registry decides the tombstone and holds changes off meanwhile.
  std::optional<Result<storage::ErasureCounts>> counts;
  auto run = [&](const std::string& tombstone) -> MaybeError {
    options.tombstone_purposes_json = tombstone;
    counts = parts_.writer
                 .RunExclusive<storage::ErasureCounts>(
                     [pseudonym, options](storage::Database& db, storage::Database& keys) {
                       return storage::EraseLearner(db, keys, pseudonym, options);
                     })
                 .get();
    if (!counts->ok()) return counts->error();
    return std::nullopt;
  };
  if (auto error = parts_.consent.Erase(pseudonym, run)) return *error;
  parts_.vault.ForgetLearner(pseudonym);
  for (const std::string& group : (*counts)->erased_group_pseudonyms) {
    parts_.vault.ForgetLearner(group);
  }
  return std::move(*counts);
}

Result<HttpResponse> PrivacyRoutes::Erase(const std::string& pseudonym, const Caller& caller) {
  uint8_t random[16];
  parts_.random.Fill(random, sizeof random);
  const std::string receipt_id = xapi::FormatUuidV4(random);
  auto counts = EraseStored(pseudonym);
  if (!counts.ok()) return counts.error();
  const int64_t erased_at = storage::SystemClockMicros();

  xapi::JsonDocument out(rapidjson::kObjectType);
  JsonAllocator& alloc = out.GetAllocator();
  JsonValue erased;
  const std::string counts_json = SerializedCounts(*counts, erased, alloc);
  // The entry names no subject: the learner's key is gone, and the receipt
  // must not link back to them.
  if (auto error = parts_.audit.record(
          caller.principal, "learner.erase", "erasure",
          "{\"receipt_id\":\"" + receipt_id + "\",\"erased\":" + counts_json + "}", {})) {
    return *error;
  }
  out.AddMember("receipt_id", Text(receipt_id, alloc), alloc);
  out.AddMember("erased_at", Text(xapi::FormatTimestamp(erased_at), alloc), alloc);
  out.AddMember("erased", erased, alloc);
  return HttpResponse::Json(200, xapi::ToJson(out));
}

}  // namespace lrs::plugin
