#pragma once
// JSON Web Signatures in compact serialization (RFC 7515), as xAPI signed
// statements carry them (Data 2.6): only the RSASSA-PKCS1-v1_5 algorithms
// RS256, RS384 and RS512 are accepted, and a signer certificate, when the
// header names one in "x5c", is used to verify the signature.
//
// Verification against x5c is what Data 2.6 asks of an LRS ("intended as a
// way to catch mistakes in the signature, not as a security measure"): the
// certificate chain is not checked against any trust anchor.
//
// Errors: 400, rule "xAPI Data 2.6: ...", never echoing the token. Pure
// functions over bytes (OpenSSL EVP); thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xapi/json.h"
#include "xapi/result.h"

namespace lrs::xapi {

struct Jws {
  std::string algorithm;                 // "RS256", "RS384" or "RS512"
  std::shared_ptr<JsonDocument> header;  // the protected header, a JSON object
  std::string payload;                   // decoded payload octets
  std::string signing_input;             // ASCII(BASE64URL(header) "." BASE64URL(payload))
  std::string signature;                 // decoded signature octets
  std::vector<std::string> x5c;          // DER certificates from "x5c", signer first
};

// Parses a compact serialization: three base64url segments separated by '.',
// a header that is a JSON object with "alg" one of RS256, RS384, RS512, and
// an "x5c" (when present) that is an array of base64 DER certificates.
// Surrounding whitespace is tolerated. Errors: 400.
Result<Jws> ParseJwsCompact(std::string_view text);

// Verifies the signature with the public key of the first x5c certificate.
// Errors: 400 when that certificate cannot be read, its key is not RSA, or
// the signature does not verify. Precondition: !jws.x5c.empty().
MaybeError VerifyJwsWithCertificate(const Jws& jws);

// Verifies the signature with an RSA public key in PEM form
// ("-----BEGIN PUBLIC KEY-----"). Errors: 400 as above.
MaybeError VerifyJwsWithPublicKeyPem(const Jws& jws, std::string_view pem);

// RFC 4648 base64 decoding, `url` selecting the URL-safe alphabet. Padding is
// optional; characters outside the alphabet fail (nullopt-like: false).
bool DecodeBase64(std::string_view text, bool url, std::string& out);
std::string EncodeBase64Url(std::string_view bytes);

}  // namespace lrs::xapi
