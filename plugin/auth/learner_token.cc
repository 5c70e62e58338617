#include "plugin/auth/learner_token.h"

#include "plugin/auth/opaque_token.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

constexpr std::string_view kPrefix = "lt2.";

Error Unauthorized(const std::string& why) {
  return MakeError(401, "learner token", "Authorization", "the learner token " + why);
}

}  // namespace

std::string LearnerTokens::Issue(const std::string& pseudonym, int64_t now_us,
                                 int64_t ttl_seconds) const {
  rapidjson::Document payload(rapidjson::kObjectType);
  auto& alloc = payload.GetAllocator();
  payload.AddMember("sub", xapi::JsonValue(pseudonym.c_str(), alloc), alloc);
  payload.AddMember("iat_us", now_us, alloc);
  payload.AddMember("exp", now_us / 1000000 + ttl_seconds, alloc);
  payload.AddMember("kid", xapi::JsonValue(key_id_.c_str(), alloc), alloc);
  return SealOpaqueToken(kPrefix, key_, xapi::ToJson(payload), /*context=*/"", *random_);
}

Result<LearnerClaims> LearnerTokens::Verify(std::string_view token, int64_t now_s) const {
  if (token.substr(0, kPrefix.size()) != kPrefix) return Unauthorized("is not one");
  std::optional<std::string> payload_text = OpenOpaqueToken(kPrefix, key_, token, "");
  // Forged, altered, truncated, spliced or sealed under another key: one answer.
  if (!payload_text) return Unauthorized("is not one this LRS issued");
  auto payload = xapi::ParseJson(*payload_text);
  if (!payload.ok() || !(*payload)->IsObject()) return Unauthorized("is malformed");
  const xapi::JsonValue& claims = **payload;
  const xapi::JsonValue* exp = xapi::Member(claims, "exp");
  LearnerClaims result;
  result.pseudonym = std::string(xapi::StringMember(claims, "sub"));
  if (xapi::StringMember(claims, "kid") != key_id_) {
    return Unauthorized("was issued under another key");
  }
  if (result.pseudonym.empty() || exp == nullptr || !exp->IsInt64()) {
    return Unauthorized("is malformed");
  }
  result.expires_s = exp->GetInt64();
  if (const xapi::JsonValue* iat = xapi::Member(claims, "iat_us"); iat && iat->IsInt64()) {
    result.issued_us = iat->GetInt64();
  }
  if (now_s >= result.expires_s) return Unauthorized("has expired");
  return result;
}

}  // namespace lrs::plugin
