#include "plugin/keys/key_rotation.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/pseudonymizer.h"
#include "anonymizer/reference_rekey.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/app/store_binding.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/erasure.h"
#include "storage/schema.h"

namespace lrs::plugin {
namespace {

// Rotate() with a bounded memo: a learner or an authority named in many
// statements costs one scalar multiplication, not one per reference.
class MemoizedRotation {
 public:
  explicit MemoizedRotation(const anonymizer::PseudonymRotation& rotation) : rotation_(rotation) {}

  std::optional<std::string> Rotate(std::string_view old) {
    const std::string key(old);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    std::optional<std::string> rotated = rotation_.Rotate(old);
    if (memo_.size() >= kCapacity) memo_.clear();
    memo_.emplace(key, rotated);
    return rotated;
  }

 private:
  static constexpr size_t kCapacity = 1 << 16;
  const anonymizer::PseudonymRotation& rotation_;
  std::unordered_map<std::string, std::optional<std::string>> memo_;
};

Error KeyedWithOtherKey(const std::string& file, const std::string& file_key_id,
                        const std::string& key_file, const std::string& key_id) {
  return MakeError(400, "key file", file,
                   file + " is keyed with pseudonym key " + file_key_id + ", but " + key_file +
                       " holds " + key_id +
                       " (use the key file this data directory was made with)");
}

// Binds fresh files to `keys` and checks that both are keyed with them.
MaybeError CheckFilesKeyedWith(storage::DataFiles& files, const DataPaths& paths,
                               const KeyMaterial& keys, const std::string& key_file) {
  const std::string& id = keys.pseudonym_key.id;
  for (auto [db, path] : {std::pair{files.statements.get(), &paths.statement_db},
                          std::pair{files.keys.get(), &paths.key_store}}) {
    Result<std::string> bound = storage::BindPseudonymKeyId(*db, id);
    if (!bound.ok()) return bound.error();
    if (*bound != id) return KeyedWithOtherKey(*path, *bound, key_file, id);
  }
  return std::nullopt;
}

// The key id a file is keyed with; a file without one (never served, created
// after step 1 of an earlier run) counts as under the old keys.
Result<std::string> KeyIdOf(storage::Database& db, const std::string& fallback) {
  Result<std::optional<std::string>> id = storage::ReadPseudonymKeyId(db);
  if (!id.ok()) return id.error();
  return id->value_or(fallback);
}

constexpr char kRotationAction[] = "keys.rotate";

// Whether the trail already holds the entry of the rotation to `to_key_id`.
// Asked only by a run that finds both files re-keyed: the run before it may
// have stopped after step 3 committed but before its entry was durable. Reads
// the whole trail, which only that rare resumed run does.
Result<bool> RotationRecorded(storage::AuditLog& log, const std::string& to_key_id) {
  const std::string names_key = "\"pseudonym_key\":\"" + to_key_id + "\"";
  storage::AuditRange range;
  range.limit = 1000;
  for (;;) {
    auto entries = log.Read(range);
    if (!entries.ok()) return entries.error();
    for (const storage::AuditEntry& entry : *entries) {
      if (entry.action == kRotationAction && entry.detail.find(names_key) != std::string::npos) {
        return true;
      }
    }
    if (static_cast<int64_t>(entries->size()) < range.limit) return false;
    range.after_seq = entries->back().seq;
  }
}

// The audit trail's entry for a rotation (step 3), unless `only_if_missing`
// and the trail has it already: run at the console, so by no credential, and
// about no learner. Key ids name keys without revealing them.
MaybeError RecordRotation(const DataPaths& paths, const RotationReport& report,
                          bool only_if_missing) {
  auto log = storage::AuditLog::Open(paths.statement_db, paths.key_store);
  if (!log.ok()) return log.error();
  if (only_if_missing) {
    Result<bool> recorded = RotationRecorded(**log, report.to_pseudonym_key_id);
    if (!recorded.ok()) return recorded.error();
    if (*recorded) return std::nullopt;
  }
  storage::NewAuditEntry entry;
  entry.actor = "lrs";  // as the retention timer's entries (plugin/app/lrs_app.cc)
  entry.role = "system";
  entry.action = kRotationAction;
  entry.purpose = "security";
  entry.detail = AuditDetail()
                     .Name("pseudonym_key", report.to_pseudonym_key_id)
                     .Name("master_key", report.to_master_key_id)
                     .Count("statements", report.statement_db.statements)
                     .Count("pseudonyms", report.statement_db.pseudonyms)
                     .Count("data_keys", report.key_store.data_keys)
                     .ToJson();
  auto appended = (*log)->Append(std::move(entry));
  if (!appended.ok()) return appended.error();
  return std::nullopt;
}

}  // namespace

Result<RotationReport> RotateKeys(const DataPaths& paths, anonymizer::RandomSource& random) {
  RotationReport report;
  const std::string pending_path = PendingKeyFilePath(paths.key_file);
  std::error_code ec;
  report.resumed = std::filesystem::exists(pending_path, ec);

  auto files = storage::OpenDataFiles(paths.statement_db, paths.key_store);
  if (!files.ok()) return files.error();

  std::optional<KeyMaterial> current;
  KeyMaterial next;
  if (!report.resumed) {  // step 1
    auto loaded = LoadKeyFile(paths.key_file);
    if (!loaded.ok()) return loaded.error();
    current = std::move(*loaded);
    if (MaybeError error = CheckFilesKeyedWith(*files, paths, *current, paths.key_file)) {
      return *error;
    }
    // Only this store's key file is rotated; one from before the binding is
    // adopted first, so the next keys carry the store id (RotatedKeyMaterial).
    if (MaybeError error = BindKeyFileToStore(*files->keys, paths, *current,
                                              /*key_file_is_new=*/false, random)) {
      return *error;
    }
    next = RotatedKeyMaterial(*current, random);
    if (MaybeError error = WriteKeyFile(pending_path, next)) return *error;
  } else {
    auto loaded = LoadKeyFile(pending_path);
    if (!loaded.ok()) return loaded.error();
    next = std::move(*loaded);
  }
  report.to_pseudonym_key_id = next.pseudonym_key.id;
  report.to_master_key_id = next.master_key.id;

  // The old keys, only while a file still needs them (see the design note).
  auto statements_id = KeyIdOf(*files->statements, "");
  if (!statements_id.ok()) return statements_id.error();
  auto keys_id = KeyIdOf(*files->keys, "");
  if (!keys_id.ok()) return keys_id.error();
  const bool done = *statements_id == next.pseudonym_key.id && *keys_id == next.pseudonym_key.id;
  if (!done) {
    if (!current) {
      auto loaded = LoadKeyFile(paths.key_file);
      if (!loaded.ok()) return loaded.error();
      current = std::move(*loaded);
    }
    report.from_pseudonym_key_id = current->pseudonym_key.id;
    auto rotation = anonymizer::PseudonymRotation::Create(current->pseudonym_key.secret,
                                                          next.pseudonym_key.secret);
    if (!rotation.ok()) return rotation.error();
    // No cache: each pseudonym is computed once here.
    const anonymizer::Pseudonymizer to(next.pseudonym_key.id, next.pseudonym_key.secret,
                                       next.digest_key.secret, /*cache_capacity=*/0);
    MemoizedRotation memo(*rotation);
    const anonymizer::PseudonymMap rotate = [&](std::string_view old) { return memo.Rotate(old); };
    const storage::PseudonymRekey rekey_pseudonym = [&](const std::string& old) {
      return memo.Rotate(old);
    };
    const storage::StatementJsonRekey rekey_statement =
        [&](const std::string& json) -> Result<storage::RekeyedJson> {
      auto rekeyed = anonymizer::RekeyStoredStatement(json, rotate, to);
      if (!rekeyed.ok()) return rekeyed.error();
      return storage::RekeyedJson{std::move(rekeyed->json), std::move(rekeyed->anonymous_groups),
                                  static_cast<int64_t>(rekeyed->left_as_is)};
    };
    const storage::DataKeyRekey rewrap = [&](const storage::WrappedDataKey& old,
                                             const std::string& new_pseudonym) {
      return IdentityVault::Rewrap(old, current->master_key, next.master_key, new_pseudonym,
                                   random);
    };

    // Step 2, then step 3 (which reads the work table step 2 committed).
    auto statement_counts =
        storage::RekeyStatementDatabase(*files->statements, current->pseudonym_key.id,
                                        next.pseudonym_key.id, rekey_statement, rekey_pseudonym);
    if (!statement_counts.ok()) {
      // Nothing is under the next keys yet: drop them, so that the server
      // can start again under the current ones while the cause is fixed.
      if (*statements_id != next.pseudonym_key.id && *keys_id != next.pseudonym_key.id) {
        std::filesystem::remove(pending_path, ec);
      }
      return statement_counts.error();
    }
    report.statement_db = *statement_counts;
    auto key_counts =
        storage::RekeyKeyStore(*files->keys, *files->statements, current->pseudonym_key.id,
                               next.pseudonym_key.id, next.master_key.id, rekey_pseudonym, rewrap);
    if (!key_counts.ok()) return key_counts.error();
    report.key_store = *key_counts;
  }
  // Step 3's entry; a run that found both files re-keyed writes it only if
  // the run that re-keyed them stopped before it (its counts are then 0).
  if (MaybeError error = RecordRotation(paths, report, /*only_if_missing=*/done)) return *error;

  // Step 4.
  if (MaybeError error = storage::FinishRekey(*files->statements)) return *error;
  if (MaybeError error = storage::CheckpointAndTruncate(*files->statements)) return *error;
  if (MaybeError error = storage::CheckpointAndTruncate(*files->keys)) return *error;
  files->statements.reset();
  files->keys.reset();
  // Step 5.
  if (MaybeError error = ReplaceKeyFile(paths.key_file, pending_path)) return *error;
  return report;
}

MaybeError CheckDataKeyedWith(const DataPaths& paths, const KeyMaterial& keys) {
  auto files = storage::OpenDataFiles(paths.statement_db, paths.key_store);
  if (!files.ok()) return files.error();
  return CheckFilesKeyedWith(*files, paths, keys, paths.key_file);
}

}  // namespace lrs::plugin
