#pragma once
// One learner's standing on one activity: from their facts (analytics/fact.h)
// to their one place in each block. This is where the definitions live that
// make every table additive (ANALYTICS.md, "Tables: additive by construction"):
//
//  - Outcomes are ONE partition per activity. An attempter is a learner with
//    at least one outcome fact (kAttempted, kCompleted, kPassed or kFailed);
//    each has exactly one final state:
//      passed                    any kPassed fact;
//      failed                    a kFailed fact and no kPassed;
//      completed-without-result  a kCompleted fact, neither passed nor failed;
//      attempted-only            only kAttempted.
//    A learner with only kActive (or kScore, kTimeSpent, kResponse) facts on
//    an activity is not an attempter: they appear in `active` (and where their
//    values count) but in no outcome measure.
//    The measures are sums of states: attempted = all four, completed = the
//    first three, passed, failed. The learner is placed (day, cohort) by the
//    fact of their final state: the statement that first made it true.
//  - scores: one best kScore per learner, placed where that best was scored,
//    in bin "below-0" (< 0), "0.0-0.1" ... "0.9-1.0" (1.0, and anything above,
//    in the last bin).
//  - active: the first statement of any kind about the activity (kActive).
//  - durations: the completing statement's duration (kCompleted value, at the
//    kCompleted fact) and the summed time spent (kTimeSpent value and place).
//  - interactions: the first answer (kResponse detail, placed at it) and its
//    correctness from the value (1 correct, 0 incorrect, absent unknown).
//  - completion time (required training): the earliest kCompleted, kPassed or
//    kFailed fact, the moment the learner first counted as a completer.
//
// Two facts of one kind for one learner (a store should not hold them) are
// resolved deterministically: the earliest, then the smaller cohort tuple
// id, the smaller value, the smaller detail id (callers give ids in a
// sorted, order-independent numbering); for kScore the highest value.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/fact.h"

namespace lrs::analytics {

enum Outcome : uint8_t { kPassedState = 0, kFailedState = 1, kCompletedNoResult = 2, kAttemptedOnly = 3 };
inline constexpr int kOutcomeStates = 4;

inline constexpr int kScoreBins = 11;  // 0 = "below-0", b = 1..10 covers [(b-1)/10, b/10)
int ScoreBin(double scaled);
std::string ScoreBinLabel(int bin);
// Every score in the bin is below the pass mark: the bin is a sensitive category.
bool ScoreBinBelow(int bin, double pass_mark);

enum Correctness : uint8_t { kIncorrect = 0, kCorrect = 1, kCorrectnessUnknown = 2 };
inline constexpr int kCorrectnessCodes = 3;

// Where a learner is counted: the time of the placing statement and the
// caller's id of its cohort values.
struct Place {
  int64_t at_us = 0;
  uint32_t tuple = 0;
};

struct StandingFact {
  FactKind kind = FactKind::kActive;
  int64_t at_us = 0;
  uint32_t tuple = 0;
  std::optional<double> value;
  uint32_t detail = 0;
};

struct Standing {
  std::optional<Place> active;
  std::optional<Outcome> outcome;
  Place outcome_place;
  std::optional<int64_t> completed_at_us;
  std::optional<int> score_bin;
  double score = 0;
  Place score_place;
  std::optional<double> completion_duration_s;
  Place completion_place;
  std::optional<double> time_spent_s;
  Place time_spent_place;
  std::optional<uint32_t> response;  // detail id
  Correctness correctness = kCorrectnessUnknown;
  Place response_place;
};

// `facts`: every fact of one learner on one activity, in any order.
Standing StandingOf(const std::vector<StandingFact>& facts);

}  // namespace lrs::analytics
