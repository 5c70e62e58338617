#pragma once
// What analytics reads about learners: one fact per (learner, activity,
// kind), written at ingest by storage in the statement's transaction.
// Each fact has one place (ANALYTICS.md, "Tables: additive by construction"):
// the time and cohort values of the statement that first made it true (for
// kScore: of the statement with the best score), so every table is a sum of
// inner cells. Plain data, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lrs::analytics {

enum class FactKind : uint8_t {
  kActive = 0,     // any statement about the activity (first)
  kAttempted = 1,  // ADL/cmi5 attempted, launched, initialized (first)
  kCompleted = 2,  // verb completed, or result.completion true (first);
                   // value: that statement's result.duration in seconds, if any
  kPassed = 3,     // verb passed, or result.success true (first)
  kFailed = 4,     // verb failed, or result.success false (first)
  kScore = 5,      // result.score.scaled; value: the best; placed at the best
  kTimeSpent = 6,  // value: the sum of result.duration seconds of every statement
  kResponse = 7,   // an interaction's first answer: detail = result.response,
                   // value = result.success as 1 or 0 (absent if not said)
};

// The cohort value of a learner whose statement did not say.
inline constexpr const char* kNoCohortValue = "(none)";

struct Fact {
  std::string learner;   // pseudonym, opaque
  std::string activity;  // the activity's IRI
  FactKind kind = FactKind::kActive;
  int64_t at_us = 0;                // the statement's timestamp (UTC, microseconds)
  std::vector<std::string> cohort;  // one value per cohort dimension, manifest order
  std::optional<double> value;
  std::string detail;
};

}  // namespace lrs::analytics
