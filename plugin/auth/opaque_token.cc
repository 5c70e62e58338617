#include "plugin/auth/opaque_token.h"

#include <openssl/crypto.h>

#include "anonymizer/sealer.h"
#include "xapi/jws.h"

namespace lrs::plugin {
namespace {

std::string AssociatedData(std::string_view prefix, std::string_view context) {
  std::string aad(prefix);
  aad += context;
  return aad;
}

}  // namespace

std::string SealOpaqueToken(std::string_view prefix, std::string_view key,
                            std::string_view plaintext, std::string_view context,
                            anonymizer::RandomSource& random) {
  const std::string sealed =
      anonymizer::Seal(key, plaintext, AssociatedData(prefix, context), random);
  return std::string(prefix) + xapi::EncodeBase64Url(sealed);
}

std::optional<std::string> OpenOpaqueToken(std::string_view prefix, std::string_view key,
                                           std::string_view token, std::string_view context) {
  if (token.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view body = token.substr(prefix.size());
  std::string sealed;
  // Canonical encoding only: otherwise a changed last character that touches
  // only unused bits would decode to the same blob and pass as the same token.
  if (!xapi::DecodeBase64(body, /*url=*/true, sealed) || xapi::EncodeBase64Url(sealed) != body) {
    return std::nullopt;
  }
  auto opened = anonymizer::Open(key, sealed, AssociatedData(prefix, context));
  if (!opened.ok()) return std::nullopt;
  return std::move(*opened);
}

}  // namespace lrs::plugin
