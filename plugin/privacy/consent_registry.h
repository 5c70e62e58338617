#pragma once
// Consent, as the manifest defines it ("consent": {"mode", "purposes"}), per
// learner pseudonym (DESIGN.md, the path of one statement, step 4).
//
// Rules:
//  1. Each manifest consent purpose is granted or withdrawn per learner. With
//     no event yet, opt-out grants every purpose and opt-in none.
//  2. Statements about a learner are stored only while at least one consent
//     purpose is granted; otherwise they are acknowledged (200 with their
//     ids) and never stored. With no consent purposes, storing is not gated.
//     "About a learner" means the statement's actor.
//  3. Every change is appended (storage/consent_store.h) before it takes
//     effect; the current state of each learner with any event is kept in
//     memory, so the check at ingest is one hash lookup.
//  4. Erasure never forgets a withdrawal. Under opt-out, the purposes a
//     learner withdrew outlive their erasure as one consent event, the
//     tombstone (state "withdrawn", those purposes, actor "erasure", at_us 0:
//     no history, no time), written in the erasure's transaction
//     (storage/erasure.h); it is read back like any event, so it holds
//     across restarts, and key rotation re-keys it with consent_events. A
//     later grant is appended after it as usual. Under opt-in an erased
//     learner simply has no grant (no tombstone: withdrawn is the default).
//     Changes wait while an erasure runs, so none is lost between the
//     tombstone being decided and the history being deleted.
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/consent_store.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct ConsentPolicy {
  bool opt_in = false;
  std::vector<std::string> purposes;  // the manifest's consent purposes
};

class ConsentRegistry {
 public:
  ConsentRegistry(ConsentPolicy policy, storage::ConsentStore& store);

  // Reads every stored event. Errors: 500.
  MaybeError Load();

  // Rule 2.
  bool MayStore(const std::string& pseudonym) const;
  // Purpose id -> "granted" | "withdrawn", for every consent purpose.
  std::map<std::string, std::string> States(const std::string& pseudonym) const;

  // Records a change of `purposes` (empty: all consent purposes) to `state`
  // ("granted" | "withdrawn"). `still_allowed`, when given, is asked once no
  // erasure can run any more until the change is recorded (rule 4), and its
  // error refuses the change: a learner token revoked by an erasure that ran
  // meanwhile writes nothing. Errors: 400 unknown purpose or state, 500, or
  // still_allowed's.
  MaybeError Change(const std::string& pseudonym, const std::string& state,
                    std::vector<std::string> purposes, const std::string& actor, int64_t now_us,
                    const std::function<MaybeError()>& still_allowed = nullptr);

  Result<std::vector<storage::ConsentEvent>> History(const std::string& pseudonym) const;

  // After erasure: the learner is back to the manifest's default.
  void Forget(const std::string& pseudonym);

  // Rule 4. Runs `erase` with consent changes held off, handing it the
  // tombstone to keep (a JSON array of the withdrawn purposes; empty: none);
  // when it succeeds the learner's state is the tombstone's alone. Its error
  // is returned and nothing changes in memory.
  using StoredErasure = std::function<MaybeError(const std::string& tombstone_purposes_json)>;
  MaybeError Erase(const std::string& pseudonym, const StoredErasure& erase);

  const ConsentPolicy& policy() const { return policy_; }

 private:
  void Apply(const storage::ConsentEvent& event);  // caller holds the lock exclusively

  ConsentPolicy policy_;
  storage::ConsentStore& store_;
  std::mutex change_mutex_;  // one Change at a time: append order = apply order
  mutable std::shared_mutex mutex_;
  // Only learners with events; purpose -> granted.
  std::unordered_map<std::string, std::map<std::string, bool>> granted_;
};

}  // namespace lrs::plugin
