#define BOOST_TEST_MODULE xapi_json_merge
#include "xapi/json_merge.h"

#include <boost/test/unit_test.hpp>
#include <string>

// The Document Resources' JSON merge (Communication 2.2). The timing of a big
// merge is in bench/documents/merge.sh, not here; this checks what comes out.

using namespace lrs::xapi;

namespace {

std::string Merged(const std::string& stored_text, const std::string& posted_text) {
  auto stored = ParseJson(stored_text);
  auto posted = ParseJson(posted_text);
  BOOST_REQUIRE(stored.ok() && posted.ok());
  MergeTopLevelMembers(**stored, **posted, (*stored)->GetAllocator());
  return ToJson(**stored);
}

// {"k<first>":<first>, ...}, `count` members.
std::string Numbered(int first, int count) {
  std::string text = "{";
  for (int i = first; i < first + count; ++i) {
    if (i > first) text += ",";
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  }
  return text + "}";
}

}  // namespace

BOOST_AUTO_TEST_CASE(posted_members_replace_whole_and_others_stay) {
  BOOST_TEST(Merged(R"({"a":1,"b":{"x":1,"y":2},"c":[1]})", R"({"b":{"x":9},"d":"new"})") ==
             R"({"a":1,"b":{"x":9},"c":[1],"d":"new"})");
  BOOST_TEST(Merged("{}", R"({"a":1})") == R"({"a":1})");
  BOOST_TEST(Merged(R"({"a":1})", "{}") == R"({"a":1})");
  BOOST_TEST(Merged(R"({"a":1})", R"({"a":null})") == R"({"a":null})");
}

BOOST_AUTO_TEST_CASE(names_compare_as_bytes_long_and_short_alike) {
  const std::string long_name(100, 'n');
  BOOST_TEST(Merged("{\"" + long_name + "\":1,\"A\":1,\"caf\\u00e9\":1}",
                    "{\"" + long_name + "\":2,\"a\":2,\"caf\xc3\xa9\":2}") ==
             "{\"" + long_name + "\":2,\"A\":1,\"caf\xc3\xa9\":2,\"a\":2}");
}

// As a lookup by name: the first stored duplicate is replaced, and a name
// posted twice ends with its last value.
BOOST_AUTO_TEST_CASE(duplicate_names_merge_as_a_lookup_by_name_would) {
  BOOST_TEST(Merged(R"({"a":1,"a":2})", R"({"a":3})") == R"({"a":3,"a":2})");
  BOOST_TEST(Merged(R"({"b":1})", R"({"a":1,"a":2})") == R"({"b":1,"a":2})");
  BOOST_TEST(Merged(R"({"a":0})", R"({"a":1,"a":2})") == R"({"a":2})");
}

// Issue 15, finding 6: two 200,000-key documents, half the posted keys new.
BOOST_AUTO_TEST_CASE(merges_two_documents_of_200000_keys) {
  constexpr int kKeys = 200000;
  auto stored = ParseJson(Numbered(0, kKeys));
  auto posted = ParseJson(Numbered(kKeys / 2, kKeys));
  BOOST_REQUIRE(stored.ok() && posted.ok());
  // Posted values differ from stored ones where the names meet.
  for (auto& member : (*posted)->GetObject()) member.value.SetInt(-member.value.GetInt());
  MergeTopLevelMembers(**stored, **posted, (*stored)->GetAllocator());
  const JsonValue& merged = **stored;
  BOOST_REQUIRE_EQUAL(merged.MemberCount(), static_cast<unsigned>(kKeys + kKeys / 2));
  int index = 0;
  bool in_order = true, values_right = true;
  for (auto it = merged.MemberBegin(); it != merged.MemberEnd(); ++it, ++index) {
    in_order = in_order && it->name.GetString() == "k" + std::to_string(index);
    const int expected = index < kKeys / 2 ? index : -index;
    values_right = values_right && it->value.GetInt() == expected;
  }
  BOOST_TEST(in_order);
  BOOST_TEST(values_right);
}
