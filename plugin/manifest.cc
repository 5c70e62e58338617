#include "plugin/manifest.h"

#include <fstream>
#include <sstream>

#include "xapi/iri.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

using xapi::JsonValue;

Error FieldError(const std::string& file, const std::string& field, const std::string& what) {
  return MakeError(400, "manifest", field, "manifest " + file + ": " + field + " " + what);
}

}  // namespace

bool Manifest::RoleMay(const std::string& role, const std::string& permission) const {
  auto it = role_permissions.find(role);
  return it != role_permissions.end() && it->second.count(permission) > 0;
}

bool Manifest::RoleMaySeeIdentities(const std::string& role) const {
  return identity == IdentityMode::kSealed && RoleMay(role, "identities:read");
}

Result<Manifest> LoadManifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(400, "manifest", "", "manifest " + path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = xapi::ParseJson(text.str());
  if (!doc.ok()) return FieldError(path, "$", "is not valid JSON (" + doc.error().message + ")");
  const JsonValue& root = **doc;
  if (!root.IsObject()) return FieldError(path, "$", "must be a JSON object");

  Manifest m;
  m.name = std::string(xapi::StringMember(root, "name"));

  const JsonValue* k = xapi::Member(root, "k");
  if (k == nullptr || !k->IsInt() || k->GetInt() < 2) {
    return FieldError(path, "$.k", "must be an integer of at least 2");
  }
  m.k = k->GetInt();

  auto identity = xapi::StringMember(root, "identity");
  if (identity == "sealed") {
    m.identity = IdentityMode::kSealed;
  } else if (identity == "pseudonymous-only") {
    m.identity = IdentityMode::kPseudonymousOnly;
  } else {
    return FieldError(path, "$.identity", "must be \"sealed\" or \"pseudonymous-only\"");
  }

  m.pseudonym_home_page = std::string(xapi::StringMember(root, "pseudonym_home_page"));
  if (!xapi::IsValidIri(m.pseudonym_home_page)) {
    return FieldError(path, "$.pseudonym_home_page", "must be an absolute IRI");
  }

  if (const JsonValue* key_file = xapi::Member(root, "key_file"); key_file && !key_file->IsNull()) {
    if (!key_file->IsString() || key_file->GetStringLength() == 0) {
      return FieldError(path, "$.key_file", "must be a path or null");
    }
    m.key_file = key_file->GetString();
  }

  const JsonValue* consent = xapi::Member(root, "consent");
  if (consent == nullptr || !consent->IsObject()) return FieldError(path, "$.consent", "is required");
  m.consent_mode = std::string(xapi::StringMember(*consent, "mode"));
  if (m.consent_mode != "opt-in" && m.consent_mode != "opt-out") {
    return FieldError(path, "$.consent.mode", "must be \"opt-in\" or \"opt-out\"");
  }
  if (const JsonValue* purposes = xapi::Member(*consent, "purposes")) {
    if (!purposes->IsArray()) return FieldError(path, "$.consent.purposes", "must be an array");
    for (const auto& p : purposes->GetArray()) {
      if (!p.IsString()) return FieldError(path, "$.consent.purposes", "must hold strings");
      m.consent_purposes.emplace_back(p.GetString());
    }
  }

  const JsonValue* retention = xapi::Member(root, "retention");
  if (retention == nullptr || !retention->IsObject()) {
    return FieldError(path, "$.retention", "is required");
  }
  for (auto [field, target] : {std::pair{"statements_days", &m.statement_retention_days},
                               std::pair{"facts_days", &m.fact_retention_days}}) {
    const JsonValue* days = xapi::Member(*retention, field);
    if (days == nullptr || !days->IsInt() || days->GetInt() < 1) {
      return FieldError(path, std::string("$.retention.") + field, "must be a positive integer");
    }
    *target = days->GetInt();
  }

  const JsonValue* roles = xapi::Member(root, "roles");
  if (roles == nullptr || !roles->IsObject()) return FieldError(path, "$.roles", "is required");
  for (const auto& role : roles->GetObject()) {
    std::string field = std::string("$.roles.") + role.name.GetString();
    if (!role.value.IsArray()) return FieldError(path, field, "must be an array of permissions");
    auto& permissions = m.role_permissions[role.name.GetString()];
    for (const auto& p : role.value.GetArray()) {
      if (!p.IsString()) return FieldError(path, field, "must hold strings");
      permissions.insert(p.GetString());
    }
  }
  for (const char* required : {"lms", "analyst", "admin"}) {
    if (!m.role_permissions.count(required)) {
      return FieldError(path, std::string("$.roles.") + required, "is required");
    }
  }
  return m;
}

}  // namespace lrs::plugin
