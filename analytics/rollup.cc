// RollUp: one learner's facts on one activity, as the inner cells they
// occupy (rolled_key.h), so retention can keep counts when the facts expire.
// The same StandingOf as the live build, so an epoch built from roll-ups
// releases the same counts as one built from the facts they replaced.

#include <algorithm>
#include <map>

#include "analytics/epoch.h"
#include "analytics/period.h"
#include "analytics/rolled_key.h"
#include "analytics/standing.h"

namespace lrs::analytics {
namespace {

const char* const kStateNames[kOutcomeStates] = {"passed", "failed", "completed", "attempted"};

bool LooksLikeChoice(const std::string& response) {
  if (response.empty() || response.size() > 200) return false;
  for (char c : response) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == ',';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<RolledCell> RollUp(const EpochConfig& config, const std::vector<Fact>& facts) {
  std::vector<RolledCell> out;
  if (facts.empty()) return out;
  // Order-independent local ids: ranks of the sorted cohort vectors and responses.
  const size_t dims = config.cohort_dimensions.size();
  auto normalized = [&](const std::vector<std::string>& cohort) {
    std::vector<std::string> v(dims);
    for (size_t d = 0; d < dims; ++d) v[d] = d < cohort.size() && !cohort[d].empty() ? cohort[d] : kNoCohortValue;
    return v;
  };
  std::vector<std::vector<std::string>> tuples;
  std::vector<std::string> details;
  for (const Fact& f : facts) {
    tuples.push_back(normalized(f.cohort));
    details.push_back(f.detail);
  }
  std::sort(tuples.begin(), tuples.end());
  tuples.erase(std::unique(tuples.begin(), tuples.end()), tuples.end());
  std::sort(details.begin(), details.end());
  details.erase(std::unique(details.begin(), details.end()), details.end());

  std::vector<StandingFact> mine;
  for (const Fact& f : facts) {
    StandingFact sf;
    sf.kind = f.kind;
    sf.at_us = f.at_us;
    sf.tuple = static_cast<uint32_t>(std::lower_bound(tuples.begin(), tuples.end(), normalized(f.cohort)) -
                                     tuples.begin());
    sf.value = f.value;
    sf.detail = static_cast<uint32_t>(std::lower_bound(details.begin(), details.end(), f.detail) - details.begin());
    mine.push_back(sf);
  }
  const Standing st = StandingOf(mine);
  const std::string& activity = facts.front().activity;
  auto emit = [&](const char* block, const std::string& category, const Place& place) {
    RolledKey key{block, DayOf(place.at_us), category, tuples[place.tuple]};
    out.push_back({activity, EncodeRolledKey(key), 1});
  };
  if (st.outcome) emit("outcomes", kStateNames[*st.outcome], st.outcome_place);
  if (st.score_bin) emit("scores", ScoreBinLabel(*st.score_bin), st.score_place);
  if (st.active) emit("active", "active", *st.active);
  if (st.response && LooksLikeChoice(details[*st.response])) {
    const char* code = st.correctness == kCorrect ? "correct" : st.correctness == kIncorrect ? "incorrect" : "unknown";
    emit("interactions", std::string(code) + ":" + details[*st.response], st.response_place);
  }
  return out;
}

}  // namespace lrs::analytics
