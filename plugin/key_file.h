#pragma once
// The key file: the secrets that protect everything else, kept outside the
// data directory (DESIGN.md, Identity).
//
//   {"format": "lrs-keys-v1",
//    "pseudonym_key": {"id": "...", "secret": "<64 hex>"},   HMAC key for pseudonyms
//    "master_key":    {"id": "...", "secret": "<64 hex>"}}   wraps learner data keys
//
// Created once with mode 0600; ids let later rotation tell keys apart. The
// `more` cursor signing key is derived from the master key, not stored.

#include <string>

#include "anonymizer/random_source.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct NamedKey {
  std::string id;
  std::string secret;  // raw bytes
};

struct KeyMaterial {
  NamedKey pseudonym_key;
  NamedKey master_key;
  std::string cursor_key;  // derived: HMAC(master, "more-cursor-v1")
};

// Reads the key file. Errors (400-class, for a one-line CLI message): missing,
// unreadable, malformed, or a secret of the wrong length.
Result<KeyMaterial> LoadKeyFile(const std::string& path);

// Creates a key file with fresh random keys if none exists, then loads it.
Result<KeyMaterial> LoadOrCreateKeyFile(const std::string& path, anonymizer::RandomSource& random);

}  // namespace lrs::plugin
