#define BOOST_TEST_MODULE plugin_alternate_syntax
#include <boost/test/unit_test.hpp>

#include "plugin/resources/alternate_syntax.h"

using namespace lrs::plugin;

namespace {
HttpRequest FormPost(const std::string& query, const std::string& form) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/xapi/statements";
  request.query = ParseQueryString(query);
  request.headers["Content-Type"] = "application/x-www-form-urlencoded";
  request.body = form;
  return request;
}
}  // namespace

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_1_3_alternate_request_syntax)

// Communication 1.3: header-named form fields become headers, "content" the
// body, every other field a query parameter.
BOOST_AUTO_TEST_CASE(rewrites_a_form_put_into_the_request_it_stands_for) {
  HttpRequest request = FormPost(
      "method=PUT",
      "statementId=6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c&content=%7B%22a%22%3A1%7D"
      "&X-Experience-API-Version=1.0.3&Authorization=Basic+abc");
  BOOST_REQUIRE(UsesAlternateSyntax(request));
  BOOST_REQUIRE(!RewriteAlternateSyntax(request));
  BOOST_TEST(request.method == "PUT");
  BOOST_TEST(request.body == R"({"a":1})");
  BOOST_TEST(request.Header("X-Experience-API-Version") == "1.0.3");
  BOOST_TEST(request.Header("Authorization") == "Basic abc");
  BOOST_TEST(request.Header("Content-Type") == "application/json");
  BOOST_REQUIRE_EQUAL(request.query.size(), 1u);
  BOOST_TEST(request.query[0].first == "statementId");
}

BOOST_AUTO_TEST_CASE(refuses_what_communication_1_3_forbids) {
  HttpRequest not_post = FormPost("method=PUT", "content=%7B%7D");
  not_post.method = "PUT";
  BOOST_TEST(RewriteAlternateSyntax(not_post).has_value());

  HttpRequest extra_query = FormPost("method=PUT&statementId=x", "content=%7B%7D");
  BOOST_TEST(RewriteAlternateSyntax(extra_query).has_value());

  HttpRequest no_content = FormPost("method=PUT", "statementId=x");
  BOOST_TEST(RewriteAlternateSyntax(no_content).has_value());

  HttpRequest json_body = FormPost("method=PUT", R"({"content":"{}"})");
  json_body.headers["Content-Type"] = "application/json";
  BOOST_TEST(RewriteAlternateSyntax(json_body).has_value());
}

// Regression: with a body and no Content-Type header the check compared a
// null pointer (the absent header's view) with strncasecmp and crashed.
BOOST_AUTO_TEST_CASE(refuses_a_form_body_without_a_content_type) {
  HttpRequest request = FormPost("method=GET", "X-Experience-API-Version=1.0.3");
  request.headers.erase("Content-Type");
  auto error = RewriteAlternateSyntax(request);
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 400);
}

// The media type is compared, not a prefix: parameters are allowed.
BOOST_AUTO_TEST_CASE(accepts_a_form_content_type_with_parameters) {
  HttpRequest request = FormPost("method=GET", "X-Experience-API-Version=1.0.3");
  request.headers["Content-Type"] = "Application/X-WWW-Form-Urlencoded; charset=UTF-8";
  BOOST_TEST(!RewriteAlternateSyntax(request).has_value());
  BOOST_TEST(request.method == "GET");
}

// Issue 15, finding 7: a header-named field becomes a header only as a
// header could have come. CR LF in any (percent-encoded in the form) would
// have added headers to an answer; the error names the field, not the value.
BOOST_AUTO_TEST_CASE(refuses_header_fields_no_header_could_hold) {
  const std::string fields[] = {
      "Content-Type=text%2Fhtml%0D%0ASet-Cookie%3A+a%3Db",
      "Content-Type=text%2Fhtml%0ASet-Cookie%3A+a%3Db",
      "Content-Type=html",
      "Authorization=Basic+abc%0D%0AX-Injected%3A+1",
      "X-Experience-API-Version=1.0.3%0D%0AX-Injected%3A+1",
      "If-Match=%22e%22%00",
      "If-None-Match=*%0D%0A",
      "Content-Length=12%0D%0AX%3A+1",
      "Content-Length=-1",
  };
  for (const std::string& field : fields) {
    BOOST_TEST_CONTEXT(field) {
      HttpRequest request = FormPost("method=PUT", "content=%7B%7D&" + field);
      auto error = RewriteAlternateSyntax(request);
      BOOST_REQUIRE(error.has_value());
      BOOST_TEST(error->status == 400);
      BOOST_TEST(error->message.find("Set-Cookie") == std::string::npos);
      BOOST_TEST(error->message.find("form field") != std::string::npos);
    }
  }
  HttpRequest fine = FormPost(
      "method=PUT", "content=x&Content-Type=text%2Fplain%3B+charset%3Dutf-8&If-Match=%22e%22");
  BOOST_REQUIRE(!RewriteAlternateSyntax(fine).has_value());
  BOOST_TEST(fine.Header("Content-Type") == "text/plain; charset=utf-8");
}

BOOST_AUTO_TEST_SUITE_END()
