#pragma once
// What one statement adds to the analytics facts (analytics/fact.h;
// storage::AnalyticsFactUpdate), read from the statement as it will be
// stored: scrubbed by the manifest's keep, consent applied, pseudonymized.
// So a learner without consent, withheld by the consent filter, has no
// pseudonym in the statement and gets no fact.
//
// Definitions (the README states them; tests pin them):
//  - Only an Agent actor with a pseudonym and an Activity object make facts
//    (a Group is not a learner; an anonymous one has nobody to erase).
//  - kActive: every such statement.
//  - kAttempted: the verbs attempted, launched, initialized (ADL's IRIs,
//    which cmi5 uses, and the same names under w3id.org/xapi/adl/verbs/).
//  - kCompleted: the verb completed, cmi5's satisfied (the LMS says the
//    learner met the block's or course's moveOn criteria: completion of that
//    activity), or result.completion true; value: result.duration in seconds.
//    cmi5's waived is not a completion: the learner was exempted, and
//    counting them as completers would report training as done that nobody
//    did; a waived statement makes the learner active only.
//  - kPassed: the verb passed; else result.success true. kFailed: the verb
//    failed; else result.success false. (A verb decides over a contradicting
//    result.success, so one statement never makes both.)
//  - kScore: result.score.scaled (value).
//  - kTimeSpent: result.duration in seconds (the store sums them).
//  - kResponse: an interaction (definition.type cmi.interaction, or a
//    definition.interactionType; or no definition in the statement, since
//    the canonical one may say so: the epoch keeps only activities whose
//    canonical definition is an interaction) answered (result.response or
//    result.success given). value: result.success as 1 or 0 if given.
//    detail: result.response only when it cannot be free text: the
//    statement's interactionType is choice or likert and the response is a
//    list of ids ("a[,]b"), or true-false and it is "true" or "false", or the
//    statement gives no interactionType and the response looks like ids
//    (kResponseIdPattern). Else empty: free text is never stored there.
//  - at_us: the statement's timestamp; none: the writer uses its `stored`.
//  - cohort: one value per dimension, see CohortValue.
//
// Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/statement_record.h"
#include "xapi/json.h"

namespace lrs::plugin {

// Where a cohort dimension's value is read (manifest cohort_dimensions).
struct CohortSource {
  bool platform = false;      // context.platform
  std::string extension_iri;  // else context.extensions[extension_iri]
};

// Cohort values longer than this many bytes are reported as kOtherCohortValue:
// a cohort is a group (department, site), and a long value is more likely an
// identifier or free text than a group's name.
inline constexpr size_t kMaxCohortValueBytes = 64;
inline constexpr char kOtherCohortValue[] = "(other)";

// The value of `source` in `statement`: a string as is, other JSON as its
// compact text; analytics::kNoCohortValue when absent, null or ""; capped.
std::string CohortValue(const xapi::JsonValue& statement, const CohortSource& source);

// One response id (kResponseIdPattern: [A-Za-z0-9_.:-]{1,64}, joined by
// "[,]") and at most this many of them.
inline constexpr size_t kMaxResponseIds = 32;

// The facts of `statement` (see the top of this file). `timestamp_us` is the
// statement's parsed timestamp, if any.
std::vector<storage::AnalyticsFactUpdate> AnalyticsFactsOf(
    const xapi::JsonValue& statement, const std::optional<int64_t>& timestamp_us,
    const std::vector<CohortSource>& cohort);

}  // namespace lrs::plugin
