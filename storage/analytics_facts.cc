// The SQLite AnalyticsStore (storage/analytics_facts.h).
//
// Design note. Invariants:
//  1. A fact's place never depends on arrival order: each rule is one
//     INSERT ... ON CONFLICT whose SET expressions all read the row as it was
//     (SQL evaluates every right-hand side before any assignment), so "the
//     earliest at_us wins" moves cohort, value and detail with at_us in one
//     step. Ties keep the stored row: the outcome is that of the order of
//     `stored`, which is deterministic for a given store.
//  2. An expiry batch is one IMMEDIATE transaction: the pairs it selects are
//     judged, rolled up, added to analytics_rollups and deleted together, or
//     not at all. It runs on the write connection (the writer thread while a
//     server runs), so no statement can touch a pair between its judgement
//     and its deletion.
//  3. A pair expires as a whole (the newest updated_us of its facts), so a
//     learner's facts on an activity are never split between the live facts
//     and the roll-ups: an epoch counts each learner once per activity and
//     measure.
//  4. Expiry walks the primary key in order, each batch resuming after the
//     last pair the previous one examined: one pass reads the table once. A
//     pair the walk has passed can only get newer (ingest writes updated_us
//     = now), so a pass never misses a pair that was expired when it began,
//     unless ingest touched it (then it is no longer expired).
//  5. A snapshot is one deferred read transaction on its own connection:
//     WAL gives it one consistent view while the writer goes on.

#include "storage/analytics_facts.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mutex>
#include <optional>
#include <utility>

#include "storage/database.h"
#include "storage/schema.h"
#include "storage/statement_writer.h"
#include "storage/storage_error.h"
#include "storage/transaction.h"

namespace lrs::storage {
namespace {

#define LRS_ANALYTICS_INSERT                                                                   \
  "INSERT INTO analytics_facts (pseudonym, activity_id, kind, at_us, cohort, value, detail,"   \
  " updated_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"                                       \
  " ON CONFLICT (pseudonym, activity_id, kind) DO UPDATE SET "

// A row is rewritten only when the statement changes it, or when its
// updated_us is a day (kAnalyticsTouchUs) behind: most statements repeat what
// a fact already says, and skipping their write keeps the fact's page clean,
// which is most of what the facts cost ingest (a random page per statement
// written to the WAL at every commit).
#define LRS_ANALYTICS_STALE "excluded.updated_us >= updated_us + 86400000000"
static_assert(kAnalyticsTouchUs == int64_t{86400000000}, "the SQL spells it out");

// The first statement (earliest at_us) places the fact and gives its value.
constexpr char kUpsertFirst[] = LRS_ANALYTICS_INSERT
    "cohort = CASE WHEN excluded.at_us < at_us THEN excluded.cohort ELSE cohort END,"
    " value = CASE WHEN excluded.at_us < at_us THEN excluded.value ELSE value END,"
    " detail = CASE WHEN excluded.at_us < at_us THEN excluded.detail ELSE detail END,"
    " at_us = min(at_us, excluded.at_us),"
    " updated_us = max(updated_us, excluded.updated_us)"
    " WHERE excluded.at_us < at_us OR " LRS_ANALYTICS_STALE;

// The best value places the fact; of equal values the earliest.
#define LRS_ANALYTICS_BETTER                                                     \
  "(value IS NULL OR excluded.value > value OR"                                  \
  " (excluded.value = value AND excluded.at_us < at_us))"
constexpr char kUpsertBest[] = LRS_ANALYTICS_INSERT
    "cohort = CASE WHEN " LRS_ANALYTICS_BETTER " THEN excluded.cohort ELSE cohort END,"
    " detail = CASE WHEN " LRS_ANALYTICS_BETTER " THEN excluded.detail ELSE detail END,"
    " at_us = CASE WHEN " LRS_ANALYTICS_BETTER " THEN excluded.at_us ELSE at_us END,"
    " value = CASE WHEN " LRS_ANALYTICS_BETTER " THEN excluded.value ELSE value END,"
    " updated_us = max(updated_us, excluded.updated_us)"
    " WHERE " LRS_ANALYTICS_BETTER " OR " LRS_ANALYTICS_STALE;

// Values add up; the earliest statement places the sum.
constexpr char kUpsertSum[] = LRS_ANALYTICS_INSERT
    "cohort = CASE WHEN excluded.at_us < at_us THEN excluded.cohort ELSE cohort END,"
    " detail = CASE WHEN excluded.at_us < at_us THEN excluded.detail ELSE detail END,"
    " value = coalesce(value, 0) + coalesce(excluded.value, 0),"
    " at_us = min(at_us, excluded.at_us),"
    " updated_us = max(updated_us, excluded.updated_us)"
    " WHERE coalesce(excluded.value, 0) <> 0 OR excluded.at_us < at_us OR "
    LRS_ANALYTICS_STALE;

#undef LRS_ANALYTICS_BETTER
#undef LRS_ANALYTICS_STALE
#undef LRS_ANALYTICS_INSERT

constexpr char kSnapshotActivities[] =
    "SELECT ids.activity_id, coalesce(a.definition, '{}') FROM"
    " (SELECT DISTINCT activity_id FROM analytics_facts"
    "  UNION SELECT activity_id FROM analytics_rollups) ids"
    " LEFT JOIN activities a ON a.activity_id = ids.activity_id"
    " ORDER BY ids.activity_id";
constexpr char kSnapshotFacts[] =
    "SELECT pseudonym, activity_id, kind, at_us, cohort, value, detail, updated_us"
    " FROM analytics_facts ORDER BY pseudonym, activity_id, kind";
constexpr char kSnapshotRollups[] =
    "SELECT activity_id, cell, learners FROM analytics_rollups ORDER BY activity_id, cell";

// The walk (invariant 4): the next pairs in key order with their newest
// updated_us, from the start or after (?2, ?3).
constexpr char kWalkFromStart[] =
    "SELECT pseudonym, activity_id, max(updated_us) FROM analytics_facts"
    " GROUP BY pseudonym, activity_id ORDER BY pseudonym, activity_id LIMIT ?1";
constexpr char kWalkAfter[] =
    "SELECT pseudonym, activity_id, max(updated_us) FROM analytics_facts"
    " WHERE (pseudonym, activity_id) > (?2, ?3)"
    " GROUP BY pseudonym, activity_id ORDER BY pseudonym, activity_id LIMIT ?1";
constexpr char kPairFacts[] =
    "SELECT kind, at_us, cohort, value, detail, updated_us FROM analytics_facts"
    " WHERE pseudonym = ?1 AND activity_id = ?2 ORDER BY kind";
constexpr char kAddRollup[] =
    "INSERT INTO analytics_rollups (activity_id, cell, learners) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (activity_id, cell) DO UPDATE SET learners = learners + excluded.learners";
constexpr char kDeletePair[] =
    "DELETE FROM analytics_facts WHERE pseudonym = ?1 AND activity_id = ?2";

AnalyticsFactRecord ReadFact(const Statement& row, int first) {
  AnalyticsFactRecord fact;
  fact.kind = static_cast<int>(row.ColumnInt(first));
  fact.at_us = row.ColumnInt(first + 1);
  fact.cohort = DecodeCohort(row.ColumnText(first + 2));
  if (!row.ColumnIsNull(first + 3)) fact.value = row.ColumnDouble(first + 3);
  fact.detail = row.ColumnText(first + 4);
  fact.updated_us = row.ColumnInt(first + 5);
  return fact;
}

struct Pair {
  std::string pseudonym;
  std::string activity_id;
};

// Where a pass stands between batches.
struct Walk {
  std::optional<Pair> after;
  bool done = false;
};

// One batch (invariants 2 to 4). Returns the pairs folded; advances `walk`
// only when the batch commits, so a failed batch can be run again.
Result<int64_t> ExpireFactsBatch(Database& db, int64_t before_us, const AnalyticsRollUp& roll_up,
                            const AnalyticsStoreOptions& options, Walk& walk) {
  Result<Transaction> tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  Result<Statement> select = db.Prepare(walk.after ? kWalkAfter : kWalkFromStart);
  if (!select.ok()) return select.error();
  select->Bind(1, static_cast<int64_t>(options.pairs_examined));
  if (walk.after) select->Bind(2, walk.after->pseudonym).Bind(3, walk.after->activity_id);

  std::vector<Pair> expired;
  std::optional<Pair> last;
  size_t examined = 0;
  bool full = false;  // stopped at pairs_per_batch, before the end of the page
  for (;;) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    ++examined;
    Pair pair{select->ColumnText(0), select->ColumnText(1)};
    const bool is_expired = select->ColumnInt(2) < before_us;
    last = pair;
    if (is_expired) expired.push_back(std::move(pair));
    if (expired.size() >= options.pairs_per_batch) {
      full = true;
      break;
    }
  }
  select->Reset();
  const bool reached_end = !full && examined < options.pairs_examined;

  Result<Statement> facts = db.Prepare(kPairFacts);
  Result<Statement> add = db.Prepare(kAddRollup);
  Result<Statement> remove = db.Prepare(kDeletePair);
  for (Result<Statement>* s : {&facts, &add, &remove}) {
    if (!s->ok()) return s->error();
  }
  for (const Pair& pair : expired) {
    std::vector<AnalyticsFactRecord> records;
    facts->Bind(1, pair.pseudonym).Bind(2, pair.activity_id);
    MaybeError read = facts->ForEachRow([&](const Statement& row) {
      AnalyticsFactRecord fact = ReadFact(row, 0);
      fact.pseudonym = pair.pseudonym;
      fact.activity_id = pair.activity_id;
      records.push_back(std::move(fact));
    });
    facts->Reset();
    if (read) return *read;
    for (const AnalyticsRollupRecord& cell : roll_up(records)) {
      if (cell.learners == 0) continue;
      add->Bind(1, cell.activity_id.empty() ? pair.activity_id : cell.activity_id)
          .Bind(2, cell.cell)
          .Bind(3, cell.learners);
      if (MaybeError error = add->Run()) return *error;
    }
    remove->Bind(1, pair.pseudonym).Bind(2, pair.activity_id);
    if (MaybeError error = remove->Run()) return *error;
  }
  if (MaybeError error = tx->Commit()) return *error;
  walk.after = std::move(last);
  walk.done = reached_end;
  return static_cast<int64_t>(expired.size());
}

class SqliteAnalyticsStore : public AnalyticsStore {
 public:
  SqliteAnalyticsStore(std::unique_ptr<Database> reads, WriteRunner writes,
                       AnalyticsStoreOptions options)
      : reads_(std::move(reads)), writes_(std::move(writes)), options_(options) {}

  MaybeError ReadSnapshot(AnalyticsSnapshotSink& sink) override {
    std::lock_guard<std::mutex> lock(read_mutex_);
    Database& db = *reads_;
    Result<Transaction> tx = Transaction::Begin(db, Transaction::Mode::kDeferred);
    if (!tx.ok()) return tx.error();
    Result<Statement> activities = db.Prepare(kSnapshotActivities);
    Result<Statement> facts = db.Prepare(kSnapshotFacts);
    Result<Statement> rollups = db.Prepare(kSnapshotRollups);
    for (Result<Statement>* s : {&activities, &facts, &rollups}) {
      if (!s->ok()) return s->error();
    }
    // The first read fixes the WAL snapshot the rest of the transaction sees.
    if (MaybeError error = activities->ForEachRow([&](const Statement& row) {
          sink.OnActivity(AnalyticsActivityRecord{row.ColumnText(0), row.ColumnText(1)});
        })) {
      return error;
    }
    if (MaybeError error = facts->ForEachRow([&](const Statement& row) {
          AnalyticsFactRecord fact = ReadFact(row, 2);
          fact.pseudonym = row.ColumnText(0);
          fact.activity_id = row.ColumnText(1);
          sink.OnFact(fact);
        })) {
      return error;
    }
    if (MaybeError error = rollups->ForEachRow([&](const Statement& row) {
          sink.OnRollup(
              AnalyticsRollupRecord{row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2)});
        })) {
      return error;
    }
    // Read only: ending it either way releases the snapshot.
    return tx->Commit();
  }

  Result<int64_t> ExpireFacts(int64_t before_us, const AnalyticsRollUp& roll_up) override {
    Walk walk;
    int64_t folded = 0;
    while (!walk.done) {
      // The runner may run the batch on another thread; this one waits for
      // it, so `walk` and `roll_up` outlive it.
      Result<int64_t> batch = writes_([&](Database& db) {
        return ExpireFactsBatch(db, before_us, roll_up, options_, walk);
      });
      if (!batch.ok()) return batch.error();
      folded += *batch;
    }
    return folded;
  }

 private:
  std::mutex read_mutex_;
  std::unique_ptr<Database> reads_;
  WriteRunner writes_;
  AnalyticsStoreOptions options_;
};

}  // namespace

const char* AnalyticsUpsertSql(AnalyticsRule rule) {
  switch (rule) {
    case AnalyticsRule::kBest:
      return kUpsertBest;
    case AnalyticsRule::kSum:
      return kUpsertSum;
    case AnalyticsRule::kFirst:
      break;
  }
  return kUpsertFirst;
}

std::string EncodeCohort(const std::vector<std::string>& values) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const std::string& value : values) {
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> DecodeCohort(std::string_view encoded) {
  std::vector<std::string> values;
  rapidjson::Document document;
  document.Parse(encoded.data(), encoded.size());
  if (document.HasParseError() || !document.IsArray()) return values;
  for (const auto& value : document.GetArray()) {
    if (value.IsString()) values.emplace_back(value.GetString(), value.GetStringLength());
  }
  return values;
}

WriteRunner WritesOnWriterThread(StatementWriter& writer) {
  return [&writer](const WriteTask& batch) -> Result<int64_t> {
    return writer
        .RunExclusive<int64_t>([&batch](Database& db, Database&) { return batch(db); })
        .get();
  };
}

WriteRunner DirectWrites(Database& db) {
  return [&db](const WriteTask& batch) { return batch(db); };
}

Result<std::unique_ptr<AnalyticsStore>> OpenAnalyticsStore(const std::string& statement_db_path,
                                                           WriteRunner writes,
                                                           AnalyticsStoreOptions options) {
  if (!writes) return StorageError("analytics: no writer given");
  if (options.pairs_per_batch == 0 || options.pairs_examined == 0) {
    return StorageError("analytics: batch limits must be positive");
  }
  Result<std::unique_ptr<Database>> reads = OpenStatementDatabase(statement_db_path);
  if (!reads.ok()) return reads.error();
  return std::unique_ptr<AnalyticsStore>(
      new SqliteAnalyticsStore(std::move(*reads), std::move(writes), options));
}

}  // namespace lrs::storage
