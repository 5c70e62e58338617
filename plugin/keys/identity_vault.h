#pragma once
// The identity vault: learner data keys and the sealing of identity variants
// under them (DESIGN.md, Identity).
//
// Invariants:
//  1. One data key per pseudonym, ever: creation happens under a lock and the
//     key is cached before anyone else can ask, so two concurrent requests for
//     a new learner seal under the same key.
//  2. A key is handed out with its wrapped form until a write that carried it
//     has committed (MarkDurable); every batch sealed under a not-yet-durable
//     key carries that key, so whichever batch commits first stores it.
//  3. Raw data keys exist only in this process's memory; on disk they are
//     always wrapped by the master key.
//  4. A variant id is remembered as stored only after a write that carried
//     it committed; SealVariants skips remembered variants (the writer would
//     ignore them anyway), which spares an AES-GCM seal and an index probe
//     for every repeat of the same learner or authority. Whatever deletes
//     identities (erasure, retention) must call ForgetStored.
//
// Thread safety: all methods may be called concurrently.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "anonymizer/identity_split.h"
#include "anonymizer/random_source.h"
#include "plugin/keys/key_file.h"
#include "storage/key_store.h"
#include "storage/statement_record.h"

namespace lrs::plugin {

class IdentityVault {
 public:
  IdentityVault(NamedKey master_key, storage::KeyStore& key_store,
                std::shared_ptr<anonymizer::RandomSource> random);

  // Seals each variant under its learner's data key (creating keys as needed)
  // and adds to `keys_to_store` the wrapped keys the write must carry
  // (invariant 2), each once.
  Result<std::vector<storage::SealedIdentity>> SealVariants(
      const std::vector<anonymizer::IdentityVariant>& variants,
      std::vector<storage::WrappedDataKey>& keys_to_store);

  // Makes sure the learner has a data key without sealing anything (the
  // pseudonymous-only mode: their documents and audit references still need
  // one, and erasure destroys it); lists it in `keys_to_store` like SealVariants.
  MaybeError KeepKeyFor(const std::string& pseudonym,
                        std::vector<storage::WrappedDataKey>& keys_to_store);

  // After a write carrying these keys committed.
  void MarkDurable(const std::vector<storage::WrappedDataKey>& keys);
  // After a write carrying these keys was refused because another process
  // stored a different key for the learner first (storage answers 503): the
  // cached keys are dropped so the client's retry uses the stored ones.
  void DropUndurable(const std::vector<storage::WrappedDataKey>& keys);
  // After a write carrying these identities committed (invariant 4).
  void MarkStored(const std::vector<std::string>& variant_ids);
  // After identities were deleted: forget every remembered variant.
  void ForgetStored();
  // After a learner was erased (their data key destroyed): drop their cached
  // key too, so nothing is sealed under it again, and every remembered variant.
  void ForgetLearner(const std::string& pseudonym);

  // Opens a sealed identity; nullopt when its key is gone (erased learner).
  Result<std::optional<std::string>> Open(const storage::SealedIdentity& identity);

  // The e-mail addresses behind address tokens (anonymizer/address_tokens.h)
  // among `sealed` (as found by their token, the variant id): token ->
  // address. Tokens whose learner was erased are left out.
  Result<std::map<std::string, std::string>> OpenAddresses(
      const std::vector<storage::SealedIdentity>& sealed);

  // For `lrs keys rotate`: the data key in `wrapped` (under `from_master`,
  // bound to its pseudonym) wrapped again under `to_master` for the learner's
  // new pseudonym. Opens a key, never an identity: sealed identities and
  // documents are bound to their row by associated data that does not name
  // the pseudonym, so they stay as they are. Errors: 500 when the key does
  // not open (wrong master key, tampered row).
  static Result<storage::WrappedDataKey> Rewrap(const storage::WrappedDataKey& wrapped,
                                                const NamedKey& from_master,
                                                const NamedKey& to_master,
                                                const std::string& to_pseudonym,
                                                anonymizer::RandomSource& random);

  // Seals any learner-owned bytes (e.g. a State or Agent Profile document)
  // under that learner's data key, so erasing the key shreds them too.
  // `context` binds the blob to where it is stored (AEAD associated data).
  // Like SealVariants, lists the wrapped key when it is not yet durable.
  Result<std::string> SealFor(const std::string& pseudonym, std::string_view plaintext,
                              std::string_view context,
                              std::vector<storage::WrappedDataKey>& keys_to_store);
  // nullopt when the learner's key is gone.
  Result<std::optional<std::string>> OpenFor(const std::string& pseudonym, std::string_view sealed,
                                             std::string_view context);

  // The audit trail's tag for a learner (plugin/privacy/audit_trail.h): lowercase hex
  // HMAC-SHA256(their data key, "audit-subject"), the same in every entry
  // about them. nullopt when they have no data key (never seen, or erased):
  // nothing about them can be tagged or found. Never creates a key.
  Result<std::optional<std::string>> SubjectTag(const std::string& pseudonym);

 private:
  struct Entry {
    std::string key;
    storage::WrappedDataKey wrapped;
    bool durable = false;
  };
  // Looks up (cache, then key store) or, if `create`, makes the key.
  // Shared so that DropUndurable cannot free an entry another thread uses.
  Result<std::shared_ptr<const Entry>> Find(const std::string& pseudonym, bool create);
  // Find(create) plus invariant 2: a key not yet durable joins `keys_to_store`.
  Result<std::shared_ptr<const Entry>> KeyToSealWith(
      const std::string& pseudonym, std::vector<storage::WrappedDataKey>& keys_to_store);

  NamedKey master_key_;
  storage::KeyStore& key_store_;
  std::shared_ptr<anonymizer::RandomSource> random_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> cache_;
  std::unordered_set<std::string> stored_variants_;
};

}  // namespace lrs::plugin
