#include "plugin/keys/identity_vault.h"

#include <algorithm>

#include "anonymizer/address_tokens.h"
#include "anonymizer/pseudonymizer.h"
#include "anonymizer/sealer.h"

namespace lrs::plugin {
namespace {

std::string KeyAad(const std::string& pseudonym) { return "data-key\n" + pseudonym; }

// Not the pseudonym: the learner's own data key already binds the blob to the
// learner, and `lrs keys rotate` re-keys pseudonyms without opening identities.
std::string IdentityAad(const std::string& variant_id) { return "identity\n" + variant_id; }

}  // namespace

Result<storage::WrappedDataKey> IdentityVault::Rewrap(const storage::WrappedDataKey& wrapped,
                                                      const NamedKey& from_master,
                                                      const NamedKey& to_master,
                                                      const std::string& to_pseudonym,
                                                      anonymizer::RandomSource& random) {
  if (wrapped.master_key_id != from_master.id) {
    return MakeError(500, "key store", "", "a data key is wrapped by an unknown master key");
  }
  auto key = anonymizer::Open(from_master.secret, wrapped.wrapped, KeyAad(wrapped.pseudonym));
  if (!key.ok()) return key.error();
  storage::WrappedDataKey rewrapped{
      to_pseudonym, to_master.id,
      anonymizer::Seal(to_master.secret, *key, KeyAad(to_pseudonym), random)};
  std::fill(key->begin(), key->end(), '\0');
  return rewrapped;
}

IdentityVault::IdentityVault(NamedKey master_key, storage::KeyStore& key_store,
                             std::shared_ptr<anonymizer::RandomSource> random)
    : master_key_(std::move(master_key)), key_store_(key_store), random_(std::move(random)) {}

Result<std::shared_ptr<const IdentityVault::Entry>> IdentityVault::Find(const std::string& pseudonym,
                                                        bool create) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = cache_.find(pseudonym); it != cache_.end()) {
    return std::shared_ptr<const Entry>(it->second);
  }

  auto stored = key_store_.Find(pseudonym);
  if (!stored.ok()) return stored.error();
  auto entry = std::make_shared<Entry>();
  if (stored->has_value()) {
    const storage::WrappedDataKey& wrapped = **stored;
    if (wrapped.master_key_id != master_key_.id) {
      return MakeError(500, "key store", "", "a data key is wrapped by an unknown master key");
    }
    auto key = anonymizer::Open(master_key_.secret, wrapped.wrapped, KeyAad(pseudonym));
    if (!key.ok()) return key.error();
    entry->key = std::move(*key);
    entry->wrapped = wrapped;
    entry->durable = true;
  } else if (create) {
    entry->key = random_->Bytes(anonymizer::kSealKeyBytes);
    entry->wrapped = storage::WrappedDataKey{
        pseudonym, master_key_.id,
        anonymizer::Seal(master_key_.secret, entry->key, KeyAad(pseudonym), *random_)};
  } else {
    return std::shared_ptr<const Entry>();
  }
  cache_.emplace(pseudonym, entry);
  return std::shared_ptr<const Entry>(std::move(entry));
}

Result<std::shared_ptr<const IdentityVault::Entry>> IdentityVault::KeyToSealWith(
    const std::string& pseudonym, std::vector<storage::WrappedDataKey>& keys_to_store) {
  auto entry = Find(pseudonym, /*create=*/true);
  if (!entry.ok()) return entry.error();
  std::lock_guard<std::mutex> lock(mutex_);
  bool listed = false;
  for (const auto& k : keys_to_store) listed |= k.pseudonym == pseudonym;
  if (!(*entry)->durable && !listed) keys_to_store.push_back((*entry)->wrapped);
  return entry;
}

MaybeError IdentityVault::KeepKeyFor(const std::string& pseudonym,
                                     std::vector<storage::WrappedDataKey>& keys_to_store) {
  auto entry = KeyToSealWith(pseudonym, keys_to_store);
  if (!entry.ok()) return entry.error();
  return std::nullopt;
}

Result<std::vector<storage::SealedIdentity>> IdentityVault::SealVariants(
    const std::vector<anonymizer::IdentityVariant>& variants,
    std::vector<storage::WrappedDataKey>& keys_to_store) {
  std::vector<storage::SealedIdentity> sealed;
  for (const auto& variant : variants) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stored_variants_.count(variant.variant_id)) continue;
    }
    auto entry = KeyToSealWith(variant.pseudonym, keys_to_store);
    if (!entry.ok()) return entry.error();
    sealed.push_back(storage::SealedIdentity{
        variant.variant_id, variant.pseudonym,
        anonymizer::Seal((*entry)->key, variant.plaintext,
                         IdentityAad(variant.variant_id), *random_)});
  }
  return sealed;
}

void IdentityVault::MarkDurable(const std::vector<storage::WrappedDataKey>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& key : keys) {
    if (auto it = cache_.find(key.pseudonym); it != cache_.end()) it->second->durable = true;
  }
}

void IdentityVault::DropUndurable(const std::vector<storage::WrappedDataKey>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& key : keys) {
    auto it = cache_.find(key.pseudonym);
    if (it != cache_.end() && !it->second->durable) cache_.erase(it);
  }
}

void IdentityVault::MarkStored(const std::vector<std::string>& variant_ids) {
  // Bounded memory: past this many, start over (a miss only costs a seal).
  constexpr size_t kMaxRemembered = 1 << 20;
  std::lock_guard<std::mutex> lock(mutex_);
  if (stored_variants_.size() + variant_ids.size() > kMaxRemembered) stored_variants_.clear();
  stored_variants_.insert(variant_ids.begin(), variant_ids.end());
}

void IdentityVault::ForgetStored() {
  std::lock_guard<std::mutex> lock(mutex_);
  stored_variants_.clear();
}

void IdentityVault::ForgetLearner(const std::string& pseudonym) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.erase(pseudonym);
  stored_variants_.clear();
}

Result<std::optional<std::string>> IdentityVault::Open(const storage::SealedIdentity& identity) {
  auto entry = Find(identity.pseudonym, /*create=*/false);
  if (!entry.ok()) return entry.error();
  if (*entry == nullptr) return std::optional<std::string>();
  auto plaintext = anonymizer::Open((*entry)->key, identity.sealed,
                                    IdentityAad(identity.variant_id));
  if (!plaintext.ok()) return plaintext.error();
  return std::optional<std::string>(std::move(*plaintext));
}

Result<std::map<std::string, std::string>> IdentityVault::OpenAddresses(
    const std::vector<storage::SealedIdentity>& sealed) {
  std::map<std::string, std::string> opened;
  for (const auto& identity : sealed) {
    auto plaintext = Open(identity);
    if (!plaintext.ok()) return plaintext.error();
    if (!plaintext->has_value()) continue;  // erased
    if (auto address = anonymizer::AddressFromVariantJson(**plaintext)) {
      opened.emplace(identity.variant_id, std::move(*address));
    }
  }
  return opened;
}

Result<std::string> IdentityVault::SealFor(const std::string& pseudonym,
                                           std::string_view plaintext, std::string_view context,
                                           std::vector<storage::WrappedDataKey>& keys_to_store) {
  auto entry = KeyToSealWith(pseudonym, keys_to_store);
  if (!entry.ok()) return entry.error();
  return anonymizer::Seal((*entry)->key, plaintext, context, *random_);
}

Result<std::optional<std::string>> IdentityVault::OpenFor(const std::string& pseudonym,
                                                          std::string_view sealed,
                                                          std::string_view context) {
  auto entry = Find(pseudonym, /*create=*/false);
  if (!entry.ok()) return entry.error();
  if (*entry == nullptr) return std::optional<std::string>();
  auto plaintext = anonymizer::Open((*entry)->key, sealed, context);
  if (!plaintext.ok()) return plaintext.error();
  return std::optional<std::string>(std::move(*plaintext));
}

Result<std::optional<std::string>> IdentityVault::SubjectTag(const std::string& pseudonym) {
  auto entry = Find(pseudonym, /*create=*/false);
  if (!entry.ok()) return entry.error();
  if (*entry == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(anonymizer::HmacSha256Hex((*entry)->key, "audit-subject"));
}

}  // namespace lrs::plugin
