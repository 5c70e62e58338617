#define BOOST_TEST_MODULE plugin_http_wire
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include "plugin/http/http_wire.h"

// What the server writes and which targets it takes (plugin/http/http_wire.h): the
// response head keeps the headers clients saw from the cpprestsdk server.

using namespace lrs::plugin;

namespace {
constexpr int64_t kNoon = 1'700'000'000'000'000;  // Tue, 14 Nov 2023 22:13:20 GMT
}

BOOST_AUTO_TEST_CASE(head_has_date_length_and_fields_in_name_order) {
  HttpResponse response = HttpResponse::Json(200, "{}");
  response.headers["X-Experience-API-Version"] = "1.0.3";
  response.headers["ETag"] = "\"abc\"";
  BOOST_TEST(ResponseHead(response, {}, kNoon) ==
             "HTTP/1.1 200 OK\r\n"
             "Content-Length: 2\r\n"
             "Content-Type: application/json\r\n"
             "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
             "ETag: \"abc\"\r\n"
             "X-Experience-API-Version: 1.0.3\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(head_request_and_no_content_say_length_zero) {
  HttpResponse json = HttpResponse::Json(200, "{\"a\":1}");
  std::string head = ResponseHead(json, {/*head_request=*/true, false}, kNoon);
  BOOST_TEST(head.find("Content-Length: 0\r\n") != std::string::npos);
  BOOST_TEST(head.find("Content-Type: application/json\r\n") != std::string::npos);
  std::string empty = ResponseHead(HttpResponse::Empty(204), {}, kNoon);
  BOOST_TEST(empty.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
  BOOST_TEST(empty.find("Content-Length: 0\r\n") != std::string::npos);
  BOOST_TEST(empty.find("Content-Type") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(untyped_body_is_octet_stream_and_close_is_announced_when_asked) {
  HttpResponse raw = HttpResponse::Empty(200);
  raw.body = "x";
  std::string head = ResponseHead(raw, {false, /*close_connection=*/true}, kNoon);
  BOOST_TEST(head.find("Content-Type: application/octet-stream\r\n") != std::string::npos);
  BOOST_TEST(head.find("Connection: close\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(fields_that_would_split_the_head_are_dropped_and_framing_is_the_servers) {
  HttpResponse response = HttpResponse::Json(200, "{}");
  response.headers["X-Evil"] = "a\r\nSet-Cookie: s=1";
  response.headers["Content-Length"] = "999";
  response.headers["Transfer-Encoding"] = "chunked";
  std::string head = ResponseHead(response, {}, kNoon);
  BOOST_TEST(head.find("Set-Cookie") == std::string::npos);
  BOOST_TEST(head.find("X-Evil") == std::string::npos);
  BOOST_TEST(head.find("Content-Length: 2\r\n") != std::string::npos);
  BOOST_TEST(head.find("Transfer-Encoding") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(targets_in_origin_and_absolute_form) {
  auto origin = ParseRequestTarget("/xapi/activities%2Fstate?agent=%7B%7D&x=a+b#frag");
  BOOST_REQUIRE(origin);
  BOOST_TEST(origin->path == "/xapi/activities/state");
  BOOST_TEST(origin->raw_query == "agent=%7B%7D&x=a+b");
  auto absolute = ParseRequestTarget("http://lrs.example:8080/xapi/about?y=1");
  BOOST_REQUIRE(absolute);
  BOOST_TEST(absolute->path == "/xapi/about");
  BOOST_TEST(absolute->raw_query == "y=1");
  BOOST_TEST(ParseRequestTarget("*")->path == "*");
}

BOOST_AUTO_TEST_CASE(targets_with_bytes_a_uri_cannot_hold_are_refused) {
  for (const char* bad : {"nowhere", "", "/a b", "/xapi/about?agent={\"mbox\":1}", "/x?a=|",
                          "/x?a=[1]", "/x\x7f", "/\xc3\xa9", "/x\\y"}) {
    BOOST_TEST(!ParseRequestTarget(bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(connection_cap_stays_under_the_file_limit) {
  rlimit saved{};
  getrlimit(RLIMIT_NOFILE, &saved);
  rlimit low{256, saved.rlim_max};
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  BOOST_TEST(ConnectionCapFromFdLimit() == 256u - (64 + 16));
  setrlimit(RLIMIT_NOFILE, &saved);
}
