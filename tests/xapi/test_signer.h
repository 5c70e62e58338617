#pragma once
// A throwaway RSA signer for tests of signed statements (xAPI Data 2.6): a
// fresh 2048-bit key from OpenSSL, JWS compact serializations made with it,
// and a self-signed X.509 certificate for the "x5c" header. Test-only; keys
// never leave the process.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "xapi/jws.h"

namespace lrs::testing {

class TestSigner {
 public:
  TestSigner() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})) {
    if (!key_) throw std::runtime_error("RSA key generation failed");
  }

  // The public key as "-----BEGIN PUBLIC KEY-----" PEM.
  std::string PublicKeyPem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
  }

  // A self-signed certificate for the key, base64 DER as "x5c" holds it.
  std::string CertificateBase64() const {
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key_.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("lrs test signer"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    X509_sign(cert.get(), key_.get(), EVP_sha256());
    unsigned char* der = nullptr;
    int n = i2d_X509(cert.get(), &der);
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der, n);
    OPENSSL_free(der);
    out.resize(static_cast<size_t>(written));
    return out;
  }

  // base64url(header) "." base64url(payload) "." base64url(signature), signed
  // with RSASSA-PKCS1-v1_5 and the SHA-2 that `digest_alg` ("RS256", ...)
  // names; `header_json` is used as given, so tests can lie about "alg".
  std::string SignCompact(std::string_view header_json, std::string_view payload,
                          std::string_view digest_alg = "RS256") const {
    std::string input = xapi::EncodeBase64Url(header_json) + "." + xapi::EncodeBase64Url(payload);
    const EVP_MD* md = digest_alg == "RS384"   ? EVP_sha384()
                       : digest_alg == "RS512" ? EVP_sha512()
                                               : EVP_sha256();
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t n = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get());
    EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string signature(n, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &n,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    signature.resize(n);
    return input + "." + xapi::EncodeBase64Url(signature);
  }

 private:
  struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  std::unique_ptr<EVP_PKEY, PkeyFree> key_;
};

}  // namespace lrs::testing
