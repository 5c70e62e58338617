#define BOOST_TEST_MODULE xapi_media_type
#include "xapi/media_type.h"

#include <boost/test/unit_test.hpp>
#include <string>

// RFC 9110 8.3.1 media types: what may be stored as a Content-Type and served
// back as a header (issue 15, finding 7).

using namespace lrs::xapi;

namespace {

const std::string kValid[] = {
    "application/json",
    "text/html",
    "APPLICATION/JSON",
    "application/vnd.example+json",
    "text/plain; charset=utf-8",
    "text/plain;charset=\"utf-8\"",
    "text/plain ; charset=utf-8 ; format=flowed",
    "multipart/mixed; boundary=\"a b\\\"c\"",
    "text/plain;",
    "application/x-www-form-urlencoded",
};

const std::string kInvalid[] = {
    "",
    " ",
    " text/plain",
    "text/plain ",
    "text",
    "text/",
    "/plain",
    "text/plain/extra",
    "text /plain",
    "text/plain\r\nSet-Cookie: a=b",
    "text/plain\nX-Injected: 1",
    "text/plain\r",
    std::string("text/plain\0", 11),
    "text/plain; charset=\"utf-8\r\n\"",
    "text/plain; charset=\"unterminated",
    "text/plain; charset",
    "text/plain; charset=",
    "text/plain; =utf-8",
    "text/plain; charset=a b",
    "text/pl{ain}",
    "text/\xc3\x28",
    "\xff\xfe",
    "text/plain; name=\"\xc3\xa9\"",
    "text/plain, text/html",
    "text/plain\x7f",
};

}  // namespace

BOOST_AUTO_TEST_CASE(accepts_media_types_with_parameters) {
  for (const std::string& value : kValid) {
    BOOST_TEST(IsValidMediaType(value), "refused: " << value);
  }
}

BOOST_AUTO_TEST_CASE(refuses_anything_else_control_characters_above_all) {
  for (const std::string& value : kInvalid) {
    BOOST_TEST(!IsValidMediaType(value), "accepted: " << value);
  }
}

BOOST_AUTO_TEST_CASE(field_values_hold_no_control_character) {
  BOOST_TEST(IsValidFieldValue(""));
  BOOST_TEST(IsValidFieldValue("Basic dXNlcjpwYXNz"));
  BOOST_TEST(IsValidFieldValue("\"etag\", W/\"weak\"\t"));
  for (const std::string& value :
       {std::string("a\r\nb"), std::string("a\nb"), std::string("a\rb"), std::string("a\0b", 3),
        std::string("\x1b[31m"), std::string("a\x7f"), std::string("caf\xc3\xa9")}) {
    BOOST_TEST(!IsValidFieldValue(value), "accepted: " << value);
  }
}
