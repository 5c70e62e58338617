#include "anonymizer/curve_pseudonym.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "xapi/hex.h"

namespace lrs::anonymizer {
namespace {

constexpr size_t kCompressedPointBytes = 33;
constexpr size_t kSha256Bytes = 32;
// Try-and-increment succeeds with probability about 1/2 per try: 256 failures
// in a row do not happen (2^-256) unless OpenSSL is broken.
constexpr int kMaxHashToCurveTries = 256;
// Fixed-length prefix of every hash-to-curve input (invariant 1).
constexpr char kDomain[] = "lrs pseudonym hash-to-curve P-256 v1";

[[noreturn]] void DieOnCurveFailure(const char* what) {
  // Only a broken OpenSSL installation or exhausted memory gets here; a wrong
  // pseudonym would silently merge or split learners.
  std::fprintf(stderr, "lrs: OpenSSL P-256 %s failed\n", what);
  std::abort();
}

// Deliberately never freed; it lives as long as the process and is only read.
const EC_GROUP* Curve() {
  static const EC_GROUP* const group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  if (group == nullptr) DieOnCurveFailure("group");
  return group;
}

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct PointDeleter {
  void operator()(EC_POINT* point) const { EC_POINT_clear_free(point); }
};
using BigNum = std::unique_ptr<BIGNUM, BnDeleter>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using Point = std::unique_ptr<EC_POINT, PointDeleter>;

BnCtx NewCtx() {
  BnCtx ctx(BN_CTX_new());
  if (!ctx) DieOnCurveFailure("BN_CTX_new");
  return ctx;
}

Point NewPoint() {
  Point point(EC_POINT_new(Curve()));
  if (!point) DieOnCurveFailure("EC_POINT_new");
  return point;
}

// The scalar in `bytes` when it is a valid key (1 <= k < n), else null.
// Flagged constant-time: it is secret.
BigNum ScalarFrom(std::string_view bytes) {
  if (bytes.size() != kPseudonymKeyBytes) return nullptr;
  BigNum k(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                     static_cast<int>(bytes.size()), nullptr));
  if (!k) DieOnCurveFailure("BN_bin2bn");
  if (BN_is_zero(k.get()) || BN_cmp(k.get(), EC_GROUP_get0_order(Curve())) >= 0) return nullptr;
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  return k;
}

// H(ifi), invariant 1.
Point HashToCurve(std::string_view canonical_ifi, BN_CTX* ctx) {
  std::string input(kDomain);
  const size_t counter_at = input.size();
  input += '\0';  // the counter
  input.append(canonical_ifi.data(), canonical_ifi.size());

  Point point = NewPoint();
  BigNum x(BN_new());
  if (!x) DieOnCurveFailure("BN_new");
  for (int counter = 0; counter < kMaxHashToCurveTries; ++counter) {
    input[counter_at] = static_cast<char>(counter);
    unsigned char digest[kSha256Bytes];
    size_t digest_size = 0;
    if (EVP_Q_digest(nullptr, "SHA256", nullptr, input.data(), input.size(), digest,
                     &digest_size) != 1 ||
        digest_size != kSha256Bytes) {
      DieOnCurveFailure("SHA-256");
    }
    if (BN_bin2bn(digest, kSha256Bytes, x.get()) == nullptr) DieOnCurveFailure("BN_bin2bn");
    // Fails (leaving an error on the queue, which the mark drops) when x is
    // not below p or x^3 - 3x + b has no square root: then try the next x.
    ERR_set_mark();
    const bool on_curve =
        EC_POINT_set_compressed_coordinates(Curve(), point.get(), x.get(), /*y_bit=*/0, ctx) == 1;
    ERR_pop_to_mark();
    if (on_curve) return point;
  }
  DieOnCurveFailure("hash-to-curve");
}

std::string Encode(const EC_POINT* point, BN_CTX* ctx) {
  unsigned char bytes[kCompressedPointBytes];
  if (EC_POINT_point2oct(Curve(), point, POINT_CONVERSION_COMPRESSED, bytes, sizeof bytes, ctx) !=
      kCompressedPointBytes) {
    DieOnCurveFailure("point encoding");
  }
  return xapi::HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// The point `text` names, or null when it is not a curve pseudonym.
Point Decode(std::string_view text, BN_CTX* ctx) {
  if (text.size() != kPseudonymHexChars ||
      (text.substr(0, 2) != "02" && text.substr(0, 2) != "03") ||
      text.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return nullptr;
  }
  std::string bytes;
  if (!xapi::HexDecode(text, bytes)) return nullptr;
  Point point = NewPoint();
  ERR_set_mark();
  const bool ok =
      EC_POINT_oct2point(Curve(), point.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                         bytes.size(), ctx) == 1;
  ERR_pop_to_mark();
  if (!ok) return nullptr;
  return point;
}

std::string Multiply(const BIGNUM* scalar, const EC_POINT* point, BN_CTX* ctx) {
  Point product = NewPoint();
  if (EC_POINT_mul(Curve(), product.get(), nullptr, point, scalar, ctx) != 1) {
    DieOnCurveFailure("scalar multiplication");
  }
  return Encode(product.get(), ctx);
}

}  // namespace

bool IsValidPseudonymKey(std::string_view key) { return ScalarFrom(key) != nullptr; }

std::string NewPseudonymKey(RandomSource& random) {
  for (;;) {
    std::string key = random.Bytes(kPseudonymKeyBytes);
    if (IsValidPseudonymKey(key)) return key;  // n is close to 2^256: almost always at once
  }
}

std::string CurvePseudonym(std::string_view key, std::string_view canonical_ifi) {
  BigNum k = ScalarFrom(key);
  if (!k) DieOnCurveFailure("key check (not a valid pseudonym key)");
  BnCtx ctx = NewCtx();
  Point h = HashToCurve(canonical_ifi, ctx.get());
  return Multiply(k.get(), h.get(), ctx.get());
}

bool IsCurvePseudonym(std::string_view text) {
  BnCtx ctx = NewCtx();
  return Decode(text, ctx.get()) != nullptr;
}

struct PseudonymRotation::Scalars {
  BigNum d;  // to_key · from_key⁻¹ mod n
};

Result<PseudonymRotation> PseudonymRotation::Create(std::string_view from_key,
                                                    std::string_view to_key) {
  BigNum from = ScalarFrom(from_key);
  BigNum to = ScalarFrom(to_key);
  if (!from || !to) return MakeError(400, "pseudonym key", "", "not a valid P-256 pseudonym key");
  BnCtx ctx = NewCtx();
  const BIGNUM* n = EC_GROUP_get0_order(Curve());
  BigNum inverse(BN_new());
  auto scalars = std::make_shared<Scalars>();
  scalars->d.reset(BN_new());
  if (!inverse || !scalars->d ||
      BN_mod_inverse(inverse.get(), from.get(), n, ctx.get()) == nullptr ||
      BN_mod_mul(scalars->d.get(), to.get(), inverse.get(), n, ctx.get()) != 1) {
    DieOnCurveFailure("rotation scalar");
  }
  BN_set_flags(scalars->d.get(), BN_FLG_CONSTTIME);
  return PseudonymRotation(std::move(scalars));
}

std::optional<std::string> PseudonymRotation::Rotate(std::string_view pseudonym) const {
  BnCtx ctx = NewCtx();
  Point point = Decode(pseudonym, ctx.get());
  if (!point) return std::nullopt;
  return Multiply(scalars_->d.get(), point.get(), ctx.get());
}

}  // namespace lrs::anonymizer
