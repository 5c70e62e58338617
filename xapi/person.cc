#include "xapi/person.h"

#include <algorithm>
#include <cctype>

namespace lrs::xapi {
namespace {

template <typename T>
void AddOnce(std::vector<T>& list, T value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

JsonValue String(const std::string& s, JsonAllocator& alloc) {
  return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

void AddList(JsonValue& person, const char* name, const std::vector<std::string>& values,
             JsonAllocator& alloc) {
  if (values.empty()) return;
  JsonValue list(rapidjson::kArrayType);
  for (const auto& v : values) list.PushBack(String(v, alloc), alloc);
  person.AddMember(rapidjson::StringRef(name), list, alloc);
}

}  // namespace

void PersonBuilder::Add(const JsonValue& agent) {
  if (!agent.IsObject()) return;
  if (auto name = StringMember(agent, "name"); !name.empty()) AddOnce(names_, std::string(name));
  if (auto mbox = StringMember(agent, "mbox"); !mbox.empty()) AddOnce(mboxes_, std::string(mbox));
  if (auto sha1 = StringMember(agent, "mbox_sha1sum"); !sha1.empty()) {
    std::string lower(sha1);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    AddOnce(sha1sums_, std::move(lower));
  }
  if (auto openid = StringMember(agent, "openid"); !openid.empty()) {
    AddOnce(openids_, std::string(openid));
  }
  if (const JsonValue* account = Member(agent, "account"); account && account->IsObject()) {
    auto home_page = StringMember(*account, "homePage");
    auto name = StringMember(*account, "name");
    if (!home_page.empty() && !name.empty()) {
      AddOnce(accounts_, std::make_pair(std::string(home_page), std::string(name)));
    }
  }
}

std::string PersonBuilder::ToJson() const {
  JsonDocument person(rapidjson::kObjectType);
  JsonAllocator& alloc = person.GetAllocator();
  person.AddMember("objectType", "Person", alloc);
  AddList(person, "name", names_, alloc);
  AddList(person, "mbox", mboxes_, alloc);
  AddList(person, "mbox_sha1sum", sha1sums_, alloc);
  AddList(person, "openid", openids_, alloc);
  if (!accounts_.empty()) {
    JsonValue list(rapidjson::kArrayType);
    for (const auto& [home_page, name] : accounts_) {
      JsonValue account(rapidjson::kObjectType);
      account.AddMember("homePage", String(home_page, alloc), alloc);
      account.AddMember("name", String(name, alloc), alloc);
      list.PushBack(account, alloc);
    }
    person.AddMember("account", list, alloc);
  }
  return xapi::ToJson(person);
}

}  // namespace lrs::xapi
