#include "plugin/auth/admin_routes.h"

#include "plugin/http/error_response.h"
#include "plugin/http/json_writes.h"
#include "xapi/json.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

constexpr char kRule[] = "admin API: credentials";
constexpr char kPrefix[] = "/admin/credentials";
constexpr char kPurposeAdministration[] = "administration";

JsonValue Text(std::string_view text, JsonAllocator& alloc) {
  return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

HttpResponse SecretAnswer(int status, const NewCredential& credential) {
  xapi::JsonDocument doc(rapidjson::kObjectType);
  doc.AddMember("key", Text(credential.key, doc.GetAllocator()), doc.GetAllocator());
  doc.AddMember("secret", Text(credential.secret, doc.GetAllocator()), doc.GetAllocator());
  return HttpResponse::Json(status, xapi::ToJson(doc));
}

Error NotFound(const HttpRequest& request) {
  return MakeError(404, "routes", "", "no such admin resource: " + request.path);
}

Error MethodNotAllowed(const HttpRequest& request) {
  return MakeError(405, "routes", "", request.method + " is not allowed on " + request.path);
}

// The scopes of a POST body: absent means ["all"]; a string or an array of
// strings otherwise.
Result<ScopeSet> BodyScopes(const JsonValue& body) {
  const JsonValue* scopes = xapi::Member(body, "scopes");
  if (scopes == nullptr) return ScopeSet::All();
  std::vector<std::string> names;
  if (scopes->IsString()) {
    names.emplace_back(scopes->GetString(), scopes->GetStringLength());
  } else if (scopes->IsArray()) {
    for (const auto& name : scopes->GetArray()) {
      if (!name.IsString()) {
        return MakeError(400, kRule, "$.scopes", "scopes must be an array of scope names");
      }
      names.emplace_back(name.GetString(), name.GetStringLength());
    }
  } else {
    return MakeError(400, kRule, "$.scopes", "scopes must be an array of scope names");
  }
  auto parsed = ScopeSet::Parse(names);
  if (!parsed.ok()) {
    Error error = parsed.error();
    error.path = "$.scopes";
    return error;
  }
  return parsed;
}

}  // namespace

JsonValue CredentialJson(const storage::CredentialRecord& record, JsonAllocator& alloc) {
  JsonValue out(rapidjson::kObjectType);
  out.AddMember("key", Text(record.key, alloc), alloc);
  out.AddMember("name", Text(record.name, alloc), alloc);
  out.AddMember("role", Text(record.role, alloc), alloc);
  JsonValue scopes(rapidjson::kArrayType);
  auto parsed = ScopeSet::Parse({record.scopes});
  if (parsed.ok()) {
    for (const auto& name : parsed->Names()) scopes.PushBack(Text(name, alloc), alloc);
  }
  out.AddMember("scopes", scopes, alloc);
  out.AddMember("created", Text(xapi::FormatTimestamp(record.created_us), alloc), alloc);
  return out;
}

AdminRoutes::AdminRoutes(const Manifest& manifest, Authenticator& authenticator,
                         storage::CredentialStore& store, const SecretHasher& hasher,
                         AuditTrail& audit, anonymizer::RandomSource& random)
    : manifest_(manifest),
      authenticator_(authenticator),
      store_(store),
      hasher_(hasher),
      audit_(audit),
      random_(random) {}

HttpResponse AdminRoutes::Handle(const HttpRequest& request) {
  auto who = authenticator_.Authenticate(request.Header("Authorization"), request.remote_address);
  Result<HttpResponse> response = who.ok() ? Route(request, *who) : who.error();
  HttpResponse out = response.ok() ? std::move(*response) : ErrorResponse(response.error());
  out.headers["Cache-Control"] = "no-store";
  return out;
}

Result<HttpResponse> AdminRoutes::Route(const HttpRequest& request, const Principal& who) {
  if (!manifest_.RoleMay(who.role, "credentials:manage")) {
    return MakeError(403, "role", "", "this credential's role may not manage credentials");
  }
  if (!who.scopes.Has(Scope::kAll)) {
    return MakeError(403, "xAPI Communication 4.2: authorization scope", "",
                     "this credential lacks the scope all, which managing credentials needs");
  }
  const std::string& path = request.path;
  const std::string& method = request.method;
  const std::string prefix = kPrefix;
  if (MaybeError refused = RequireJsonForWrites(request)) return *refused;  // plugin/http/json_writes.h
  if (path == prefix) {
    if (method == "GET") return List(who);
    if (method == "POST") return Create(request, who);
    return MethodNotAllowed(request);
  }
  if (path.rfind(prefix + "/", 0) != 0) return NotFound(request);
  std::string rest = path.substr(prefix.size() + 1);
  constexpr std::string_view kRotate = "/rotate";
  if (rest.size() > kRotate.size() &&
      rest.compare(rest.size() - kRotate.size(), kRotate.size(), kRotate) == 0) {
    std::string key = rest.substr(0, rest.size() - kRotate.size());
    if (key.find('/') != std::string::npos) return NotFound(request);
    if (method == "POST") return Rotate(key, who);
    return MethodNotAllowed(request);
  }
  if (rest.empty() || rest.find('/') != std::string::npos) return NotFound(request);
  if (method == "DELETE") return Revoke(rest, who);
  return MethodNotAllowed(request);
}

MaybeError AdminRoutes::Audit(const Principal& who, const char* action,
                              const AuditDetail& detail) {
  auto recorded = audit_.Record(who, action, kPurposeAdministration, detail, {});
  if (!recorded.ok()) return recorded.error();
  return std::nullopt;
}

Result<HttpResponse> AdminRoutes::List(const Principal& who) {
  auto all = store_.List();
  if (!all.ok()) return all.error();
  if (auto error = Audit(who, "credentials.list",
                         AuditDetail().Count("credentials", static_cast<int64_t>(all->size())))) {
    return *error;
  }
  xapi::JsonDocument doc(rapidjson::kObjectType);
  JsonValue list(rapidjson::kArrayType);
  for (const auto& record : *all) list.PushBack(CredentialJson(record, doc.GetAllocator()), doc.GetAllocator());
  doc.AddMember("credentials", list, doc.GetAllocator());
  return HttpResponse::Json(200, xapi::ToJson(doc));
}

Result<HttpResponse> AdminRoutes::Create(const HttpRequest& request, const Principal& who) {
  auto body = xapi::ParseJson(request.body);
  if (!body.ok()) return body.error();
  if (!(*body)->IsObject()) return MakeError(400, kRule, "$", "the body must be a JSON object");
  const JsonValue* role = xapi::Member(**body, "role");
  const JsonValue* name = xapi::Member(**body, "name");
  if (role == nullptr || !role->IsString() || !IsKnownRole(role->GetString())) {
    return MakeError(400, kRule, "$.role", "role must be lms, analyst or admin");
  }
  if (name == nullptr || !name->IsString() || name->GetStringLength() == 0 ||
      name->GetStringLength() > 200) {
    return MakeError(400, kRule, "$.name", "name must be a string of 1 to 200 characters");
  }
  for (const auto& member : (*body)->GetObject()) {
    const std::string_view field(member.name.GetString(), member.name.GetStringLength());
    if (field != "role" && field != "name" && field != "scopes") {
      return MakeError(400, kRule, "$", "the body takes role, name and scopes only");
    }
  }
  auto scopes = BodyScopes(**body);
  if (!scopes.ok()) return scopes.error();
  const std::string role_text(role->GetString(), role->GetStringLength());
  const std::string name_text(name->GetString(), name->GetStringLength());
  if (auto error = Audit(who, "credentials.create",
                         AuditDetail()
                             .Name("role", role_text)
                             .Count("scopes", static_cast<int64_t>(scopes->Names().size())))) {
    return *error;
  }
  auto created = CreateCredential(store_, hasher_, role_text, name_text, *scopes, random_);
  if (!created.ok()) return created.error();
  return SecretAnswer(201, *created);
}

Result<HttpResponse> AdminRoutes::Revoke(const std::string& key, const Principal& who) {
  auto found = store_.FindByKey(key);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return MakeError(404, kRule, "", "no credential with this key");
  if (auto error = Audit(who, "credentials.revoke", AuditDetail().Name("credential", key))) {
    return *error;
  }
  if (auto error = RevokeCredential(store_, key)) return *error;
  return HttpResponse::Empty(204);
}

Result<HttpResponse> AdminRoutes::Rotate(const std::string& key, const Principal& who) {
  auto found = store_.FindByKey(key);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return MakeError(404, kRule, "", "no credential with this key");
  if (auto error = Audit(who, "credentials.rotate", AuditDetail().Name("credential", key))) {
    return *error;
  }
  auto rotated = RotateCredential(store_, hasher_, key, random_);
  if (!rotated.ok()) return rotated.error();
  return SecretAnswer(200, *rotated);
}

}  // namespace lrs::plugin
