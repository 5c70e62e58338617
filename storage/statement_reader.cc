#include "storage/statement_reader.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "storage/read_pool.h"
#include "storage/schema.h"
#include "storage/statement_query.h"
#include "storage/transaction.h"

namespace lrs::storage {
namespace {

StoredStatement ReadStored(const Statement& row) {
  StoredStatement stored;
  stored.seq = row.ColumnInt(0);
  stored.id = row.ColumnText(1);
  stored.json = row.ColumnText(2);
  stored.stored_us = row.ColumnInt(3);
  stored.voided = row.ColumnInt(4) != 0;
  return stored;
}

// Runs a query of at most one row and one integer column; nullopt when it
// returns no row or NULL.
Result<std::optional<int64_t>> QueryInt(ReadPool::Lease& lease, const std::string& sql,
                                        std::optional<int64_t> param = std::nullopt) {
  Result<Statement*> stmt = lease.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  if (param) (*stmt)->Bind(1, *param);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.error();
  if (!*row || (*stmt)->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>((*stmt)->ColumnInt(0));
}

// The page's seq range (low, high]; empty when low >= high.
struct SeqRange {
  int64_t low = 0;
  int64_t high = 0;
};

// Turns paging state and since/until into a seq range. since/until become
// seq bounds because stored_us never decreases as seq grows (StatementWriter
// invariant 4); each bound is one lookup in the stored_us index.
Result<SeqRange> PageRange(ReadPool::Lease& lease, const StatementFilter& filter,
                           int64_t snapshot) {
  SeqRange range{0, snapshot};
  if (filter.after_seq > 0) {
    if (filter.ascending) {
      range.low = std::max(range.low, filter.after_seq);
    } else {
      range.high = std::min(range.high, filter.after_seq - 1);
    }
  }
  if (filter.since_us) {
    Result<std::optional<int64_t>> first = QueryInt(
        lease, "SELECT seq FROM statements WHERE stored_us > ?1 ORDER BY stored_us, seq LIMIT 1",
        *filter.since_us);
    if (!first.ok()) return first.error();
    if (!*first) return SeqRange{};
    range.low = std::max(range.low, **first - 1);
  }
  if (filter.until_us) {
    Result<std::optional<int64_t>> last =
        QueryInt(lease,
                 "SELECT seq FROM statements WHERE stored_us <= ?1 "
                 "ORDER BY stored_us DESC, seq DESC LIMIT 1",
                 *filter.until_us);
    if (!last.ok()) return last.error();
    if (!*last) return SeqRange{};
    range.high = std::min(range.high, **last);
  }
  return range;
}

void BindTargetFilters(Statement& stmt, const StatementFilter& filter) {
  if (filter.agent_pseudonym) stmt.Bind(kParamAgent, *filter.agent_pseudonym);
  if (filter.verb_id) stmt.Bind(kParamVerb, *filter.verb_id);
  if (filter.activity_id) stmt.Bind(kParamActivity, *filter.activity_id);
  if (filter.registration) stmt.Bind(kParamRegistration, *filter.registration);
}

// Counts at most `cap` rows of a count query built by statement_query.h.
Result<int64_t> CountCapped(ReadPool::Lease& lease, const std::string& sql,
                            const StatementFilter& filter, int64_t snapshot, int64_t cap) {
  Result<Statement*> stmt = lease.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  BindTargetFilters(**stmt, filter);
  (*stmt)->Bind(kParamSnapshot, snapshot).Bind(kParamLimit, cap);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.error();
  return *row ? (*stmt)->ColumnInt(0) : 0;
}

// Picks the cheaper start for the StatementRef closure (statement_query.cc):
// counts the statements matching the filters and the StatementRefs, each up to
// a cap that grows until one side is known to be the smaller. The counting
// costs a fraction of walking the smaller side once.
Result<RefSeed> ChooseRefSeed(ReadPool::Lease& lease, const StatementFilter& filter,
                              int64_t snapshot) {
  constexpr int64_t kFirstCap = 1024;
  const std::string referrers_sql = BuildReferrerCountQuery();
  const std::string targets_sql = BuildTargetCountQuery(filter);
  for (int64_t cap = kFirstCap;; cap *= 8) {
    Result<int64_t> referrers = CountCapped(lease, referrers_sql, filter, snapshot, cap);
    if (!referrers.ok()) return referrers.error();
    if (*referrers == 0) return RefSeed::kNone;
    Result<int64_t> targets = CountCapped(lease, targets_sql, filter, snapshot, cap);
    if (!targets.ok()) return targets.error();
    if (*targets < cap || *referrers < cap) {
      return *targets <= *referrers ? RefSeed::kFromTargets : RefSeed::kFromReferrers;
    }
  }
}

}  // namespace

StatementReader::StatementReader(std::unique_ptr<ReadPool> pool) : pool_(std::move(pool)) {}

StatementReader::~StatementReader() = default;

Result<std::unique_ptr<StatementReader>> StatementReader::Open(
    const std::string& statement_db_path) {
  Result<std::unique_ptr<ReadPool>> pool =
      ReadPool::Open(statement_db_path, &MigrateStatementDatabase);
  if (!pool.ok()) return pool.error();
  return std::unique_ptr<StatementReader>(new StatementReader(std::move(*pool)));
}

Result<std::optional<StoredStatement>> StatementReader::FindById(
    const std::string& id, const std::optional<std::string>& credential) {
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<Statement*> stmt = lease->Prepare(
      "SELECT seq, id, json, stored_us, voided FROM statements WHERE id = ?1"
      " AND (?2 IS NULL OR credential = ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, id).Bind(2, credential);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<StoredStatement>();
  return std::optional<StoredStatement>(ReadStored(**stmt));
}

Result<StatementPage> StatementReader::Query(const StatementFilter& filter) {
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  // One read transaction: the snapshot, the bounds and the page see the same data.
  Result<Transaction> tx = Transaction::Begin(lease->db(), Transaction::Mode::kDeferred);
  if (!tx.ok()) return tx.error();

  StatementPage page;
  page.snapshot_seq = filter.snapshot_seq;
  if (page.snapshot_seq <= 0) {
    Result<std::optional<int64_t>> newest = QueryInt(*lease, "SELECT max(seq) FROM statements");
    if (!newest.ok()) return newest.error();
    page.snapshot_seq = newest->value_or(0);
  }
  Result<SeqRange> range = PageRange(*lease, filter, page.snapshot_seq);
  if (!range.ok()) return range.error();
  if (range->low >= range->high) return page;

  RefSeed seed = RefSeed::kNone;
  if (HasTargetFilters(filter)) {
    Result<RefSeed> chosen = ChooseRefSeed(*lease, filter, page.snapshot_seq);
    if (!chosen.ok()) return chosen.error();
    seed = *chosen;
  }
  Result<Statement*> stmt = lease->Prepare(BuildStatementQuery(filter, seed));
  if (!stmt.ok()) return stmt.error();
  Statement& query = **stmt;
  // Capped so limit + 1 (the probe for has_more) cannot overflow.
  const int64_t limit = std::clamp<int64_t>(filter.limit, 1, std::numeric_limits<int32_t>::max());
  query.Bind(kParamLowSeq, range->low).Bind(kParamHighSeq, range->high);
  query.Bind(kParamLimit, limit + 1);
  BindTargetFilters(query, filter);
  if (filter.credential) query.Bind(kParamCredential, *filter.credential);
  if (seed != RefSeed::kNone) query.Bind(kParamSnapshot, page.snapshot_seq);

  for (;;) {
    Result<bool> row = query.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    if (static_cast<int64_t>(page.statements.size()) == limit) {
      page.has_more = true;
      break;
    }
    page.statements.push_back(ReadStored(query));
  }
  query.Reset();
  if (MaybeError error = tx->Commit()) return *error;
  return page;
}

Result<std::vector<SealedIdentity>> StatementReader::FindIdentities(
    const std::vector<std::string>& variant_ids) {
  std::vector<SealedIdentity> identities;
  if (variant_ids.empty()) return identities;
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<Statement*> stmt =
      lease->Prepare("SELECT variant_id, pseudonym, sealed FROM identities WHERE variant_id = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& lookup = **stmt;
  // A statement names the same person in several places; look each up once.
  const std::set<std::string> unique(variant_ids.begin(), variant_ids.end());
  for (const std::string& variant_id : unique) {
    lookup.Bind(1, variant_id);
    Result<bool> row = lookup.Step();
    if (!row.ok()) return row.error();
    if (*row) {
      identities.push_back(
          SealedIdentity{lookup.ColumnText(0), lookup.ColumnText(1), lookup.ColumnBlob(2)});
    }
    lookup.Reset();
  }
  return identities;
}

Result<std::vector<SealedIdentity>> StatementReader::FindIdentitiesByPseudonym(
    const std::string& pseudonym, int limit) {
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<Statement*> stmt = lease->Prepare(
      "SELECT variant_id, pseudonym, sealed FROM identities WHERE pseudonym = ?1"
      " ORDER BY variant_id LIMIT ?2");
  if (!stmt.ok()) return stmt.error();
  Statement& lookup = **stmt;
  lookup.Bind(1, pseudonym).Bind(2, int64_t{std::max(limit, 0)});
  return CollectRows<SealedIdentity>(lookup, [](const Statement& row) {
    return SealedIdentity{row.ColumnText(0), row.ColumnText(1), row.ColumnBlob(2)};
  });
}

Result<std::map<std::string, std::string>> StatementReader::FindActivityDefinitions(
    const std::vector<std::string>& activity_ids) {
  std::map<std::string, std::string> definitions;
  if (activity_ids.empty()) return definitions;
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<Statement*> stmt =
      lease->Prepare("SELECT definition FROM activities WHERE activity_id = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& lookup = **stmt;
  for (const std::string& id : std::set<std::string>(activity_ids.begin(), activity_ids.end())) {
    lookup.Bind(1, id);
    Result<bool> row = lookup.Step();
    if (!row.ok()) return row.error();
    if (*row) definitions.emplace(id, lookup.ColumnText(0));
    lookup.Reset();
  }
  return definitions;
}

Result<std::vector<AttachmentPayload>> StatementReader::FindAttachments(
    const std::vector<std::string>& sha2s) {
  std::vector<AttachmentPayload> found;
  if (sha2s.empty()) return found;
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<Statement*> stmt =
      lease->Prepare("SELECT owner, content_type, content FROM attachments WHERE sha2 = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& lookup = **stmt;
  std::set<std::string> seen;
  for (const std::string& sha2 : sha2s) {
    if (!seen.insert(sha2).second) continue;
    lookup.Bind(1, sha2);
    MaybeError error = lookup.ForEachRow([&found, &sha2](const Statement& row) {
      found.push_back({sha2, row.ColumnText(0), row.ColumnText(1), row.ColumnBlob(2)});
    });
    lookup.Reset();
    if (error) return *error;
  }
  return found;
}

Result<int64_t> StatementReader::CountStatements() {
  Result<ReadPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  Result<std::optional<int64_t>> count = QueryInt(*lease, "SELECT count(*) FROM statements");
  if (!count.ok()) return count.error();
  return count->value_or(0);
}

}  // namespace lrs::storage
