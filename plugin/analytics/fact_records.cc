#include "plugin/analytics/fact_records.h"

#include "xapi/json.h"

namespace lrs::plugin {

std::optional<analytics::Fact> FactFromRecord(const storage::AnalyticsFactRecord& record) {
  if (record.kind < static_cast<int>(analytics::FactKind::kActive) ||
      record.kind > static_cast<int>(analytics::FactKind::kResponse)) {
    return std::nullopt;
  }
  analytics::Fact fact;
  fact.learner = record.pseudonym;
  fact.activity = record.activity_id;
  fact.kind = static_cast<analytics::FactKind>(record.kind);
  fact.at_us = record.at_us;
  fact.cohort = record.cohort;
  fact.value = record.value;
  fact.detail = record.detail;
  return fact;
}

analytics::ActivityInfo ActivityFromRecord(const storage::AnalyticsActivityRecord& record) {
  analytics::ActivityInfo info;
  info.id = record.activity_id;
  auto definition = xapi::ParseJson(record.definition_json);
  if (!definition.ok() || !(*definition)->IsObject()) return info;
  const xapi::JsonValue& root = **definition;
  if (const xapi::JsonValue* name = xapi::Member(root, "name"); name && name->IsObject()) {
    info.name_json = xapi::ToJson(*name);
  }
  info.type = std::string(xapi::StringMember(root, "type"));
  info.interaction_type = std::string(xapi::StringMember(root, "interactionType"));
  return info;
}

analytics::RolledCell RolledFromRecord(const storage::AnalyticsRollupRecord& record) {
  return analytics::RolledCell{record.activity_id, record.cell, record.learners};
}

storage::AnalyticsRollUp MakeRollUp(analytics::EpochConfig config) {
  return [config = std::move(config)](const std::vector<storage::AnalyticsFactRecord>& records) {
    std::vector<analytics::Fact> facts;
    facts.reserve(records.size());
    for (const auto& record : records) {
      if (auto fact = FactFromRecord(record)) facts.push_back(std::move(*fact));
    }
    std::vector<storage::AnalyticsRollupRecord> cells;
    for (const analytics::RolledCell& cell : analytics::RollUp(config, facts)) {
      cells.push_back(storage::AnalyticsRollupRecord{cell.activity, cell.cell, cell.learners});
    }
    return cells;
  };
}

}  // namespace lrs::plugin
