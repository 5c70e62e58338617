#include "xapi/statement_normalize.h"

namespace lrs::xapi {
namespace {

void WrapSingleActivities(JsonValue& statement, JsonAllocator& alloc) {
  if (!statement.IsObject()) return;
  auto context = statement.FindMember("context");
  if (context == statement.MemberEnd() || !context->value.IsObject()) return;
  auto lists = context->value.FindMember("contextActivities");
  if (lists == context->value.MemberEnd() || !lists->value.IsObject()) return;
  for (auto& list : lists->value.GetObject()) {
    if (list.value.IsObject()) {
      JsonValue array(rapidjson::kArrayType);
      array.PushBack(list.value, alloc);  // moves the object into the array
      list.value = array;
    }
  }
}

}  // namespace

void NormalizeContextActivities(JsonValue& statement, JsonAllocator& alloc) {
  WrapSingleActivities(statement, alloc);
  if (!statement.IsObject()) return;
  auto object = statement.FindMember("object");
  if (object != statement.MemberEnd() && StringMember(object->value, "objectType") == "SubStatement") {
    WrapSingleActivities(object->value, alloc);
  }
}

}  // namespace lrs::xapi
