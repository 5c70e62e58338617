// Epoch::Query: validate the request, then select rows of the released
// lattice. Errors are 400s naming the parameter, never echoing a value.

#include <cmath>
#include <set>

#include "analytics/catalogue.h"
#include "analytics/epoch_impl.h"
#include "analytics/funnel.h"

namespace lrs::analytics {
namespace {

constexpr const char* kRule = "analytics catalogue";
constexpr size_t kMinSteps = 2, kMaxSteps = 10;

Error BadParameter(const std::string& parameter, const std::string& message) {
  return MakeError(400, kRule, parameter, message);
}

}  // namespace

const std::vector<TableInfo>& EpochImpl::Tables() const { return Catalogue(); }

Result<std::vector<Row>> EpochImpl::Query(const TableRequest& request) const {
  const int table = TableIndex(request.table);
  if (table < 0) return BadParameter("table", "not a table of the catalogue");
  const TableId id = static_cast<TableId>(table);

  std::vector<int> by;
  if (request.by.size() > 2) return BadParameter("by", "at most two cohort dimensions");
  for (const std::string& dim : request.by) {
    int found = -1;
    for (size_t d = 0; d < space_.dims.size(); ++d) {
      if (space_.dims[d] == dim) found = static_cast<int>(d);
    }
    if (found < 0) return BadParameter("by", "not a cohort dimension of the manifest");
    for (int seen : by) {
      if (seen == found) return BadParameter("by", "a cohort dimension named twice");
    }
    by.push_back(found);
  }
  const int combo = space_.ComboIndex(by);
  if (combo < 0) return BadParameter("by", "not a cohort combination");
  if (request.from_day && request.to_day && *request.from_day > *request.to_day)
    return BadParameter("from", "from is after to");
  const int gran = GranularityOf(request.period);
  if (static_cast<int>(by.size()) > MaxBreakdownDims(request.period))
    return BadParameter("period", "day and week are offered without by; a breakdown by cohort comes by month or all");

  if (id == TableId::kFunnel) {
    if (request.steps.size() < kMinSteps || request.steps.size() > kMaxSteps)
      return BadParameter("steps", "a funnel has 2 to 10 steps");
    std::vector<int> steps;
    std::set<int> seen;
    for (const std::string& step : request.steps) {
      auto it = activity_ids_.find(step);
      if (it == activity_ids_.end()) return BadParameter("steps", "a step is not an activity of the catalogue");
      if (!seen.insert(it->second).second) return BadParameter("steps", "a step is named twice");
      steps.push_back(it->second);
    }
    return FunnelRows(activities_, steps, space_, request, by, combo, k_, &funnels_);
  }

  std::vector<int> chosen;
  if (request.activity) {
    auto it = activity_ids_.find(*request.activity);
    if (it == activity_ids_.end()) return BadParameter("activity", "not an activity of the catalogue");
    if (!activities_[it->second].tables[table].present) {
      return BadParameter("activity", id == TableId::kInteractions
                                          ? "not a choice, true-false or likert interaction"
                                          : "not an activity of this table");
    }
    chosen.push_back(it->second);
  } else {
    for (size_t a = 0; a < activities_.size(); ++a) chosen.push_back(static_cast<int>(a));
  }

  std::vector<Row> rows;
  const size_t slice = static_cast<size_t>(combo) * kGranularities + gran;
  for (int a : chosen) {
    const ReleasedActivity& activity = activities_[a];
    const ReleasedTable& released = activity.tables[table];
    if (!released.present || slice >= released.slices.size()) continue;
    for (const ReleasedCell& cell : released.slices[slice]) {
      if (!InWindow(request, gran, cell.period)) continue;
      const MeasureLabel& m = released.measures[cell.measure];
      Row row;
      row.dimensions = GroupDimensions(activity.info.id, space_, by, combo, gran, cell.v0, cell.v1, cell.period);
      if (!m.label_dim.empty()) row.dimensions.emplace_back(m.label_dim, m.label);
      row.measure = m.name;
      row.suppressed = cell.hidden;
      if (!cell.hidden) {
        if (cell.statistic) {
          // Stored as float; medians are rounded to 0.001 at most, so round back.
          row.value = std::round(static_cast<double>(cell.number) * 1000.0) / 1000.0;
        } else {
          row.learners = static_cast<int64_t>(cell.number);
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace lrs::analytics
