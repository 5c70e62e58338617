#pragma once
// The SQLite AnalyticsStore (storage/analytics_store.h) over the statement
// database's analytics_facts and analytics_rollups (schema.cc, version 8),
// and the pieces of those tables the writer shares (the upsert of each rule,
// the cohort's encoding).
//
// Where its work runs:
//  - ReadSnapshot reads through a connection of its own, in one read
//    transaction (WAL: it never blocks the writer, nor sees half a group).
//  - ExpireFacts writes. Every write to the statement database must go
//    through the one writer while a server runs (storage/statement_writer.h),
//    so the store does not write itself: it hands each batch, a function of
//    the write connection, to the WriteRunner it was opened with.
//    WritesOnWriterThread runs each batch as its own
//    StatementWriter::RunExclusive task, so group commits run between
//    batches; DirectWrites runs them on a connection of the caller's (the
//    CLI without a server, tests).
//
// Thread safety: ReadSnapshot and ExpireFacts may be called from any thread,
// concurrently (snapshots are serialized among themselves).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/analytics_store.h"
#include "xapi/result.h"

namespace lrs::storage {

class Database;
class StatementWriter;

// The kinds whose upsert rule is not "first wins" (analytics::FactKind's
// values; the plugin checks they agree). Storage interprets no other kind.
inline constexpr int kAnalyticsScoreKind = 5;
inline constexpr int kAnalyticsTimeSpentKind = 6;

// How far behind the newest `stored` that touched it a fact's updated_us may
// be: a statement that changes nothing about a fact rewrites it only to move
// updated_us forward by at least this much (a day). Retention works in whole
// days; so a (learner, activity) expires at most a day before facts_days
// after its newest statement.
inline constexpr int64_t kAnalyticsTouchUs = int64_t{86400} * 1000 * 1000;

// The upsert rules of statement_record.h (AnalyticsFactUpdate).
enum class AnalyticsRule { kFirst, kBest, kSum };

// The INSERT ... ON CONFLICT of a rule, with parameters ?1 pseudonym,
// ?2 activity_id, ?3 kind, ?4 at_us, ?5 cohort (EncodeCohort), ?6 value (or
// NULL), ?7 detail, ?8 updated_us. A static string.
const char* AnalyticsUpsertSql(AnalyticsRule rule);

// The cohort column: a compact JSON array of strings. DecodeCohort of
// anything else (it is only ever written by EncodeCohort) gives no values.
std::string EncodeCohort(const std::vector<std::string>& values);
std::vector<std::string> DecodeCohort(std::string_view encoded);

// Runs `batch` with the statement database's write connection, returning what
// it returns. The batch owns its transaction.
using WriteTask = std::function<Result<int64_t>(Database& db)>;
using WriteRunner = std::function<Result<int64_t>(const WriteTask& batch)>;

// Each batch becomes one RunExclusive task of `writer`, which must outlive
// the runner; the caller waits for it (so never call from the writer thread).
WriteRunner WritesOnWriterThread(StatementWriter& writer);
// Each batch runs at once on `db`, which must outlive the runner.
WriteRunner DirectWrites(Database& db);

struct AnalyticsStoreOptions {
  // (learner, activity) pairs folded per batch, each batch one transaction.
  // 500 pairs of a few facts each keep a batch to milliseconds of the writer.
  size_t pairs_per_batch = 500;
  // Pairs examined per batch, expired or not: the walk over the primary key
  // (there is no index on updated_us, schema.cc version 8) stops there, so a
  // batch's cost is bounded even when few pairs expire.
  size_t pairs_examined = 5000;
};

// Opens a read connection to the statement database at `path` (migrating it
// if needed). Errors: 500.
Result<std::unique_ptr<AnalyticsStore>> OpenAnalyticsStore(const std::string& statement_db_path,
                                                           WriteRunner writes,
                                                           AnalyticsStoreOptions options = {});

}  // namespace lrs::storage
