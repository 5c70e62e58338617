#pragma once
// Opaque tokens: a short text prefix, then base64url (no padding) of a blob
// sealed with anonymizer/sealer.h (AES-256-GCM: nonce || ciphertext || tag).
// The `more` cursor (plugin/resources/more_cursor.h) and learner tokens (plugin/
// learner_token.h) are both this shape, so what they carry (a pseudonym, a
// query) is never readable by whoever holds or logs one, and any change to
// one, a truncation or a splice of two fails the tag.
//
//   token = prefix || base64url(Seal(key, plaintext, aad = prefix || context))
//
// The prefix names the format and its version and is authenticated with it;
// `context` binds the token to something outside it (the cursor's credential),
// which is never written into the token.
//
// Thread safety: pure functions (the RandomSource must be thread-safe, as
// every implementation is).

#include <optional>
#include <string>
#include <string_view>

#include "anonymizer/random_source.h"

namespace lrs::plugin {

// Precondition: key.size() == anonymizer::kSealKeyBytes.
std::string SealOpaqueToken(std::string_view prefix, std::string_view key,
                            std::string_view plaintext, std::string_view context,
                            anonymizer::RandomSource& random);

// The plaintext, or nullopt when `token` is not one sealed under `key` with
// this prefix and context (wrong prefix, not canonical base64url, too short,
// altered, or another key): callers answer one error for all of them.
std::optional<std::string> OpenOpaqueToken(std::string_view prefix, std::string_view key,
                                           std::string_view token, std::string_view context);

}  // namespace lrs::plugin
