#include "plugin/auth/token_revocations.h"

#include <mutex>

#include "plugin/auth/learner_token.h"

namespace lrs::plugin {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

}  // namespace

TokenRevocations::TokenRevocations(storage::TokenRevocationStore& store, Digest digest,
                                   storage::Clock clock)
    : store_(store), digest_(std::move(digest)), clock_(std::move(clock)) {}

int64_t TokenRevocations::PruneBeforeUs() const {
  return clock_() - kMaxTokenTtlSeconds * kMicrosPerSecond;
}

MaybeError TokenRevocations::Load() {
  auto rows = store_.PruneAndList(PruneBeforeUs());
  if (!rows.ok()) return rows.error();
  std::unique_lock<std::shared_mutex> lock(mutex_);
  revoked_us_.clear();
  for (const auto& row : *rows) revoked_us_[row.learner] = row.revoked_us;
  return std::nullopt;
}

MaybeError TokenRevocations::Revoke(const std::string& pseudonym) {
  const storage::TokenRevocation revocation{digest_(pseudonym), clock_()};
  const int64_t prune_before = PruneBeforeUs();
  {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (auto it = revoked_us_.begin(); it != revoked_us_.end();) {
      it = it->second < prune_before ? revoked_us_.erase(it) : std::next(it);
    }
    revoked_us_[revocation.learner] = revocation.revoked_us;
  }
  if (auto error = store_.Put(revocation)) return error;
  auto pruned = store_.PruneAndList(prune_before);
  if (!pruned.ok()) return pruned.error();
  return std::nullopt;
}

MaybeError TokenRevocations::Prune() { return Load(); }

bool TokenRevocations::Alive(const std::string& pseudonym, int64_t issued_us) const {
  const std::string learner = digest_(pseudonym);
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = revoked_us_.find(learner);
  if (it == revoked_us_.end()) return true;
  return issued_us > it->second;  // rule 3
}

}  // namespace lrs::plugin
