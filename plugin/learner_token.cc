#include "plugin/learner_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "xapi/json.h"
#include "xapi/jws.h"

namespace lrs::plugin {
namespace {

constexpr std::string_view kPrefix = "lt1.";

Error Unauthorized(const std::string& why) {
  return MakeError(401, "learner token", "Authorization", "the learner token " + why);
}

}  // namespace

std::string LearnerTokens::Sign(std::string_view signed_part) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
       &length);
  return xapi::EncodeBase64Url(std::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string LearnerTokens::Issue(const std::string& pseudonym, int64_t now_s,
                                 int64_t ttl_seconds) const {
  rapidjson::Document payload(rapidjson::kObjectType);
  auto& alloc = payload.GetAllocator();
  payload.AddMember("sub", xapi::JsonValue(pseudonym.c_str(), alloc), alloc);
  payload.AddMember("iat", now_s, alloc);
  payload.AddMember("exp", now_s + ttl_seconds, alloc);
  payload.AddMember("kid", xapi::JsonValue(key_id_.c_str(), alloc), alloc);
  std::string signed_part = std::string(kPrefix) + xapi::EncodeBase64Url(xapi::ToJson(payload));
  return signed_part + "." + Sign(signed_part);
}

Result<LearnerClaims> LearnerTokens::Verify(std::string_view token, int64_t now_s) const {
  if (token.substr(0, kPrefix.size()) != kPrefix) return Unauthorized("is not one");
  const size_t dot = token.rfind('.');
  if (dot == std::string_view::npos || dot < kPrefix.size()) return Unauthorized("is malformed");
  std::string_view signed_part = token.substr(0, dot);
  std::string expected = Sign(signed_part);
  std::string_view given = token.substr(dot + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Unauthorized("has a bad signature");
  }
  std::string payload_text;
  if (!xapi::DecodeBase64(signed_part.substr(kPrefix.size()), true, payload_text)) {
    return Unauthorized("is malformed");
  }
  auto payload = xapi::ParseJson(payload_text);
  if (!payload.ok() || !(*payload)->IsObject()) return Unauthorized("is malformed");
  const xapi::JsonValue& claims = **payload;
  const xapi::JsonValue* exp = xapi::Member(claims, "exp");
  LearnerClaims result;
  result.pseudonym = std::string(xapi::StringMember(claims, "sub"));
  if (xapi::StringMember(claims, "kid") != key_id_)
    return Unauthorized("was signed by another key");
  if (result.pseudonym.empty() || exp == nullptr || !exp->IsInt64()) {
    return Unauthorized("is malformed");
  }
  result.expires_s = exp->GetInt64();
  if (const xapi::JsonValue* iat = xapi::Member(claims, "iat"); iat && iat->IsInt64()) {
    result.issued_s = iat->GetInt64();
  }
  if (now_s >= result.expires_s) return Unauthorized("has expired");
  return result;
}

}  // namespace lrs::plugin
