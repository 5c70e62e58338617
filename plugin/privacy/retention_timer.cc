#include "plugin/privacy/retention_timer.h"

#include <iostream>
#include <string>
#include <utility>

#include "plugin/keys/identity_vault.h"

namespace lrs::plugin {

void PrintRetentionPass(const Result<storage::ExpiredCounts>& pass) {
  if (!pass.ok()) {
    std::cerr << "lrs: retention: " << pass.error().message << std::endl;
    return;
  }
  if (pass->Total() == 0) return;
  std::cout << "lrs: retention: " << DescribeExpired(*pass) << std::endl;
}

std::string DescribeExpired(const storage::ExpiredCounts& c) {
  return "deleted " + std::to_string(c.statements) + " statements, " + std::to_string(c.documents) +
         " documents, " + std::to_string(c.facts) + " facts, " + std::to_string(c.attachments) +
         " attachments, " + std::to_string(c.identities) + " identities";
}

AuditDetail RetentionAuditDetail(const storage::ExpiredCounts& c) {
  AuditDetail detail;
  detail.Count("statements", c.statements)
      .Count("documents", c.documents)
      .Count("facts", c.facts)
      .Count("attachments", c.attachments)
      .Count("identities", c.identities);
  return detail;
}

Result<int64_t> RollUpExpiredFacts(storage::AnalyticsStore* analytics, int64_t facts_before_us,
                                   const storage::AnalyticsRollUp& roll_up) {
  if (analytics == nullptr || !roll_up) return int64_t{0};
  return analytics->ExpireFacts(facts_before_us, roll_up);
}

RetentionTimer::RetentionTimer(Options options, storage::StatementWriter& writer,
                               IdentityVault& vault)
    : options_(std::move(options)), writer_(writer), vault_(vault) {
  if (!options_.on_pass) options_.on_pass = PrintRetentionPass;
  if (!options_.clock) options_.clock = storage::SystemClockMicros;
  thread_ = std::thread(&RetentionTimer::Run, this);
}

RetentionTimer::~RetentionTimer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionTimer::Run() {
  for (;;) {
    Result<storage::ExpiredCounts> pass = Pass();
    options_.on_pass(pass);
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, options_.period, [this] { return stopping_.load(); })) return;
  }
}

Result<storage::ExpiredCounts> RetentionTimer::Pass() {
  const storage::RetentionCutoffs cutoffs = storage::CutoffsAt(
      options_.clock(), options_.statement_retention_days, options_.fact_retention_days);
  Result<int64_t> folded =
      RollUpExpiredFacts(options_.analytics, cutoffs.facts_before_us, options_.roll_up);
  if (!folded.ok()) return folded.error();
  if (*folded > 0) {
    std::cout << "lrs: retention: rolled " << *folded
              << " learner-activity pairs of analytics facts into counts" << std::endl;
  }
  const storage::RetentionLimits limits = options_.limits;
  storage::ExpiryObserver* observer = options_.observer;
  IdentityVault* vault = &vault_;
  auto run_batch =
      [&](const storage::RetentionCursor& from) -> Result<storage::RetentionBatchResult> {
    return writer_
        .RunExclusive<storage::RetentionBatchResult>(
            [cutoffs, from, limits, observer, vault](storage::Database& db, storage::Database&) {
              Result<storage::RetentionBatchResult> batch =
                  storage::ExpireBatch(db, cutoffs, from, limits, observer);
              if (batch.ok() && batch->deleted.identities > 0) vault->ForgetStored();
              return batch;
            })
        .get();
  };
  return storage::ExpireAll(run_batch, [this] { return stopping_.load(); });
}

}  // namespace lrs::plugin
