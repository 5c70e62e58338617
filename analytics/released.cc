#include "analytics/released.h"

#include "analytics/period.h"

namespace lrs::analytics {

std::vector<std::pair<std::string, std::string>> GroupDimensions(const std::string& activity,
                                                                 const CohortSpace& space,
                                                                 const std::vector<int>& by, int combo,
                                                                 int gran, uint32_t v0, uint32_t v1,
                                                                 int32_t period) {
  std::vector<std::pair<std::string, std::string>> dims;
  dims.reserve(4 + by.size());
  dims.emplace_back("activity", activity);
  const std::vector<int>& stored = space.combos[combo];  // ascending: v0 is stored[0]
  for (int dim : by) {
    const uint32_t value = (!stored.empty() && stored[0] == dim) ? v0 : v1;
    dims.emplace_back(space.dims[dim], space.values[dim][value]);
  }
  if (gran != 0) dims.emplace_back("period", FormatDay(period));
  return dims;
}

bool InWindow(const TableRequest& request, int gran, int32_t period) {
  if (gran == 0) return true;
  const Period p = PeriodOfGranularity(gran);
  if (request.to_day && period > *request.to_day) return false;
  if (request.from_day && PeriodEnd(p, period) - 1 < *request.from_day) return false;
  return true;
}

}  // namespace lrs::analytics
