// lrs purge: one retention pass over a stopped server's data directory
// (storage/retention.h), the same pass `lrs serve` runs every day
// (plugin/privacy/retention_timer.h).
//
// It takes the data directory lock (plugin/app/data_dir_lock.h): a running
// server's caches (remembered identities, activity definitions) would not
// know what the purge deleted, so the two never run together. Offline there
// is no cache to tell. The time retention is measured from is a flag, so a
// test or an operator can ask "what would be gone on that day" exactly.

#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/app/data_dir_lock.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "plugin/analytics/analytics_config.h"
#include "plugin/analytics/fact_records.h"
#include "plugin/privacy/retention_timer.h"
#include "storage/analytics_facts.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/erasure.h"
#include "storage/retention.h"
#include "storage/schema.h"
#include "storage/statement_writer.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

constexpr char kPurgeUsage[] =
    "usage: lrs purge [--data DIR] [--manifest FILE] [--now TIMESTAMP]\n"
    "\n"
    "Deletes individual-level data past the manifest's retention, in batches:\n"
    "statements stored, and State and Agent Profile documents updated, more than\n"
    "retention.statements_days ago (with attachment data no remaining statement\n"
    "names), learner facts last updated more than retention.facts_days ago\n"
    "(analytics facts are first folded into counts, so tables for old periods\n"
    "keep their numbers: \"rolled_up\" learner-activity pairs), and sealed\n"
    "identities that no remaining statement or document refers to.\n"
    "Consent history, the audit trail and learner data keys are kept. A running\n"
    "'lrs serve' does the same every day; purge refuses to run beside one (exit\n"
    "status 2) and never needs the key file.\n"
    "\n"
    "  --data DIR         data directory (default var/data)\n"
    "  --manifest FILE    data manifest (default manifests/default.json), for its\n"
    "                     retention\n"
    "  --now TIMESTAMP    measure retention from this time instead of the clock,\n"
    "                     an ISO 8601 timestamp such as 2030-01-01T00:00:00Z\n"
    "\n"
    "Prints one JSON object on one line:\n"
    "  {\"now\": T, \"statements_before\": T, \"facts_before\": T,\n"
    "   \"deleted\": {\"statements\": N, \"documents\": N, \"facts\": N,\n"
    "               \"attachments\": N, \"identities\": N},\n"
    "   \"rolled_up\": N}\n"
    "where T are UTC timestamps: rows older than the *_before times were deleted\n"
    "(a *_before is null when the retention reaches back further than time can\n"
    "count: nothing is that old).\n";

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

// A cutoff's time, or null for the earliest time there is (CutoffsAt's answer
// to a retention longer than int64 microseconds reach), which is no date.
std::string CutoffJson(int64_t before_us) {
  return before_us == std::numeric_limits<int64_t>::min()
             ? "null"
             : Quoted(xapi::FormatTimestamp(before_us));
}

std::string ReportJson(int64_t now_us, const storage::RetentionCutoffs& cutoffs,
                       const storage::ExpiredCounts& deleted, int64_t rolled_up) {
  return "{\"now\": " + Quoted(xapi::FormatTimestamp(now_us)) +
         ", \"statements_before\": " + CutoffJson(cutoffs.statements_before_us) +
         ", \"facts_before\": " + CutoffJson(cutoffs.facts_before_us) +
         ", \"deleted\": {\"statements\": " + std::to_string(deleted.statements) +
         ", \"documents\": " + std::to_string(deleted.documents) +
         ", \"facts\": " + std::to_string(deleted.facts) +
         ", \"attachments\": " + std::to_string(deleted.attachments) +
         ", \"identities\": " + std::to_string(deleted.identities) +
         "}, \"rolled_up\": " + std::to_string(rolled_up) + "}";
}

}  // namespace

int RunPurgeCommand(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args, {"--data", "--manifest", "--now"}, {"--help"});
  if (!parsed.ok()) return ReportUsageError("purge", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kPurgeUsage;
    return 0;
  }
  int64_t now_us = storage::SystemClockMicros();
  if (auto now = parsed->Value("--now")) {
    auto given = xapi::ParseTimestampMicros(*now, xapi::Version::k1_0);
    if (!given)
      return ReportUsageError("purge", "--now must be an ISO 8601 timestamp, got " + *now);
    now_us = *given;
  }
  auto manifest = LoadManifest(parsed->Value("--manifest").value_or("manifests/default.json"));
  if (!manifest.ok()) return ReportFailure("purge", manifest.error());

  const DataPaths paths =
      ResolveDataPaths(parsed->Value("--data").value_or("var/data"), manifest->key_file);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(paths.statement_db, ec)) {
    std::cerr << "lrs: purge: no statement database at " << paths.statement_db << "\n";
    return 2;
  }
  auto lock = DataDirLock::Acquire(paths.data_dir);
  if (!lock.ok()) return ReportFailure("purge", lock.error());

  auto db = storage::OpenStatementDatabase(paths.statement_db);
  if (!db.ok()) return ReportFailure("purge", db.error());
  const storage::RetentionCutoffs cutoffs =
      storage::CutoffsAt(now_us, manifest->statement_retention_days, manifest->fact_retention_days);
  storage::Database& database = **db;
  // Analytics facts are folded into counts before anything is deleted
  // (plugin/privacy/retention_timer.h, invariant 4).
  auto analytics = storage::OpenAnalyticsStore(paths.statement_db, storage::DirectWrites(database));
  if (!analytics.ok()) return ReportFailure("purge", analytics.error());
  auto rolled_up = RollUpExpiredFacts(analytics->get(), cutoffs.facts_before_us,
                                      MakeRollUp(EpochConfigOf(*manifest)));
  if (!rolled_up.ok()) return ReportFailure("purge", rolled_up.error());
  auto deleted = storage::ExpireAll([&](const storage::RetentionCursor& from) {
    return storage::ExpireBatch(database, cutoffs, from);
  });
  if (!deleted.ok()) return ReportFailure("purge", deleted.error());
  // secure_delete zeroed the rows in the database file; the write-ahead log
  // still holds their inserts until it is checkpointed and cut. Done here
  // explicitly (closing the last connection usually does it too) and
  // reported if it fails. Offline no reader can hold it up; the server's
  // daily pass leaves it to SQLite's own checkpoints rather than stall
  // ingest waiting for readers.
  const storage::ExpiredCounts& d = *deleted;
  if (d.Total() > 0 || *rolled_up > 0) {
    if (MaybeError error = storage::CheckpointAndTruncate(database))
      return ReportFailure("purge", *error);
    // A privacy action: audited like the server's daily pass (counts only).
    auto audit = storage::AuditLog::Open(paths.statement_db, paths.key_store);
    if (!audit.ok()) return ReportFailure("purge", audit.error());
    auto recorded = (*audit)->Append(storage::NewAuditEntry{
        "lrs", "system", "retention.purge", "retention", RetentionAuditDetail(d).ToJson(), {}});
    if (!recorded.ok()) return ReportFailure("purge", recorded.error());
  }
  std::cout << ReportJson(now_us, cutoffs, *deleted, *rolled_up) << std::endl;
  return 0;
}

}  // namespace lrs::plugin
