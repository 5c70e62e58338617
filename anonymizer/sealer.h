#pragma once
// Identity sealing (DESIGN.md, Identity): AES-256-GCM from OpenSSL.
//
// Sealed format: 12-byte random nonce || ciphertext || 16-byte tag. The
// associated data binds a ciphertext to its context (e.g. the pseudonym it
// belongs to) so a sealed blob moved to another row fails to open.
//
// Used twice: a learner's agent object is sealed under that learner's data
// key, and each data key is sealed ("wrapped") under the master key.
// Thread-safe: pure functions.

#include <string>
#include <string_view>

#include "anonymizer/random_source.h"
#include "xapi/result.h"

namespace lrs::anonymizer {

constexpr size_t kSealKeyBytes = 32;

// Precondition: key.size() == kSealKeyBytes.
std::string Seal(std::string_view key, std::string_view plaintext, std::string_view aad,
                 RandomSource& random);

// Errors: 500 when the blob is malformed, the key is wrong or the data was
// tampered with (the tag does not verify).
Result<std::string> Open(std::string_view key, std::string_view sealed, std::string_view aad);

}  // namespace lrs::anonymizer
