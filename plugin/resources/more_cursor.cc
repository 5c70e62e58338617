#include "plugin/resources/more_cursor.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/auth/opaque_token.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

constexpr std::string_view kPrefix = "mc2.";

Error BadCursor() {
  return MakeError(400, "xAPI Data 2.5: the more IRL", "?more",
                   "the more token is not one this LRS issued to this credential");
}

}  // namespace

std::string EncodeCursor(const CursorState& state, const std::string& credential_key,
                         const std::string& cursor_key) {
  return EncodeCursor(state, credential_key, cursor_key, *anonymizer::SystemRandom());
}

std::string EncodeCursor(const CursorState& state, const std::string& credential_key,
                         const std::string& cursor_key, anonymizer::RandomSource& random) {
  const storage::StatementFilter& f = state.filter;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  auto optional_string = [&](const char* name, const std::optional<std::string>& value) {
    if (value) {
      w.Key(name);
      w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    }
  };
  auto optional_int = [&](const char* name, const std::optional<int64_t>& value) {
    if (value) {
      w.Key(name);
      w.Int64(*value);
    }
  };
  optional_string("agent", f.agent_pseudonym);
  optional_string("verb", f.verb_id);
  optional_string("activity", f.activity_id);
  optional_string("registration", f.registration);
  optional_int("since", f.since_us);
  optional_int("until", f.until_us);
  w.Key("related_agents"); w.Bool(f.related_agents);
  w.Key("related_activities"); w.Bool(f.related_activities);
  w.Key("ascending"); w.Bool(f.ascending);
  w.Key("limit"); w.Int(f.limit);
  w.Key("snapshot"); w.Int64(f.snapshot_seq);
  w.Key("after"); w.Int64(f.after_seq);
  w.Key("format"); w.Int(static_cast<int>(state.format));
  w.Key("attachments"); w.Bool(state.attachments);
  w.EndObject();
  std::string json(buffer.GetString(), buffer.GetSize());
  return SealOpaqueToken(kPrefix, cursor_key, json, credential_key, random);
}

Result<CursorState> DecodeCursor(const std::string& token, const std::string& credential_key,
                                 const std::string& cursor_key) {
  std::optional<std::string> json = OpenOpaqueToken(kPrefix, cursor_key, token, credential_key);
  if (!json) return BadCursor();
  auto doc = xapi::ParseJson(*json);
  if (!doc.ok() || !(*doc)->IsObject()) return BadCursor();
  const xapi::JsonValue& v = **doc;
  CursorState state;
  storage::StatementFilter& f = state.filter;
  auto read_string = [&](const char* name, std::optional<std::string>& out) {
    if (auto s = xapi::StringMember(v, name); !s.empty()) out = std::string(s);
  };
  auto read_int = [&](const char* name, std::optional<int64_t>& out) {
    if (const auto* m = xapi::Member(v, name); m && m->IsInt64()) out = m->GetInt64();
  };
  auto get_bool = [&](const char* name) {
    const auto* m = xapi::Member(v, name);
    return m != nullptr && m->IsBool() && m->GetBool();
  };
  auto get_int = [&](const char* name) -> int64_t {
    const auto* m = xapi::Member(v, name);
    return m != nullptr && m->IsInt64() ? m->GetInt64() : 0;
  };
  read_string("agent", f.agent_pseudonym);
  read_string("verb", f.verb_id);
  read_string("activity", f.activity_id);
  read_string("registration", f.registration);
  read_int("since", f.since_us);
  read_int("until", f.until_us);
  f.related_agents = get_bool("related_agents");
  f.related_activities = get_bool("related_activities");
  f.ascending = get_bool("ascending");
  f.limit = static_cast<int>(get_int("limit"));
  f.snapshot_seq = get_int("snapshot");
  f.after_seq = get_int("after");
  state.format = static_cast<xapi::StatementFormat>(get_int("format"));
  state.attachments = get_bool("attachments");
  return state;
}

}  // namespace lrs::plugin
