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
// unreadable. Audit entries stay: the chain must remain intact; their
// subjects are un-linked (random tags, no sealed bytes; storage/audit_log.h,
// invariant 7), so the learner's entries link to nobody, not even to each
// other.
//
// What stays, on purpose (ErasureOptions):
//  - a consent tombstone: when the learner had withdrawn, one consent event
//    (state "withdrawn", the purposes withdrawn, actor "erasure", at_us 0: no
//    history, no time) so that erasure never turns a withdrawal back into
//    the opt-out default. It is the only row that keeps the pseudonym.
//
// Activity definitions (table activities): each one the erased statements
// defined is rebuilt from the remaining statements that define it, merged in
// seq order as the writer merged them at ingest
// (xapi::MergeActivityDefinitionJson) after ErasureOptions::
// canonical_definition, or deleted when none remains. The cost
// is a read of every remaining statement about each such activity. The
// writer's cache of absorbed definitions must be dropped afterwards
// (StatementWriter::RunExclusive does so after every task).
//
// Anonymous Groups (storage/anonymous_groups.h) the erased statements refer
// to lose their sealed identities and their data key once no remaining
// statement refers to them and they own no document; their pseudonyms are
// returned so the caller's caches forget them too.
//
// Attachment data belongs to the actor of the statement that carried it; when
// a statement that goes names another learner's attachment (the erased learner
// was its object or instructor) and no remaining statement of that owner names
// it, it goes too: it may well be about the erased learner, and nothing could
// reach it any more.
//
// Documents of others that name them go too: an id (activityId, stateId,
// profileId) holding one of their address tokens, or an Activity Profile's
// text (stored in clear) holding one. Counted in `documents`.
//
// Why everything that mentions them, not only what they did: a statement where
// they are the instructor or a team member still carries their pseudonym, and
// after erasure the pseudonym must appear in no file.
//
// No trace in the files: secure_delete (storage/database.h) zeroes deleted
// cells and freed pages; a WAL checkpoint(TRUNCATE) on both files then copies
// the zeroed pages home and cuts the WAL, which held the original inserts.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
  bool data_key = false;                // a data key existed and was destroyed
  bool consent_tombstone = false;       // a withdrawal was kept (ErasureOptions)
  int64_t activity_definitions = 0;     // definitions deleted or rebuilt
  int64_t anonymous_groups = 0;         // groups whose identities and key went
  int64_t audit_subjects_unlinked = 0;  // audit subjects un-linked
  // The anonymous Groups counted above: caches keyed by pseudonym (the
  // identity vault) must forget them as they forget the learner.
  std::vector<std::string> erased_group_pseudonyms;
};

struct ErasureOptions {
  // A JSON array of the purposes the learner had withdrawn: kept as their one
  // consent event (the tombstone). Empty: no tombstone.
  std::string tombstone_purposes_json;
  // The learner's audit tag (plugin/privacy/audit_trail.h): every audit subject that
  // carries it is un-linked. Empty: the learner has no entries to un-link.
  std::string audit_tag;
  // What ingest makes of a definition a statement carries before it becomes
  // the canonical one (plugin: anonymizer::DefinitionWithoutReferences), so
  // that a rebuilt definition is what ingest would have stored. Unset: as the
  // statement holds it.
  std::function<std::string(const std::string&)> canonical_definition;
};

// `db` is the statement database, `keys` the key store (the writer's
// connections). The statement database is committed first: a crash between
// the two leaves only a key with nothing under it, and erasing again
// finishes. Errors: 500 (also for an empty `pseudonym`, which names no one).
Result<ErasureCounts> EraseLearner(Database& db, Database& keys, const std::string& pseudonym,
                                   const ErasureOptions& options = {});

// Copies every committed page into the database file and truncates the WAL,
// retrying while readers finish. Errors: 500 when it cannot complete.
MaybeError CheckpointAndTruncate(Database& db);

}  // namespace lrs::storage
