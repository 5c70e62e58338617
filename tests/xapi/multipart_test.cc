#define BOOST_TEST_MODULE xapi_multipart
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "xapi/attachments.h"
#include "xapi/json.h"
#include "xapi/multipart.h"

using namespace lrs::xapi;

namespace {

constexpr char kText[] = "here is a simple attachment";
// SHA-256 of kText, from the xAPI Communication 1.5.2 example.
constexpr char kTextSha256[] = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";

std::string AttachmentPartText(const std::string& boundary, const std::string& hash,
                               const std::string& data, const std::string& encoding = "binary") {
  return "--" + boundary +
         "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: " + encoding +
         "\r\nX-Experience-API-Hash: " + hash + "\r\n\r\n" + data + "\r\n";
}

std::string Body(const std::string& boundary, const std::string& json,
                 const std::vector<std::string>& attachment_parts) {
  std::string body = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n";
  for (const auto& part : attachment_parts) body += part;
  return body + "--" + boundary + "--\r\n";
}

std::shared_ptr<JsonDocument> Json(const std::string& text) {
  auto parsed = ParseJson(text);
  BOOST_REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(boundary_parameter)

BOOST_AUTO_TEST_CASE(reads_quoted_and_plain_boundaries) {
  BOOST_TEST(*MultipartBoundary("multipart/mixed; boundary=abc123") == "abc123");
  BOOST_TEST(*MultipartBoundary("multipart/mixed;boundary=\"abcABC0123'()+_,-./:=?\"") ==
             "abcABC0123'()+_,-./:=?");
  BOOST_TEST(*MultipartBoundary("Multipart/Mixed; charset=utf-8; BOUNDARY=-------3141") ==
             "-------3141");
}

BOOST_AUTO_TEST_CASE(rejects_a_missing_empty_or_overlong_boundary) {
  for (const char* type : {"multipart/mixed", "multipart/mixed;",
                           "multipart/mixed; boundary=", "multipart/mixed; boundary=\"\"",
                           "multipart/mixed; boundary=\"abc", "multipart/mixed; boundary=a{b}"}) {
    BOOST_TEST_CONTEXT(type) {
      auto b = MultipartBoundary(type);
      BOOST_REQUIRE(!b.ok());
      BOOST_TEST(b.error().status == 400);
    }
  }
  BOOST_TEST(!MultipartBoundary("multipart/mixed; boundary=" + std::string(71, 'a')).ok());
  BOOST_TEST(MultipartBoundary("multipart/mixed; boundary=" + std::string(70, 'a')).ok());
}

BOOST_AUTO_TEST_CASE(compares_media_types_without_parameters) {
  BOOST_TEST(IsMediaType("Application/JSON; charset=utf-8", "application/json"));
  BOOST_TEST(IsMediaType(" multipart/mixed ;boundary=x", "multipart/mixed"));
  BOOST_TEST(!IsMediaType("multipart/form-data; boundary=x", "multipart/mixed"));
  BOOST_TEST(!IsMediaType("", "application/json"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parsing)

BOOST_AUTO_TEST_CASE(parses_the_spec_example) {
  const std::string boundary = "abcABC0123'()+_,-./:=?";
  std::string body = "--" + boundary + "\r\nContent-Type:application/json\r\n\r\n{\"a\":1}\r\n--" +
                     boundary +
                     "\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n"
                     "X-Experience-API-Hash:" +
                     kTextSha256 + "\r\n\r\n" + kText + "\r\n--" + boundary + "--";
  auto parsed = ParseStatementMultipart("multipart/mixed; boundary=\"" + boundary + "\"", body);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? std::string() : parsed.error().message));
  BOOST_TEST(parsed->json == "{\"a\":1}");
  BOOST_REQUIRE_EQUAL(parsed->attachments.size(), 1u);
  BOOST_TEST(parsed->attachments[0].sha2 == kTextSha256);
  BOOST_TEST(parsed->attachments[0].content_type == "text/plain");
  BOOST_TEST(parsed->attachments[0].content == kText);
}

BOOST_AUTO_TEST_CASE(ignores_preamble_and_epilogue) {
  // The suite's signed-statement bodies open with CRLF before the delimiter.
  std::string body = "\r\n" + Body("b0", "{}", {}) + "epilogue";
  auto parts = ParseMultipart("preamble" + body, "b0");
  BOOST_REQUIRE(parts.ok());
  BOOST_REQUIRE_EQUAL(parts->size(), 1u);
  BOOST_TEST(parts->front().body == "{}");
  BOOST_TEST(parts->front().Header("content-type") == "application/json");
}

BOOST_AUTO_TEST_CASE(keeps_binary_data_and_crlf_inside_a_part) {
  std::string data("\0\r\n--b\xff\r\n\r\n", 11);  // "--b" without the CRLF before it is data
  std::string body = "--b\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n--b--";
  auto parts = ParseMultipart(body, "b");
  BOOST_REQUIRE(!parts.ok());  // "\r\n--b" inside the data is a delimiter, then "\xff" is not CRLF
  std::string safe("\0\r\n-b\xff\r\n\r\n", 10);
  parts = ParseMultipart("--b\r\n\r\n" + safe + "\r\n--b--", "b");
  BOOST_REQUIRE(parts.ok());
  BOOST_TEST(parts->front().headers.empty());
  BOOST_TEST(parts->front().body == safe);
}

BOOST_AUTO_TEST_CASE(unfolds_folded_header_lines) {
  auto parts =
      ParseMultipart("--b\r\nContent-Type: text/plain;\r\n charset=ascii\r\n\r\nx\r\n--b--", "b");
  BOOST_REQUIRE(parts.ok());
  BOOST_TEST(parts->front().Header("Content-Type") == "text/plain; charset=ascii");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_bodies) {
  struct Case {
    const char* name;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"no delimiter at all", "Content-Type: application/json\r\n\r\n{}"},
      {"no close delimiter", "--b\r\nContent-Type: application/json\r\n\r\n{}\r\n"},
      {"close delimiter only", "--b--"},
      {"text after the boundary", "--bx\r\n\r\n{}\r\n--b--"},
      {"header line without colon", "--b\r\nContent-Type application/json\r\n\r\n{}\r\n--b--"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto parts = ParseMultipart(c.body, "b");
      BOOST_REQUIRE(!parts.ok());
      BOOST_TEST(parts.error().status == 400);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(statement_requests)

BOOST_AUTO_TEST_CASE(accepts_a_statements_part_alone) {
  auto parsed = ParseStatementMultipart("multipart/mixed; boundary=b", Body("b", "[]", {}));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->json == "[]");
  BOOST_TEST(parsed->attachments.empty());
}

BOOST_AUTO_TEST_CASE(accepts_every_sha2_length_and_uppercase_hashes) {
  for (size_t length : {56u, 64u, 96u, 128u}) {
    std::string hash = Sha2Hex(kText, length);
    BOOST_REQUIRE_EQUAL(hash.size(), length);
    std::string upper = hash;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto parsed = ParseStatementMultipart("multipart/mixed; boundary=b",
                                          Body("b", "{}", {AttachmentPartText("b", upper, kText)}));
    BOOST_TEST_CONTEXT(length) {
      BOOST_REQUIRE(parsed.ok());
      BOOST_TEST(parsed->attachments[0].sha2 == hash);
    }
  }
  BOOST_TEST(Sha2Hex(kText, 64) == kTextSha256);
}

BOOST_AUTO_TEST_CASE(accepts_a_part_without_content_transfer_encoding) {
  std::string part =
      "--b\r\nX-Experience-API-Hash: " + std::string(kTextSha256) + "\r\n\r\n" + kText + "\r\n";
  auto parsed = ParseStatementMultipart("multipart/mixed; boundary=b", Body("b", "{}", {part}));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->attachments[0].content_type.empty());
}

BOOST_AUTO_TEST_CASE(rejects_what_the_attachment_exchange_forbids) {
  struct Case {
    const char* name;
    std::string body;
  };
  const std::string wrong_hash(64, 'b');
  const std::vector<Case> cases = {
      {"first part not application/json", "--b\r\nContent-Type: text/plain\r\n\r\n{}\r\n--b--"},
      {"first part without Content-Type", "--b\r\n\r\n{}\r\n--b--"},
      {"part without X-Experience-API-Hash",
       Body("b", "{}", {"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"})},
      {"hash of the wrong data", Body("b", "{}", {AttachmentPartText("b", wrong_hash, kText)})},
      {"hash that is no SHA-2", Body("b", "{}", {AttachmentPartText("b", "abc", kText)})},
      {"base64 transfer encoding",
       Body("b", "{}", {AttachmentPartText("b", kTextSha256, kText, "base64")})},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto parsed = ParseStatementMultipart("multipart/mixed; boundary=b", c.body);
      BOOST_REQUIRE(!parsed.ok());
      BOOST_TEST(parsed.error().status == 400);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(building)

BOOST_AUTO_TEST_CASE(builds_a_response_that_parses_back) {
  std::vector<AttachmentPart> parts = {{kTextSha256, "text/plain", kText},
                                       {Sha2Hex("\x01\x02", 64), "", "\x01\x02"}};
  BuiltMultipart built = BuildMultipart("{\"statements\":[]}", parts);
  auto boundary = MultipartBoundary(built.content_type);
  BOOST_REQUIRE(boundary.ok());
  BOOST_TEST(built.content_type == "multipart/mixed; boundary=" + *boundary);
  auto parsed = ParseStatementMultipart(built.content_type, built.body);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? std::string() : parsed.error().message));
  BOOST_TEST(parsed->json == "{\"statements\":[]}");
  BOOST_REQUIRE_EQUAL(parsed->attachments.size(), 2u);
  BOOST_TEST(parsed->attachments[0].content == kText);
  BOOST_TEST(parsed->attachments[1].content_type == "application/octet-stream");
  BOOST_TEST(parsed->attachments[1].content == "\x01\x02");
  BOOST_TEST(built.body.find("Content-Transfer-Encoding: binary") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(boundary_avoids_the_content) {
  // The first boundary candidate, placed inside the data, forces another.
  std::string json = "{}";
  std::vector<AttachmentPart> parts = {{"00", "text/plain", ""}};
  std::string first = BuildMultipart(json, parts).content_type.substr(26);
  parts[0].content = "x" + first + "x";
  std::string second = BuildMultipart(json, parts).content_type.substr(26);
  BOOST_TEST(first != second);
  BOOST_TEST(parts[0].content.find(second) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(attachment_exchange)

BOOST_AUTO_TEST_CASE(collects_attachments_of_statements_and_sub_statements) {
  auto body = Json(R"([{"attachments":[{"sha2":"AB","contentType":"text/plain","fileUrl":"http://x",
                         "usageType":"http://adlnet.gov/expapi/attachments/signature"}]},
                       {"object":{"objectType":"SubStatement","attachments":[{"sha2":"cd"}]}}])");
  auto declared = DeclaredAttachments(*body);
  BOOST_REQUIRE_EQUAL(declared.size(), 2u);
  BOOST_TEST(declared[0].sha2 == "ab");
  BOOST_TEST(declared[0].has_file_url);
  BOOST_TEST(declared[0].is_signature);
  BOOST_TEST(declared[0].path == "$[0].attachments[0]");
  BOOST_TEST(declared[1].path == "$[1].object.attachments[0]");
  BOOST_TEST(!declared[1].has_file_url);
}

BOOST_AUTO_TEST_CASE(matches_parts_to_attachments_by_sha2) {
  const std::string a(64, 'a'), b(64, 'b'), c(64, 'c');
  std::vector<DeclaredAttachment> with_data = {{a, "text/plain", false, false, "$.attachments[0]"}};
  std::vector<DeclaredAttachment> with_url = {{b, "text/plain", true, false, "$.attachments[0]"}};
  struct Case {
    const char* name;
    std::vector<DeclaredAttachment> declared;
    std::vector<std::string> parts;
    bool multipart;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"json, no attachments", {}, {}, false, true},
      {"json, fileUrl only", with_url, {}, false, true},
      {"json, data needed", with_data, {}, false, false},
      {"multipart, statements part alone", {}, {}, true, true},
      {"multipart, fileUrl only", with_url, {}, true, true},
      {"multipart, data for a fileUrl attachment", with_url, {b}, true, true},
      {"multipart, data sent", with_data, {a}, true, true},
      {"multipart, data sent twice", with_data, {a, a}, true, true},
      {"multipart, missing part", with_data, {}, true, false},
      {"multipart, extra part", with_data, {a, c}, true, false},
  };
  for (const auto& t : cases) {
    std::vector<AttachmentPart> parts;
    for (const auto& hash : t.parts) parts.push_back({hash, "", ""});
    BOOST_TEST_CONTEXT(t.name) {
      lrs::MaybeError error = CheckAttachmentParts(t.declared, parts, t.multipart);
      BOOST_TEST(!error.has_value() == t.ok);
      if (error) BOOST_TEST(error->status == 400);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
