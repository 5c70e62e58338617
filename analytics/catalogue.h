#pragma once
// The fixed catalogue (issue 16, "The catalogue"): the tables an analyst may
// request, their parameters and measures. Nothing outside it is ever
// computed, so protection can be worked out for everything at once.

#include <string>
#include <vector>

#include "analytics/epoch.h"

namespace lrs::analytics {

enum class TableId { kOutcomes, kScores, kFunnel, kDurations, kActive, kInteractions, kRequired };
inline constexpr int kTableCount = 7;

const std::vector<TableInfo>& Catalogue();
// The catalogue index of `id`, or -1.
int TableIndex(const std::string& id);

// Interaction types whose responses are choices (shown); others never are.
bool IsChoiceInteraction(const ActivityInfo& activity);

}  // namespace lrs::analytics
