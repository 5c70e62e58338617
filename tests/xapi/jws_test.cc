#define BOOST_TEST_MODULE xapi_jws
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tests/xapi/test_signer.h"
#include "xapi/attachments.h"
#include "xapi/json.h"
#include "xapi/jws.h"
#include "xapi/multipart.h"

using namespace lrs::xapi;
using lrs::testing::TestSigner;

namespace {

// One key for the whole module: RSA key generation is the slow part.
const TestSigner& Signer() {
  static const TestSigner signer;
  return signer;
}

constexpr char kStatement[] = R"({
  "id": "3b2d2a9f-4d2c-4b3e-9a7e-1f2e3d4c5b6a",
  "actor": {"mbox": "mailto:learner@example.org", "name": "A Learner"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "object": {"id": "http://example.org/activity"},
  "result": {"duration": "PT1M0.12S"},
  "timestamp": "2024-01-02T03:04:05.000Z"
})";

std::shared_ptr<JsonDocument> Json(const std::string& text) {
  auto parsed = ParseJson(text);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), text);
  return *parsed;
}

// `statement` with a signature attachment whose sha2 is that of `jws`.
std::shared_ptr<JsonDocument> WithSignature(const std::string& statement, const std::string& jws) {
  auto doc = Json(statement);
  auto& alloc = doc->GetAllocator();
  JsonValue attachment(rapidjson::kObjectType);
  attachment.AddMember("usageType", "http://adlnet.gov/expapi/attachments/signature", alloc);
  JsonValue display(rapidjson::kObjectType);
  display.AddMember("en-US", "signature", alloc);
  attachment.AddMember("display", display, alloc);
  attachment.AddMember("contentType", "application/octet-stream", alloc);
  attachment.AddMember("length", static_cast<uint64_t>(jws.size()), alloc);
  std::string sha2 = Sha2Hex(jws, 64);
  attachment.AddMember("sha2", JsonValue(sha2.c_str(), alloc), alloc);
  JsonValue list(rapidjson::kArrayType);
  list.PushBack(attachment, alloc);
  doc->AddMember("attachments", list, alloc);
  return doc;
}

std::vector<AttachmentPart> PartsFor(const std::string& jws) {
  return {{Sha2Hex(jws, 64), "application/octet-stream", jws}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(compact_serialization)

BOOST_AUTO_TEST_CASE(verifies_rs256_rs384_and_rs512) {
  for (const char* alg : {"RS256", "RS384", "RS512"}) {
    BOOST_TEST_CONTEXT(alg) {
      std::string token =
          Signer().SignCompact(std::string(R"({"alg":")") + alg + "\"}", "{\"x\":1}", alg);
      auto jws = ParseJwsCompact(token + "\r\n");
      BOOST_REQUIRE_MESSAGE(jws.ok(), (jws.ok() ? std::string() : jws.error().message));
      BOOST_TEST(jws->algorithm == alg);
      BOOST_TEST(jws->payload == "{\"x\":1}");
      BOOST_TEST(!VerifyJwsWithPublicKeyPem(*jws, Signer().PublicKeyPem()).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_a_tampered_payload) {
  std::string token = Signer().SignCompact(R"({"alg":"RS256"})", "{\"x\":1}");
  size_t dot = token.find('.');
  size_t second = token.find('.', dot + 1);
  std::string tampered =
      token.substr(0, dot + 1) + EncodeBase64Url("{\"x\":2}") + token.substr(second);
  auto jws = ParseJwsCompact(tampered);
  BOOST_REQUIRE(jws.ok());
  auto error = VerifyJwsWithPublicKeyPem(*jws, Signer().PublicKeyPem());
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 400);
}

BOOST_AUTO_TEST_CASE(rejects_algorithms_other_than_rs256_rs384_rs512) {
  for (const char* header : {R"({"alg":"HS256"})", R"({"alg":"none"})", R"({"alg":"PS256"})",
                             R"({"alg":"ES256"})", R"({"typ":"JWT"})", R"({"alg":256})"}) {
    BOOST_TEST_CONTEXT(header) {
      auto jws = ParseJwsCompact(Signer().SignCompact(header, "{}"));
      BOOST_REQUIRE(!jws.ok());
      BOOST_TEST(jws.error().status == 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_malformed_tokens) {
  const std::string h = EncodeBase64Url(R"({"alg":"RS256"})");
  const std::string p = EncodeBase64Url("{}");
  for (const std::string& token :
       {std::string(""), h + "." + p, h + "." + p + ".c2ln.extra", h + "." + p + ".",
        h + "." + p + ".sig*", EncodeBase64Url("not json") + "." + p + ".c2ln",
        EncodeBase64Url("[]") + "." + p + ".c2ln",
        EncodeBase64Url(R"({"alg":"RS256","x5c":"notarray"})") + "." + p + ".c2ln",
        EncodeBase64Url(R"({"alg":"RS256","x5c":["!!"]})") + "." + p + ".c2ln"}) {
    BOOST_TEST_CONTEXT(token) {
      auto jws = ParseJwsCompact(token);
      BOOST_REQUIRE(!jws.ok());
      BOOST_TEST(jws.error().status == 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(verifies_with_the_x5c_certificate) {
  std::string header = R"({"alg":"RS256","x5c":[")" + Signer().CertificateBase64() + "\"]}";
  auto jws = ParseJwsCompact(Signer().SignCompact(header, "{}"));
  BOOST_REQUIRE(jws.ok());
  BOOST_REQUIRE_EQUAL(jws->x5c.size(), 1u);
  BOOST_TEST(!VerifyJwsWithCertificate(*jws).has_value());

  // Signed by another key than the certificate's.
  TestSigner other;
  auto forged = ParseJwsCompact(other.SignCompact(header, "{}"));
  BOOST_REQUIRE(forged.ok());
  auto error = VerifyJwsWithCertificate(*forged);
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 400);
}

BOOST_AUTO_TEST_CASE(base64_round_trips) {
  std::string out;
  for (std::string bytes : {std::string(""), std::string("f"), std::string("fo"),
                            std::string("foo"), std::string("\xff\xfe\x00\x01", 4)}) {
    BOOST_TEST(DecodeBase64(EncodeBase64Url(bytes), true, out));
    BOOST_TEST(out == bytes);
  }
  BOOST_TEST(DecodeBase64("Zm9vYg==", false, out));
  BOOST_TEST(out == "foob");
  BOOST_TEST(!DecodeBase64("Zm9v+", true, out));
  BOOST_TEST(!DecodeBase64("Z", true, out));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signed_statements)

BOOST_AUTO_TEST_CASE(accepts_a_signature_of_the_statement_as_sent) {
  std::string jws = Signer().SignCompact(R"({"alg":"RS256"})", kStatement);
  auto statement = WithSignature(kStatement, jws);
  BOOST_TEST(!VerifyStatementSignatures(*statement, PartsFor(jws), Version::k1_0, "$").has_value());
}

BOOST_AUTO_TEST_CASE(ignores_what_the_lrs_sets_and_what_comparison_ignores) {
  // The payload lacks id, has another verb display, a finer duration and the
  // timestamp in another offset: all equal by the comparison rules.
  std::string payload = R"({
    "actor": {"name": "A Learner", "mbox": "mailto:learner@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "http://example.org/activity"},
    "result": {"duration": "PT1M0.1299S"},
    "timestamp": "2024-01-02T04:04:05+01:00",
    "version": "1.0.0"
  })";
  std::string jws = Signer().SignCompact(R"({"alg":"RS384"})", payload, "RS384");
  auto statement = WithSignature(kStatement, jws);
  auto& alloc = statement->GetAllocator();
  JsonValue authority(rapidjson::kObjectType);
  authority.AddMember("mbox", "mailto:lrs@example.org", alloc);
  statement->AddMember("authority", authority, alloc);
  BOOST_TEST(!VerifyStatementSignatures(*statement, PartsFor(jws), Version::k2_0, "$").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_a_payload_that_differs_from_the_statement) {
  std::string payload(kStatement);
  payload.replace(payload.find("verbs/completed") + 6, 9, "attempted");
  std::string jws = Signer().SignCompact(R"({"alg":"RS256"})", payload);
  auto statement = WithSignature(kStatement, jws);
  auto error = VerifyStatementSignatures(*statement, PartsFor(jws), Version::k1_0, "$[2]");
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 400);
  BOOST_TEST(error->path == "$[2].attachments[0]");
}

BOOST_AUTO_TEST_CASE(rejects_a_payload_that_is_not_json) {
  std::string broken(kStatement);
  broken[broken.find('"')] = '\'';
  std::string jws = Signer().SignCompact(R"({"alg":"RS256"})", broken);
  auto statement = WithSignature(kStatement, jws);
  BOOST_TEST(VerifyStatementSignatures(*statement, PartsFor(jws), Version::k1_0, "$").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_a_signature_whose_jws_was_not_sent) {
  std::string jws = Signer().SignCompact(R"({"alg":"RS256"})", kStatement);
  auto statement = WithSignature(kStatement, jws);
  BOOST_TEST(VerifyStatementSignatures(*statement, {}, Version::k1_0, "$").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_an_x5c_that_does_not_verify) {
  TestSigner other;
  std::string header = R"({"alg":"RS256","x5c":[")" + other.CertificateBase64() + "\"]}";
  std::string jws = Signer().SignCompact(header, kStatement);
  auto statement = WithSignature(kStatement, jws);
  BOOST_TEST(VerifyStatementSignatures(*statement, PartsFor(jws), Version::k1_0, "$").has_value());

  std::string good_header = R"({"alg":"RS256","x5c":[")" + Signer().CertificateBase64() + "\"]}";
  std::string good = Signer().SignCompact(good_header, kStatement);
  auto signed_well = WithSignature(kStatement, good);
  BOOST_TEST(
      !VerifyStatementSignatures(*signed_well, PartsFor(good), Version::k1_0, "$").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_a_wrong_algorithm) {
  std::string jws = Signer().SignCompact(R"({"alg":"HS256"})", kStatement);
  auto statement = WithSignature(kStatement, jws);
  auto error = VerifyStatementSignatures(*statement, PartsFor(jws), Version::k1_0, "$");
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->path == "$.attachments[0]");
}

BOOST_AUTO_TEST_SUITE_END()
