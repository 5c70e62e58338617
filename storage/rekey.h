#pragma once
// Re-keying the pseudonyms stored in the two database files, for `lrs keys
// rotate` (plugin/keys/key_rotation.h runs the steps; anonymizer/ does the crypto,
// handed in here as functions).
//
// What holds a pseudonym (schema.cc, versions 1 to 5): statements.json (every
// "$p" reference), statement_agents.pseudonym, identities.pseudonym,
// documents.agent_pseudonym ('' for Activity Profiles: no one),
// attachments.owner, consent_events.pseudonym, learner_facts.pseudonym, and
// in the key store data_keys.pseudonym (whose wrapped key is bound to it).
// audit_subjects are keyed by a tag derived from the learner's data key,
// which rotation keeps: they need nothing.
//
// Invariants:
//  1. Each file is re-keyed in one IMMEDIATE transaction that also sets its
//     meta row kPseudonymKeyIdMeta to the new key id: a file is wholly under
//     one key, never half. SQLite does not commit two WAL files atomically,
//     so the files are two steps, and their meta rows tell a resumed rotation
//     which steps are done. A file already under `to_key_id` is left alone.
//  2. Bounded memory: statements are read and rewritten in pages by seq;
//     every other column is mapped through a work table (rekey_pseudonyms:
//     old -> new, one row per distinct value), read in pages, each value
//     updated through the column's index.
//  3. The work table is committed with the statement database and kept until
//     FinishRekey: the key store needs the new pseudonyms of anonymous
//     Groups, which only the statements can tell.
//  4. Nothing sealed is opened here: identities, documents and attachments
//     keep their blobs (their associated data does not name the pseudonym);
//     data keys are re-wrapped by the caller's function.
//  5. A value the mapping does not know (not a pseudonym of the old key, e.g.
//     an anonymous Group no stored statement names any more) is left as it is
//     and counted: it stays as unlinkable as before, and nothing could find
//     it after the rotation anyway.
//
// Thread safety: like Database, one thread at a time; offline only (the data
// directory lock keeps servers away).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

// meta.name of the row naming the pseudonym key a file is keyed with.
inline constexpr char kPseudonymKeyIdMeta[] = "pseudonym_key_id";

// The key id in the meta row, or nullopt when the file has none yet.
Result<std::optional<std::string>> ReadPseudonymKeyId(Database& db);

// Records `key_id` in a file that names none yet (a fresh file) and answers
// the key id the file is keyed with, which may differ.
Result<std::string> BindPseudonymKeyId(Database& db, const std::string& key_id);

// A stored statement's JSON re-keyed, with the (old, new) pairs of
// pseudonyms only a statement can tell (anonymous Groups).
struct RekeyedJson {
  std::string json;
  std::vector<std::pair<std::string, std::string>> renamed;
  int64_t left_as_is = 0;
};
using StatementJsonRekey = std::function<Result<RekeyedJson>(const std::string& json)>;
// The new value of a stored pseudonym; nullopt when it is not one (invariant 5).
using PseudonymRekey = std::function<std::optional<std::string>(const std::string& old)>;
// The data key row re-wrapped for `new_pseudonym`.
using DataKeyRekey = std::function<Result<WrappedDataKey>(const WrappedDataKey& old,
                                                          const std::string& new_pseudonym)>;

struct RekeyCounts {
  bool already_done = false;  // the file was already under to_key_id
  int64_t statements = 0;     // rows of statements rewritten
  int64_t pseudonyms = 0;     // distinct pseudonyms mapped (statement database)
  int64_t data_keys = 0;      // data keys re-wrapped (key store)
  int64_t left_as_is = 0;     // values no mapping knew (invariant 5)
};

// Re-keys the statement database (invariants 1-3). Errors: 409 when the
// file's meta row names neither key; 500 on I/O or a corrupt statement.
Result<RekeyCounts> RekeyStatementDatabase(Database& db, const std::string& from_key_id,
                                           const std::string& to_key_id,
                                           const StatementJsonRekey& rekey_statement,
                                           const PseudonymRekey& rekey_pseudonym);

// Re-keys the key store: each data key's pseudonym is looked up in the work
// table of `statement_db` (already re-keyed), else given to
// `rekey_pseudonym`; every row is re-wrapped with `rekey_key` and must come
// back under `to_master_key_id`. Errors as RekeyStatementDatabase.
Result<RekeyCounts> RekeyKeyStore(Database& keys, Database& statement_db,
                                  const std::string& from_key_id, const std::string& to_key_id,
                                  const std::string& to_master_key_id,
                                  const PseudonymRekey& rekey_pseudonym,
                                  const DataKeyRekey& rekey_key);

// After both files are re-keyed: drops the work table (secure_delete zeroes
// its pages). Idempotent.
MaybeError FinishRekey(Database& statement_db);

}  // namespace lrs::storage
