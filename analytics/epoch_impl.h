#pragma once
// The released epoch (internal): the catalogue, the cohort space and every
// protected cell, indexed by (activity, table, by-combination, period), so
// Query is a lookup plus rendering; only the funnel computes, from the
// per-activity completer sets. Immutable once built.

#include <map>
#include <string>
#include <vector>

#include "analytics/epoch.h"
#include "analytics/funnel.h"
#include "analytics/lattice.h"
#include "analytics/released.h"

namespace lrs::analytics {

class EpochImpl final : public Epoch {
 public:
  const std::string& id() const override { return id_; }
  int64_t as_of_us() const override { return as_of_us_; }
  const EpochConfig& config() const override { return config_; }
  const std::vector<TableInfo>& Tables() const override;
  const std::vector<ActivityInfo>& Activities() const override { return infos_; }
  Result<std::vector<Row>> Query(const TableRequest& request) const override;
  UtilityReport Utility() const override { return utility_; }

 private:
  friend class EpochBuilder;

  std::string id_;
  int64_t as_of_us_ = 0;
  EpochConfig config_;
  int k_ = 5;
  CohortSpace space_;
  std::vector<ActivityInfo> infos_;
  std::map<std::string, int> activity_ids_;
  std::vector<ReleasedActivity> activities_;  // in infos_ order (sorted by IRI)
  UtilityReport utility_;
  mutable FunnelCache funnels_;  // protected funnel lattices per step list (thread-safe memo)
};

}  // namespace lrs::analytics
