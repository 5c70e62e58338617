#include "plugin/analytics/analytics_config.h"

namespace lrs::plugin {

analytics::EpochConfig EpochConfigOf(const Manifest& manifest) {
  analytics::EpochConfig config;
  config.k = manifest.k;
  for (const CohortDimension& dimension : manifest.cohort_dimensions) {
    config.cohort_dimensions.push_back(dimension.id);
  }
  config.pass_mark = manifest.analytics.pass_mark;
  config.required = manifest.analytics.required;
  return config;
}

}  // namespace lrs::plugin
