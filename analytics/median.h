#pragma once
// Medians for statistic rows (ANALYTICS.md: no minimum, maximum or single
// learner's value ever). Shown only for groups of at least k learners with a
// value; the middle two are averaged for an even count; rounded (seconds to
// whole seconds, scaled scores to 0.001) so a value is a statistic of the
// group, not a learner's exact record.

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace lrs::analytics {

// `values` sorted ascending. nullopt when fewer than k.
inline std::optional<double> MedianOfAtLeastK(const std::vector<double>& values, int k, double unit) {
  if (values.empty() || static_cast<int64_t>(values.size()) < std::max(k, 1)) return std::nullopt;
  const size_t n = values.size();
  const double m = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  return std::round(m / unit) * unit;
}

}  // namespace lrs::analytics
