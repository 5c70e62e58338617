// Retention batches (storage/retention.h).
//
// Design note. A batch reads first and deletes last, in one transaction:
//   1. select the expiring statements and documents through their time
//      indexes, with each statement's agent and activity rows, and the
//      expiring facts among the next facts of the walk (header invariant 3);
//   2. derive what goes with them: attachment data and identities no longer
//      referenced by anything that stays;
//   3. hand all of it to the observer;
//   4. delete.
// Step 2 must tell "referenced by something that stays" from "referenced only
// by what this batch deletes". The seqs of the batch's statements go into a
// temporary table (in memory: temp_store=MEMORY) so that each check is one
// indexed probe that stops at the first row outside the batch. For one
// pseudonym the index statement_agents_by_pseudonym lists the oldest
// statements, the batch's, first, so a probe skips at most the batch's own
// rows even for the LRS's authority, which every statement mentions.
//
// Attachments are owned by the actor of the statement that carried them
// (schema.cc, version 4). A remaining statement "names" a sha2 when the hex
// digits occur in its JSON, which can only over-report (keep data longer),
// never delete data a statement still names.

#include "storage/retention.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "storage/anonymous_groups.h"
#include "storage/database.h"
#include "storage/token_documents.h"
#include "storage/transaction.h"
#include "xapi/attachments.h"

namespace lrs::storage {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

// Every statement of a batch, prepared per batch (a batch is rare and large:
// preparing a dozen statements is noise beside its deletes).
// The scratch table is made once per connection, outside any transaction,
// so that batches do not change the (temp) schema, which would make SQLite
// re-prepare the writer's statements.
constexpr char kCreateScratch[] =
    "CREATE TEMP TABLE IF NOT EXISTS retention_batch_seqs (seq INTEGER PRIMARY KEY)";
constexpr char kClearScratch[] = "DELETE FROM temp.retention_batch_seqs";

constexpr char kSelectStatements[] =
    "SELECT seq, id, json, verb_id, registration, stored_us, timestamp_us, voided, is_voiding"
    " FROM statements WHERE stored_us < ?1 ORDER BY stored_us, seq LIMIT ?2";
constexpr char kSelectAgents[] = "SELECT pseudonym, role FROM statement_agents WHERE seq = ?1";
constexpr char kSelectActivities[] =
    "SELECT activity_id, role FROM statement_activities WHERE seq = ?1";
constexpr char kRememberSeq[] = "INSERT INTO temp.retention_batch_seqs (seq) VALUES (?1)";
// INDEXED BY: without statistics SQLite would rather scan the primary key
// for the two learner kinds (every learner document) and sort.
constexpr char kSelectDocuments[] =
    "SELECT kind, activity_id, agent_pseudonym, registration, document_id, content_type,"
    " updated_us FROM documents INDEXED BY documents_by_updated"
    " WHERE updated_us < ?1 AND kind IN (?3, ?4)"
    " ORDER BY updated_us LIMIT ?2";
// The walk over learner_facts: the next ?1 facts in primary key order, from
// the start or after the key (?2, ?3, ?4), which SQLite seeks to directly.
constexpr char kWalkFactsFromStart[] =
    "SELECT pseudonym, activity_id, verb_id, first_us, last_us, statements, completion,"
    " success, score_scaled FROM learner_facts"
    " ORDER BY pseudonym, activity_id, verb_id LIMIT ?1";
constexpr char kWalkFactsAfter[] =
    "SELECT pseudonym, activity_id, verb_id, first_us, last_us, statements, completion,"
    " success, score_scaled FROM learner_facts"
    " WHERE (pseudonym, activity_id, verb_id) > (?2, ?3, ?4)"
    " ORDER BY pseudonym, activity_id, verb_id LIMIT ?1";
constexpr char kAttachmentExists[] = "SELECT 1 FROM attachments WHERE sha2 = ?1 AND owner = ?2";
constexpr char kAttachmentStillNamed[] =
    "SELECT 1 FROM statement_agents a JOIN statements s ON s.seq = a.seq"
    " WHERE a.pseudonym = ?1 AND a.role = ?3"
    " AND a.seq NOT IN (SELECT seq FROM temp.retention_batch_seqs)"
    " AND instr(s.json, ?2) > 0 LIMIT 1";
constexpr char kPseudonymStillMentioned[] =
    "SELECT 1 FROM statement_agents WHERE pseudonym = ?1"
    " AND seq NOT IN (SELECT seq FROM temp.retention_batch_seqs) LIMIT 1";
constexpr char kDocumentsOwned[] = "SELECT count(*) FROM documents WHERE agent_pseudonym = ?1";
// An anonymous Group (storage/anonymous_groups.h) is referred to only by
// statements that mention its members: probed through one member's.
constexpr char kMentionedAnywhere[] = "SELECT 1 FROM statement_agents WHERE pseudonym = ?1 LIMIT 1";
constexpr char kGroupStillReferred[] =
    "SELECT 1 FROM statement_agents a JOIN statements s ON s.seq = a.seq"
    " WHERE a.pseudonym = ?1 AND a.seq NOT IN (SELECT seq FROM temp.retention_batch_seqs)"
    " AND instr(s.json, ?2) > 0 LIMIT 1";
constexpr char kDefinitionExists[] = "SELECT 1 FROM activities WHERE activity_id = ?1";
constexpr char kActivityStillNamed[] =
    "SELECT 1 FROM statement_activities WHERE activity_id = ?1"
    " AND seq NOT IN (SELECT seq FROM temp.retention_batch_seqs) LIMIT 1";
constexpr char kDeleteDefinition[] = "DELETE FROM activities WHERE activity_id = ?1";
constexpr char kSelectIdentities[] = "SELECT variant_id FROM identities WHERE pseudonym = ?1";
constexpr char kDeleteAttachment[] = "DELETE FROM attachments WHERE sha2 = ?1 AND owner = ?2";
constexpr char kDeleteStatement[] = "DELETE FROM statements WHERE seq = ?1";
constexpr char kDeleteDocument[] =
    "DELETE FROM documents WHERE kind = ?1 AND activity_id = ?2 AND agent_pseudonym = ?3"
    " AND registration = ?4 AND document_id = ?5";
constexpr char kDeleteFact[] =
    "DELETE FROM learner_facts WHERE pseudonym = ?1 AND activity_id = ?2 AND verb_id = ?3";
constexpr char kDeleteIdentity[] = "DELETE FROM identities WHERE variant_id = ?1";

// `days` whole days before `now_us`, or the earliest time there is when that
// is earlier still: a manifest that keeps data "forever" (say 1,000,000,000
// days) must expire nothing, where the plain product overflowed and put the
// cutoff in the future, expiring everything. Negative days break the
// precondition; they too expire nothing, never everything.
int64_t DaysBefore(int64_t now_us, int days) {
  constexpr int64_t kEarliest = std::numeric_limits<int64_t>::min();
  if (days < 0 || days > std::numeric_limits<int64_t>::max() / kMicrosPerDay) return kEarliest;
  const int64_t span = days * kMicrosPerDay;
  return now_us < kEarliest + span ? kEarliest : now_us - span;
}

std::optional<bool> OptionalBool(const Statement& s, int column) {
  if (s.ColumnIsNull(column)) return std::nullopt;
  return s.ColumnInt(column) != 0;
}

// Runs a query that returns at most one row; true when it did.
Result<bool> Exists(Statement& query) {
  Result<bool> row = query.Step();
  query.Reset();
  return row;
}

class Batch {
 public:
  Batch(Database& db, const RetentionCutoffs& cutoffs, const RetentionCursor& from,
        const RetentionLimits& limits)
      : db_(db),
        cutoffs_(cutoffs),
        from_(from),
        next_(from),
        limit_(static_cast<int64_t>(std::max<size_t>(limits.rows_per_kind, 1))),
        facts_examined_(static_cast<int64_t>(std::max<size_t>(limits.facts_examined, 1))) {}

  MaybeError Select();
  MaybeError Delete();
  const ExpiringRows& rows() const { return rows_; }
  const RetentionCursor& next() const { return next_; }
  bool more() const {
    const size_t limit = static_cast<size_t>(limit_);
    return rows_.statements.size() == limit || rows_.documents.size() == limit ||
           rows_.facts.size() == limit || !next_.facts_done;
  }

 private:
  Result<Statement> Prepare(const char* sql) { return db_.Prepare(sql); }
  MaybeError SelectStatements();
  MaybeError SelectDocuments();
  MaybeError SelectFacts();
  MaybeError SelectAttachments();
  MaybeError SelectIdentities();
  MaybeError SelectAnonymousGroupIdentities();
  MaybeError SelectDefinitions();

  Database& db_;
  RetentionCutoffs cutoffs_;
  RetentionCursor from_;
  RetentionCursor next_;  // advanced by SelectFacts
  int64_t limit_;
  int64_t facts_examined_;
  ExpiringRows rows_;
};

MaybeError Batch::Select() {
  if (MaybeError error = db_.Exec(kClearScratch)) return error;
  if (MaybeError error = SelectStatements()) return error;
  if (MaybeError error = SelectDocuments()) return error;
  if (MaybeError error = SelectFacts()) return error;
  if (MaybeError error = SelectAttachments()) return error;
  if (MaybeError error = SelectIdentities()) return error;
  if (MaybeError error = SelectAnonymousGroupIdentities()) return error;
  return SelectDefinitions();
}

MaybeError Batch::SelectStatements() {
  Result<Statement> select = Prepare(kSelectStatements);
  Result<Statement> agents = Prepare(kSelectAgents);
  Result<Statement> activities = Prepare(kSelectActivities);
  Result<Statement> remember = Prepare(kRememberSeq);
  for (Result<Statement>* s : {&select, &agents, &activities, &remember}) {
    if (!s->ok()) return s->error();
  }
  select->Bind(1, cutoffs_.statements_before_us).Bind(2, limit_);
  auto add_statement = [this](const Statement& row) {
    ExpiringStatement statement;
    statement.seq = row.ColumnInt(0);
    statement.id = row.ColumnText(1);
    statement.json = row.ColumnText(2);
    statement.verb_id = row.ColumnText(3);
    if (!row.ColumnIsNull(4)) statement.registration = row.ColumnText(4);
    statement.stored_us = row.ColumnInt(5);
    statement.timestamp_us = row.ColumnOptionalInt(6);
    statement.voided = row.ColumnInt(7) != 0;
    statement.is_voiding = row.ColumnInt(8) != 0;
    rows_.statements.push_back(std::move(statement));
  };
  if (MaybeError error = select->ForEachRow(add_statement)) return error;
  select->Reset();

  for (ExpiringStatement& statement : rows_.statements) {
    agents->Bind(1, statement.seq);
    auto add_agent = [&statement](const Statement& row) {
      statement.agents.push_back({row.ColumnText(0), static_cast<AgentRole>(row.ColumnInt(1))});
    };
    if (MaybeError error = agents->ForEachRow(add_agent)) return error;
    agents->Reset();
    activities->Bind(1, statement.seq);
    auto add_activity = [&statement](const Statement& row) {
      statement.activities.push_back(
          {row.ColumnText(0), static_cast<ActivityRole>(row.ColumnInt(1))});
    };
    if (MaybeError error = activities->ForEachRow(add_activity)) return error;
    activities->Reset();
    remember->Bind(1, statement.seq);
    if (MaybeError error = remember->Run()) return error;
  }
  return std::nullopt;
}

MaybeError Batch::SelectDocuments() {
  Result<Statement> select = Prepare(kSelectDocuments);
  if (!select.ok()) return select.error();
  select->Bind(1, cutoffs_.statements_before_us)
      .Bind(2, limit_)
      .Bind(3, static_cast<int64_t>(DocumentKind::kState))
      .Bind(4, static_cast<int64_t>(DocumentKind::kAgentProfile));
  return select->ForEachRow([this](const Statement& row) {
    ExpiringDocument document;
    document.key.kind = static_cast<DocumentKind>(row.ColumnInt(0));
    document.key.activity_id = row.ColumnText(1);
    document.key.agent_pseudonym = row.ColumnText(2);
    document.key.registration = row.ColumnText(3);
    document.key.document_id = row.ColumnText(4);
    document.content_type = row.ColumnText(5);
    document.updated_us = row.ColumnInt(6);
    rows_.documents.push_back(std::move(document));
  });
}

// Examines the next facts of the walk: up to facts_examined_ of them, or
// until limit_ expired ones are found. next_ then resumes after the last one
// examined, or is done when the table had fewer left than asked for.
MaybeError Batch::SelectFacts() {
  if (from_.facts_done) return std::nullopt;
  Result<Statement> walk = Prepare(from_.facts_after ? kWalkFactsAfter : kWalkFactsFromStart);
  if (!walk.ok()) return walk.error();
  walk->Bind(1, facts_examined_);
  if (from_.facts_after) {
    walk->Bind(2, from_.facts_after->pseudonym)
        .Bind(3, from_.facts_after->activity_id)
        .Bind(4, from_.facts_after->verb_id);
  }
  const size_t limit = static_cast<size_t>(limit_);
  int64_t examined = 0;
  FactKey last;
  bool reached_end = false;
  while (rows_.facts.size() < limit) {
    Result<bool> row = walk->Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      reached_end = examined < facts_examined_;  // else LIMIT stopped it
      break;
    }
    ++examined;
    last = FactKey{walk->ColumnText(0), walk->ColumnText(1), walk->ColumnText(2)};
    const int64_t last_us = walk->ColumnInt(4);
    if (last_us >= cutoffs_.facts_before_us) continue;
    ExpiringFact fact;
    fact.pseudonym = last.pseudonym;
    fact.activity_id = last.activity_id;
    fact.verb_id = last.verb_id;
    fact.first_us = walk->ColumnInt(3);
    fact.last_us = last_us;
    fact.statements = walk->ColumnInt(5);
    fact.completion = OptionalBool(*walk, 6);
    fact.success = OptionalBool(*walk, 7);
    if (!walk->ColumnIsNull(8)) fact.score_scaled = walk->ColumnDouble(8);
    rows_.facts.push_back(std::move(fact));
  }
  if (examined > 0) next_.facts_after = std::move(last);
  next_.facts_done = reached_end;
  return std::nullopt;
}

MaybeError Batch::SelectAttachments() {
  // (sha2, owner) pairs the batch's statements name: each sha2 they declare,
  // for each pseudonym that is their actor or object (the owner is the actor).
  std::set<std::pair<std::string, std::string>> named;
  for (const ExpiringStatement& statement : rows_.statements) {
    for (const std::string& sha2 : xapi::DeclaredAttachmentHashes(statement.json)) {
      for (const AgentRef& agent : statement.agents) {
        if (agent.role == AgentRole::kActorOrObject) named.emplace(sha2, agent.pseudonym);
      }
    }
  }
  if (named.empty()) return std::nullopt;

  constexpr int64_t kActorOrObject = static_cast<int64_t>(AgentRole::kActorOrObject);
  Result<Statement> exists = Prepare(kAttachmentExists);
  Result<Statement> still_named = Prepare(kAttachmentStillNamed);
  if (!exists.ok()) return exists.error();
  if (!still_named.ok()) return still_named.error();
  for (const auto& [sha2, owner] : named) {
    exists->Bind(1, sha2).Bind(2, owner);
    Result<bool> stored = Exists(*exists);
    if (!stored.ok()) return stored.error();
    if (!*stored) continue;
    still_named->Bind(1, owner).Bind(2, sha2).Bind(3, kActorOrObject);
    Result<bool> kept = Exists(*still_named);
    if (!kept.ok()) return kept.error();
    if (!*kept) rows_.attachments.push_back({sha2, owner});
  }
  return std::nullopt;
}

MaybeError Batch::SelectIdentities() {
  // Pseudonym -> how many of its documents this batch deletes.
  std::map<std::string, int64_t> candidates;
  for (const ExpiringStatement& statement : rows_.statements) {
    for (const AgentRef& agent : statement.agents) candidates.emplace(agent.pseudonym, 0);
  }
  for (const ExpiringDocument& document : rows_.documents) {
    if (!document.key.agent_pseudonym.empty()) ++candidates[document.key.agent_pseudonym];
  }
  if (candidates.empty()) return std::nullopt;

  Result<Statement> mentioned = Prepare(kPseudonymStillMentioned);
  Result<Statement> documents = Prepare(kDocumentsOwned);
  Result<Statement> identities = Prepare(kSelectIdentities);
  for (Result<Statement>* s : {&mentioned, &documents, &identities}) {
    if (!s->ok()) return s->error();
  }
  for (const auto& [pseudonym, expiring_documents] : candidates) {
    mentioned->Bind(1, pseudonym);
    Result<bool> still = Exists(*mentioned);
    if (!still.ok()) return still.error();
    if (*still) continue;
    documents->Bind(1, pseudonym);
    Result<bool> counted = documents->Step();
    if (!counted.ok()) return counted.error();
    const int64_t owned = *counted ? documents->ColumnInt(0) : 0;
    documents->Reset();
    if (owned > expiring_documents) continue;
    identities->Bind(1, pseudonym);
    auto add_identity = [this, &pseudonym = pseudonym](const Statement& row) {
      rows_.identities.push_back({row.ColumnText(0), pseudonym});
    };
    if (MaybeError error = identities->ForEachRow(add_identity)) return error;
    identities->Reset();
  }
  return std::nullopt;
}

// Anonymous Groups the batch's statements refer to, once nothing that stays
// refers to them: their sealed identities go like a learner's (their data
// key stays, as every key does under retention).
MaybeError Batch::SelectAnonymousGroupIdentities() {
  std::map<std::string, std::vector<std::string>> groups;  // pseudonym -> members
  for (const ExpiringStatement& statement : rows_.statements) {
    for (AnonymousGroupRef& group : AnonymousGroupsIn(statement.json)) {
      groups.emplace(std::move(group.pseudonym), std::move(group.members));
    }
  }
  if (groups.empty()) return std::nullopt;
  Result<Statement> mentioned = Prepare(kMentionedAnywhere);
  Result<Statement> documents = Prepare(kDocumentsOwned);
  Result<Statement> referred = Prepare(kGroupStillReferred);
  Result<Statement> identities = Prepare(kSelectIdentities);
  for (Result<Statement>* s : {&mentioned, &documents, &referred, &identities}) {
    if (!s->ok()) return s->error();
  }
  for (const auto& [group, members] : groups) {
    if (members.empty()) continue;  // cannot tell cheaply: keep (the safe side)
    mentioned->Bind(1, group);
    Result<bool> is_mention = Exists(*mentioned);
    if (!is_mention.ok()) return is_mention.error();
    if (*is_mention) continue;  // someone's own pseudonym: judged above
    documents->Bind(1, group);
    Result<bool> counted = documents->Step();
    if (!counted.ok()) return counted.error();
    const int64_t owned = *counted ? documents->ColumnInt(0) : 0;
    documents->Reset();
    if (owned > 0) continue;
    referred->Bind(1, members.front()).Bind(2, group);
    Result<bool> still = Exists(*referred);
    if (!still.ok()) return still.error();
    if (*still) continue;
    identities->Bind(1, group);
    auto add_identity = [this, &group = group](const Statement& row) {
      rows_.identities.push_back({row.ColumnText(0), group});
    };
    if (MaybeError error = identities->ForEachRow(add_identity)) return error;
    identities->Reset();
  }
  return std::nullopt;
}

// Canonical definitions of activities no remaining statement names. A
// definition that remaining statements still name keeps what the expired
// ones contributed: rebuilding it would read every remaining statement about
// the activity in every batch (erasure does rebuild; storage/erasure.h).
MaybeError Batch::SelectDefinitions() {
  std::set<std::string> activities;
  for (const ExpiringStatement& statement : rows_.statements) {
    for (const ActivityRef& activity : statement.activities)
      activities.insert(activity.activity_id);
  }
  if (activities.empty()) return std::nullopt;
  Result<Statement> defined = Prepare(kDefinitionExists);
  Result<Statement> named = Prepare(kActivityStillNamed);
  if (!defined.ok()) return defined.error();
  if (!named.ok()) return named.error();
  for (const std::string& activity_id : activities) {
    defined->Bind(1, activity_id);
    Result<bool> has_definition = Exists(*defined);
    if (!has_definition.ok()) return has_definition.error();
    if (!*has_definition) continue;
    named->Bind(1, activity_id);
    Result<bool> still = Exists(*named);
    if (!still.ok()) return still.error();
    if (!*still) rows_.activity_definitions.push_back(activity_id);
  }
  return std::nullopt;
}

MaybeError Batch::Delete() {
  Result<Statement> attachment = Prepare(kDeleteAttachment);
  Result<Statement> statement = Prepare(kDeleteStatement);
  Result<Statement> document = Prepare(kDeleteDocument);
  Result<Statement> fact = Prepare(kDeleteFact);
  Result<Statement> identity = Prepare(kDeleteIdentity);
  Result<Statement> definition = Prepare(kDeleteDefinition);
  for (Result<Statement>* s : {&attachment, &statement, &document, &fact, &identity, &definition}) {
    if (!s->ok()) return s->error();
  }
  for (const std::string& activity_id : rows_.activity_definitions) {
    definition->Bind(1, activity_id);
    if (MaybeError error = definition->Run()) return error;
  }
  for (const ExpiringAttachment& a : rows_.attachments) {
    attachment->Bind(1, a.sha2).Bind(2, a.owner);
    if (MaybeError error = attachment->Run()) return error;
  }
  for (const ExpiringStatement& s : rows_.statements) {
    statement->Bind(1, s.seq);
    if (MaybeError error = statement->Run()) return error;
  }
  for (const ExpiringDocument& d : rows_.documents) {
    document->Bind(1, static_cast<int64_t>(d.key.kind))
        .Bind(2, d.key.activity_id)
        .Bind(3, d.key.agent_pseudonym)
        .Bind(4, d.key.registration)
        .Bind(5, d.key.document_id);
    if (MaybeError error = document->Run()) return error;
  }
  for (const ExpiringFact& f : rows_.facts) {
    fact->Bind(1, f.pseudonym).Bind(2, f.activity_id).Bind(3, f.verb_id);
    if (MaybeError error = fact->Run()) return error;
  }
  for (const ExpiringIdentity& i : rows_.identities) {
    // An expiring sealed address takes the documents naming its token along
    // (storage/token_documents.h): nothing could find them afterwards.
    if (IsAddressTokenVariant(i.variant_id)) {
      if (auto deleted = DeleteDocumentsNamingToken(db_, i.variant_id); !deleted.ok()) {
        return deleted.error();
      }
    }
    identity->Bind(1, i.variant_id);
    if (MaybeError error = identity->Run()) return error;
  }
  return db_.Exec(kClearScratch);
}

}  // namespace

RetentionCutoffs CutoffsAt(int64_t now_us, int statement_days, int fact_days) {
  return RetentionCutoffs{DaysBefore(now_us, statement_days), DaysBefore(now_us, fact_days)};
}

bool ExpiringRows::empty() const {
  return statements.empty() && documents.empty() && facts.empty() && attachments.empty() &&
         identities.empty() && activity_definitions.empty();
}

ExpiredCounts& ExpiredCounts::operator+=(const ExpiredCounts& other) {
  statements += other.statements;
  documents += other.documents;
  facts += other.facts;
  attachments += other.attachments;
  identities += other.identities;
  activity_definitions += other.activity_definitions;
  return *this;
}

Result<RetentionBatchResult> ExpireBatch(Database& db, const RetentionCutoffs& cutoffs,
                                         const RetentionCursor& from, const RetentionLimits& limits,
                                         ExpiryObserver* observer) {
  if (MaybeError error = db.Exec(kCreateScratch)) return *error;
  Result<Transaction> tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  Batch batch(db, cutoffs, from, limits);
  if (MaybeError error = batch.Select()) return *error;
  const ExpiringRows& rows = batch.rows();
  if (rows.empty()) {  // tx rolls back: nothing was written
    RetentionBatchResult result;
    result.more = batch.more();
    result.next = batch.next();
    return result;
  }
  if (observer != nullptr) {
    if (MaybeError error = observer->BeforeExpire(db, rows)) return *error;
  }
  if (MaybeError error = batch.Delete()) return *error;
  if (MaybeError error = tx->Commit()) return *error;

  RetentionBatchResult result;
  result.deleted.statements = static_cast<int64_t>(rows.statements.size());
  result.deleted.documents = static_cast<int64_t>(rows.documents.size());
  result.deleted.facts = static_cast<int64_t>(rows.facts.size());
  result.deleted.attachments = static_cast<int64_t>(rows.attachments.size());
  result.deleted.identities = static_cast<int64_t>(rows.identities.size());
  result.deleted.activity_definitions = static_cast<int64_t>(rows.activity_definitions.size());
  result.more = batch.more();
  result.next = batch.next();
  return result;
}

Result<ExpiredCounts> ExpireAll(
    const std::function<Result<RetentionBatchResult>(const RetentionCursor&)>& run_batch,
    const std::function<bool()>& stop_requested) {
  ExpiredCounts total;
  RetentionCursor cursor;
  for (;;) {
    if (stop_requested && stop_requested()) return total;
    Result<RetentionBatchResult> batch = run_batch(cursor);
    if (!batch.ok()) return batch.error();
    total += batch->deleted;
    if (!batch->more) return total;
    cursor = std::move(batch->next);
  }
}

}  // namespace lrs::storage
