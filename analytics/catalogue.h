#pragma once
// The fixed catalogue (issue 16, "The catalogue"): the tables an analyst may
// request, their parameters and measures. Nothing outside it is ever
// computed, so protection can be worked out for everything at once.
//
// Definitions, in one place (details beside the code that implements them):
//  - Learners are counted by pseudonym, each at most once per activity and
//    measure, in one place: the day (UTC) and cohort values of the
//    statement that first made the measure true. So every cell is a sum of
//    inner cells (category, day, cohort tuple) and every total is exactly
//    the sum of its parts (standing.h has each measure's placing fact).
//  - outcomes: one partition per activity, each attempter in exactly one
//    final state (passed, failed, completed without a result, attempted
//    only); attempted = all four, completed = the first three. Only-active
//    learners are not attempters (standing.h).
//  - scores: each learner's best scaled score, once, in "below-0",
//    "0.0-0.1" ... "0.9-1.0" (1.0 in the last bin); bins wholly below the
//    pass mark are sensitive. median_scaled for groups of at least k.
//  - durations: median_duration_s of completers (the completing statement's
//    duration), median_time_spent_s (summed durations), each for groups of
//    at least k learners with a value; never a minimum, maximum or single value.
//  - active: learners with any statement about the activity, at their first.
//  - interactions: only cmi.interaction activities of type choice,
//    true-false or likert; learners per first response (as given, e.g.
//    "a[,]c"), correct/incorrect from its success. incorrect, and any
//    response some learner got wrong, are sensitive. Rows name the response
//    in a last dimension "response".
//  - required: the population is every learner with a statement in the
//    epoch, placed at their first statement on any activity; each is
//    on_time (completed on or before the due day, or within N days of that
//    first statement), late, or not_done. late and not_done are sensitive.
//  - funnel: see funnel.h.
//  - Cohort values held by fewer than k distinct learners in the whole epoch,
//    and responses held by fewer than k on their question, are recoded to
//    "(other)" before anything; a missing value is "(none)".
//  - Protection per block (one activity, one table's measures) over every
//    by-combination of 0 to 2 dimensions and every period at once: the
//    homogeneity rule (protection.h), then anonymizer::Suppress.
//  - Rows: dimensions "activity", each `by` dimension named by its id,
//    "period" (the period's first day) unless all, then "step", "bin" or
//    "response"; a hidden cell has no count and `suppressed` true, one label
//    whatever hid it. from/to only select period rows (periods overlapping
//    the window, whole), never a new aggregate.
//  - Breakdowns by period: the whole population by day, week, month or all;
//    one or two cohort dimensions by month or all (MaxBreakdownDims).
//  - Errors: 400 with the parameter as path: table, activity, by, period,
//    steps, from.

#include <string>
#include <vector>

#include "analytics/epoch.h"

namespace lrs::analytics {

enum class TableId { kOutcomes, kScores, kFunnel, kDurations, kActive, kInteractions, kRequired };
inline constexpr int kTableCount = 7;

const std::vector<TableInfo>& Catalogue();
// The catalogue index of `id`, or -1.
int TableIndex(const std::string& id);

// The most cohort dimensions a request may break a table down by at
// `period`: 2 for all and month, 0 for day and week. Daily and weekly cells
// of a department (or a pair) hold a learner or two at most sizes, so they
// are hidden almost everywhere, and protecting them against the totals and
// months that are shown cost most of an epoch: at 20,000 learners, 50
// activities and 365 days the epoch took 369 s with them and 45 s without,
// and the share of cells of at least k shown rose from 65% to 84%
// (bench/results/analytics-2026-12-08-offered.md). Trends per cohort come
// by month.
int MaxBreakdownDims(Period period);

// Interaction types whose responses are choices (shown); others never are.
bool IsChoiceInteraction(const ActivityInfo& activity);

}  // namespace lrs::analytics
