#pragma once
// Between storage's analytics rows (storage/analytics_store.h) and the
// analytics library's values (analytics/fact.h, analytics/epoch.h): storage
// keeps a fact's kind as a number and an activity's definition as JSON text;
// analytics wants an enum and the few parts of a definition the catalogue
// shows. One place converts, for the epoch build and for retention's
// roll-up alike. Pure; thread-safe.

#include <optional>
#include <vector>

#include "analytics/epoch.h"
#include "analytics/fact.h"
#include "storage/analytics_store.h"

namespace lrs::plugin {

// nullopt for a kind this program does not know (a newer store): such a fact
// is left out rather than guessed at.
std::optional<analytics::Fact> FactFromRecord(const storage::AnalyticsFactRecord& record);

// The definition's name (a language map, "{}" when absent or not an object),
// type and interactionType (empty when absent or not strings).
analytics::ActivityInfo ActivityFromRecord(const storage::AnalyticsActivityRecord& record);

analytics::RolledCell RolledFromRecord(const storage::AnalyticsRollupRecord& record);

// Retention's roll-up (AnalyticsStore::ExpireFacts): one learner's facts on
// one activity, folded by analytics::RollUp into inner-cell counts.
storage::AnalyticsRollUp MakeRollUp(analytics::EpochConfig config);

}  // namespace lrs::plugin
