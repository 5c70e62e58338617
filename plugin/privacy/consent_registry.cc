#include "plugin/privacy/consent_registry.h"

#include <algorithm>
#include <mutex>

#include "xapi/json.h"

namespace lrs::plugin {
namespace {

std::string PurposesJson(const std::vector<std::string>& purposes) {
  rapidjson::Document array(rapidjson::kArrayType);
  for (const auto& p : purposes)
    array.PushBack(xapi::JsonValue(p.c_str(), array.GetAllocator()), array.GetAllocator());
  return xapi::ToJson(array);
}

std::vector<std::string> ParsePurposes(const std::string& json) {
  std::vector<std::string> purposes;
  auto doc = xapi::ParseJson(json);
  if (!doc.ok() || !(*doc)->IsArray()) return purposes;
  for (const auto& p : (*doc)->GetArray()) {
    if (p.IsString()) purposes.emplace_back(p.GetString(), p.GetStringLength());
  }
  return purposes;
}

}  // namespace

ConsentRegistry::ConsentRegistry(ConsentPolicy policy, storage::ConsentStore& store)
    : policy_(std::move(policy)), store_(store) {}

MaybeError ConsentRegistry::Load() {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  granted_.clear();
  return store_.ForEach([this](const storage::ConsentEvent& event) { Apply(event); });
}

void ConsentRegistry::Apply(const storage::ConsentEvent& event) {
  auto& states = granted_[event.pseudonym];
  if (states.empty()) {
    for (const auto& purpose : policy_.purposes) states[purpose] = !policy_.opt_in;
  }
  for (const auto& purpose : ParsePurposes(event.purposes_json)) {
    if (states.count(purpose)) states[purpose] = event.state == "granted";
  }
}

bool ConsentRegistry::MayStore(const std::string& pseudonym) const {
  if (policy_.purposes.empty()) return true;
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = granted_.find(pseudonym);
  if (it == granted_.end()) return !policy_.opt_in;
  return std::any_of(it->second.begin(), it->second.end(),
                     [](const auto& purpose) { return purpose.second; });
}

std::map<std::string, std::string> ConsentRegistry::States(const std::string& pseudonym) const {
  std::map<std::string, std::string> states;
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = granted_.find(pseudonym);
  for (const auto& purpose : policy_.purposes) {
    bool granted = !policy_.opt_in;
    if (it != granted_.end()) granted = it->second.at(purpose);
    states[purpose] = granted ? "granted" : "withdrawn";
  }
  return states;
}

MaybeError ConsentRegistry::Change(const std::string& pseudonym, const std::string& state,
                                   std::vector<std::string> purposes, const std::string& actor,
                                   int64_t now_us,
                                   const std::function<MaybeError()>& still_allowed) {
  if (state != "granted" && state != "withdrawn") {
    return MakeError(400, "consent", "$.state", "state must be \"granted\" or \"withdrawn\"");
  }
  if (purposes.empty()) purposes = policy_.purposes;
  for (size_t i = 0; i < purposes.size(); ++i) {
    if (std::find(policy_.purposes.begin(), policy_.purposes.end(), purposes[i]) ==
        policy_.purposes.end()) {
      return MakeError(400, "consent", "$.purposes[" + std::to_string(i) + "]",
                       "\"" + purposes[i] + "\" is not a consent purpose of this LRS's manifest");
    }
  }
  storage::ConsentEvent event{0, pseudonym, state, PurposesJson(purposes), actor, now_us};
  // Changes are serialized so the stored order and the applied order agree,
  // but the durable append (a disk flush) happens outside the state lock:
  // ingest keeps reading consent meanwhile.
  std::lock_guard<std::mutex> change(change_mutex_);
  if (still_allowed) {
    if (auto refused = still_allowed()) return refused;
  }
  if (auto error = store_.Append(event)) return error;
  std::unique_lock<std::shared_mutex> lock(mutex_);
  Apply(event);
  return std::nullopt;
}

Result<std::vector<storage::ConsentEvent>> ConsentRegistry::History(
    const std::string& pseudonym) const {
  return store_.History(pseudonym);
}

void ConsentRegistry::Forget(const std::string& pseudonym) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  granted_.erase(pseudonym);
}

MaybeError ConsentRegistry::Erase(const std::string& pseudonym, const StoredErasure& erase) {
  std::lock_guard<std::mutex> change(change_mutex_);  // rule 4: no change in between
  std::vector<std::string> withdrawn;
  if (!policy_.opt_in) {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = granted_.find(pseudonym);
    if (it != granted_.end()) {
      for (const auto& [purpose, granted] : it->second) {
        if (!granted) withdrawn.push_back(purpose);
      }
    }
  }
  const std::string tombstone = withdrawn.empty() ? std::string() : PurposesJson(withdrawn);
  if (auto error = erase(tombstone)) return error;
  std::unique_lock<std::shared_mutex> lock(mutex_);
  granted_.erase(pseudonym);
  if (!tombstone.empty()) {
    Apply(storage::ConsentEvent{0, pseudonym, "withdrawn", tombstone, "erasure", 0});
  }
  return std::nullopt;
}

}  // namespace lrs::plugin
