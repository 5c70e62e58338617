#pragma once
// Small hand-built fact sets for the analytics tests: a learner, an
// activity, a kind, a day and a cohort, written in one line each.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/epoch.h"
#include "analytics/period.h"

namespace lrs::analytics::testing {

inline constexpr int64_t kDayUs = 86400LL * 1000000LL;

// 2026-03-02 is a Monday.
inline int32_t Day(const std::string& ymd) { return *ParseDay(ymd); }
inline int64_t At(const std::string& ymd, int hour = 12) { return Day(ymd) * kDayUs + hour * 3600LL * 1000000LL; }

inline Fact MakeFact(const std::string& learner, const std::string& activity, FactKind kind, const std::string& ymd,
                     std::vector<std::string> cohort, std::optional<double> value = std::nullopt,
                     std::string detail = {}) {
  Fact f;
  f.learner = learner;
  f.activity = activity;
  f.kind = kind;
  f.at_us = At(ymd);
  f.cohort = std::move(cohort);
  f.value = value;
  f.detail = std::move(detail);
  return f;
}

inline EpochConfig Config(int k, std::vector<std::string> dims = {"department"}) {
  EpochConfig c;
  c.k = k;
  c.cohort_dimensions = std::move(dims);
  return c;
}

inline std::shared_ptr<const Epoch> BuildEpoch(const EpochConfig& config, const std::vector<Fact>& facts,
                                               const std::vector<ActivityInfo>& activities = {},
                                               const std::vector<RolledCell>& rolled = {}) {
  EpochBuilder b(config);
  for (const auto& a : activities) b.AddActivity(a);
  for (const auto& f : facts) b.AddFact(f);
  for (const auto& r : rolled) b.AddRolled(r);
  return b.Build("e1", 0);
}

inline std::vector<Row> Rows(const Epoch& epoch, TableRequest request) {
  auto r = epoch.Query(request);
  if (!r.ok()) return {};
  return *r;
}

inline std::string Dim(const Row& row, const std::string& name) {
  for (const auto& [n, v] : row.dimensions) {
    if (n == name) return v;
  }
  return "";
}

// The row of `measure` whose named dimensions all match; nullptr if none.
inline const Row* Find(const std::vector<Row>& rows, const std::string& measure,
                       const std::map<std::string, std::string>& dims = {}) {
  for (const Row& row : rows) {
    if (row.measure != measure) continue;
    bool all = true;
    for (const auto& [n, v] : dims) all = all && Dim(row, n) == v;
    if (all) return &row;
  }
  return nullptr;
}

// The published count, -1 when hidden, -2 when there is no such row.
inline int64_t Count(const std::vector<Row>& rows, const std::string& measure,
                     const std::map<std::string, std::string>& dims = {}) {
  const Row* row = Find(rows, measure, dims);
  if (!row) return -2;
  if (row->suppressed) return -1;
  return row->learners.value_or(-3);
}

inline TableRequest Request(const std::string& table, std::optional<std::string> activity = std::nullopt,
                            std::vector<std::string> by = {}, Period period = Period::kAll) {
  TableRequest r;
  r.table = table;
  r.activity = std::move(activity);
  r.by = std::move(by);
  r.period = period;
  return r;
}

}  // namespace lrs::analytics::testing
