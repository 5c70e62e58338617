#pragma once
// Erasure of one learner (the right to erasure; DESIGN.md, Identity:
// crypto-shredding). Runs on the writer thread (StatementWriter::RunExclusive)
// so it never interleaves with a batch that names the same learner.
//
// What goes, by pseudonym: every statement that mentions the learner in any
// role (with its agent and activity rows, by ON DELETE CASCADE), their sealed
// identities, State and Agent Profile documents, attachment data they own,
// learner facts, consent history, and last their data key in the key store,
// which makes every sealed copy anywhere (backups, audit subjects)
// unreadable. Audit entries stay: the chain must remain intact, and without
// the key their subjects link to nobody.
//
// Attachment data belongs to the actor of the statement that carried it; when
// a statement that goes names another learner's attachment (the erased learner
// was its object or instructor) and no remaining statement of that owner names
// it, it goes too: it may well be about the erased learner, and nothing could
// reach it any more.
//
// Why everything that mentions them, not only what they did: a statement where
// they are the instructor or a team member still carries their pseudonym, and
// after erasure the pseudonym must appear in no file.
//
// No trace in the files: secure_delete (storage/database.h) zeroes deleted
// cells and freed pages; a WAL checkpoint(TRUNCATE) on both files then copies
// the zeroed pages home and cuts the WAL, which held the original inserts.

#include <cstdint>
#include <string>

#include "xapi/result.h"

namespace lrs::storage {

class Database;

struct ErasureCounts {
  int64_t statements = 0;
  int64_t identities = 0;
  int64_t documents = 0;
  int64_t attachments = 0;
  int64_t facts = 0;
  int64_t consent_events = 0;
  bool data_key = false;  // a data key existed and was destroyed
};

// `db` is the statement database, `keys` the key store (the writer's
// connections). The statement database is committed first: a crash between
// the two leaves only a key with nothing under it, and erasing again
// finishes. Errors: 500 (also for an empty `pseudonym`, which names no one).
Result<ErasureCounts> EraseLearner(Database& db, Database& keys, const std::string& pseudonym);

// Copies every committed page into the database file and truncates the WAL,
// retrying while readers finish. Errors: 500 when it cannot complete.
MaybeError CheckpointAndTruncate(Database& db);

}  // namespace lrs::storage
