// Builds an analytics epoch from synthetic facts at the issue's scale
// (default 20,000 learners, 50 activities, 3 cohort dimensions, 365 days,
// about 1.5 million facts) and prints build time, peak RSS, the number of
// cells, the utility report and the p99 of in-memory queries.
//   epoch_bench [learners] [activities] [days] [seed]
// Synthetic and seeded (a benchmark, not privacy code), streamed into the
// builder so only the builder's own memory counts.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "analytics/epoch.h"

using namespace lrs::analytics;

namespace {

constexpr int64_t kDayUs = 86400LL * 1000000LL;
constexpr int64_t kStartUs = 20454LL * kDayUs;  // 2026-01-01

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// Department sizes very different (some below k), as in a real organisation.
std::string Pick(std::mt19937_64& rng, const std::vector<std::pair<std::string, int>>& weighted) {
  int total = 0;
  for (const auto& w : weighted) total += w.second;
  int r = static_cast<int>(rng() % total);
  for (const auto& w : weighted) {
    if ((r -= w.second) < 0) return w.first;
  }
  return weighted.back().first;
}

}  // namespace

int main(int argc, char** argv) {
  const int learners = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int activities = argc > 2 ? std::atoi(argv[2]) : 50;
  const int days = argc > 3 ? std::atoi(argv[3]) : 365;
  const uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 7;
  std::mt19937_64 rng(seed);

  EpochConfig config;
  config.k = 5;
  config.cohort_dimensions = {"department", "role", "site"};
  config.pass_mark = 0.5;
  config.required = {{"https://example.org/course/0", 20454 + days / 2, std::nullopt},
                     {"https://example.org/course/1", std::nullopt, 30}};
  const std::vector<std::pair<std::string, int>> departments = {
      {"sales", 300}, {"engineering", 250}, {"support", 150}, {"operations", 100}, {"finance", 60},
      {"marketing", 50}, {"hr", 30}, {"legal", 10}, {"security", 8}, {"research", 20},
      {"board", 1}, {"facilities", 15}};
  const std::vector<std::pair<std::string, int>> roles = {
      {"individual", 70}, {"lead", 15}, {"manager", 10}, {"director", 4}, {"executive", 1}, {"intern", 5}};
  const std::vector<std::pair<std::string, int>> sites = {
      {"london", 30}, {"paris", 20}, {"berlin", 20}, {"madrid", 10}, {"oslo", 8}, {"remote", 25}, {"tokyo", 5},
      {"lagos", 2}};

  EpochBuilder builder(config);
  for (int a = 0; a < activities; ++a) {
    ActivityInfo info;
    info.id = "https://example.org/course/" + std::to_string(a);
    info.name_json = R"({"en-US":"Course )" + std::to_string(a) + "\"}";
    if (a >= activities - 5) {
      info.type = "http://adlnet.gov/expapi/activities/cmi.interaction";
      info.interaction_type = "choice";
    }
    builder.AddActivity(info);
  }

  const auto build_start = std::chrono::steady_clock::now();
  int64_t facts = 0;
  Fact f;
  for (int l = 0; l < learners; ++l) {
    f.learner = "pseudonym-" + std::to_string(l * 7919 % 1000003);
    const std::vector<std::string> cohort = {Pick(rng, departments), Pick(rng, roles), Pick(rng, sites)};
    const double skill = std::uniform_real_distribution<double>(0.2, 1.0)(rng);
    for (int a = 0; a < activities; ++a) {
      // Earlier courses are taken by more learners (drop-off along the catalogue).
      const double p = 0.45 - 0.25 * a / activities;
      if (std::uniform_real_distribution<double>(0, 1)(rng) > p) continue;
      f.activity = "https://example.org/course/" + std::to_string(a);
      f.cohort = cohort;
      f.value.reset();
      f.detail.clear();
      int64_t at = kStartUs + static_cast<int64_t>(rng() % days) * kDayUs + static_cast<int64_t>(rng() % kDayUs);
      auto add = [&](FactKind kind, std::optional<double> value = std::nullopt, std::string detail = {}) {
        f.kind = kind;
        f.at_us = at;
        f.value = value;
        f.detail = std::move(detail);
        builder.AddFact(f);
        ++facts;
      };
      add(FactKind::kActive);
      if (a >= activities - 5) {
        const int choice = static_cast<int>(rng() % 4);
        add(FactKind::kResponse, choice == 0 ? 1.0 : 0.0, std::string(1, static_cast<char>('a' + choice)));
        continue;
      }
      add(FactKind::kAttempted);
      const double drive = std::uniform_real_distribution<double>(0, 1)(rng);
      if (drive < 0.25) continue;
      at += static_cast<int64_t>(rng() % (3 * kDayUs));
      const double score = std::clamp(std::normal_distribution<double>(skill, 0.2)(rng), 0.0, 1.0);
      add(FactKind::kScore, score);
      add(FactKind::kCompleted, 300.0 + static_cast<double>(rng() % 3600));
      add(score >= config.pass_mark ? FactKind::kPassed : FactKind::kFailed);
      add(FactKind::kTimeSpent, 600.0 + static_cast<double>(rng() % 7200));
    }
  }
  const double collect_s = Seconds(build_start);
  const auto protect_start = std::chrono::steady_clock::now();
  auto epoch = builder.Build("bench", kStartUs + days * kDayUs);
  const double protect_s = Seconds(protect_start);
  const UtilityReport u = epoch->Utility();

  std::printf("learners %d, activities %d, days %d, facts %lld\n", learners, activities, days,
              static_cast<long long>(facts));
  std::printf("collect %.2f s, build %.2f s, total %.2f s, peak RSS %ld MB\n", collect_s, protect_s,
              collect_s + protect_s, PeakRssMb());
  std::printf("cells %lld, of >= k learners %lld, published of those %lld (%.1f%%)\n",
              static_cast<long long>(u.cells), static_cast<long long>(u.cells_at_least_k),
              static_cast<long long>(u.published_at_least_k),
              u.cells_at_least_k ? 100.0 * u.published_at_least_k / u.cells_at_least_k : 0.0);
  std::printf("hidden: primary %lld, protected %lld, secondary %lld\n", static_cast<long long>(u.hidden_primary),
              static_cast<long long>(u.hidden_protected), static_cast<long long>(u.hidden_secondary));

  // Queries: a mix an analyst's dashboard makes, each with one activity or
  // a funnel (a request for every activity is answered too, timed apart).
  const std::vector<std::string> tables = {"outcomes", "scores", "durations", "active", "required", "interactions"};
  const std::vector<std::vector<std::string>> bys = {{}, {"department"}, {"role"}, {"department", "site"}};
  const Period periods[] = {Period::kAll, Period::kDay, Period::kWeek, Period::kMonth};
  std::vector<double> ms;
  int64_t rows = 0;
  for (int q = 0; q < 2000; ++q) {
    TableRequest r;
    r.table = q % 7 == 6 ? "funnel" : tables[q % tables.size()];
    r.by = bys[rng() % bys.size()];
    r.period = periods[rng() % 4];
    if (r.table == "funnel") {
      for (int s = 0; s < 4; ++s) r.steps.push_back("https://example.org/course/" + std::to_string(s * std::max(1, (activities - 5) / 4)));
    } else if (r.table == "required") {
      r.activity = "https://example.org/course/" + std::to_string(rng() % 2);
    } else if (r.table == "interactions") {
      r.activity = "https://example.org/course/" + std::to_string(activities - 1 - rng() % std::min(5, activities));
    } else {
      r.activity = "https://example.org/course/" + std::to_string(rng() % std::max(1, activities - 5));
    }
    const auto t = std::chrono::steady_clock::now();
    auto result = epoch->Query(r);
    ms.push_back(Seconds(t) * 1000.0);
    if (!result.ok()) {
      std::printf("query failed: %s\n", result.error().message.c_str());
      return 1;
    }
    rows += static_cast<int64_t>(result->size());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("queries %zu, rows %lld, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", ms.size(),
              static_cast<long long>(rows), ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
  TableRequest all;
  all.table = "outcomes";
  all.by = {"department"};
  all.period = Period::kMonth;
  const auto t = std::chrono::steady_clock::now();
  auto every = epoch->Query(all);
  std::printf("outcomes of every activity by department and month: %zu rows in %.2f ms\n", every->size(),
              Seconds(t) * 1000.0);
  return 0;
}
