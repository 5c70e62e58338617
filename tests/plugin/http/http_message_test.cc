#define BOOST_TEST_MODULE plugin_http_message
#include <boost/test/unit_test.hpp>

#include "plugin/http/http_message.h"

using namespace lrs::plugin;

BOOST_AUTO_TEST_CASE(decodes_query_parameters_in_order) {
  auto q = ParseQueryString("agent=%7B%22mbox%22%3A%22mailto%3Aa%2Bb%40x.org%22%7D&limit=10&x=a+b&flag");
  BOOST_REQUIRE_EQUAL(q.size(), 4u);
  BOOST_TEST(q[0].first == "agent");
  BOOST_TEST(q[0].second == R"({"mbox":"mailto:a+b@x.org"})");
  BOOST_TEST(q[1].second == "10");
  BOOST_TEST(q[2].second == "a b");
  BOOST_TEST(q[3].first == "flag");
  BOOST_TEST(q[3].second == "");
}

BOOST_AUTO_TEST_CASE(keeps_malformed_percent_sequences_literally) {
  BOOST_TEST(PercentDecode("%zz%4", false) == "%zz%4");
  BOOST_TEST(PercentDecode("100%", false) == "100%");
}

BOOST_AUTO_TEST_CASE(header_lookup_ignores_case) {
  HttpRequest request;
  request.headers["X-Experience-API-Version"] = "1.0.3";
  BOOST_TEST(request.Header("x-experience-api-version") == "1.0.3");
  BOOST_TEST(request.Header("Authorization").empty());
}

BOOST_AUTO_TEST_CASE(percent_encoding_round_trips) {
  std::string text = "a b/c?d=e&f+g%";
  BOOST_TEST(PercentDecode(PercentEncode(text), false) == text);
}

// Issue 15, finding 7: whatever a route copies into a header, no CR or LF
// (nor any other control character) reaches the wire.
BOOST_AUTO_TEST_CASE(drops_headers_that_would_split_the_response) {
  HttpResponse response;
  response.headers["Content-Type"] = "text/plain\r\nSet-Cookie: session=stolen";
  response.headers["ETag"] = "\"abc\"";
  response.headers["Link"] = "</a>;\nrel=x";
  response.headers["X-Odd"] = std::string("a\0b", 3);
  response.headers["X-Bell"] = "\x07";
  response.headers["X-Tab"] = "a\tb";
  response.headers["Bad Name"] = "v";
  response.headers["Bad:Name"] = "v";
  response.headers["Last-Modified"] = "Sun, 06 Nov 1994 08:49:37 GMT";
  BOOST_TEST(DropUnwritableHeaders(response) == 6u);
  BOOST_TEST(response.headers.size() == 3u);
  BOOST_TEST(response.headers.count("ETag") == 1u);
  BOOST_TEST(response.headers.count("X-Tab") == 1u);
  BOOST_TEST(response.headers.count("Last-Modified") == 1u);
}
