// Schema migrations.
//
// Design note. Each database file carries its kind in PRAGMA application_id
// and its schema version in PRAGMA user_version. Invariants:
//  1. Migrations are append-only: a shipped migration is never edited, a
//     change is a new migration with the next version number.
//  2. Each migration runs in one IMMEDIATE transaction with its version bump,
//     re-reading the version inside it, so concurrent openers (the writer,
//     the reader, the credential store) and crashes never apply one twice.
//  3. A file of the other kind (the key store opened as the statement
//     database, or the reverse) is refused: learner keys must never land in
//     the statement database (DESIGN.md, Identity).
//  4. A file newer than this program is refused rather than misread.

#include "storage/schema.h"

#include <cstdint>
#include <string>
#include <vector>

#include "storage/storage_error.h"
#include "storage/transaction.h"

namespace lrs::storage {
namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr int32_t kStatementDatabaseId = 0x4C525353;  // "LRSS"
constexpr int32_t kKeyStoreId = 0x4C52534B;           // "LRSK"

// Statement database. Why the shapes:
//  - seq is AUTOINCREMENT so a sequence number is never reused after the
//    newest statement is erased: a `more` cursor's snapshot must not grow.
//  - Every secondary index on statements ends (implicitly) in seq, the rowid,
//    so filtered queries read in seq order and stop at the page limit.
//  - statement_agents/activities are clustered by seq (WITHOUT ROWID primary
//    key) so erasure and cascade deletes find a statement's rows directly,
//    and the (value, role, seq) index serves agent/activity queries in order.
//  - Partial indexes on registration and statement_ref: most statements have
//    neither, and every query on them compares with a value (implies NOT NULL).
const std::vector<Migration> kStatementMigrations = {
    {1, R"sql(
CREATE TABLE statements (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT    NOT NULL UNIQUE,
  json          TEXT    NOT NULL,
  content_hash  TEXT    NOT NULL,
  verb_id       TEXT    NOT NULL,
  registration  TEXT,
  statement_ref TEXT,
  is_voiding    INTEGER NOT NULL,
  voided        INTEGER NOT NULL DEFAULT 0,
  stored_us     INTEGER NOT NULL,
  timestamp_us  INTEGER
);
CREATE INDEX statements_by_verb ON statements (verb_id);
CREATE INDEX statements_by_registration ON statements (registration)
  WHERE registration IS NOT NULL;
CREATE INDEX statements_by_stored ON statements (stored_us);
CREATE INDEX statements_by_ref ON statements (statement_ref)
  WHERE statement_ref IS NOT NULL;

CREATE TABLE statement_agents (
  seq       INTEGER NOT NULL REFERENCES statements (seq) ON DELETE CASCADE,
  pseudonym TEXT    NOT NULL,
  role      INTEGER NOT NULL,
  PRIMARY KEY (seq, pseudonym, role)
) WITHOUT ROWID;
CREATE INDEX statement_agents_by_pseudonym ON statement_agents (pseudonym, role, seq);

CREATE TABLE statement_activities (
  seq         INTEGER NOT NULL REFERENCES statements (seq) ON DELETE CASCADE,
  activity_id TEXT    NOT NULL,
  role        INTEGER NOT NULL,
  PRIMARY KEY (seq, activity_id, role)
) WITHOUT ROWID;
CREATE INDEX statement_activities_by_activity
  ON statement_activities (activity_id, role, seq);

CREATE TABLE identities (
  variant_id TEXT PRIMARY KEY,
  pseudonym  TEXT NOT NULL,
  sealed     BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX identities_by_pseudonym ON identities (pseudonym);

CREATE TABLE credentials (
  key         TEXT    PRIMARY KEY,
  name        TEXT    NOT NULL,
  role        TEXT    NOT NULL,
  salt        BLOB    NOT NULL,
  secret_hash BLOB    NOT NULL,
  iterations  INTEGER NOT NULL,
  created_us  INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // Version 2: the State, Agent Profile and Activity Profile documents
    // (storage/document_store.h). Key columns hold '' rather than NULL, so the
    // primary key is a real uniqueness constraint (NULLs never compare equal).
    // content is sealed under the learner's data key for State and Agent
    // Profile documents; etag is NULL for those (a plain SHA-1 of learner
    // content would let anyone holding the file confirm a guessed document).
    //  - documents_by_context_updated: multiple-document GET with `since`.
    //  - documents_by_agent: erasure of one learner's documents.
    {2, R"sql(
CREATE TABLE documents (
  kind            INTEGER NOT NULL,
  activity_id     TEXT    NOT NULL,
  agent_pseudonym TEXT    NOT NULL,
  registration    TEXT    NOT NULL,
  document_id     TEXT    NOT NULL,
  content_type    TEXT    NOT NULL,
  content         BLOB    NOT NULL,
  etag            TEXT,
  updated_us      INTEGER NOT NULL,
  PRIMARY KEY (kind, activity_id, agent_pseudonym, registration, document_id)
) WITHOUT ROWID;
CREATE INDEX documents_by_context_updated
  ON documents (kind, activity_id, agent_pseudonym, updated_us);
CREATE INDEX documents_by_agent ON documents (agent_pseudonym);
)sql"},
    // Version 3: canonical Activity definitions (Communication 2.5;
    // format=canonical), merged by the writer from every stored statement
    // that defines the activity (xapi/activity_definition.h). A rowid table:
    // definitions can run to kilobytes, which WITHOUT ROWID handles badly.
    {3, R"sql(
CREATE TABLE activities (
  activity_id TEXT    PRIMARY KEY,
  definition  TEXT    NOT NULL,
  updated_us  INTEGER NOT NULL
);
)sql"},
    // Version 4: attachment data (Communication 1.5.2), keyed by its SHA-2 as
    // the statements reference it (lowercase hex; the length says which
    // SHA-2) and by its owner, the pseudonym of the actor of the statement
    // that carried it. Attachments are learner content (an essay, a signed
    // copy of the statement with the learner's identity in it), so `content`
    // is sealed under the owner's data key: erasing the learner shreds it.
    // The same bytes sent by two learners are two rows. Written with INSERT
    // OR IGNORE in the transaction of the statements that carry it.
    {4, R"sql(
CREATE TABLE attachments (
  sha2         TEXT NOT NULL,
  owner        TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content      BLOB NOT NULL,
  PRIMARY KEY (sha2, owner)
) WITHOUT ROWID;
CREATE INDEX attachments_by_owner ON attachments (owner);
)sql"},
    // Version 5: the privacy core (issue 4). Every column that names a
    // learner holds their pseudonym, never an identifier; erasure deletes by
    // it and key rotation re-keys it (storage/erasure.h, storage/rekey.h).
    //  - consent_events: one row per change, per learner; the newest row per
    //    purpose wins. purposes is a JSON array of manifest purpose ids.
    //    actor is the credential key that made the change, or "learner" for a
    //    learner token.
    //  - learner_facts: what analytics and recommendations read, one row per
    //    (learner, activity, verb), updated in the transaction of the
    //    statements that produce them; last_us drives their retention. No
    //    index on last_us: every update would move the fact's entry in it, a
    //    second page written at a random place per statement (measured with
    //    bench/ingest: about 3 KB written and 10 us of CPU per statement).
    //    Retention walks the primary key instead (storage/retention.h,
    //    invariant 3).
    //  - audit_log: append-only, each entry's hash covers the previous hash,
    //    its own fields and its subjects (plugin/privacy/audit_trail.h). Never holds
    //    an identity or a pseudonym in the clear.
    //  - audit_subjects: the learners an entry concerns: tag =
    //    HMAC(learner data key, "audit-subject") finds a learner's entries
    //    while their key exists; sealed = their reference sealed under it.
    //    Erasing the key leaves the chain intact and unlinkable.
    //  - documents_by_updated: retention of documents.
    //  - meta: small named values, e.g. which pseudonym key the file is keyed
    //    with, so an interrupted key rotation can be finished.
    {5, R"sql(
CREATE TABLE consent_events (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  pseudonym TEXT    NOT NULL,
  state     TEXT    NOT NULL CHECK (state IN ('granted', 'withdrawn')),
  purposes  TEXT    NOT NULL,
  actor     TEXT    NOT NULL,
  at_us     INTEGER NOT NULL
);
CREATE INDEX consent_events_by_pseudonym ON consent_events (pseudonym, seq);

CREATE TABLE learner_facts (
  pseudonym    TEXT    NOT NULL,
  activity_id  TEXT    NOT NULL,
  verb_id      TEXT    NOT NULL,
  first_us     INTEGER NOT NULL,
  last_us      INTEGER NOT NULL,
  statements   INTEGER NOT NULL,
  completion   INTEGER,
  success      INTEGER,
  score_scaled REAL,
  PRIMARY KEY (pseudonym, activity_id, verb_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at_us     INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  role      TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  purpose   TEXT    NOT NULL,
  detail    TEXT    NOT NULL,
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at_us);

CREATE TABLE audit_subjects (
  seq    INTEGER NOT NULL REFERENCES audit_log (seq),
  tag    TEXT    NOT NULL,
  sealed BLOB    NOT NULL,
  PRIMARY KEY (seq, tag)
) WITHOUT ROWID;
CREATE INDEX audit_subjects_by_tag ON audit_subjects (tag, seq);

CREATE INDEX documents_by_updated ON documents (updated_us);

CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
    // Version 6: credentials (issue 15).
    //  - credentials.scopes: the xAPI scopes a credential holds, names space
    //    separated (plugin/auth/scopes.h); rows from before hold "all", what they
    //    could do. New rows hash secrets with HMAC-SHA-256 under a key of the
    //    store (iterations = 0, salt empty); a PBKDF2 row (iterations > 0)
    //    is re-hashed the first time its secret is presented.
    //  - statements.credential: the key of the credential that stored the
    //    statement (its authority), for statements/read/mine. NULL for
    //    statements stored before: the authority in their JSON is a
    //    pseudonymous reference, so they are not attributed, and only
    //    credentials that read every statement see them.
    //  - statements_by_credential: a read/mine query walks one credential's
    //    statements in seq order and stops at the page limit.
    {6, R"sql(
ALTER TABLE credentials ADD COLUMN scopes TEXT NOT NULL DEFAULT 'all';
ALTER TABLE statements ADD COLUMN credential TEXT;
CREATE INDEX statements_by_credential ON statements (credential);
)sql"},
    // Version 7 (issue 14): erasure leaves no link (storage/erasure.h).
    //  - audit_log.encoding: which canonical encoding an entry's hash uses
    //    (storage/audit_log.h, invariant 1). Entries written before this
    //    version are 1; new ones 2, whose hash covers each subject's
    //    commitment instead of its tag and sealed bytes.
    //  - audit_subjects.commitment: SHA-256 over (tag, sealed), set for
    //    encoding 2. Erasure replaces an erased learner's tags by random ones
    //    and empties their sealed bytes; the commitment stays, so the chain
    //    still verifies and the entries link to no one, not even each other.
    //  - token_revocations: learner tokens issued before an erasure are dead
    //    (plugin/auth/token_revocations.h). learner is a keyed digest of the
    //    pseudonym, never the pseudonym; a row is kept only as long as a
    //    token can live (a day), then deleted.
    {7, R"sql(
ALTER TABLE audit_log ADD COLUMN encoding INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_subjects ADD COLUMN commitment TEXT;

CREATE TABLE token_revocations (
  learner    TEXT    PRIMARY KEY,
  revoked_us INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // Version 8 (issue 16): analytics (storage/analytics_store.h).
    //  - analytics_facts: one row per (learner, activity, kind), upserted by
    //    the writer with each inserted statement (StatementRecord::analytics,
    //    the rule of each kind in statement_record.h). cohort is a JSON array
    //    of strings, one per manifest cohort dimension; value is NULL when
    //    the kind has none; detail '' when none. at_us is the time of the
    //    statement that placed the fact (its timestamp), updated_us the
    //    newest `stored` that touched it, for retention. Like learner_facts,
    //    no index on updated_us (schema version 5): retention walks the
    //    primary key, whose (pseudonym, activity_id) prefix is what it folds
    //    by. Erasure deletes by pseudonym, key rotation re-keys it.
    //  - analytics_rollups: inner-cell counts folded from expired facts
    //    before they went (retention): numbers only, never a pseudonym. cell
    //    is opaque to storage (analytics::RolledCell::cell).
    // Statements stored before this version have no analytics facts: the
    // cohort dimensions they would need come from the manifest, not the file.
    {8, R"sql(
CREATE TABLE analytics_facts (
  pseudonym   TEXT    NOT NULL,
  activity_id TEXT    NOT NULL,
  kind        INTEGER NOT NULL,
  at_us       INTEGER NOT NULL,
  cohort      TEXT    NOT NULL,
  value       REAL,
  detail      TEXT    NOT NULL DEFAULT '',
  updated_us  INTEGER NOT NULL,
  PRIMARY KEY (pseudonym, activity_id, kind)
) WITHOUT ROWID;

CREATE TABLE analytics_rollups (
  activity_id TEXT    NOT NULL,
  cell        TEXT    NOT NULL,
  learners    INTEGER NOT NULL,
  PRIMARY KEY (activity_id, cell)
) WITHOUT ROWID;
)sql"},
};

const std::vector<Migration> kKeyStoreMigrations = {
    {1, R"sql(
CREATE TABLE data_keys (
  pseudonym     TEXT PRIMARY KEY,
  master_key_id TEXT NOT NULL,
  wrapped       BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
    // Version 2: small named values, like the statement database's meta.
    {2, R"sql(
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
};

Result<int64_t> ReadPragma(Database& db, const char* sql) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  return *row ? stmt->ColumnInt(0) : 0;
}

struct FileState {
  int64_t application_id = 0;
  int64_t version = 0;
};

Result<FileState> ReadState(Database& db) {
  Result<int64_t> id = ReadPragma(db, "PRAGMA application_id");
  if (!id.ok()) return id.error();
  Result<int64_t> version = ReadPragma(db, "PRAGMA user_version");
  if (!version.ok()) return version.error();
  return FileState{*id, *version};
}

MaybeError CheckState(const FileState& state, int32_t application_id, int latest,
                      const std::string& kind) {
  const bool fresh = state.application_id == 0 && state.version == 0;
  if (!fresh && state.application_id != application_id) {
    return StorageError("migrate: the file is not a " + kind);
  }
  if (state.version > latest) {
    return StorageError("migrate: the " + kind + " was written by a newer version of the program");
  }
  return std::nullopt;
}

MaybeError Migrate(Database& db, int32_t application_id, const std::vector<Migration>& migrations,
                   const std::string& kind) {
  const int latest = migrations.back().version;
  Result<FileState> state = ReadState(db);
  if (!state.ok()) return state.error();
  if (MaybeError error = CheckState(*state, application_id, latest, kind)) return error;
  if (state->version == latest) return std::nullopt;  // the common case: no write lock

  for (const Migration& migration : migrations) {
    Result<Transaction> tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    state = ReadState(db);  // another connection may have migrated meanwhile
    if (!state.ok()) return state.error();
    if (MaybeError error = CheckState(*state, application_id, latest, kind)) return error;
    if (state->version >= migration.version) continue;  // tx rolls back: nothing written

    // PRAGMAs take no bound parameters; both numbers are constants of this file.
    const std::string bump = "PRAGMA application_id = " + std::to_string(application_id) +
                             "; PRAGMA user_version = " + std::to_string(migration.version) + ";";
    if (MaybeError error = db.Exec(migration.sql)) return error;
    if (MaybeError error = db.Exec(bump)) return error;
    if (MaybeError error = tx->Commit()) return error;
  }
  return std::nullopt;
}

}  // namespace

MaybeError MigrateStatementDatabase(Database& db) {
  return Migrate(db, kStatementDatabaseId, kStatementMigrations, "statement database");
}

Result<std::unique_ptr<Database>> OpenStatementDatabase(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.error();
  if (MaybeError error = MigrateStatementDatabase(**db)) return *error;
  return db;
}

Result<std::unique_ptr<Database>> OpenKeyStore(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.error();
  if (MaybeError error = MigrateKeyStore(**db)) return *error;
  return db;
}

MaybeError MigrateKeyStore(Database& db) {
  return Migrate(db, kKeyStoreId, kKeyStoreMigrations, "key store");
}

Result<DataFiles> OpenDataFiles(const std::string& statement_db_path,
                                const std::string& key_store_path) {
  DataFiles files;
  auto statements = OpenStatementDatabase(statement_db_path);
  if (!statements.ok()) return statements.error();
  files.statements = std::move(*statements);
  auto keys = OpenKeyStore(key_store_path);
  if (!keys.ok()) return keys.error();
  files.keys = std::move(*keys);
  return files;
}

}  // namespace lrs::storage
