#include "xapi/json_merge.h"

#include <cassert>
#include <string>
#include <unordered_map>

namespace lrs::xapi {

void MergeTopLevelMembers(JsonValue& stored, const JsonValue& posted, JsonAllocator& allocator) {
  assert(stored.IsObject() && posted.IsObject());
  // Positions, not iterators or views into the names: AddMember may move the
  // member array, and RapidJSON keeps short names inside the member itself.
  std::unordered_map<std::string, rapidjson::SizeType> position;
  position.reserve(stored.MemberCount() + posted.MemberCount());
  rapidjson::SizeType index = 0;
  for (auto it = stored.MemberBegin(); it != stored.MemberEnd(); ++it, ++index) {
    position.emplace(std::string(it->name.GetString(), it->name.GetStringLength()), index);
  }
  for (auto it = posted.MemberBegin(); it != posted.MemberEnd(); ++it) {
    JsonValue value(it->value, allocator);
    auto [found, added] = position.emplace(
        std::string(it->name.GetString(), it->name.GetStringLength()), stored.MemberCount());
    if (!added) {
      (stored.MemberBegin() + found->second)->value = value;
    } else {
      stored.AddMember(JsonValue(it->name, allocator), value, allocator);
    }
  }
}

}  // namespace lrs::xapi
