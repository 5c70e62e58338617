#pragma once
// The analytics library's configuration, read from the manifest: k, the
// cohort dimensions (in manifest order, as ingest writes Fact::cohort), the
// pass mark and the required training. The epoch build and retention's
// roll-up use this one function, so the inner cells retention folds are the
// cells the epochs read. Pure; thread-safe.

#include "analytics/epoch.h"
#include "plugin/app/manifest.h"

namespace lrs::plugin {

analytics::EpochConfig EpochConfigOf(const Manifest& manifest);

}  // namespace lrs::plugin
