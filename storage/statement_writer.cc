// The single writer and its group commit.
//
// Design note. One thread owns both write connections. Submit only queues a
// Job; the thread takes everything queued (up to kMaxGroupJobs jobs or about
// kMaxGroupStatements statements) and commits it as one group:
//
//   1. data keys of every job -> key store, one transaction, COMMIT
//   2. BEGIN IMMEDIATE on the statement database; one `stored` for the group
//   3. per job: SAVEPOINT, write its statements, RELEASE (or ROLLBACK TO on a
//      409/400/503 or a per-job SQLite error: only that job fails)
//   4. COMMIT, then resolve every promise
//
// Why this shape:
//  - One fsync (two with keys) per group instead of per request is what makes
//    synchronous=FULL affordable (DESIGN.md, Scale); while a group commits,
//    the next one queues up, so grouping grows with load by itself.
//  - Keys commit first (header invariant 3): a crash between 1 and 4 leaves
//    at worst an unused key, never a sealed identity without its key.
//  - Promises resolve after COMMIT (invariant 2). If COMMIT or anything
//    outside a savepoint fails, SQLite may have dropped the whole transaction,
//    so every job of the group fails with 500: no one is told "stored" for
//    data that is not.
//  - `stored` = max(now truncated to the millisecond, newest stored in the
//    file, last group's) is taken inside the write lock, so it never
//    decreases with seq even if the clock steps back or another process wrote
//    (invariant 4; the reader turns since/until into seq bounds on it).
//  - Only this thread touches db_, keys_ and prepared_; the queue, stopping_
//    and busy_ are guarded by mutex_.

#include "storage/statement_writer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "storage/analytics_facts.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "storage/storage_error.h"
#include "storage/transaction.h"
#include "xapi/activity_definition.h"

namespace lrs::storage {
namespace {

// A result field the statement may not have given: NULL then.
void BindOrNull(Statement& statement, int index, const std::optional<bool>& value) {
  if (value)
    statement.Bind(index, int64_t{*value});
  else
    statement.BindNull(index);
}
void BindOrNull(Statement& statement, int index, const std::optional<double>& value) {
  if (value)
    statement.BindDouble(index, *value);
  else
    statement.BindNull(index);
}

// Enough to amortize one fsync over many requests, small enough that one
// group's transaction (and the wait of the requests in it) stays short.
constexpr size_t kMaxGroupJobs = 256;
constexpr size_t kMaxGroupStatements = 20000;

constexpr char kConflictRule[] = "xAPI Communication 2.1.1: a statement id can be stored once";
constexpr char kVoidingRule[] = "xAPI Data 2.3.2: a voiding statement cannot be voided";

int64_t TruncateToMillis(int64_t micros) {
  const int64_t remainder = micros % 1000;
  return micros - (remainder < 0 ? remainder + 1000 : remainder);
}

std::string StatementPath(size_t index, const char* member) {
  return "$[" + std::to_string(index) + "]" + member;
}

}  // namespace

int64_t SystemClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct StatementWriter::Job {
  WriteBatch batch;
  std::promise<Result<WriteReceipt>> promise;
  // Set for RunExclusive jobs, which run alone, never inside a group.
  std::function<void(Database&, Database&)> task;
};

// Every statement the writer runs, prepared once (no SQL text per request).
struct StatementWriter::Prepared {
  // key store
  Statement insert_key;
  Statement find_key;
  // statement database
  Statement newest_stored;
  Statement find_statement;
  Statement find_voiding_of;
  Statement insert_statement;
  Statement insert_agent;
  Statement insert_activity;
  Statement insert_identity;
  Statement mark_voided;
  Statement savepoint;
  Statement release;
  Statement rollback_to;
  Statement find_activity;
  Statement upsert_activity;
  Statement insert_attachment;
  Statement upsert_fact;
  // Analytics facts (StatementRecord::analytics), one statement per rule.
  Statement upsert_analytics_first;
  Statement upsert_analytics_best;
  Statement upsert_analytics_sum;

  static Result<std::unique_ptr<Prepared>> Create(Database& db, Database& keys) {
    std::vector<Statement> s;
    const std::pair<Database*, const char*> sql[] = {
        {&keys,
         "INSERT OR IGNORE INTO data_keys (pseudonym, master_key_id, wrapped) "
         "VALUES (?1, ?2, ?3)"},
        {&keys, "SELECT master_key_id, wrapped FROM data_keys WHERE pseudonym = ?1"},
        {&db, "SELECT max(stored_us) FROM statements"},
        {&db, "SELECT content_hash, is_voiding FROM statements WHERE id = ?1"},
        {&db, "SELECT 1 FROM statements WHERE statement_ref = ?1 AND is_voiding = 1 LIMIT 1"},
        {&db,
         "INSERT INTO statements (id, json, content_hash, verb_id, registration, statement_ref,"
         " is_voiding, voided, stored_us, timestamp_us, credential)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
        {&db, "INSERT OR IGNORE INTO statement_agents (seq, pseudonym, role) VALUES (?1, ?2, ?3)"},
        {&db,
         "INSERT OR IGNORE INTO statement_activities (seq, activity_id, role) "
         "VALUES (?1, ?2, ?3)"},
        {&db,
         "INSERT OR IGNORE INTO identities (variant_id, pseudonym, sealed) VALUES (?1, ?2, ?3)"},
        {&db, "UPDATE statements SET voided = 1 WHERE id = ?1 AND voided = 0"},
        {&db, "SAVEPOINT batch"},
        {&db, "RELEASE batch"},
        {&db, "ROLLBACK TO batch"},
        {&db, "SELECT definition FROM activities WHERE activity_id = ?1"},
        {&db,
         "INSERT INTO activities (activity_id, definition, updated_us) VALUES (?1, ?2, ?3)"
         " ON CONFLICT (activity_id) DO UPDATE SET definition = excluded.definition,"
         " updated_us = excluded.updated_us"},
        {&db,
         "INSERT OR IGNORE INTO attachments (sha2, owner, content_type, content)"
         " VALUES (?1, ?2, ?3, ?4)"},
        // Learner facts (StatementRecord::fact): completion and success keep
        // the newest value a statement gave, the score the best one; max()
        // of SQLite is NULL when an argument is, hence the coalesces.
        {&db,
         "INSERT INTO learner_facts (pseudonym, activity_id, verb_id, first_us, last_us,"
         " statements, completion, success, score_scaled)"
         " VALUES (?1, ?2, ?3, ?4, ?4, 1, ?5, ?6, ?7)"
         " ON CONFLICT (pseudonym, activity_id, verb_id) DO UPDATE SET"
         " last_us = max(last_us, excluded.last_us), statements = statements + 1,"
         " completion = coalesce(excluded.completion, completion),"
         " success = coalesce(excluded.success, success),"
         " score_scaled = max(coalesce(score_scaled, excluded.score_scaled),"
         " coalesce(excluded.score_scaled, score_scaled))"},
        {&db, AnalyticsUpsertSql(AnalyticsRule::kFirst)},
        {&db, AnalyticsUpsertSql(AnalyticsRule::kBest)},
        {&db, AnalyticsUpsertSql(AnalyticsRule::kSum)},
    };
    for (const auto& [database, text] : sql) {
      Result<Statement> statement = database->Prepare(text);
      if (!statement.ok()) return statement.error();
      s.push_back(std::move(*statement));
    }
    return std::unique_ptr<Prepared>(new Prepared{
        std::move(s[0]), std::move(s[1]), std::move(s[2]), std::move(s[3]), std::move(s[4]),
        std::move(s[5]), std::move(s[6]), std::move(s[7]), std::move(s[8]), std::move(s[9]),
        std::move(s[10]), std::move(s[11]), std::move(s[12]), std::move(s[13]), std::move(s[14]),
        std::move(s[15]), std::move(s[16]), std::move(s[17]), std::move(s[18]),
        std::move(s[19])});
  }
};

Result<std::unique_ptr<StatementWriter>> StatementWriter::Open(const std::string& statement_db_path,
                                                               const std::string& key_store_path,
                                                               Clock clock) {
  std::unique_ptr<StatementWriter> writer(new StatementWriter());
  Result<DataFiles> files = OpenDataFiles(statement_db_path, key_store_path);
  if (!files.ok()) return files.error();
  writer->db_ = std::move(files->statements);
  writer->keys_ = std::move(files->keys);
  Result<std::unique_ptr<Prepared>> prepared = Prepared::Create(*writer->db_, *writer->keys_);
  if (!prepared.ok()) return prepared.error();
  writer->prepared_ = std::move(*prepared);
  writer->clock_ = clock ? std::move(clock) : Clock(SystemClockMicros);

  Statement& newest = writer->prepared_->newest_stored;
  Result<bool> row = newest.Step();
  if (!row.ok()) return row.error();
  writer->last_stored_us_ = *row ? newest.ColumnInt(0) : 0;
  newest.Reset();

  writer->thread_ = std::thread(&StatementWriter::Run, writer.get());
  return writer;
}

StatementWriter::~StatementWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::future<Result<WriteReceipt>> StatementWriter::Submit(WriteBatch batch) {
  Job job{std::move(batch), {}, {}};
  std::future<Result<WriteReceipt>> future = job.promise.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return future;
    }
  }
  job.promise.set_value(StorageError("the statement writer is shutting down"));
  return future;
}

void StatementWriter::EnqueueTask(std::function<void(Database&, Database&)> task,
                                  std::function<void()> on_shutdown) {
  Job job;
  job.task = std::move(task);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  on_shutdown();
}

int64_t StatementWriter::ConsistentThroughMicros() const {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t last = last_stored_us_.load();
  // Read under the lock: a group that starts after this call reads the clock
  // later, so it gets a stored of at least this truncated now.
  const int64_t floor =
      !queue_.empty() || busy_ ? last : std::max(TruncateToMillis(clock_()), last);
  return std::max<int64_t>(floor - 1, 0);
}

void StatementWriter::Run() {
  for (;;) {
    std::vector<Job> group;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and the queue is drained
      if (queue_.front().task) {
        Job job = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        job.task(*db_, *keys_);
        // A task may have rewritten or deleted definitions (erasure,
        // retention): the next group must not skip a merge on a stale entry.
        absorbed_definitions_.clear();
        lock.lock();
        busy_ = false;
        continue;
      }
      size_t statements = 0;
      while (!queue_.empty() && !queue_.front().task && group.size() < kMaxGroupJobs) {
        const size_t size = queue_.front().batch.statements.size();
        if (!group.empty() && statements + size > kMaxGroupStatements) break;
        statements += size;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      busy_ = true;
    }
    CommitGroup(group);
    std::lock_guard<std::mutex> lock(mutex_);
    busy_ = false;
  }
}

void StatementWriter::CommitGroup(std::vector<Job>& group) {
  auto fail_all = [&group](const Error& error) {
    for (Job& job : group) job.promise.set_value(StorageError(error.message));
  };

  // A job already failed (data key conflict, or a 409/400 below) keeps its
  // error; the others get their receipts.
  Result<std::vector<MaybeError>> key_failures = StoreDataKeys(group);
  if (!key_failures.ok()) return fail_all(key_failures.error());
  std::vector<MaybeError> failures = std::move(*key_failures);

  Result<Transaction> tx = Transaction::Begin(*db_, Transaction::Mode::kImmediate);
  if (!tx.ok()) return fail_all(tx.error());
  Statement& newest = prepared_->newest_stored;
  Result<bool> row = newest.Step();
  if (!row.ok()) return fail_all(row.error());
  const int64_t newest_in_file = *row ? newest.ColumnInt(0) : 0;
  newest.Reset();
  const int64_t stored_us =
      std::max({TruncateToMillis(clock_()), newest_in_file, last_stored_us_.load()});

  std::vector<WriteReceipt> receipts(group.size());
  pending_group_definitions_.clear();
  for (size_t i = 0; i < group.size(); ++i) {
    if (failures[i]) continue;
    Result<std::vector<WriteOutcome>> outcomes = StoreInSavepoint(group[i].batch, stored_us);
    if (outcomes.ok()) {
      receipts[i] = WriteReceipt{std::move(*outcomes), stored_us};
    } else if (sqlite3_get_autocommit(db_->handle())) {
      // SQLite rolled the whole transaction back (I/O error, full disk):
      // earlier jobs' writes are gone too.
      return fail_all(outcomes.error());
    } else {
      failures[i] = outcomes.error();
    }
  }
  if (MaybeError error = tx->Commit()) return fail_all(*error);

  // Bounded: a deployment with more activities than this just re-reads some.
  constexpr size_t kMaxAbsorbed = 100000;
  if (absorbed_definitions_.size() > kMaxAbsorbed) absorbed_definitions_.clear();
  for (auto& [id, definition] : pending_group_definitions_) {
    absorbed_definitions_[id] = std::move(definition);
  }
  last_stored_us_ = stored_us;
  for (size_t i = 0; i < group.size(); ++i) {
    if (failures[i]) {
      group[i].promise.set_value(std::move(*failures[i]));
    } else {
      group[i].promise.set_value(std::move(receipts[i]));
    }
  }
}

// Returns one entry per job (its data key conflict, if any), or an error when
// the key store transaction itself failed.
Result<std::vector<MaybeError>> StatementWriter::StoreDataKeys(const std::vector<Job>& group) {
  std::vector<MaybeError> failures(group.size());
  const bool any = std::any_of(group.begin(), group.end(),
                               [](const Job& job) { return !job.batch.data_keys.empty(); });
  if (!any) return failures;

  Result<Transaction> tx = Transaction::Begin(*keys_, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  Statement& insert = prepared_->insert_key;
  Statement& find = prepared_->find_key;
  for (size_t i = 0; i < group.size(); ++i) {
    for (const WrappedDataKey& key : group[i].batch.data_keys) {
      insert.Bind(1, key.pseudonym).Bind(2, key.master_key_id).BindBlob(3, key.wrapped);
      if (MaybeError error = insert.Run()) {
        if (sqlite3_get_autocommit(keys_->handle())) return *error;
        failures[i] = StorageError(error->message);
        break;
      }
      if (keys_->Changes() == 1) continue;
      // Already there: fine when it is the same key (the usual case).
      find.Bind(1, key.pseudonym);
      Result<bool> row = find.Step();
      const bool same = row.ok() && *row && find.ColumnText(0) == key.master_key_id &&
                        find.ColumnBlob(1) == key.wrapped;
      find.Reset();
      if (!row.ok()) return row.error();
      if (!same) {
        failures[i] = MakeError(503, kStorageRule, "",
                                "a learner's data key was created twice at the same time; "
                                "retry the request");
        break;
      }
    }
  }
  if (MaybeError error = tx->Commit()) return *error;
  return failures;
}

Result<std::vector<WriteOutcome>> StatementWriter::StoreInSavepoint(const WriteBatch& batch,
                                                                    int64_t stored_us) {
  if (MaybeError error = prepared_->savepoint.Run()) return *error;
  pending_batch_definitions_.clear();
  Result<std::vector<WriteOutcome>> outcomes = StoreBatch(batch, stored_us);
  if (outcomes.ok()) {
    pending_group_definitions_.insert(pending_group_definitions_.end(),
                                      pending_batch_definitions_.begin(),
                                      pending_batch_definitions_.end());
  }
  if (!outcomes.ok()) {
    // ROLLBACK TO keeps the savepoint open; RELEASE closes it (now empty).
    if (MaybeError error = prepared_->rollback_to.Run()) return *error;
    if (MaybeError error = prepared_->release.Run()) return *error;
    return outcomes;
  }
  if (MaybeError error = prepared_->release.Run()) return *error;
  return outcomes;
}

// Read, merge, write back: the group holds the write lock, so no other
// writer can slip in between (header invariant 7).
MaybeError StatementWriter::MergeActivityDefinitions(const StatementRecord& record,
                                                     int64_t stored_us) {
  Prepared& p = *prepared_;
  for (const auto& [activity_id, definition] : record.activity_definitions) {
    auto absorbed = absorbed_definitions_.find(activity_id);
    if (absorbed != absorbed_definitions_.end() && absorbed->second == definition) continue;
    pending_batch_definitions_.emplace_back(activity_id, definition);
    p.find_activity.Bind(1, activity_id);
    Result<bool> found = p.find_activity.Step();
    if (!found.ok()) return found.error();
    const std::string stored = *found ? p.find_activity.ColumnText(0) : std::string();
    p.find_activity.Reset();
    std::string merged =
        *found ? xapi::MergeActivityDefinitionJson(stored, definition) : definition;
    // Most statements repeat a definition the LRS already has: no write then.
    if (*found && merged == stored) continue;
    p.upsert_activity.Bind(1, activity_id).Bind(2, merged).Bind(3, stored_us);
    if (MaybeError error = p.upsert_activity.Run()) return error;
  }
  return std::nullopt;
}

Result<std::vector<WriteOutcome>> StatementWriter::StoreBatch(const WriteBatch& batch,
                                                              int64_t stored_us) {
  Prepared& p = *prepared_;
  std::vector<WriteOutcome> outcomes;
  outcomes.reserve(batch.statements.size());
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const StatementRecord& record = batch.statements[i];

    // Stored already (earlier, or earlier in this group or batch)?
    p.find_statement.Bind(1, record.id);
    Result<bool> found = p.find_statement.Step();
    if (!found.ok()) return found.error();
    const bool exists = *found;
    const bool same = exists && p.find_statement.ColumnText(0) == record.content_hash;
    p.find_statement.Reset();
    if (exists) {
      if (!same) {
        return MakeError(409, kConflictRule, StatementPath(i, ".id"),
                         "a different statement is already stored under this id");
      }
      outcomes.push_back(WriteOutcome::kAlreadyStored);
      continue;
    }

    bool target_exists = false;
    if (record.is_voiding && record.statement_ref) {
      p.find_statement.Bind(1, *record.statement_ref);
      Result<bool> target = p.find_statement.Step();
      if (!target.ok()) return target.error();
      target_exists = *target;
      const bool target_is_voiding = target_exists && p.find_statement.ColumnInt(1) != 0;
      p.find_statement.Reset();
      if (target_is_voiding) {
        return MakeError(400, kVoidingRule, StatementPath(i, ".object.id"),
                         "the statement this one voids is itself a voiding statement");
      }
    }

    // A voiding statement may arrive before its target: the target is then
    // stored already voided.
    bool voided = false;
    if (!record.is_voiding) {
      p.find_voiding_of.Bind(1, record.id);
      Result<bool> voiding = p.find_voiding_of.Step();
      if (!voiding.ok()) return voiding.error();
      voided = *voiding;
      p.find_voiding_of.Reset();
    }

    Statement& insert = p.insert_statement;
    insert.Bind(1, record.id)
        .Bind(2, record.json)
        .Bind(3, record.content_hash)
        .Bind(4, record.verb_id)
        .Bind(5, record.registration)
        .Bind(6, record.statement_ref)
        .Bind(7, int64_t{record.is_voiding})
        .Bind(8, int64_t{voided})
        .Bind(9, stored_us);
    if (record.timestamp_us) {
      insert.Bind(10, *record.timestamp_us);
    } else {
      insert.BindNull(10);
    }
    insert.Bind(11, record.credential);
    if (MaybeError error = insert.Run()) return *error;
    const int64_t seq = db_->LastInsertRowId();

    for (const AgentRef& agent : record.agents) {
      p.insert_agent.Bind(1, seq)
          .Bind(2, agent.pseudonym)
          .Bind(3, static_cast<int64_t>(agent.role));
      if (MaybeError error = p.insert_agent.Run()) return *error;
    }
    for (const ActivityRef& activity : record.activities) {
      p.insert_activity.Bind(1, seq)
          .Bind(2, activity.activity_id)
          .Bind(3, static_cast<int64_t>(activity.role));
      if (MaybeError error = p.insert_activity.Run()) return *error;
    }
    for (const SealedIdentity& identity : record.identities) {
      p.insert_identity.Bind(1, identity.variant_id)
          .Bind(2, identity.pseudonym)
          .BindBlob(3, identity.sealed);
      if (MaybeError error = p.insert_identity.Run()) return *error;
    }
    if (record.is_voiding && target_exists) {
      p.mark_voided.Bind(1, *record.statement_ref);
      if (MaybeError error = p.mark_voided.Run()) return *error;
    }
    if (MaybeError error = MergeActivityDefinitions(record, stored_us)) return *error;
    // Facts count inserted statements only: a duplicate returned above never
    // gets here, and a rolled-back batch takes its facts with it.
    if (record.fact) {
      const LearnerFactUpdate& fact = *record.fact;
      Statement& upsert = p.upsert_fact;
      upsert.Bind(1, fact.pseudonym).Bind(2, fact.activity_id).Bind(3, record.verb_id);
      upsert.Bind(4, stored_us);
      BindOrNull(upsert, 5, fact.completion);
      BindOrNull(upsert, 6, fact.success);
      BindOrNull(upsert, 7, fact.score_scaled);
      if (MaybeError error = upsert.Run()) return *error;
    }
    // A statement's facts share its cohort: encoded once, on this thread
    // that every group waits for.
    std::string cohort;
    const std::vector<std::string>* cohort_of = nullptr;
    for (const AnalyticsFactUpdate& update : record.analytics) {
      if (cohort_of == nullptr || *cohort_of != update.cohort) {
        cohort = EncodeCohort(update.cohort);
        cohort_of = &update.cohort;
      }
      Statement& upsert = update.kind == kAnalyticsScoreKind       ? p.upsert_analytics_best
                          : update.kind == kAnalyticsTimeSpentKind ? p.upsert_analytics_sum
                                                                   : p.upsert_analytics_first;
      upsert.Bind(1, update.pseudonym).Bind(2, update.activity_id);
      upsert.Bind(3, static_cast<int64_t>(update.kind));
      upsert.Bind(4, update.at_us.value_or(stored_us));
      upsert.Bind(5, cohort);
      BindOrNull(upsert, 6, update.value);
      upsert.Bind(7, update.detail).Bind(8, stored_us);
      if (MaybeError error = upsert.Run()) return *error;
    }
    outcomes.push_back(WriteOutcome::kStored);
  }
  std::set<std::string> referenced;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    if (outcomes[i] != WriteOutcome::kStored) continue;
    const std::vector<std::string>& sha2s = batch.statements[i].attachment_sha2s;
    referenced.insert(sha2s.begin(), sha2s.end());
  }
  for (const AttachmentPayload& attachment : batch.attachments) {
    if (referenced.count(attachment.sha2) == 0) continue;
    p.insert_attachment.Bind(1, attachment.sha2)
        .Bind(2, attachment.owner)
        .Bind(3, attachment.content_type)
        .BindBlob(4, attachment.content);
    if (MaybeError error = p.insert_attachment.Run()) return *error;
  }
  return outcomes;
}

}  // namespace lrs::storage
