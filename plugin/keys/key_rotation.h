#pragma once
// Key rotation (`lrs keys rotate`, issue 4): new pseudonym, master and token
// keys; every stored pseudonym re-keyed without a raw identity; the old keys
// destroyed.
//
// Design note. Pseudonyms are k · H(IFI) on P-256 (anonymizer/
// curve_pseudonym.h), so d = k' · k⁻¹ turns each stored one into exactly what
// a new ingest computes with k'. Anonymous Groups are recomputed from their
// rotated members; identity variant ids ("$v") are opaque row keys and stay:
// after the rotation a new ingest of a known agent derives a different
// variant id and seals one more copy of that identity under the learner's
// same data key, which is harmless (reads resolve whichever "$v" a statement
// names). Data keys are re-wrapped under the new master key, bound to the new
// pseudonym; they are keys, not identities. No sealed identity, document or
// attachment is opened (their associated data does not name the pseudonym).
// Statement content hashes are under the digest key, which is kept, so a
// client re-sending a statement stored before the rotation gets the no-op.
//
// Steps; each is safe to repeat, and a run that finds step 1 done resumes:
//  1. The key file must be the store's (plugin/app/store_binding.h; one from
//     before the binding is adopted here). The next keys, with the same store
//     id, are written to <key file>.next (0600, fsync). From here on no
//     server starts (LoadOrCreateKeyFile refuses) until the end.
//  2. lrs.db is re-keyed in one transaction that also sets its meta row to
//     the next pseudonym key id (storage/rekey.h).
//  3. keystore.db likewise, re-wrapping every data key; then one entry in the
//     audit trail ("keys.rotate": the new key ids and the counts).
//  4. The work table is dropped and both WALs are checkpointed and truncated,
//     so no page with an old pseudonym or old wrapped key stays in them.
//  5. The old key file is overwritten with zeros, and <key file>.next is
//     renamed over it (fsync of the folder): the old keys are gone.
// Steps 2 and 3 are skipped for a file whose meta row already names the next
// key, and the old keys are read only while a file still needs them, so a
// crash anywhere, even between the two halves of step 5, is finished by
// running the command again. A run that finds both files re-keyed writes step
// 3's audit entry if the trail lacks it (a crash between the key store's
// commit and the entry), so every rotation is in the trail once.
//
// Preconditions: the caller holds the data directory lock (plugin/
// data_dir_lock.h): rotation never runs beside a server.

#include <cstdint>
#include <string>

#include "anonymizer/random_source.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "storage/rekey.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct RotationReport {
  bool resumed = false;               // an unfinished rotation was found and finished
  std::string from_pseudonym_key_id;  // empty when no file needed the old keys any more
  std::string to_pseudonym_key_id;
  std::string to_master_key_id;
  storage::RekeyCounts statement_db;
  storage::RekeyCounts key_store;
};

// Runs (or finishes) a rotation. Errors: 400 for key file or data problems a
// person must fix (the message says what), 500 on I/O. After an error the
// rotation can be run again.
Result<RotationReport> RotateKeys(const DataPaths& paths, anonymizer::RandomSource& random);

// For `lrs serve`: both database files must be keyed with the key file's
// pseudonym key. A fresh file (no meta row yet) is bound to it here.
// Errors: 400 naming the file and both key ids; 500 on I/O.
MaybeError CheckDataKeyedWith(const DataPaths& paths, const KeyMaterial& keys);

}  // namespace lrs::plugin
