#define BOOST_TEST_MODULE plugin_more_cursor
#include <boost/test/unit_test.hpp>

#include "plugin/more_cursor.h"

using lrs::plugin::CursorState;
using lrs::plugin::DecodeCursor;
using lrs::plugin::EncodeCursor;

namespace {
const std::string kKey(32, 'k');

CursorState Sample() {
  CursorState state;
  state.filter.agent_pseudonym = "ab12";
  state.filter.verb_id = "http://adlnet.gov/expapi/verbs/completed";
  state.filter.since_us = 1700000000000000;
  state.filter.related_agents = true;
  state.filter.limit = 10;
  state.filter.snapshot_seq = 99;
  state.filter.after_seq = 42;
  state.format = lrs::xapi::StatementFormat::kIds;
  return state;
}
}  // namespace

BOOST_AUTO_TEST_CASE(round_trips_every_field) {
  auto decoded = DecodeCursor(EncodeCursor(Sample(), "cred", kKey), "cred", kKey);
  BOOST_REQUIRE(decoded.ok());
  const auto& f = decoded->filter;
  BOOST_TEST(*f.agent_pseudonym == "ab12");
  BOOST_TEST(*f.verb_id == "http://adlnet.gov/expapi/verbs/completed");
  BOOST_TEST(*f.since_us == 1700000000000000);
  BOOST_TEST(!f.until_us.has_value());
  BOOST_TEST(f.related_agents);
  BOOST_TEST(!f.ascending);
  BOOST_TEST(f.limit == 10);
  BOOST_TEST(f.snapshot_seq == 99);
  BOOST_TEST(f.after_seq == 42);
  BOOST_TEST(static_cast<int>(decoded->format) == static_cast<int>(lrs::xapi::StatementFormat::kIds));
}

BOOST_AUTO_TEST_CASE(rejects_a_cursor_of_another_credential) {
  auto token = EncodeCursor(Sample(), "cred", kKey);
  auto decoded = DecodeCursor(token, "other", kKey);
  BOOST_REQUIRE(!decoded.ok());
  BOOST_TEST(decoded.error().status == 400);
}

BOOST_AUTO_TEST_CASE(rejects_an_altered_cursor) {
  auto token = EncodeCursor(Sample(), "cred", kKey);
  token[3] = token[3] == 'A' ? 'B' : 'A';
  BOOST_TEST(!DecodeCursor(token, "cred", kKey).ok());
}

BOOST_AUTO_TEST_CASE(rejects_garbage) {
  for (const char* token : {"", ".", "abc", "abc.def", "!!!.00", "e30.zz"}) {
    BOOST_TEST_CONTEXT(token) { BOOST_TEST(!DecodeCursor(token, "cred", kKey).ok()); }
  }
}
