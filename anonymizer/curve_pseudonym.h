#pragma once
// Pseudonyms as an updatable keyed PRF on P-256 (DESIGN.md, Identity; issue 4,
// `lrs keys rotate`).
//
//   pseudonym(k, ifi) = k · H(ifi)      as the lowercase hex of the compressed
//                                       point: 66 chars, "02" or "03" first.
//
// Why not HMAC: re-keying an HMAC pseudonym needs the identity it was made
// from, and the store must never open an identity to rotate keys. With a
// point, the holder of both keys turns k · H(ifi) into k' · H(ifi) by one
// scalar multiplication by d = k' · k⁻¹ mod n, without ever seeing H(ifi),
// let alone the IFI.
//
// Invariants:
//  1. H is hash-to-curve by try-and-increment: x = SHA-256(kDomain || counter
//     || ifi) for counter = 0, 1, ... until x is the abscissa of a curve point;
//     the point with even y is taken. Deterministic, about two tries on
//     average. The counter is one byte before the IFI, so no two (counter,
//     ifi) pairs give the same input. The number of tries depends on the IFI
//     (a timing difference of a square root, not of the key).
//  2. Keys are scalars 1 <= k < n (P-256 group order), 32 bytes big-endian.
//     P-256 has cofactor 1: every point H gives is of order n, so k · H is
//     never the point at infinity and rotation is a bijection on pseudonyms.
//  3. Without k, k · H(ifi) cannot be computed from a guessed IFI, nor two
//     pseudonyms linked to each other (decisional Diffie-Hellman on P-256).
//
// Thread-safe: pure functions; PseudonymRotation is immutable after Create.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "anonymizer/random_source.h"
#include "xapi/result.h"

namespace lrs::anonymizer {

constexpr size_t kPseudonymKeyBytes = 32;
constexpr size_t kPseudonymHexChars = 66;

// Whether `key` is 32 bytes encoding a scalar with 1 <= k < n.
bool IsValidPseudonymKey(std::string_view key);

// A fresh key from `random` (rejection sampling: uniform in [1, n)).
std::string NewPseudonymKey(RandomSource& random);

// k · H(canonical_ifi) as 66 lowercase hex chars.
// Precondition: IsValidPseudonymKey(key) (aborts otherwise: a programmer error).
std::string CurvePseudonym(std::string_view key, std::string_view canonical_ifi);

// Whether `text` is a pseudonym in the format above (66 lowercase hex chars
// naming a point on the curve). Anonymous-group digests (64 hex) are not.
bool IsCurvePseudonym(std::string_view text);

// Turns pseudonyms under one key into pseudonyms under another.
class PseudonymRotation {
 public:
  // Errors: 400 when either key is not a valid pseudonym key.
  static Result<PseudonymRotation> Create(std::string_view from_key, std::string_view to_key);

  // d · P for a pseudonym P under `from_key`: exactly CurvePseudonym(to_key,
  // ifi) for the IFI it stands for. nullopt when `pseudonym` is not a curve
  // pseudonym (IsCurvePseudonym).
  std::optional<std::string> Rotate(std::string_view pseudonym) const;

 private:
  struct Scalars;
  explicit PseudonymRotation(std::shared_ptr<const Scalars> scalars)
      : scalars_(std::move(scalars)) {}
  std::shared_ptr<const Scalars> scalars_;
};

}  // namespace lrs::anonymizer
