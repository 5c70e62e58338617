#include "analytics/standing.h"

#include <cmath>
#include <tuple>

namespace lrs::analytics {
namespace {

constexpr int kKinds = 8;

// The deterministic "first" of two facts of one kind (see the header).
bool Earlier(const StandingFact& a, const StandingFact& b) {
  const double av = a.value.value_or(-HUGE_VAL), bv = b.value.value_or(-HUGE_VAL);
  return std::tie(a.at_us, a.tuple, av, a.detail) < std::tie(b.at_us, b.tuple, bv, b.detail);
}

bool Better(const StandingFact& candidate, const StandingFact& held) {
  if (candidate.kind == FactKind::kScore) {
    const double c = candidate.value.value_or(-HUGE_VAL), h = held.value.value_or(-HUGE_VAL);
    if (c != h) return c > h;
  }
  return Earlier(candidate, held);
}

Place PlaceOf(const StandingFact& f) { return Place{f.at_us, f.tuple}; }

}  // namespace

int ScoreBin(double scaled) {
  if (scaled < 0) return 0;
  const int tenth = static_cast<int>(std::floor(scaled * 10.0 + 1e-9));
  return 1 + (tenth > 9 ? 9 : tenth);
}

std::string ScoreBinLabel(int bin) {
  if (bin <= 0) return "below-0";
  const int lo = bin - 1;
  std::string out = "0." + std::to_string(lo) + "-";
  out += (lo == 9) ? "1.0" : "0." + std::to_string(lo + 1);
  return out;
}

bool ScoreBinBelow(int bin, double pass_mark) {
  if (bin <= 0) return pass_mark >= 0;  // every score < 0 is below a mark >= 0
  const double upper = bin / 10.0;  // bins 1..9 are half-open; the last holds 1.0 itself
  return bin == 10 ? pass_mark > 1.0 : upper <= pass_mark + 1e-12;
}

Standing StandingOf(const std::vector<StandingFact>& facts) {
  const StandingFact* chosen[kKinds] = {};
  for (const StandingFact& f : facts) {
    const int k = static_cast<int>(f.kind);
    if (k < 0 || k >= kKinds) continue;
    if (!chosen[k] || Better(f, *chosen[k])) chosen[k] = &f;
  }
  auto of = [&](FactKind kind) { return chosen[static_cast<int>(kind)]; };

  Standing s;
  if (const auto* f = of(FactKind::kActive)) s.active = PlaceOf(*f);

  const StandingFact* final_fact = nullptr;
  if ((final_fact = of(FactKind::kPassed))) {
    s.outcome = kPassedState;
  } else if ((final_fact = of(FactKind::kFailed))) {
    s.outcome = kFailedState;
  } else if ((final_fact = of(FactKind::kCompleted))) {
    s.outcome = kCompletedNoResult;
  } else if ((final_fact = of(FactKind::kAttempted))) {
    s.outcome = kAttemptedOnly;
  }
  if (final_fact) s.outcome_place = PlaceOf(*final_fact);

  for (FactKind kind : {FactKind::kCompleted, FactKind::kPassed, FactKind::kFailed}) {
    if (const auto* f = of(kind)) {
      if (!s.completed_at_us || f->at_us < *s.completed_at_us) s.completed_at_us = f->at_us;
    }
  }
  if (const auto* f = of(FactKind::kScore); f && f->value && std::isfinite(*f->value)) {
    s.score = *f->value;
    s.score_bin = ScoreBin(*f->value);
    s.score_place = PlaceOf(*f);
  }
  if (const auto* f = of(FactKind::kCompleted); f && f->value && std::isfinite(*f->value)) {
    s.completion_duration_s = *f->value;
    s.completion_place = PlaceOf(*f);
  }
  if (const auto* f = of(FactKind::kTimeSpent); f && f->value && std::isfinite(*f->value)) {
    s.time_spent_s = *f->value;
    s.time_spent_place = PlaceOf(*f);
  }
  if (const auto* f = of(FactKind::kResponse)) {
    s.response = f->detail;
    s.response_place = PlaceOf(*f);
    if (f->value) s.correctness = *f->value >= 0.5 ? kCorrect : kIncorrect;
  }
  return s;
}

}  // namespace lrs::analytics
