#pragma once
// The funnel (issue 16): step i counts the learners who completed steps 1 to
// i, each placed where they completed step 1 (their outcome place on it), so
// step 1 is exactly the outcomes table's `completed` and follows its
// protection pattern. It is computed per request from per-learner completion
// sets, so its own rule is order-independent and local to one group (one
// by-combination value and period):
//  - step 1 is shown exactly when the outcomes `completed` cell of the group
//    is; when it is hidden every step of the group is hidden (a later step
//    equal to it would reveal it);
//  - step i >= 2 is shown only if its count is 0 or at least k and, for
//    every proper subset S of steps 1..i that holds step 1, the learners who
//    completed all of S minus those who completed all of steps 1..i is 0 or
//    at least k: no difference of two nested funnels, in any order of the
//    same steps, isolates fewer than k learners.
// Not covered: differences between groups of one breakdown (a total step
// minus the visible departments' steps); the funnel is outside the blocks'
// linear systems. Said in the README.

#include <vector>

#include "analytics/epoch.h"
#include "analytics/lattice.h"
#include "analytics/released.h"

namespace lrs::analytics {

// `steps`: catalogue indices of 2..10 distinct activities; `by`: the
// request's dimensions as indices, `combo` their combination. Rows ordered
// by group, then step.
std::vector<Row> FunnelRows(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                            const CohortSpace& space, const TableRequest& request,
                            const std::vector<int>& by, int combo, int k);

}  // namespace lrs::analytics
