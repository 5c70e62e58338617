#pragma once
// The key file: the secrets that protect everything else, kept outside the
// data directory (DESIGN.md, Identity).
//
//   {"format": "lrs-keys-v2",
//    "store_id": "<32 hex>",                                the one store it belongs to
//    "pseudonym_key": {"id": "...", "secret": "<64 hex>"},  P-256 scalar, 1 <= k < n
//    "master_key":    {"id": "...", "secret": "<64 hex>"},  wraps learner data keys
//    "digest_key":    {"id": "...", "secret": "<64 hex>"},  statement content hashes
//    "token_key":     {"id": "...", "secret": "<64 hex>"}}  seals learner tokens
//
// Invariants:
//  1. Written whole or not at all: a private temporary file (0600), fsync,
//     rename, fsync of the folder. A crash never leaves a half-written key
//     file that would lock everyone out of their data.
//  2. `lrs keys rotate` (plugin/keys/key_rotation.h) writes the next keys to
//     PendingKeyFilePath(path) first and replaces the key file with them only
//     once every database is re-keyed. While that file exists a rotation is
//     unfinished: LoadOrCreateKeyFile refuses, so no server starts (and no
//     fresh key file is ever made) until `lrs keys rotate` has finished.
//  3. Rotation renews the pseudonym, master and token keys and keeps the
//     digest key (anonymizer/pseudonymizer.h says why).
//  4. Keys for one job each are derived, never stored: HKDF-SHA256 (RFC 5869)
//     of one stored secret with a label of their own, so no two jobs share a
//     key: the `more` cursor key from the master key (renewed by rotation, so
//     cursors die with it), the learner-token key from the token key (same),
//     the document ETag key from the digest key (kept, so ETags survive).
//  5. "lrs-keys-v1" (HMAC pseudonyms, which cannot be re-keyed) is refused:
//     nothing was deployed with it, so a fresh data directory is the way on.
//  6. store_id binds the file to one store (plugin/app/store_binding.h): the same
//     id is in the store's keystore.db. A file written before the binding has
//     none (store_id ""); the store adopts it on first open. Rotation keeps it.

#include <string>

#include "anonymizer/random_source.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct NamedKey {
  std::string id;
  std::string secret;  // raw bytes
};

struct KeyMaterial {
  std::string store_id;    // 32 lowercase hex, or "" (invariant 6)
  NamedKey pseudonym_key;  // P-256 scalar (anonymizer/curve_pseudonym.h)
  NamedKey master_key;
  NamedKey digest_key;     // statement content hashes; survives rotation
  NamedKey token_key;      // learner tokens derive their key from it
  // Derived (invariant 4), 32 bytes each; DeriveKeys fills them.
  std::string cursor_key;      // HKDF(master, "lrs more-cursor aead v2")
  std::string token_seal_key;  // HKDF(token, "lrs learner-token aead v2")
  std::string etag_key;        // HKDF(digest, "lrs document-etag v1")
};

// Fills the derived keys of `keys` from its stored secrets.
void DeriveKeys(KeyMaterial& keys);

// A fresh store id: 16 random bytes as lowercase hex.
std::string NewStoreId(anonymizer::RandomSource& random);

// Reads the key file. Errors (400-class, for a one-line CLI message): missing,
// unreadable, malformed, an old format, a secret of the wrong length or a
// pseudonym key that is not a valid scalar.
Result<KeyMaterial> LoadKeyFile(const std::string& path);

// Creates a key file with fresh random keys if none exists, then loads it.
// Errors as LoadKeyFile, and 400 while a rotation is unfinished (invariant 2).
Result<KeyMaterial> LoadOrCreateKeyFile(const std::string& path, anonymizer::RandomSource& random);

// Where a rotation keeps the next keys until it has finished: <path>.next.
std::string PendingKeyFilePath(const std::string& path);

// Fresh keys, all four, and a fresh store id.
KeyMaterial NewKeyMaterial(anonymizer::RandomSource& random);
// The keys a rotation moves to (invariant 3), for the same store.
KeyMaterial RotatedKeyMaterial(const KeyMaterial& current, anonymizer::RandomSource& random);

// Writes `keys` to `path` as invariant 1 says, replacing any file there.
// Errors: 500 on I/O.
MaybeError WriteKeyFile(const std::string& path, const KeyMaterial& keys);

// Finishes a rotation: overwrites the bytes of the key file at `path` with
// zeros (fsync), then renames `replacement` over it (fsync of the folder).
// Overwriting is best effort against recovery from the disk itself (a
// journaling or copy-on-write file system, or an SSD, may keep old blocks).
// Errors: 500 on I/O.
MaybeError ReplaceKeyFile(const std::string& path, const std::string& replacement);

}  // namespace lrs::plugin
