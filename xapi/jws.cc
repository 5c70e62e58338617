#include "xapi/jws.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <memory>

namespace lrs::xapi {
namespace {

constexpr char kRule[] =
    "xAPI Data 2.6: a signature is a JWS (RFC 7515) with RS256, RS384 or RS512";
constexpr char kPath[] = "signature";

Error Bad(std::string message) { return MakeError(400, kRule, kPath, std::move(message)); }

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

int Base64Value(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

const EVP_MD* DigestFor(const std::string& algorithm) {
  if (algorithm == "RS256") return EVP_sha256();
  if (algorithm == "RS384") return EVP_sha384();
  if (algorithm == "RS512") return EVP_sha512();
  return nullptr;
}

MaybeError VerifyWithKey(const Jws& jws, EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    return Bad("the signing key is not an RSA key");
  }
  const EVP_MD* md = DigestFor(jws.algorithm);
  if (md == nullptr) return Bad("unsupported alg");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    return MakeError(500, kRule, kPath, "could not set up signature verification");
  }
  // RSASSA-PKCS1-v1_5 is the default padding for an RSA key (RFC 7518 3.3).
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(jws.signature.data()), jws.signature.size(),
      reinterpret_cast<const unsigned char*>(jws.signing_input.data()), jws.signing_input.size());
  if (ok != 1) return Bad("the JWS signature does not verify with the signer's key");
  return std::nullopt;
}

}  // namespace

bool DecodeBase64(std::string_view text, bool url, std::string& out) {
  out.clear();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = Base64Value(c, url);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return true;
}

std::string EncodeBase64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

Result<Jws> ParseJwsCompact(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  const size_t first = text.find('.');
  const size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
    return Bad("not a JWS compact serialization (three base64url parts separated by '.')");
  }
  Jws jws;
  std::string header_text;
  if (!DecodeBase64(text.substr(0, first), true, header_text) ||
      !DecodeBase64(text.substr(first + 1, second - first - 1), true, jws.payload) ||
      !DecodeBase64(text.substr(second + 1), true, jws.signature)) {
    return Bad("a JWS part is not base64url");
  }
  if (header_text.empty() || jws.signature.empty())
    return Bad("the JWS header or signature is empty");
  jws.signing_input = std::string(text.substr(0, second));

  auto header = ParseJson(header_text);
  if (!header.ok() || !(*header)->IsObject()) return Bad("the JWS header is not a JSON object");
  jws.header = std::move(*header);
  const JsonValue* alg = Member(*jws.header, "alg");
  if (alg == nullptr || !alg->IsString()) return Bad("the JWS header has no alg");
  jws.algorithm.assign(alg->GetString(), alg->GetStringLength());
  if (DigestFor(jws.algorithm) == nullptr) {
    return Bad("the JWS alg must be RS256, RS384 or RS512");
  }
  if (const JsonValue* x5c = Member(*jws.header, "x5c")) {
    if (!x5c->IsArray() || x5c->Empty()) return Bad("x5c is a non-empty array of certificates");
    for (const auto& cert : x5c->GetArray()) {
      std::string der;
      // RFC 7515 4.1.6: base64 (not base64url) DER.
      if (!cert.IsString() ||
          !DecodeBase64(std::string_view(cert.GetString(), cert.GetStringLength()), false, der) ||
          der.empty()) {
        return Bad("an x5c entry is not a base64 DER certificate");
      }
      jws.x5c.push_back(std::move(der));
    }
  }
  return jws;
}

MaybeError VerifyJwsWithCertificate(const Jws& jws) {
  if (jws.x5c.empty()) return Bad("the JWS header names no certificate");
  const auto* der = reinterpret_cast<const unsigned char*>(jws.x5c.front().data());
  std::unique_ptr<X509, X509Free> cert(
      d2i_X509(nullptr, &der, static_cast<long>(jws.x5c.front().size())));
  if (!cert) return Bad("the first x5c certificate cannot be read");
  PkeyPtr key(X509_get_pubkey(cert.get()));
  return VerifyWithKey(jws, key.get());
}

MaybeError VerifyJwsWithPublicKeyPem(const Jws& jws, std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return MakeError(500, kRule, kPath, "could not read the public key");
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Bad("the public key cannot be read");
  return VerifyWithKey(jws, key.get());
}

}  // namespace lrs::xapi
