#define BOOST_TEST_MODULE plugin_attachments
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <rapidjson/prettywriter.h>

#include "plugin/auth/credentials.h"
#include "plugin/app/lrs_app.h"
#include "tests/plugin/test_lrs.h"
#include "tests/xapi/test_signer.h"
#include "xapi/json.h"
#include "xapi/multipart.h"

// In-process tests of statement attachments (xAPI Communication 1.5.2,
// 2.1.3 attachments=true) and signed statements (Data 2.6) through the whole
// request path: routes, ingest, writer, reader.

using namespace lrs::plugin;
namespace fs = std::filesystem;
using lrs::xapi::Sha2Hex;

namespace {

using lrs::testing::BasicAuth;

constexpr char kBoundary[] = "-------314159265358979323846";
constexpr char kEssay[] = "an essay written by the learner, attachment-test-marker-7f3a";

// A statement with one attachment of `data` (text/plain), optionally with a
// fileUrl, and `id` when given.
std::string StatementWith(const std::string& data, bool file_url = false,
                          const std::string& id = "") {
  return std::string("{") + (id.empty() ? "" : "\"id\":\"" + id + "\",") +
         R"("actor":{"mbox":"mailto:essay.writer@example.org","name":"Essay Writer"},
          "verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},
          "object":{"id":"http://example.org/essays/1"},
          "attachments":[{"usageType":"http://example.org/usage/essay",
            "display":{"en-US":"essay"},"contentType":"text/plain",
            "length":)" +
         std::to_string(data.size()) + R"(,"sha2":")" + Sha2Hex(data, 64) + "\"" +
         (file_url ? R"(,"fileUrl":"http://example.org/essay.txt")" : "") + "}]}";
}

std::string Part(const std::string& data, const std::string& content_type = "text/plain") {
  return std::string("--") + kBoundary + "\r\nContent-Type: " + content_type +
         "\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " + Sha2Hex(data, 64) +
         "\r\n\r\n" + data + "\r\n";
}

std::string Multipart(const std::string& json, const std::vector<std::string>& parts = {}) {
  std::string body =
      std::string("--") + kBoundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n";
  for (const auto& part : parts) body += part;
  return body + "--" + kBoundary + "--\r\n";
}

const std::string kMultipartType = std::string("multipart/mixed; boundary=") + kBoundary;

// The test suite's signed statement: the JWS signs the statement without its
// attachments; the signature attachment is then added.
struct Signed {
  std::string json;  // the statement with its signature attachment
  std::string jws;
};

Signed Sign(const lrs::testing::TestSigner& signer, const std::string& statement,
            const std::string& header = R"({"alg":"RS256"})", const std::string& alg = "RS256") {
  Signed out;
  out.jws = signer.SignCompact(header, statement, alg);
  out.json = statement.substr(0, statement.rfind('}')) +
             R"(,"attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature",
               "display":{"en-US":"signature"},"contentType":"application/octet-stream",
               "length":)" +
             std::to_string(out.jws.size()) + R"(,"sha2":")" + Sha2Hex(out.jws, 64) + "\"}]}";
  return out;
}

constexpr char kPlainStatement[] = R"({"id":"6f2b3c1e-8a4d-4f5e-9b7c-2d1e0f3a4b5c",
  "actor":{"mbox":"mailto:signer@example.org","name":"Signing Learner"},
  "verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},
  "object":{"id":"http://example.org/courses/signed"},
  "result":{"duration":"PT2M0.12S"}})";

using lrs::testing::AllBytesUnder;

// The default manifest, with the analyst role allowed to read statements
// (but not identities).
std::string ManifestWithReader() {
  std::ifstream in("manifests/default.json");
  std::stringstream text;
  text << in.rdbuf();
  auto manifest = lrs::xapi::ParseJson(text.str());
  BOOST_REQUIRE(manifest.ok());
  auto& doc = **manifest;
  lrs::xapi::JsonValue roles(rapidjson::kArrayType);
  roles.PushBack("statements:read", doc.GetAllocator());
  doc["roles"]["analyst"] = roles;
  fs::path path = fs::temp_directory_path() /
                 ("lrs-attachments-manifest-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << lrs::xapi::ToJson(doc);
  return path.string();
}

struct App : lrs::testing::TestLrs {
  App() : TestLrs("attachments", ManifestWithReader()) {}
  const std::string& reader = analyst;  // may read statements, not identities

  HttpResponse Call(const std::string& method, const std::string& query, const std::string& body,
                    const std::string& content_type, const std::string* auth = nullptr,
                    const std::string& version = "1.0.3") {
    HttpRequest request;
    request.method = method;
    request.path = "/xapi/statements";
    request.query = ParseQueryString(query);
    request.headers["X-Experience-API-Version"] = version;
    request.headers["Authorization"] = auth ? *auth : lms;
    if (!content_type.empty()) request.headers["Content-Type"] = content_type;
    request.body = body;
    return app->Handle(request);
  }
  HttpResponse Post(const std::string& body, const std::string& content_type = kMultipartType) {
    return Call("POST", "", body, content_type);
  }
  HttpResponse Get(const std::string& query, const std::string* auth = nullptr) {
    return Call("GET", query, "", "", auth);
  }

  std::string PostOne(const std::string& body, const std::string& content_type = kMultipartType) {
    HttpResponse posted = Post(body, content_type);
    BOOST_REQUIRE_MESSAGE(posted.status == 200, posted.body);
    auto ids = lrs::xapi::ParseJson(posted.body);
    BOOST_REQUIRE(ids.ok() && (*ids)->IsArray() && (*ids)->Size() == 1);
    return (**ids)[0].GetString();
  }
};

// Parses a multipart response as a client would.
lrs::xapi::StatementMultipart ReadMultipart(const HttpResponse& response) {
  auto type = response.headers.find("Content-Type");
  BOOST_REQUIRE(type != response.headers.end());
  BOOST_REQUIRE(lrs::xapi::IsMediaType(type->second, "multipart/mixed"));
  auto parsed = lrs::xapi::ParseStatementMultipart(type->second, response.body);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? std::string() : parsed.error().message));
  return std::move(*parsed);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(attachments, App)

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_1_5_2_attachments_and_data_2_6_signatures)

BOOST_AUTO_TEST_CASE(stores_attachment_data_and_returns_it_with_attachments_true) {
  std::string id = PostOne(Multipart(StatementWith(kEssay), {Part(kEssay)}));

  HttpResponse got = Get("statementId=" + id + "&attachments=true");
  BOOST_REQUIRE_EQUAL(got.status, 200);
  auto multipart = ReadMultipart(got);
  auto statement = lrs::xapi::ParseJson(multipart.json);
  BOOST_REQUIRE(statement.ok());
  BOOST_TEST((**statement)["id"].GetString() == id);
  BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
  BOOST_TEST(multipart.attachments[0].content == kEssay);
  BOOST_TEST(multipart.attachments[0].content_type == "text/plain");
  // The suite counts the hash: once in the statement, once on the part.
  BOOST_TEST(Count(got.body, Sha2Hex(kEssay, 64)) == 2u);
  BOOST_TEST(!got.headers["X-Experience-API-Consistent-Through"].empty());
  BOOST_TEST(!got.headers["Last-Modified"].empty());
}

BOOST_AUTO_TEST_CASE(answers_json_without_attachments_true) {
  std::string id = PostOne(Multipart(StatementWith(kEssay), {Part(kEssay)}));
  for (const std::string& query : {"statementId=" + id, "statementId=" + id + "&attachments=false",
                                   std::string("attachments=false")}) {
    BOOST_TEST_CONTEXT(query) {
      HttpResponse got = Get(query);
      BOOST_REQUIRE_EQUAL(got.status, 200);
      BOOST_TEST(got.headers["Content-Type"] == "application/json");
      BOOST_TEST(got.body.find(kEssay) == std::string::npos);
      BOOST_TEST(lrs::xapi::ParseJson(got.body).ok());
    }
  }
}

// Issue 15, finding 7: attachment data is the learner's bytes (an essay, a
// page): served so that no browser runs it on the LRS's origin.
BOOST_AUTO_TEST_CASE(serves_attachment_data_sandboxed_and_never_sniffed) {
  const std::string page = "<script>fetch('/privacy/audit')</script>";
  std::string statement = StatementWith(page);
  statement.replace(statement.find("\"text/plain\""), 12, "\"text/html\"");
  std::string id = PostOne(Multipart(statement, {Part(page, "text/html")}));
  HttpResponse got = Get("statementId=" + id + "&attachments=true");
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_REQUIRE_EQUAL(ReadMultipart(got).attachments.size(), 1u);
  BOOST_TEST(got.headers["X-Content-Type-Options"] == "nosniff");
  BOOST_TEST(got.headers["Content-Security-Policy"] == "sandbox; default-src 'none'");
  BOOST_TEST(got.headers["Cache-Control"] == "no-store");
}

// Issue 15, finding 7: a type that comes back as a part's header is a media
// type, in the statement and on the part alike; nothing is stored otherwise.
BOOST_AUTO_TEST_CASE(rejects_attachment_content_types_that_are_not_media_types) {
  const std::string data = "split me";
  for (const std::string& bad :
       {std::string("text/plain\\r\\nX-Injected: 1"), std::string("text/plain; a=\\\"\\n\\\""),
        std::string("text/plain;\\u0000")}) {
    BOOST_TEST_CONTEXT(bad) {
      std::string statement = StatementWith(data);
      statement.replace(statement.find("\"text/plain\""), 12, "\"" + bad + "\"");
      HttpResponse posted = Post(Multipart(statement, {Part(data)}));
      BOOST_TEST(posted.status == 400);
      BOOST_TEST(posted.body.find("contentType") != std::string::npos);
    }
  }
  for (const std::string& bad : {std::string("text/\xc3\x28"), std::string("text/plain; x"),
                                 std::string("text/plain\x01")}) {
    BOOST_TEST_CONTEXT(bad) {
      HttpResponse posted = Post(Multipart(StatementWith(data), {Part(data, bad)}));
      BOOST_TEST(posted.status == 400);
      BOOST_TEST(posted.body.find("part[1]") != std::string::npos);
    }
  }
  HttpResponse all = Get("attachments=true");
  BOOST_REQUIRE_EQUAL(all.status, 200);
  BOOST_TEST(all.body.find(data) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(sends_each_attachment_once_in_a_statement_result) {
  PostOne(Multipart(StatementWith(kEssay), {Part(kEssay)}));
  PostOne(Multipart(StatementWith(kEssay), {Part(kEssay)}));
  HttpResponse got = Get("attachments=true");
  BOOST_REQUIRE_EQUAL(got.status, 200);
  auto multipart = ReadMultipart(got);
  auto result = lrs::xapi::ParseJson(multipart.json);
  BOOST_REQUIRE(result.ok());
  BOOST_TEST((**result)["statements"].Size() == 2u);
  BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
  BOOST_TEST(multipart.attachments[0].content == kEssay);

  HttpResponse head = Call("HEAD", "attachments=true", "", "");
  BOOST_REQUIRE_EQUAL(head.status, 200);
  BOOST_TEST(lrs::xapi::IsMediaType(head.headers["Content-Type"], "multipart/mixed"));
}

BOOST_AUTO_TEST_CASE(accepts_a_statements_part_alone_and_file_urls) {
  PostOne(Multipart(R"({"actor":{"mbox":"mailto:a@example.org"},
      "verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},
      "object":{"id":"http://example.org/a"}})"));
  PostOne(Multipart(StatementWith(kEssay, true)));
  PostOne(StatementWith(kEssay, true), "application/json");
  // A part may carry the data of an attachment that also has a fileUrl.
  std::string id =
      PostOne(Multipart(StatementWith("data behind a url", true), {Part("data behind a url")}));
  auto multipart = ReadMultipart(Get("statementId=" + id + "&attachments=true"));
  BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
  BOOST_TEST(multipart.attachments[0].content == "data behind a url");
}

BOOST_AUTO_TEST_CASE(accepts_put_as_multipart) {
  const std::string id = "0d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a";
  HttpResponse put =
      Call("PUT", "statementId=" + id, Multipart(StatementWith(kEssay, false, id), {Part(kEssay)}),
           kMultipartType);
  BOOST_REQUIRE_MESSAGE(put.status == 204, put.body);
  auto multipart = ReadMultipart(Get("statementId=" + id + "&attachments=true"));
  BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
}

BOOST_AUTO_TEST_CASE(rejects_requests_whose_parts_do_not_match) {
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
  };
  const std::vector<Case> cases = {
      {"missing part", Multipart(StatementWith(kEssay)), kMultipartType},
      {"extra part", Multipart(StatementWith(kEssay), {Part(kEssay), Part("extra")}),
       kMultipartType},
      {"json without fileUrl", StatementWith(kEssay), "application/json"},
      {"multipart/form-data", Multipart(StatementWith(kEssay), {Part(kEssay)}),
       std::string("multipart/form-data; boundary=") + kBoundary},
      {"no boundary", Multipart(StatementWith(kEssay), {Part(kEssay)}), "multipart/mixed"},
      {"first part not json",
       std::string("--") + kBoundary + "\r\nContent-Type: text/plain\r\n\r\n" +
           StatementWith(kEssay) + "\r\n" + Part(kEssay) + "--" + kBoundary + "--",
       kMultipartType},
      {"invalid statement", Multipart(R"({"verb":{}})"), kMultipartType},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      HttpResponse posted = Post(c.body, c.content_type);
      BOOST_TEST(posted.status == 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_rejected_request_stores_no_attachment_data) {
  // Valid parts, but the batch's second statement is invalid.
  std::string batch = "[" + StatementWith(kEssay) + R"(,{"verb":{}}])";
  BOOST_REQUIRE_EQUAL(Post(Multipart(batch, {Part(kEssay)})).status, 400);
  app.reset();
  BOOST_TEST(AllBytesUnder(root / "data").find(kEssay) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_statement_not_stored_now_brings_no_attachment_data) {
  const std::string id = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
  PostOne(Multipart(StatementWith("first", false, id), {Part("first")}));
  // The same statement (attachments are outside the comparison) with other
  // data: acknowledged as already stored, its data dropped.
  BOOST_REQUIRE_EQUAL(Post(Multipart(StatementWith(kEssay, false, id), {Part(kEssay)})).status,
                      200);
  // Another statement under the id: 409, the batch's savepoint rolled back.
  std::string other = StatementWith(kEssay, false, id);
  other.replace(other.find("verbs/attempted"), 15, "verbs/completed");
  BOOST_REQUIRE_EQUAL(Post(Multipart(other, {Part(kEssay)})).status, 409);

  auto multipart = ReadMultipart(Get("statementId=" + id + "&attachments=true"));
  BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
  BOOST_TEST(multipart.attachments[0].content == "first");
  app.reset();
  BOOST_TEST(AllBytesUnder(root / "data").find(kEssay) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(gives_attachment_data_only_to_callers_who_may_see_identities) {
  std::string id = PostOne(Multipart(StatementWith(kEssay), {Part(kEssay)}));
  HttpResponse got = Get("statementId=" + id + "&attachments=true", &reader);
  BOOST_REQUIRE_EQUAL(got.status, 200);
  auto multipart = ReadMultipart(got);
  BOOST_TEST(multipart.attachments.empty());
  BOOST_TEST(got.body.find(kEssay) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(signed_statements, App)

BOOST_AUTO_TEST_CASE(stores_a_valid_signature_and_returns_it_intact) {
  lrs::testing::TestSigner signer;
  for (const char* alg : {"RS256", "RS384", "RS512"}) {
    BOOST_TEST_CONTEXT(alg) {
      std::string statement(kPlainStatement);
      statement.replace(statement.find("6f2b3c1e"), 8, std::string("6f2b3c1") + alg[4]);
      Signed s = Sign(signer, statement, std::string(R"({"alg":")") + alg + "\"}", alg);
      std::string id = PostOne(Multipart(s.json, {Part(s.jws, "application/octet-stream")}));

      auto multipart = ReadMultipart(Get("statementId=" + id + "&attachments=true"));
      BOOST_REQUIRE_EQUAL(multipart.attachments.size(), 1u);
      BOOST_TEST(multipart.attachments[0].content == s.jws);
      BOOST_TEST(multipart.attachments[0].content_type == "application/octet-stream");
      auto back = lrs::xapi::ParseJson(multipart.json);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST((**back)["attachments"][0]["sha2"].GetString() == Sha2Hex(s.jws, 64));
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_a_signature_with_its_x5c_certificate) {
  lrs::testing::TestSigner signer;
  Signed s = Sign(signer, kPlainStatement,
                  R"({"alg":"RS256","x5c":[")" + signer.CertificateBase64() + "\"]}");
  PostOne(Multipart(s.json, {Part(s.jws, "application/octet-stream")}));
}

BOOST_AUTO_TEST_CASE(compares_durations_at_hundredths_under_2_0) {
  // 2.0 suite (4.2.7): the statement says 0.1237 s where the JWS says 0.12 s.
  lrs::testing::TestSigner signer;
  Signed s = Sign(signer, kPlainStatement);
  std::string json = s.json;
  json.replace(json.find("0.12S"), 5, "0.1237S");
  HttpResponse posted = Call("POST", "", Multipart(json, {Part(s.jws, "application/octet-stream")}),
                             kMultipartType, nullptr, "2.0.0");
  BOOST_TEST(posted.status == 200, posted.body);
}

BOOST_AUTO_TEST_CASE(rejects_bad_signatures) {
  lrs::testing::TestSigner signer, other;
  std::string tampered_payload(kPlainStatement);
  tampered_payload.replace(tampered_payload.find("courses/signed"), 14, "courses/forged");
  Signed tampered = Sign(signer, tampered_payload);
  tampered.json = Sign(signer, kPlainStatement).json;  // the statement as it was
  // ... but pointing at the tampered JWS.
  tampered.json.replace(tampered.json.find(R"("sha2":")") + 8, 64, Sha2Hex(tampered.jws, 64));
  tampered.json.replace(tampered.json.find(R"("length":)") + 9,
                        std::to_string(Sign(signer, kPlainStatement).jws.size()).size(),
                        std::to_string(tampered.jws.size()));

  Signed hs256 = Sign(signer, kPlainStatement, R"({"alg":"HS256"})");
  Signed wrong_cert = Sign(signer, kPlainStatement,
                           R"({"alg":"RS256","x5c":[")" + other.CertificateBase64() + "\"]}");
  std::string broken(kPlainStatement);
  broken[broken.find('"')] = '\'';
  Signed not_json = Sign(signer, broken);
  not_json.json = Sign(signer, kPlainStatement).json;
  not_json.json.replace(not_json.json.find(R"("sha2":")") + 8, 64, Sha2Hex(not_json.jws, 64));

  struct Case {
    const char* name;
    const Signed& s;
  };
  for (const Case& c :
       {Case{"payload differs", tampered}, Case{"HS256", hs256},
        Case{"x5c of another key", wrong_cert}, Case{"payload not JSON", not_json}}) {
    BOOST_TEST_CONTEXT(c.name) {
      HttpResponse posted = Post(Multipart(c.s.json, {Part(c.s.jws, "application/octet-stream")}));
      BOOST_TEST(posted.status == 400, posted.body);
    }
  }
  // A signature attachment whose JWS is not sent (only a fileUrl).
  std::string url_only = Sign(signer, kPlainStatement).json;
  url_only.replace(url_only.rfind("}]}"), 3, R"(,"fileUrl":"http://example.org/sig"}]})");
  BOOST_TEST(Post(url_only, "application/json").status == 400);
  // Wrong contentType for a signature.
  Signed s = Sign(signer, kPlainStatement);
  std::string text_type = s.json;
  text_type.replace(text_type.find("application/octet-stream"), 24, "text/plain");
  BOOST_TEST(Post(Multipart(text_type, {Part(s.jws, "text/plain")})).status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

// Attachments are learner content: an essay, or a JWS that holds the whole
// signed statement with the learner's identity in it. Neither may reach disk
// in the clear (DESIGN.md, privacy rules).
BOOST_FIXTURE_TEST_CASE(keeps_attachment_data_and_signatures_sealed_on_disk, App) {
  lrs::testing::TestSigner signer;
  Signed s = Sign(signer, kPlainStatement);
  PostOne(Multipart(s.json, {Part(s.jws, "application/octet-stream")}));
  const std::string essay = "My essay on privacy, by a learner who wants it kept private.";
  PostOne(Multipart(StatementWith(essay), {Part(essay)}));
  app.reset();  // close every connection so the WAL is complete on disk
  std::string bytes = AllBytesUnder(root / "data");
  for (const std::string& needle :
       {std::string("signer@example.org"), std::string("Signing Learner"), s.jws.substr(0, 40),
        std::string("essay on privacy"), std::string("essay.writer")}) {
    BOOST_TEST_CONTEXT(needle) { BOOST_TEST(bytes.find(needle) == std::string::npos); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
