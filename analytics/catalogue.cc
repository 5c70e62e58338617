#include "analytics/catalogue.h"

namespace lrs::analytics {

const std::vector<TableInfo>& Catalogue() {
  static const std::vector<TableInfo> tables = {
      {"outcomes",
       "Distinct learners per activity by final state: each attempter is in exactly one of passed, "
       "failed, completed without a result, attempted only; attempted counts all four, completed "
       "the first three.",
       {"activity", "by", "period", "from", "to"},
       {"attempted", "completed", "passed", "failed"}},
      {"scores",
       "Learners per scaled-score bin (each learner once per activity, at their best score), and the "
       "median best scaled score of groups of at least k learners.",
       {"activity", "by", "period", "from", "to"},
       {"learners", "median_scaled"}},
      {"funnel",
       "Step i counts the learners who completed steps 1 to i, placed where they completed step 1.",
       {"steps", "by", "period", "from", "to"},
       {"reached"}},
      {"durations",
       "Median duration of the completing statement, and median summed time spent, in seconds, for "
       "groups of at least k learners with a value.",
       {"activity", "by", "period", "from", "to"},
       {"median_duration_s", "median_time_spent_s"}},
      {"active", "Learners with any statement about the activity, placed at their first.",
       {"activity", "by", "period", "from", "to"},
       {"active"}},
      {"interactions",
       "Choice, true-false and likert questions: learners per first response, and correct or "
       "incorrect first answers. Free-text responses are never shown.",
       {"activity", "by", "period", "from", "to"},
       {"learners", "correct", "incorrect"}},
      {"required",
       "Required training: every learner active in the epoch, placed at their first statement, is on "
       "time, late or has not completed the activity.",
       {"activity", "by", "period", "from", "to"},
       {"on_time", "late", "not_done"}},
  };
  return tables;
}

int MaxBreakdownDims(Period period) { return period == Period::kAll || period == Period::kMonth ? 2 : 0; }

int TableIndex(const std::string& id) {
  const auto& tables = Catalogue();
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

bool IsChoiceInteraction(const ActivityInfo& activity) {
  // interactionType only exists on cmi.interaction definitions (xAPI Data 2.4.4.1.1);
  // an activity declaring another type is not a question.
  if (!activity.type.empty() && activity.type != "http://adlnet.gov/expapi/activities/cmi.interaction")
    return false;
  return activity.interaction_type == "choice" || activity.interaction_type == "true-false" ||
         activity.interaction_type == "likert";
}

}  // namespace lrs::analytics
