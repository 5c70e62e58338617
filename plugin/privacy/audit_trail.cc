#include "plugin/privacy/audit_trail.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <utility>

#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

constexpr char kLearnerRole[] = "learner";

// AEAD associated data of a sealed subject reference: binds it to its tag.
std::string SubjectContext(const std::string& tag) { return "audit-subject\n" + tag; }

}  // namespace

AuditDetail& AuditDetail::Count(std::string name, int64_t value) {
  members_.push_back(Member{std::move(name), Member::Kind::kCount, value, {}});
  return *this;
}

AuditDetail& AuditDetail::Name(std::string name, std::string value) {
  members_.push_back(Member{std::move(name), Member::Kind::kName, 0, {std::move(value)}});
  return *this;
}

AuditDetail& AuditDetail::Names(std::string name, std::vector<std::string> values) {
  members_.push_back(Member{std::move(name), Member::Kind::kNames, 0, std::move(values)});
  return *this;
}

std::string AuditDetail::ToJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&writer](const std::string& s) {
    writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  writer.StartObject();
  for (const Member& member : members_) {
    text(member.name);
    switch (member.kind) {
      case Member::Kind::kCount:
        writer.Int64(member.count);
        break;
      case Member::Kind::kName:
        text(member.strings.front());
        break;
      case Member::Kind::kNames:
        writer.StartArray();
        for (const std::string& s : member.strings) text(s);
        writer.EndArray();
        break;
    }
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> ParameterNames(const QueryParams& query) {
  std::vector<std::string> names;
  for (const auto& [name, value] : query) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

AuditTrail::AuditTrail(storage::AuditLog& log, IdentityVault& vault) : log_(log), vault_(vault) {}

Result<storage::AuditEntry> AuditTrail::Record(const Principal& who, std::string_view action,
                                               std::string_view purpose, const AuditDetail& detail,
                                               const std::vector<std::string>& subject_pseudonyms) {
  return Append(who, action, purpose, detail.ToJson(), subject_pseudonyms);
}

Result<storage::AuditEntry> AuditTrail::Record(const Principal& who, std::string_view action,
                                               std::string_view purpose,
                                               std::string_view detail_json,
                                               const std::vector<std::string>& subject_pseudonyms) {
  auto parsed = xapi::ParseJson(detail_json);
  if (!parsed.ok() || !(*parsed)->IsObject()) {
    return MakeError(500, "audit trail", "", "an audit entry's detail must be a JSON object");
  }
  return Append(who, action, purpose, xapi::ToJson(**parsed), subject_pseudonyms);
}

Result<storage::AuditEntry> AuditTrail::Append(const Principal& who, std::string_view action,
                                               std::string_view purpose, std::string detail_json,
                                               const std::vector<std::string>& subject_pseudonyms) {
  storage::NewAuditEntry entry;
  entry.actor = who.role == kLearnerRole ? kLearnerRole : who.key;  // invariant 3
  entry.role = who.role;
  entry.action = std::string(action);
  entry.purpose = std::string(purpose);
  entry.detail = std::move(detail_json);

  std::set<std::string> seen;
  for (const std::string& pseudonym : subject_pseudonyms) {
    if (!seen.insert(pseudonym).second) continue;
    Result<std::optional<std::string>> tag = vault_.SubjectTag(pseudonym);
    if (!tag.ok()) return tag.error();
    if (!tag->has_value()) continue;  // invariant 5
    // The key exists (SubjectTag found it), so SealFor creates none; a key
    // not yet durable is only in memory until its statements commit, and is
    // not ours to store.
    std::vector<storage::WrappedDataKey> not_ours;
    Result<std::string> sealed =
        vault_.SealFor(pseudonym, pseudonym, SubjectContext(**tag), not_ours);
    if (!sealed.ok()) return sealed.error();
    entry.subjects.push_back(storage::AuditSubject{std::move(**tag), std::move(*sealed)});
  }
  return log_.Append(std::move(entry));
}

Result<std::vector<storage::AuditEntry>> AuditTrail::About(const std::string& pseudonym,
                                                           int64_t limit) {
  std::vector<storage::AuditEntry> out;
  Result<std::optional<std::string>> tag = vault_.SubjectTag(pseudonym);
  if (!tag.ok()) return tag.error();
  if (!tag->has_value()) return out;  // never seen, or erased (invariant 4)
  auto found = log_.FindByTag(**tag, limit);
  if (!found.ok()) return found.error();
  for (auto& about : *found) {
    // Confirmed when the learner's key opens it. The plaintext is the
    // pseudonym the learner had when the entry was made; it is not compared,
    // because key rotation re-keys pseudonyms but keeps data keys.
    Result<std::optional<std::string>> opened =
        vault_.OpenFor(pseudonym, about.sealed, SubjectContext(**tag));
    if (!opened.ok() || !opened->has_value()) continue;
    out.push_back(std::move(about.entry));
  }
  return out;
}

Result<std::vector<storage::AuditEntry>> AuditTrail::Read(const storage::AuditRange& range) {
  return log_.Read(range);
}

Result<storage::AuditVerification> AuditTrail::Verify() { return log_.Verify(); }

xapi::JsonValue AuditEntryJson(const storage::AuditEntry& entry, xapi::JsonAllocator& alloc) {
  using xapi::JsonValue;
  auto text = [&alloc](const std::string& s) {
    return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
  };
  JsonValue out(rapidjson::kObjectType);
  out.AddMember("seq", JsonValue(static_cast<int64_t>(entry.seq)), alloc);
  out.AddMember("at", text(xapi::FormatTimestamp(entry.at_us)), alloc);
  out.AddMember("actor", text(entry.actor), alloc);
  out.AddMember("role", text(entry.role), alloc);
  out.AddMember("action", text(entry.action), alloc);
  out.AddMember("purpose", text(entry.purpose), alloc);
  JsonValue detail(rapidjson::kObjectType);
  rapidjson::Document parsed(&alloc);
  parsed.Parse(entry.detail.data(), entry.detail.size());
  if (!parsed.HasParseError() && parsed.IsObject()) detail = parsed.Move();
  out.AddMember("detail", detail, alloc);
  out.AddMember("subjects", JsonValue(static_cast<int64_t>(entry.subject_count)), alloc);
  out.AddMember("prev_hash", text(entry.prev_hash), alloc);
  out.AddMember("hash", text(entry.hash), alloc);
  return out;
}

}  // namespace lrs::plugin
