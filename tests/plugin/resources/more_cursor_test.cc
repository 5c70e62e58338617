#define BOOST_TEST_MODULE plugin_more_cursor
#include <boost/test/unit_test.hpp>

#include "plugin/resources/more_cursor.h"

#include <string>
#include <vector>

#include "xapi/jws.h"

using lrs::plugin::CursorState;
using lrs::plugin::DecodeCursor;
using lrs::plugin::EncodeCursor;

namespace {
const std::string kKey(32, 'k');
const std::string kPseudonym = "3f9c2e71d04b8a65c1e0f7d2b9a4c8e3";

// Every way a reader of a URL or a log could look inside a cursor: each
// '.'-separated part decoded as base64url (standard and URL alphabet), and
// the text itself.
std::string EverythingReadableIn(const std::string& token) {
  std::string readable = token;
  size_t start = 0;
  for (;;) {
    const size_t dot = token.find('.', start);
    const std::string part = token.substr(start, dot == std::string::npos ? dot : dot - start);
    for (bool url : {true, false}) {
      std::string decoded;
      if (lrs::xapi::DecodeBase64(part, url, decoded)) readable += "\n" + decoded;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return readable;
}

CursorState Sample() {
  CursorState state;
  state.filter.agent_pseudonym = kPseudonym;
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
  BOOST_TEST(*f.agent_pseudonym == kPseudonym);
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

BOOST_AUTO_TEST_CASE(a_cursor_shows_neither_the_pseudonym_nor_the_query) {
  // Regression (issue 14, finding 12): the state was base64 JSON, the
  // pseudonym readable by anyone who saw the URL.
  const std::string token = EncodeCursor(Sample(), "cred", kKey);
  const std::string readable = EverythingReadableIn(token);
  BOOST_TEST(readable.find(kPseudonym) == std::string::npos);
  BOOST_TEST(readable.find("adlnet") == std::string::npos);
  BOOST_TEST(readable.find("snapshot") == std::string::npos);
  BOOST_TEST(token.rfind("mc2.", 0) == 0);
  // Two cursors of one state differ (a fresh nonce each): not linkable.
  BOOST_TEST(token != EncodeCursor(Sample(), "cred", kKey));
}

BOOST_AUTO_TEST_CASE(a_changed_byte_anywhere_or_a_truncation_is_refused) {
  const std::string token = EncodeCursor(Sample(), "cred", kKey);
  for (size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'B', '_', '.'}) {
      if (token[i] == replacement) continue;
      std::string altered = token;
      altered[i] = replacement;
      BOOST_TEST(!DecodeCursor(altered, "cred", kKey).ok(), "byte " << i << " -> " << replacement);
    }
  }
  for (size_t length = 0; length < token.size(); ++length) {
    BOOST_TEST(!DecodeCursor(token.substr(0, length), "cred", kKey).ok(), "length " << length);
  }
  BOOST_TEST(!DecodeCursor(token + "A", "cred", kKey).ok());
}

BOOST_AUTO_TEST_CASE(a_splice_of_two_cursors_is_refused) {
  CursorState other = Sample();
  other.filter.agent_pseudonym = "another-learner";
  const std::string a = EncodeCursor(Sample(), "cred", kKey);
  const std::string b = EncodeCursor(other, "cred", kKey);
  for (size_t cut = 1; cut + 1 < std::min(a.size(), b.size()); ++cut) {
    const std::string spliced = a.substr(0, cut) + b.substr(cut);
    if (spliced == a || spliced == b) continue;
    BOOST_TEST(!DecodeCursor(spliced, "cred", kKey).ok(), "cut " << cut);
  }
}

BOOST_AUTO_TEST_CASE(a_cursor_under_another_key_is_refused) {
  // A key rotation renews the master key the cursor key derives from.
  const std::string token = EncodeCursor(Sample(), "cred", kKey);
  auto decoded = DecodeCursor(token, "cred", std::string(32, 'j'));
  BOOST_REQUIRE(!decoded.ok());
  BOOST_TEST(decoded.error().status == 400);
}
