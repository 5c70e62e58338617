#include "plugin/app/store_binding.h"

#include <filesystem>
#include <optional>

#include "storage/key_store.h"
#include "storage/rekey.h"
#include "storage/schema.h"

namespace lrs::plugin {
namespace {

std::string Shown(const std::optional<std::string>& id) { return id ? *id : "none"; }

Error Refused(const DataPaths& paths, const std::string& what, const std::string& fix) {
  return MakeError(400, "key file", paths.key_file, what + ": " + fix);
}

// Whether the data directory has data keyed with some pseudonym key, and
// whether that is the key file's (nullopt: no data yet).
Result<std::optional<std::string>> KeyedWith(storage::Database& key_store) {
  return storage::ReadPseudonymKeyId(key_store);
}

}  // namespace

MaybeError BindKeyFileToStore(storage::Database& key_store, const DataPaths& paths,
                              KeyMaterial& keys, bool key_file_is_new,
                              anonymizer::RandomSource& random) {
  Result<std::optional<std::string>> store_id = storage::ReadStoreId(key_store);
  if (!store_id.ok()) return store_id.error();
  Result<std::optional<std::string>> keyed = KeyedWith(key_store);
  if (!keyed.ok()) return keyed.error();
  // Data under another pseudonym key: CheckDataKeyedWith refuses it; bind nothing.
  if (keyed->has_value() && **keyed != keys.pseudonym_key.id) return std::nullopt;
  const bool holds_data = keyed->has_value();

  if (!keys.store_id.empty() && store_id->has_value() && **store_id == keys.store_id) {
    return std::nullopt;  // rule 1
  }
  if (keys.store_id.empty()) {  // rule 3
    KeyMaterial adopted = keys;
    if (store_id->has_value()) {
      adopted.store_id = **store_id;
    } else {
      adopted.store_id = NewStoreId(random);
      if (MaybeError error = storage::WriteStoreId(key_store, adopted.store_id)) return error;
    }
    if (MaybeError error = WriteKeyFile(paths.key_file, adopted)) return error;
    keys.store_id = adopted.store_id;
    return std::nullopt;
  }
  if (!store_id->has_value()) {
    if (key_file_is_new) return storage::WriteStoreId(key_store, keys.store_id);  // rule 2
    return Refused(paths,
                   "key file " + paths.key_file + " belongs to another store (store id " +
                       keys.store_id + "), not to data directory " + paths.data_dir,
                   "give this data directory its own key file (the default path, or key_file in "
                   "the manifest)");
  }
  if (key_file_is_new && !holds_data) {  // rule 2, the other way round
    KeyMaterial adopted = keys;
    adopted.store_id = **store_id;
    if (MaybeError error = WriteKeyFile(paths.key_file, adopted)) return error;
    keys.store_id = adopted.store_id;
    return std::nullopt;
  }
  return Refused(paths,
                 "key file " + paths.key_file + " belongs to store " + keys.store_id +
                     ", but data directory " + paths.data_dir + " is store " + Shown(*store_id),
                 "use the key file this data directory was made with (key_file in the manifest)");
}

Result<KeyMaterial> LoadStoreKeys(const DataPaths& paths, anonymizer::RandomSource& random) {
  std::error_code ec;
  std::filesystem::create_directories(paths.data_dir, ec);
  if (ec) return MakeError(400, "data directory", paths.data_dir, "cannot create " + paths.data_dir);
  auto key_store = storage::OpenKeyStore(paths.key_store);
  if (!key_store.ok()) return key_store.error();

  const bool key_file_is_new = !std::filesystem::exists(paths.key_file, ec) &&
                               !std::filesystem::exists(PendingKeyFilePath(paths.key_file), ec);
  if (key_file_is_new) {
    // Rule 4: a new key file would lock the data out for good, and leave a
    // stray file of keys behind; refuse before making one.
    Result<std::optional<std::string>> keyed = KeyedWith(**key_store);
    if (!keyed.ok()) return keyed.error();
    if (keyed->has_value()) {
      Result<std::optional<std::string>> store_id = storage::ReadStoreId(**key_store);
      if (!store_id.ok()) return store_id.error();
      return Refused(paths,
                     "there is no key file at " + paths.key_file + ", but data directory " +
                         paths.data_dir + " (store " + Shown(*store_id) +
                         ") holds data keyed with pseudonym key " + **keyed,
                     "restore its key file there, or name it with key_file in the manifest");
    }
  }
  auto keys = LoadOrCreateKeyFile(paths.key_file, random);
  if (!keys.ok()) return keys.error();
  if (MaybeError error = BindKeyFileToStore(**key_store, paths, *keys, key_file_is_new, random)) {
    return *error;
  }
  return keys;
}

}  // namespace lrs::plugin
