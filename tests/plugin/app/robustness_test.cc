// Robustness of the whole request path against hostile input: a fixed-seed
// generator drives an in-process LRS (TestLrs) with 6000 requests (4000
// under the default manifest, 2000 under a pseudonymous-only one) built
// mostly from the statement corpus (tests/fixtures/statements/) by mutation.
// Every answer must be a 2xx/3xx/4xx, a 4xx must carry the usual JSON error
// object, and a JSON answer must parse. Afterwards the LRS must still store
// and return a statement.
//
// A sixth of the requests go to the privacy routes outside /xapi (consent,
// learner tokens, /privacy/me, erasure, the audit trail, the public pages,
// near-miss paths and methods), from every kind of caller: the lms, analyst
// and admin credentials, none, garbage, and learner tokens harvested from
// POST /privacy/tokens answers, replayed as issued or garbled, truncated,
// spliced, re-signed or padded. Their bodies are valid ones mutated. On top
// of the rules above, PrivacyWitness checks what the fuzz can see of the
// privacy rules: two learners' statements are stored first, and no learner
// token ever shows one learner's statements to another, erasure is whole and
// reaches only its learner, and a token the LRS did not issue is a 401.
//
// What this proves: no request below, and nothing close to it, makes the
// server return a 500, abort (RAPIDJSON_ASSERT, assert) or, in the sanitizer
// build (-fsanitize=address,undefined), read or write out of bounds. What it
// does not prove: that the 4xx chosen is the right one (the unit tests and
// the conformance suites check that), or anything about the socket layer
// (plugin/http/http_server.cc), which tests/e2e drives.
//
// Deterministic: std::mt19937 with a constant seed, values drawn with `%`
// (not std::uniform_*_distribution, whose output differs between standard
// libraries), corpus files read in sorted order. The server's own randomness
// (statement ids, keys) never feeds back into what is generated, except that
// `more` tokens, ETags, learner tokens and audit next-page links harvested
// from responses are garbled and replayed. Learner tokens carry the time, so
// a short-lived one may be answered 200 in one run and 401 in the next; the
// requests stay the same.
// A failure prints the iteration and the request, so it can be replayed by
// hand. LRS_ROBUSTNESS_SEED and LRS_ROBUSTNESS_ITERATIONS override the two
// constants for longer local soak runs (CI uses the defaults), and
// LRS_ROBUSTNESS_TRACE=1 prints each request before it is sent.

#define BOOST_TEST_MODULE plugin_robustness
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "plugin/http/http_message.h"
#include "plugin/app/lrs_app.h"
#include "tests/plugin/test_lrs.h"
#include "tests/xapi/test_signer.h"
#include "xapi/json.h"
#include "xapi/jws.h"
#include "xapi/multipart.h"

using namespace lrs::plugin;
using lrs::xapi::JsonAllocator;
using lrs::xapi::JsonDocument;
using lrs::xapi::JsonValue;

namespace {

namespace fs = std::filesystem;

constexpr uint32_t kSeed = 0x1a5e11;
constexpr int kIterations = 4000;
constexpr int kPseudonymousIterations = 4000;  // enough that A is erased mid-run
constexpr char kCorpusDir[] = "tests/fixtures/statements";
constexpr int kMaxReportedFailures = 20;
constexpr int kDocumentJsonDepth = 128;  // as plugin/resources/document_routes.cc accepts

int EnvInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::atoi(text) : fallback;
}

// ---------------------------------------------------------------------------
// Vocabulary the generator draws from.

const std::vector<std::string> kKeys = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments", "objectType", "name", "mbox", "mbox_sha1sum", "openid", "account",
    "homePage", "member", "display", "definition", "description", "type", "moreInfo",
    "extensions", "interactionType", "correctResponsesPattern", "choices", "scale", "source",
    "target", "steps", "score", "scaled", "raw", "min", "max", "success", "completion",
    "response", "duration", "registration", "instructor", "team", "contextActivities",
    "revision", "platform", "language", "statement", "parent", "grouping", "category", "other",
    "contextAgents", "contextGroups", "agent", "group", "relevantTypes", "usageType",
    "contentType", "length", "sha2", "fileUrl", "alg", "x5c", "$p", "$v", "$anon", "",
    "Actor", "ID", "__proto__", "http://example.org/ext", "en-US", "ключ", std::string("a\0b", 3)};

const std::vector<std::string> kStrings = {
    "", " ", "a", "Agent", "Group", "Activity", "SubStatement", "StatementRef", "contextAgent",
    "contextGroup", "Person", "agent", "mailto:x@example.org", "mailto:", "mailto:@", "mailto:a@",
    "http://example.org/a", "http://", "urn:x", "a:b", "x", "http://example.org/a b",
    "http://adlnet.gov/expapi/verbs/voided", "http://adlnet.gov/expapi/attachments/signature",
    "fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0",
    "fd41c918-b88b-4b20-a0a5-a4c32391aaa", "zz41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123456789+01:00", "0000-01-01T00:00:00+23:59",
    "9999-12-31T23:59:60-23:59", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00-00:00",
    "20240101T000000Z", "2024-01-01 00:00:00Z", "PT1H", "P", "PT", "P1W", "PT0.1237S", "P1.5DT",
    "en-US", "x-", "i-klingon", "en-a-bbb-a-ccc", "1234567890123456789012345678901234567890",
    "application/json", "application/octet-stream", "text/plain", "/", "true-false", "choice",
    "likert", "matching", "performance", "sequencing", "numeric", "other",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "héllo wörld",
    "日本語", "😀", "\xE2\x80\xAE", std::string("nul\0inside", 10), "\"quoted\"", "back\\slash",
    "{\"not\":\"parsed\"}", "%00", "a.b.c", "1.0.0", "2.0.0", "1.0", "0.95"};

// Raw JSON text spliced in where the DOM cannot express it: numbers beyond
// double, malformed literals, invalid UTF-8, broken escapes.
const std::vector<std::string> kRawTokens = {
    "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "0e0", "1E+2",
    "18446744073709551616", "-9223372036854775809", "01", "1.", ".5", "+1", "NaN", "Infinity",
    "-Infinity", "0x10", "tru", "nul", "True", "undefined", "\"\xff\"", "\"\xc3\x28\"",
    "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\\ud800\"", "\"\\udc00x\"",
    "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"a\\\"", "\"\x01\"", "\"\\x\"", "\"\xe2\x82\"",
    "\"\xf8\x88\x80\x80\x80\"", "\"\\uZZZZ\"", "[1,]", "{\"a\":}", "{\"a\" 1}", "[", "}", ""};

const std::vector<std::string> kVersions = {"1.0.3", "2.0.0", "1.0.0", "1.0", "1.0.1", "1.0.2"};
const std::vector<std::string> kOddVersions = {
    "",      "0.95",  "0.9",    "2.0",   "1.0.4", "1.0.3 ", " 1.0.3", "1.0.3,2.0.0",
    "1.1.0", "3.0.0", "2.0.0.", "\xff",  "1",     "1.0.",   "abc",    std::string(300, '1')};
const std::vector<std::string> kContentTypes = {
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    " application/json ",
    "application/jsonx",
    "text/plain",
    "",
    "multipart/mixed",
    "multipart/mixed; boundary=",
    "multipart/mixed; boundary=\"unterminated",
    "multipart/mixed; boundary=" + std::string(80, 'b'),
    "multipart/mixed; boundary=bad\x01" "char",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "json",
    ";",
    "/",
    ";;;=;=",
    "\xff\xfe"};
const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"};
const std::vector<std::string> kOddMethods = {"PATCH", "TRACE", "CONNECT", "", "get", "post",
                                              "G\x01T", "PROPFIND", std::string(100, 'X')};
const std::vector<std::string> kPaths = {
    "/xapi/statements", "/xapi/statements/", "/xapi/about", "/xapi/activities", "/xapi/agents",
    "/xapi/activities/state", "/xapi/activities/profile", "/xapi/agents/profile", "/xapi",
    "/xapi/", "/", "", "/xapi/unknown", "/xapi//statements", "/xapi/statements/../about",
    "/xapi/Statements", "/XAPI/statements", "/xapi/statements//", std::string("/xapi/\0", 7),
    "/xapi/activities/state/", "/xapi/agents/profile/x", "\xff", "/favicon.ico"};
const std::vector<std::string> kStatementParams = {
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
    "related_activities", "related_agents", "since", "until", "limit", "format",
    "attachments", "ascending", "more", "method", "content", "Agent", "", "unknown"};
const std::vector<std::string> kLimits = {"0", "1", "2", "-1", "500", "501", "2147483647",
                                          "2147483648", "99999999999999999999", "1e3", " 1",
                                          "", "abc", "+1", "0x10", "-0"};
const std::vector<std::string> kTimes = {
    "2024-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00-00:00",
    "2024-01-01", "", "\xff", "2024-01-01T24:00:00Z", "2099-01-01T00:00:00+23:59", "now",
    "2024-01-01T00:00:00.000000000000000000000000001Z", "20240101T000000"};
const std::vector<std::string> kBools = {"true", "false", "TRUE", "1", "", "yes"};
const std::vector<std::string> kFormats = {"exact", "ids", "canonical", "", "EXACT", "full"};
const std::vector<std::string> kAcceptLanguages = {
    "", "en-US", "fr, en;q=0.5", "*", "en;q=0", ";q=", "en;q=abc", "en;q=nan", ",,,",
    "en-US;q=1e999, *;q=0.1", "x;q=-1", "\xff", "zh-Hant-TW;q=0.9, *"};
const std::vector<std::string> kEtags = {"*", "\"abc\"", "W/\"abc\"", "abc", "\"", "\"\"", ",",
                                         " , ,", "W/", "W/\"", "\"a\", W/\"b\", *", "\xff",
                                         std::string(500, '"')};
const std::vector<std::string> kDocumentIds = {"s1", "s2", "ünïcode", "a b", "x/y", "%",
                                               std::string(1000, 'd')};
const std::vector<std::string> kOddDocumentIds = {"", "\xff\xfe", std::string("a\0b", 3)};
const std::vector<std::string> kActivityIds = {"http://example.org/act/1",
                                               "http://example.org/act/2", "urn:x:y"};
const std::vector<std::string> kOddActivityIds = {"not an iri", "http://example.org/\xff",
                                                  "http://example.org/\xc3", "", "http://", "\xff"};
const std::vector<std::string> kAgents = {
    R"({"mbox":"mailto:doc.learner@example.org"})",
    R"({"objectType":"Agent","account":{"homePage":"http://example.org","name":"doc"}})",
    R"({"openid":"http://example.org/openid/doc"})",
    R"({"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})",
    R"({"objectType":"Group","mbox":"mailto:group@example.org"})",
    R"({"objectType":"Group","member":[{"mbox":"mailto:m@example.org"}]})",
    R"({"objectType":"Group","member":[]})",
    R"({"account":{"homePage":"http://example.org"}})",
    R"({"mbox":"mailto:doc.learner@example.org","openid":"http://example.org/o"})",
    R"({"account":"x"})", R"([])", R"("x")", R"(null)", R"({})", "{", ""};
const std::vector<std::string> kRegistrations = {"ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                                                 "EC531277-B57B-4C15-8D91-D292C5B2B8F7", "x",
                                                 ""};
const std::vector<std::string> kAuthorizations = {
    "", "Basic", "Basic ", "Basic !!!!", "Bearer abc", "basic Og==", "Basic Og==", "Basic ====",
    "Basic YTpi", "Basic     ", "Basic A===", "Basic YWJj", "Digest x", "\xff\xff",
    "Basic " + std::string(4000, 'A')};
const std::vector<std::string> kRawQueries = {
    "a=%", "%zz=1", "&&&", "=x", "statementId=%00", "limit=%2", "agent=%7B", "=&=&=",
    "format=ids&format=ids", "%E2%82", "more=%FF%FE", "since=2024-01-01T00:00:00%2B01:00",
    "method=GET&method=PUT", "+=+", "statementId"};

// The privacy routes outside /xapi. Learners A and B are the witnesses of
// PrivacyWitness: the generator names A often and B only where nothing can
// erase B.
constexpr char kAgentA[] = R"({"mbox":"mailto:fuzz.learner.a@example.org","name":"Learner A"})";
constexpr char kAgentB[] = R"({"objectType":"Agent","mbox":"mailto:fuzz.learner.b@example.org"})";
const std::vector<std::string> kOddLearners = {
    "{\"mbox\":\"mailto:\xff@example.org\"}",
    "{\"mbox\":\"mailto:a@example.org\",\"name\":\"\xc3\x28\"}",
    "{\"mbox\":\"mailto:a@example.org\",\"x\":" + std::string(40, '[') + std::string(40, ']') + "}",
    R"({"mbox":1})", R"({"mbox":["mailto:a@example.org"]})", R"({"mbox":"a@example.org"})",
    R"({"account":{"homePage":"http://example.org","name":""}})", R"({"mbox_sha1sum":"XYZ"})",
    R"({"objectType":"Group","mbox":"mailto:a@example.org","member":[{"mbox":"mailto:b@x.org"}]})",
    R"({"objectType":"Activity","id":"http://example.org/a"})", R"({"mbox":"\u0000"})",
    R"({"mbox":"mailto:fuzz.learner.a@example.org","openid":"http://example.org/o"})"};
const std::vector<std::string> kPrivacyPaths = {
    "/privacy/", "/privacy/unknown", "/privacy/me/", "/privacy/ME", "/privacy//me",
    "/privacy/consent/", "/privacy/tokens/x", "/privacy/audit/", "/privacy/learners/x",
    "/privacy/me/../tokens", "/Privacy/me", "/privacy.json/", "/me/", "/privacy.html",
    std::string("/privacy/\0me", 11), "/privacy/\xff", "/privacy/consent", "/privacy/tokens",
    "/privacy/me", "/privacy/learners", "/privacy/audit", "/privacy", "/privacy.json", "/me",
    "/privacy/" + std::string(2000, 'p')};
const std::vector<std::string> kConsentStates = {"granted", "withdrawn", "Granted", "",
                                                 "revoked", "granted ", "withdrawn\xff"};
const std::vector<std::string> kPurposeIds = {"analytics",  "recommendations", "record-keeping",
                                              "unknown",    "",                "ANALYTICS",
                                              "analytics\xff", std::string(300, 'p')};
// JSON text for a value of the wrong type, or one JSON cannot hold.
const std::vector<std::string> kOddJsonValues = {
    "null", "true", "1", "-1", "1.5", "[]", "{}", "[\"granted\"]", "{\"state\":\"granted\"}",
    "1e400", "\"\\u0000\"", "\"\xff\"", "\"\\ud800\""};
const std::vector<std::string> kTtls = {
    "900",  "1",  "3600", "86400", "86401", "0",   "-1",   "1.5", "900.0", "\"900\"", "1e3",
    "1e400", "9223372036854775807", "18446744073709551616", "-9223372036854775809", "true",
    "null", "[]", "{}",   "-0"};
const std::vector<std::string> kMeFormats = {"download",  "",   "DOWNLOAD", "json",
                                             "download ", "\xff", std::string("download\0x", 10)};
const std::vector<std::string> kAuditAfters = {
    "0", "1", "2", "10", "-1", "", "x", "1.0", "+1", " 1", "9223372036854775807",
    "9223372036854775808", "999999999999999999", "1234567890123456789", "%"};
const std::vector<std::string> kAuditLimits = {"1", "3", "1000", "1001", "0", "-1", "",
                                               "abc", "99999999999999999999", "1e3"};
// Tokens no LRS issued. The payload of the last ones claims a far future exp.
const std::vector<std::string> kFakeTokens = {
    "", "lt1.", "lt1..", "lt1.e30.", "lt1.e30.AAAA", "lt2.e30.AAAA", "lt1.!!!.x", "...",
    "lt1.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwLCJraWQiOiJrIn0.",
    "lt1.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwLCJraWQiOiJrIn0." + std::string(43, 'A'),
    "lt1." + std::string(5000, 'A') + ".x", "lt1.%%%.%%%", "\xff\xfe", "lt1.e30",
    "lt2.", "lt2." + std::string(60, 'A'), "lt2." + std::string(5000, '_'), "lt2.!!!"};
const std::vector<std::string> kTokenAffixes = {" ", "x", ".", "lt1.", "\xff", ",", "%20",
                                                "\t", "=", "Bearer ", "A"};

// ---------------------------------------------------------------------------
// The generator.

struct Seed {
  std::string json;  // one statement
  bool v2;           // written for xAPI 2.0.0
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  uint32_t Below(size_t n) { return n == 0 ? 0 : static_cast<uint32_t>(rng_() % n); }
  // True with probability `per_mille`/1000.
  bool Chance(int per_mille) { return static_cast<int>(rng_() % 1000) < per_mille; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

  std::string Bytes(size_t max_length) {
    std::string out(Below(max_length + 1), '\0');
    for (char& c : out) c = static_cast<char>(rng_() & 0xff);
    return out;
  }

  std::string Uuid() {
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
      out += kHex[rng_() & 0xf];
    }
    return out;
  }

 private:
  std::mt19937 rng_;
};

// A DOM being mutated, plus the raw tokens that replace its markers when it
// is serialized (see Serialize).
class Mutant {
 public:
  Mutant(Generator& gen, const std::vector<std::string>& subtrees)
      : gen_(gen), subtrees_(subtrees) {}

  JsonDocument& doc() { return doc_; }
  JsonAllocator& alloc() { return doc_.GetAllocator(); }

  bool Parse(const std::string& text) {
    doc_.Parse(text.data(), text.size());
    return !doc_.HasParseError();
  }

  // A random scalar, array or object, at most `depth` levels deep.
  JsonValue RandomValue(int depth) {
    switch (gen_.Below(depth > 0 ? 12 : 9)) {
      case 0: return JsonValue();
      case 1: return JsonValue(gen_.Chance(500));
      case 2: {
        static const int64_t kInts[] = {0, 1, -1, 100, 4294967296LL, INT64_MAX, INT64_MIN};
        return JsonValue(kInts[gen_.Below(std::size(kInts))]);
      }
      case 3: return JsonValue(static_cast<uint64_t>(UINT64_MAX));
      case 4: {
        static const double kDoubles[] = {1.5, -1e308, 1e308, 4.9e-324, 0.1, -0.0, 2.5e-5};
        return JsonValue(kDoubles[gen_.Below(std::size(kDoubles))]);
      }
      case 5:
      case 6: return String(gen_.Pick(kStrings));
      case 7:
        return gen_.Chance(300) || !raw_allowed_ ? String(std::string(gen_.Below(20000), 'a'))
                                                 : RawMarker();
      case 8: return Subtree();
      case 9: {
        JsonValue array(rapidjson::kArrayType);
        for (uint32_t i = gen_.Below(4); i > 0; --i) array.PushBack(RandomValue(depth - 1), alloc());
        return array;
      }
      case 10: return Nested(1 + static_cast<int>(gen_.Below(30)));
      default: {
        JsonValue object(rapidjson::kObjectType);
        for (uint32_t i = gen_.Below(4); i > 0; --i) {
          object.AddMember(String(gen_.Pick(kKeys)), RandomValue(depth - 1), alloc());
        }
        return object;
      }
    }
  }

  // Applies 1 to 4 structural mutations at random places.
  void Mutate() {
    for (uint32_t n = 1 + gen_.Below(4); n > 0; --n) MutateAt(PickNode(doc_));
  }

  // Changes only what the spec leaves to the client, so the statement stays
  // valid: extension values of any shape (Data 4.1), Agent names, language
  // map entries. Returns false when the statement has no such place.
  bool MutateKeepingValid() {
    FreeForm places;
    CollectFreeForm(doc_, places);
    if (places.extensions.empty() && places.names.empty() && places.maps.empty()) return false;
    raw_allowed_ = false;
    for (uint32_t n = 1 + gen_.Below(3); n > 0; --n) {
      const uint32_t what = gen_.Below(3);
      if (what == 0 && !places.extensions.empty()) {
        JsonValue& map = *places.extensions[gen_.Below(places.extensions.size())];
        map.AddMember(String("http://example.org/ext/" + std::to_string(gen_.Below(5))),
                      RandomValue(5), alloc());
      } else if (what == 1 && !places.names.empty()) {
        static const std::vector<std::string> kNames = {
            "", "Ωμέγα", "日本語の名前", "😀😀", "tab\there", std::string("a\0b", 3),
            std::string(10000, 'n'), "</script>", "Robert'); DROP TABLE statements;--"};
        *places.names[gen_.Below(places.names.size())] = String(gen_.Pick(kNames));
      } else if (!places.maps.empty()) {
        static const std::vector<std::string> kTags = {"fr", "de-CH", "EN-us", "en-US",
                                                       "zh-Hant-TW", "x-private", "i-klingon"};
        JsonValue& map = *places.maps[gen_.Below(places.maps.size())];
        map.AddMember(String(gen_.Pick(kTags)), String(gen_.Pick(kStrings)), alloc());
      }
    }
    raw_allowed_ = true;
    return true;
  }

  // Compact JSON with every raw marker replaced by its token.
  std::string Serialize() const {
    std::string text = lrs::xapi::ToJson(doc_);
    return SpliceRawTokens(text);
  }

  std::string SpliceRawTokens(std::string text) const {
    static const std::string kOpen = "\"\\u0001R";
    for (size_t pos = text.find(kOpen); pos != std::string::npos; pos = text.find(kOpen, pos)) {
      size_t digits = pos + kOpen.size();
      size_t close = text.find("\\u0001\"", digits);
      if (close == std::string::npos) break;
      const std::string& token = raw_[std::stoul(text.substr(digits, close - digits))];
      text.replace(pos, close + 7 - pos, token);
      pos += token.size();
    }
    return text;
  }

  JsonValue String(const std::string& s) {
    return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc());
  }

 private:
  JsonValue RawMarker() {
    raw_.push_back(gen_.Chance(100) ? NestedText(1 + static_cast<int>(gen_.Below(40)))
                                    : gen_.Pick(kRawTokens));
    return String("\x01R" + std::to_string(raw_.size() - 1) + "\x01");
  }

  // `depth` levels of arrays or objects: deep, mostly under the limit.
  JsonValue Nested(int depth) {
    JsonValue inner(gen_.Chance(500) ? JsonValue(1) : String("leaf"));
    for (int i = 0; i < depth; ++i) {
      if (gen_.Chance(500)) {
        JsonValue array(rapidjson::kArrayType);
        array.PushBack(inner, alloc());
        inner = array;
      } else {
        JsonValue object(rapidjson::kObjectType);
        object.AddMember("n", inner, alloc());
        inner = object;
      }
    }
    return inner;
  }

  std::string NestedText(int depth) {
    return std::string(depth, '[') + "0" + std::string(depth, ']');
  }

  struct FreeForm {
    std::vector<JsonValue*> extensions;  // extension maps
    std::vector<JsonValue*> names;       // string "name" values
    std::vector<JsonValue*> maps;        // language maps
  };

  static void CollectFreeForm(JsonValue& v, FreeForm& out) {
    if (v.IsObject()) {
      for (auto& m : v.GetObject()) {
        const std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "extensions" && m.value.IsObject()) {
          out.extensions.push_back(&m.value);
        } else if (key == "name" && m.value.IsString()) {
          out.names.push_back(&m.value);
        } else if ((key == "display" || key == "name" || key == "description") &&
                   m.value.IsObject()) {
          out.maps.push_back(&m.value);
        } else {
          CollectFreeForm(m.value, out);
        }
      }
    } else if (v.IsArray()) {
      for (auto& item : v.GetArray()) CollectFreeForm(item, out);
    }
  }

  // A copy of an object or array from somewhere in the corpus.
  JsonValue Subtree() {
    JsonDocument scratch(&alloc());
    const std::string& text = gen_.Pick(subtrees_);
    scratch.Parse(text.data(), text.size());
    JsonValue out;
    if (!scratch.HasParseError()) out.Swap(scratch);
    return out;
  }

  // A node reached by a random walk from the root.
  JsonValue& PickNode(JsonValue& root) {
    JsonValue* node = &root;
    for (;;) {
      if (gen_.Chance(250)) return *node;
      if (node->IsObject() && node->MemberCount() > 0) {
        node = &(node->MemberBegin() + gen_.Below(node->MemberCount()))->value;
      } else if (node->IsArray() && !node->Empty()) {
        node = &(*node)[gen_.Below(node->Size())];
      } else {
        return *node;
      }
    }
  }

  void MutateAt(JsonValue& node) {
    if (node.IsObject() && node.MemberCount() > 0 && gen_.Chance(700)) {
      auto member = node.MemberBegin() + gen_.Below(node.MemberCount());
      switch (gen_.Below(6)) {
        case 0: node.EraseMember(member); return;
        case 1: {  // the same name twice
          JsonValue name(member->name, alloc());
          JsonValue value(member->value, alloc());
          node.AddMember(name, value, alloc());
          return;
        }
        case 2: member->name = String(gen_.Pick(kKeys)); return;
        case 3: member->value = RandomValue(3); return;
        case 4: node.AddMember(String(gen_.Pick(kKeys)), RandomValue(3), alloc()); return;
        default: {  // retype: the value wrapped in an array
          JsonValue array(rapidjson::kArrayType);
          array.PushBack(member->value, alloc());
          member->value = array;
          return;
        }
      }
    }
    if (node.IsArray() && !node.Empty() && gen_.Chance(600)) {
      switch (gen_.Below(3)) {
        case 0: node.Erase(node.Begin() + gen_.Below(node.Size())); return;
        case 1: {
          JsonValue copy(node[gen_.Below(node.Size())], alloc());
          node.PushBack(copy, alloc());
          return;
        }
        default: node.PushBack(RandomValue(2), alloc()); return;
      }
    }
    if (node.IsString() && gen_.Chance(500)) {
      node = gen_.Chance(500) ? String(gen_.Pick(kStrings)) : RawMarker();
      return;
    }
    node = RandomValue(3);
  }

  Generator& gen_;
  const std::vector<std::string>& subtrees_;
  JsonDocument doc_;
  std::vector<std::string> raw_;
  bool raw_allowed_ = true;
};

// Byte-level damage to a serialized document.
std::string Garble(Generator& gen, std::string text) {
  for (uint32_t n = 1 + gen.Below(3); n > 0; --n) {
    size_t pos = gen.Below(text.size() + 1);
    switch (gen.Below(5)) {
      case 0: text.resize(pos); break;
      case 1: text.insert(pos, 1, static_cast<char>(gen.Below(256))); break;
      case 2:
        if (pos < text.size()) text.erase(pos, 1 + gen.Below(8));
        break;
      case 3:
        if (pos < text.size()) text[pos] = static_cast<char>(gen.Below(256));
        break;
      default: text.insert(pos, gen.Pick(kRawTokens)); break;
    }
  }
  return text;
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCorpusDir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void CollectSubtrees(const JsonValue& v, std::vector<std::string>& out) {
  if (v.IsObject()) {
    out.push_back(lrs::xapi::ToJson(v));
    for (const auto& m : v.GetObject()) CollectSubtrees(m.value, out);
  } else if (v.IsArray()) {
    out.push_back(lrs::xapi::ToJson(v));
    for (const auto& item : v.GetArray()) CollectSubtrees(item, out);
  }
}

struct Corpus {
  std::vector<Seed> valid;
  std::vector<Seed> all;
  std::vector<std::string> subtrees;  // every object and array of every statement
  std::vector<std::string> actors;    // every "actor" value
  std::vector<std::string> activity_ids;  // every "object" id that is an IRI
};

Corpus LoadCorpus() {
  Corpus corpus;
  for (const fs::path& file : CorpusFiles()) {
    auto cases = lrs::xapi::ParseJson(lrs::testing::ReadTextFile(file));
    BOOST_REQUIRE_MESSAGE(cases.ok() && (*cases)->IsArray(), file.string());
    for (const auto& c : (*cases)->GetArray()) {
      const JsonValue* statement = lrs::xapi::Member(c, "statement");
      if (statement == nullptr) continue;
      Seed seed{lrs::xapi::ToJson(*statement),
                lrs::xapi::StringMember(c, "version") == "2.0.0"};
      if (lrs::xapi::StringMember(c, "expect") == "valid") corpus.valid.push_back(seed);
      corpus.all.push_back(seed);
      CollectSubtrees(*statement, corpus.subtrees);
      if (const JsonValue* actor = lrs::xapi::Member(*statement, "actor")) {
        corpus.actors.push_back(lrs::xapi::ToJson(*actor));
      }
      if (const JsonValue* object = lrs::xapi::Member(*statement, "object")) {
        std::string id(lrs::xapi::StringMember(*object, "id"));
        if (id.rfind("http", 0) == 0) corpus.activity_ids.push_back(id);
      }
    }
  }
  return corpus;
}

// ---------------------------------------------------------------------------
// Requests.

// What the privacy requests need besides the fixture's credentials.
struct PrivacyCallers {
  std::string admin;    // an admin credential's Authorization header
  std::string token_a;  // a learner token for learner A, as issued
  std::string token_b;  // for learner B: only ever sent where it cannot erase B
};

class Fuzzer {
 public:
  Fuzzer(uint32_t seed, lrs::testing::TestLrs& lrs, PrivacyCallers callers)
      : gen_(seed), lrs_(lrs), corpus_(LoadCorpus()), callers_(std::move(callers)) {
    BOOST_REQUIRE(!corpus_.valid.empty());
    tokens_.push_back(callers_.token_a);
  }

  HttpRequest Next() {
    HttpRequest request;
    // 0-99: the /xapi routes in the shares below; 100-119 (a sixth of all
    // requests): the privacy routes outside /xapi.
    const uint32_t kind = gen_.Below(120);
    if (kind >= 100) {
      Privacy(request);
    } else if (kind < 28) {
      PostStatements(request);
    } else if (kind < 36) {
      PutStatement(request);
    } else if (kind < 50) {
      GetStatements(request);
    } else if (kind < 66) {
      Document(request);
    } else if (kind < 70) {
      Activities(request);
    } else if (kind < 74) {
      Agents(request);
    } else if (kind < 84) {
      MultipartStatements(request);
    } else if (kind < 90) {
      AlternateSyntax(request);
    } else {
      Odd(request);
    }
    Perturb(request);
    return request;
  }

  // Harvests what later requests replay: ETags, more tokens, learner tokens
  // and the audit trail's next-page links. `request` is as handled.
  void Observe(const HttpRequest& request, const HttpResponse& response) {
    if (response.status == 200 && request.path == "/privacy/tokens") {
      auto body = lrs::xapi::ParseJson(response.body);
      if (body.ok() && (*body)->IsObject()) {
        const std::string token(lrs::xapi::StringMember(**body, "token"));
        if (!token.empty()) tokens_.push_back(token);
        if (tokens_.size() > 16) tokens_.erase(tokens_.begin());
      }
    }
    const size_t audit_more = response.body.find("\"more\":\"/privacy/audit?");
    if (audit_more != std::string::npos) {
      const size_t start = response.body.find('?', audit_more) + 1;
      const size_t end = response.body.find('"', start);
      if (end != std::string::npos) {
        audit_mores_.push_back(response.body.substr(start, end - start));
        if (audit_mores_.size() > 8) audit_mores_.erase(audit_mores_.begin());
      }
    }
    if (auto etag = response.headers.find("ETag"); etag != response.headers.end()) {
      etags_.push_back(etag->second);
      if (etags_.size() > 16) etags_.erase(etags_.begin());
    }
    const size_t more = response.body.find("\"more\":\"/xapi/statements?more=");
    if (more != std::string::npos) {
      const size_t start = response.body.find('=', more) + 1;
      const size_t end = response.body.find('"', start);
      if (end != std::string::npos && end > start) {
        mores_.push_back(response.body.substr(start, end - start));
        if (mores_.size() > 8) mores_.erase(mores_.begin());
      }
    }
  }

 private:
  // The headers of an ordinary, authenticated xAPI request.
  void Base(HttpRequest& request, const std::string& method, const std::string& path,
            bool v2 = false) {
    request.method = method;
    request.path = path;
    request.headers["X-Experience-API-Version"] = v2 ? "2.0.0" : gen_.Pick(kVersions);
    request.headers["Authorization"] = lrs_.lms;
  }

  const Seed& AnySeed() {
    return gen_.Chance(600) ? gen_.Pick(corpus_.valid) : gen_.Pick(corpus_.all);
  }

  // One statement: unchanged, mutated in the DOM, or damaged as text.
  std::string Statement(const Seed& seed, bool* v2) {
    *v2 = seed.v2;
    if (gen_.Chance(150)) return seed.json;
    Mutant m(gen_, corpus_.subtrees);
    m.Parse(seed.json);
    if (gen_.Chance(300)) {
      // Valid ones under a fresh id mostly, so they store rather than conflict.
      if (gen_.Chance(700)) FreshId(m);
      if (gen_.Chance(500)) m.MutateKeepingValid();
      return m.Serialize();
    }
    m.Mutate();
    std::string text = m.Serialize();
    return gen_.Chance(150) ? Garble(gen_, text) : text;
  }

  void FreshId(Mutant& m) {
    if (m.doc().IsObject() && m.doc().HasMember("id")) m.doc()["id"] = m.String(gen_.Uuid());
  }

  std::string StatementBody(bool* v2) {
    const uint32_t shape = gen_.Below(100);
    if (shape < 60) return Statement(AnySeed(), v2);
    if (shape < 95) {
      // Batches are all or nothing: some are left whole so that they store.
      const bool clean = gen_.Chance(400);
      std::string batch = "[";
      bool any_v2 = false;
      for (uint32_t i = 1 + gen_.Below(5); i > 0; --i) {
        bool item_v2;
        const Seed& seed = clean ? gen_.Pick(corpus_.valid) : AnySeed();
        if (clean) {
          Mutant m(gen_, corpus_.subtrees);
          m.Parse(seed.json);
          FreshId(m);
          batch += m.Serialize();
          item_v2 = seed.v2;
        } else {
          batch += Statement(seed, &item_v2);
        }
        any_v2 |= item_v2;
        if (i > 1) batch += ",";
      }
      *v2 = any_v2;
      return batch + "]";
    }
    *v2 = false;
    switch (gen_.Below(6)) {
      case 0: return "[]";
      case 1: return "";
      case 2: return "[{},[],1,\"x\",null,true]";
      case 3: {  // over the batch limit, each item small
        std::string big = "[";
        for (int i = 0; i < 1001; ++i) big += i ? ",{}" : "{}";
        return big + "]";
      }
      case 4: return gen_.Bytes(64);
      default: return gen_.Pick(kRawTokens);
    }
  }

  void PostStatements(HttpRequest& request) {
    bool v2 = false;
    request.body = StatementBody(&v2);
    Base(request, "POST", "/xapi/statements", v2);
    request.headers["Content-Type"] = "application/json";
  }

  void PutStatement(HttpRequest& request) {
    bool v2 = false;
    const std::string id = Id();
    if (gen_.Chance(500)) {
      // The statement's own id agrees with statementId, or is absent.
      const Seed& seed = AnySeed();
      v2 = seed.v2;
      Mutant m(gen_, corpus_.subtrees);
      m.Parse(seed.json);
      if (m.doc().IsObject()) {
        m.doc().RemoveMember("id");
        if (gen_.Chance(500)) m.doc().AddMember("id", m.String(id), m.alloc());
      }
      if (gen_.Chance(500)) m.Mutate();
      request.body = m.Serialize();
    } else {
      request.body = Statement(AnySeed(), &v2);
    }
    Base(request, "PUT", "/xapi/statements", v2);
    request.headers["Content-Type"] = "application/json";
    switch (gen_.Below(6)) {
      case 0: break;  // no statementId
      case 1: request.query.emplace_back("statementId", gen_.Pick(kStrings)); break;
      case 2:
        request.query.emplace_back("statementId", id);
        request.query.emplace_back(gen_.Pick(kStatementParams), gen_.Pick(kStrings));
        break;
      default: request.query.emplace_back("statementId", id); break;
    }
  }

  // A statement id from a small pool, so reads and conflicts hit something.
  std::string Id() {
    if (ids_.size() < 24 || gen_.Chance(100)) {
      ids_.push_back(gen_.Uuid());
      if (ids_.size() > 64) ids_.erase(ids_.begin());
    }
    return gen_.Pick(ids_);
  }

  std::string MutatedAgent() {
    if (gen_.Chance(300)) return gen_.Pick(kAgents);
    const std::string& actor = gen_.Pick(corpus_.actors);
    if (gen_.Chance(300)) return actor;
    Mutant m(gen_, corpus_.subtrees);
    m.Parse(actor);
    m.Mutate();
    std::string text = m.Serialize();
    return gen_.Chance(150) ? Garble(gen_, text) : text;
  }

  std::string ActivityId() {
    if (gen_.Chance(400)) return gen_.Pick(corpus_.activity_ids);  // has a definition, maybe
    return gen_.Chance(850) ? gen_.Pick(kActivityIds) : gen_.Pick(kOddActivityIds);
  }

  std::string More() {
    if (mores_.empty() || gen_.Chance(200)) {
      static const std::vector<std::string> kTokens = {"", ".", "a.b", "...", "e30.", "%%",
                                                       std::string(5000, 'A') + ".x"};
      return gen_.Pick(kTokens);
    }
    std::string token = gen_.Pick(mores_);
    if (gen_.Chance(400)) return token;  // as issued
    return Garble(gen_, token);
  }

  std::string StatementParamValue(const std::string& name) {
    if (name == "statementId" || name == "voidedStatementId" || name == "registration") {
      return gen_.Chance(700) ? Id() : gen_.Pick(kStrings);
    }
    if (name == "agent") return MutatedAgent();
    if (name == "verb" || name == "activity") {
      return gen_.Chance(500) ? ActivityId() : gen_.Pick(kStrings);
    }
    if (name == "since" || name == "until") return gen_.Pick(kTimes);
    if (name == "limit") return gen_.Pick(kLimits);
    if (name == "format") return gen_.Pick(kFormats);
    if (name == "more") return More();
    if (name.rfind("related", 0) == 0 || name == "attachments" || name == "ascending") {
      return gen_.Pick(kBools);
    }
    return gen_.Pick(kStrings);
  }

  void GetStatements(HttpRequest& request) {
    Base(request, gen_.Chance(900) ? "GET" : "HEAD", "/xapi/statements");
    if (!mores_.empty() && gen_.Chance(250)) {  // the next page, or a forged one
      request.query.emplace_back("more", More());
    } else if (gen_.Chance(100)) {
      request.query = ParseQueryString(gen_.Pick(kRawQueries));
    } else {
      for (uint32_t n = gen_.Below(4); n > 0; --n) {
        const std::string& name = gen_.Pick(kStatementParams);
        if (name == "method" || name == "content") continue;  // alternate syntax, below
        request.query.emplace_back(name, StatementParamValue(name));
      }
      // Small pages, so that responses carry more tokens to replay; every
      // format, so that every rendering runs.
      if (gen_.Chance(300)) request.query.emplace_back("limit", gen_.Chance(500) ? "1" : "3");
      if (gen_.Chance(300)) request.query.emplace_back("format", kFormats[gen_.Below(3)]);
      if (gen_.Chance(150)) request.query.emplace_back("attachments", "true");
    }
    if (gen_.Chance(300)) request.headers["Accept-Language"] = gen_.Pick(kAcceptLanguages);
  }

  std::string DocumentBody() {
    switch (gen_.Below(6)) {
      case 0: return "";
      case 1: return gen_.Bytes(128);
      case 2: return "{\"a\":" + std::string(120, '[') + "1" + std::string(120, ']') + "}";
      case 3: return std::string(200, '[') + std::string(200, ']');
      default: {
        Mutant m(gen_, corpus_.subtrees);
        m.doc().SetObject();
        for (uint32_t i = 1 + gen_.Below(4); i > 0; --i) {
          m.doc().AddMember(m.String(gen_.Pick(kKeys)), m.RandomValue(3), m.alloc());
        }
        std::string text = m.Serialize();
        return gen_.Chance(150) ? Garble(gen_, text) : text;
      }
    }
  }

  void Document(HttpRequest& request) {
    static const std::vector<std::string> kResources = {
        "/xapi/activities/state", "/xapi/activities/profile", "/xapi/agents/profile"};
    static const std::vector<std::string> kDocMethods = {"GET", "PUT", "POST", "DELETE",
                                                         "HEAD"};
    const std::string& path = gen_.Pick(kResources);
    Base(request, gen_.Chance(970) ? gen_.Pick(kDocMethods) : gen_.Pick(kOddMethods), path);
    auto maybe = [&](int per_mille, const std::string& name, const std::string& value) {
      if (gen_.Chance(per_mille)) request.query.emplace_back(name, value);
    };
    // Each resource's own parameters mostly (Communication 2.3, 2.6, 2.7),
    // sometimes another's.
    const bool state = path == "/xapi/activities/state";
    const bool agent_profile = path == "/xapi/agents/profile";
    // Mostly a handful of keys, so that documents exist to be read, merged,
    // matched against ETags and deleted.
    const bool common_key = gen_.Chance(700);
    maybe(agent_profile ? 30 : 900, "activityId",
          common_key ? kActivityIds[gen_.Below(2)]
                     : (gen_.Chance(900) ? ActivityId() : gen_.Pick(kStrings)));
    maybe(state || agent_profile ? 900 : 30, "agent",
          common_key ? kAgents[gen_.Below(3)]
                     : (gen_.Chance(700) ? gen_.Pick(kAgents) : MutatedAgent()));
    maybe(state ? 300 : 20, "registration", gen_.Pick(kRegistrations));
    maybe(800, state ? "stateId" : "profileId",
          common_key ? kDocumentIds[gen_.Below(2)]
                     : (gen_.Chance(950) ? gen_.Pick(kDocumentIds) : gen_.Pick(kOddDocumentIds)));
    maybe(150, "since", gen_.Pick(kTimes));
    maybe(50, gen_.Pick(kStatementParams), gen_.Pick(kStrings));
    if (gen_.Chance(30) && !request.query.empty()) request.query.push_back(request.query[0]);
    if (request.method == "PUT" || request.method == "POST" || gen_.Chance(50)) {
      request.body = DocumentBody();
      static const std::vector<std::string> kDocTypes = {"application/json", "text/plain", "",
                                                         "application/JSON; charset=x", "\t"};
      const std::string& type = gen_.Chance(900) ? gen_.Pick(kDocTypes) : gen_.Pick(kContentTypes);
      if (!type.empty() || gen_.Chance(500)) request.headers["Content-Type"] = type;
    }
    auto etag = [&] {
      return !etags_.empty() && gen_.Chance(600) ? gen_.Pick(etags_) : gen_.Pick(kEtags);
    };
    if (gen_.Chance(300)) request.headers["If-Match"] = etag();
    if (gen_.Chance(300)) request.headers["If-None-Match"] = etag();
  }

  void Activities(HttpRequest& request) {
    Base(request, gen_.Chance(900) ? "GET" : gen_.Pick(kMethods), "/xapi/activities");
    for (uint32_t n = gen_.Chance(800) ? 1 : gen_.Below(3); n > 0; --n) {
      request.query.emplace_back(gen_.Chance(850) ? "activityId" : gen_.Pick(kStatementParams),
                                 gen_.Chance(500) ? ActivityId() : gen_.Pick(kStrings));
    }
  }

  void Agents(HttpRequest& request) {
    Base(request, gen_.Chance(900) ? "GET" : gen_.Pick(kMethods), "/xapi/agents");
    for (uint32_t n = gen_.Chance(800) ? 1 : gen_.Below(3); n > 0; --n) {
      request.query.emplace_back(gen_.Chance(850) ? "agent" : gen_.Pick(kStatementParams),
                                 MutatedAgent());
    }
  }

  // A JWS for a signature part: the statement signed for real, or a
  // well-formed but unverified token over some payload, or garbage.
  std::string Jws(const std::string& payload) {
    using lrs::xapi::EncodeBase64Url;
    switch (gen_.Below(5)) {
      case 0:
        return signer_.SignCompact(R"({"alg":"RS256","x5c":[")" + Certificate() + "\"]}",
                                   payload);
      case 1: return signer_.SignCompact(R"({"alg":"RS512"})", payload, "RS512");
      case 2: {
        static const std::vector<std::string> kHeaders = {
            R"({"alg":"RS256"})", R"({"alg":"HS256"})", R"({"alg":1})", R"({"alg":"RS256","x5c":[]})",
            R"({"alg":"RS256","x5c":["!!"]})", R"({"alg":"RS256","x5c":["AAAA"]})",
            R"({"alg":"RS256","x5c":[1]})", R"([])", "{"};
        return EncodeBase64Url(gen_.Pick(kHeaders)) + "." + EncodeBase64Url(payload) + "." +
               EncodeBase64Url(gen_.Bytes(64) + "x");
      }
      case 3: return Garble(gen_, signer_.SignCompact(R"({"alg":"RS256"})", payload));
      default: return gen_.Bytes(100);
    }
  }

  const std::string& Certificate() {
    if (certificate_.empty()) certificate_ = signer_.CertificateBase64();
    return certificate_;
  }

  // A statement with attachments sent as multipart/mixed, then damaged.
  void MultipartStatements(HttpRequest& request) {
    using lrs::xapi::Sha2Hex;
    const Seed& seed = gen_.Pick(corpus_.valid);
    Mutant m(gen_, corpus_.subtrees);
    m.Parse(seed.json);
    JsonDocument& statement = m.doc();
    statement.RemoveMember("attachments");
    if (gen_.Chance(800)) FreshId(m);

    struct PartData {
      std::string content_type;
      std::string data;
      std::string hash;
    };
    std::vector<PartData> parts;
    JsonValue attachments(rapidjson::kArrayType);
    const bool signed_statement = gen_.Chance(300);
    for (uint32_t i = signed_statement ? 0 : 1 + gen_.Below(3); i > 0; --i) {
      static const size_t kHashLengths[] = {56, 64, 96, 128};
      PartData part{"text/plain", gen_.Bytes(200), ""};
      part.hash = Sha2Hex(part.data, kHashLengths[gen_.Below(4)]);
      JsonValue a(rapidjson::kObjectType);
      a.AddMember("usageType", "http://example.org/usage", m.alloc());
      JsonValue display(rapidjson::kObjectType);
      display.AddMember("en-US", "part", m.alloc());
      a.AddMember("display", display, m.alloc());
      a.AddMember("contentType", "text/plain", m.alloc());
      a.AddMember("length", static_cast<uint64_t>(part.data.size()), m.alloc());
      a.AddMember("sha2", m.String(part.hash), m.alloc());
      if (gen_.Chance(200)) a.AddMember("fileUrl", "http://example.org/f", m.alloc());
      attachments.PushBack(a, m.alloc());
      parts.push_back(std::move(part));
    }
    if (signed_statement) {
      std::string payload = lrs::xapi::ToJson(statement);
      if (gen_.Chance(400)) {
        Mutant p(gen_, corpus_.subtrees);
        p.Parse(payload);
        p.Mutate();
        payload = p.Serialize();
      }
      PartData part{"application/octet-stream", Jws(payload), ""};
      part.hash = Sha2Hex(part.data, 64);
      JsonValue a(rapidjson::kObjectType);
      a.AddMember("usageType", "http://adlnet.gov/expapi/attachments/signature", m.alloc());
      JsonValue display(rapidjson::kObjectType);
      display.AddMember("en-US", "signature", m.alloc());
      a.AddMember("display", display, m.alloc());
      a.AddMember("contentType", "application/octet-stream", m.alloc());
      a.AddMember("length", static_cast<uint64_t>(part.data.size()), m.alloc());
      a.AddMember("sha2", m.String(part.hash), m.alloc());
      attachments.PushBack(a, m.alloc());
      parts.push_back(std::move(part));
    }
    statement.AddMember("attachments", attachments, m.alloc());
    if (gen_.Chance(400)) m.Mutate();
    std::string json = m.Serialize();
    if (gen_.Chance(200)) json = "[" + json + "," + json + "]";

    std::string boundary = "b0undary-" + std::to_string(gen_.Below(1000));
    std::string crlf = "\r\n";
    std::string body = "--" + boundary + crlf + "Content-Type: application/json" + crlf + crlf +
                       json + crlf;
    for (auto& part : parts) {
      std::string hash = part.hash;
      std::string headers = "Content-Type: " + part.content_type + crlf +
                            "Content-Transfer-Encoding: binary" + crlf;
      switch (gen_.Chance(300) ? gen_.Below(10) : 99) {
        case 0: hash = hash.substr(0, hash.size() - 1); break;
        case 1: hash[0] = 'g'; break;
        case 2: hash = Sha2Hex("other", 64); break;
        case 3: hash.clear(); break;
        case 4: headers = "Content-Transfer-Encoding: base64" + crlf; break;
        case 5: headers = " folded: first" + crlf + headers; break;
        case 6: headers += "no colon here" + crlf; break;
        case 7: headers += ": empty name" + crlf; break;
        case 8: headers += "X-Folded: first" + crlf + "\tsecond" + crlf; break;
        case 9:  // not UTF-8: the type reaches the owner's /privacy/me
          headers = "Content-Type: text/\xc3\x28" + crlf + "Content-Transfer-Encoding: binary" + crlf;
          break;
        default: break;
      }
      body += "--" + boundary + crlf + headers + "X-Experience-API-Hash: " + hash + crlf + crlf +
              part.data + crlf;
    }
    body += "--" + boundary + "--" + crlf;

    std::string content_type = "multipart/mixed; boundary=" + boundary;
    switch (gen_.Chance(400) ? gen_.Below(12) : 99) {
      case 0: content_type = "multipart/mixed"; break;
      case 1: content_type = "multipart/mixed; boundary=\"" + boundary + "\""; break;
      case 2: content_type = "multipart/mixed; boundary=\"" + boundary; break;
      case 3: content_type = "multipart/mixed; boundary=other"; break;
      case 4: body = body.substr(0, gen_.Below(body.size() + 1)); break;
      case 5: {  // LF line ends only
        std::string lf;
        for (char c : body) {
          if (c != '\r') lf += c;
        }
        body = lf;
        break;
      }
      case 6: body = "--" + boundary + "--" + crlf; break;
      case 7: body = "preamble" + crlf + body; break;
      case 8: body.replace(body.find(crlf), 2, "  x"); break;
      case 9: body = Garble(gen_, body); break;
      case 10: content_type = "multipart/mixed; charset=x; boundary=" + boundary + "; x=y"; break;
      case 11: body = "--" + boundary + crlf + crlf + json + crlf + "--" + boundary + "--"; break;
      default: break;  // sent as built
    }
    request.body = std::move(body);
    Base(request, gen_.Chance(850) ? "POST" : "PUT", "/xapi/statements", seed.v2);
    if (request.method == "PUT") request.query.emplace_back("statementId", Id());
    request.headers["Content-Type"] = content_type;
  }

  void AlternateSyntax(HttpRequest& request) {
    static const std::vector<std::string> kAltMethods = {"GET", "PUT", "POST", "DELETE", "HEAD",
                                                         "get", "PATCH", "", "OPTIONS"};
    static const std::vector<std::string> kAltPaths = {
        "/xapi/statements", "/xapi/activities/state", "/xapi/agents/profile", "/xapi/activities",
        "/xapi/agents", "/xapi/about"};
    Base(request, gen_.Chance(900) ? "POST" : gen_.Pick(kMethods), gen_.Pick(kAltPaths));
    request.query.emplace_back("method", gen_.Pick(kAltMethods));
    if (gen_.Chance(100)) request.query.emplace_back("statementId", Id());
    std::string form;
    auto field = [&](const std::string& name, const std::string& value) {
      if (!form.empty()) form += "&";
      form += PercentEncode(name) + "=" + PercentEncode(value);
    };
    if (gen_.Chance(800)) {
      bool v2 = false;
      field("content", Statement(AnySeed(), &v2));
    }
    if (gen_.Chance(700)) field("X-Experience-API-Version", gen_.Pick(kVersions));
    if (gen_.Chance(700)) field("Authorization", gen_.Chance(900) ? lrs_.lms : "Basic x");
    if (gen_.Chance(300)) field("Content-Type", gen_.Pick(kContentTypes));
    if (gen_.Chance(200)) field("If-Match", gen_.Pick(kEtags));
    for (uint32_t n = gen_.Below(3); n > 0; --n) {
      const std::string& name = gen_.Pick(kStatementParams);
      field(name, StatementParamValue(name));
    }
    if (gen_.Chance(300)) field("activityId", ActivityId());
    if (gen_.Chance(300)) field("agent", gen_.Pick(kAgents));
    if (gen_.Chance(300)) field("stateId", gen_.Pick(kDocumentIds));
    if (gen_.Chance(100)) form = Garble(gen_, form);
    if (gen_.Chance(100)) form += "&" + gen_.Pick(kRawQueries);
    request.body = form;
    if (gen_.Chance(900)) {
      request.headers["Content-Type"] = gen_.Chance(900) ? "application/x-www-form-urlencoded"
                                                         : gen_.Pick(kContentTypes);
    }
    if (gen_.Chance(500)) request.headers.erase("Authorization");
    if (gen_.Chance(300)) request.headers.erase("X-Experience-API-Version");
  }

  // Anything at all: random method, path, headers and body.
  void Odd(HttpRequest& request) {
    Base(request, gen_.Chance(500) ? gen_.Pick(kMethods) : gen_.Pick(kOddMethods),
         gen_.Pick(kPaths));
    if (gen_.Chance(500)) request.query = ParseQueryString(gen_.Pick(kRawQueries));
    if (gen_.Chance(500)) {
      bool v2 = false;
      request.body = gen_.Chance(500) ? StatementBody(&v2) : gen_.Bytes(256);
    }
    if (gen_.Chance(500)) request.headers["Content-Type"] = gen_.Pick(kContentTypes);
    if (gen_.Chance(300)) request.headers["X-Experience-API-Version"] = gen_.Pick(kOddVersions);
    if (gen_.Chance(300)) request.headers["Authorization"] = OddAuthorization();
    if (gen_.Chance(100)) request.headers.clear();
  }

  std::string OddAuthorization() {
    // A known key with a wrong secret costs a full PBKDF2: rare, so the run
    // stays fast (the cache holds only successes).
    if (gen_.Chance(20)) return lrs::testing::BasicAuth("wrong:wrong");
    if (gen_.Chance(50)) return lrs_.analyst;
    return gen_.Pick(kAuthorizations);
  }

  // Occasional damage to any request's headers.
  void Perturb(HttpRequest& request) {
    for (const char* name : {"Content-Type", "X-Experience-API-Version", "Authorization"}) {
      if (gen_.Chance(15)) request.headers.erase(name);
    }
    if (gen_.Chance(40)) request.headers["X-Experience-API-Version"] = gen_.Pick(kOddVersions);
    if (gen_.Chance(40)) request.headers["Content-Type"] = gen_.Pick(kContentTypes);
    if (gen_.Chance(20)) request.method = gen_.Pick(kOddMethods);
    if (gen_.Chance(20)) request.headers["Authorization"] = OddAuthorization();
    if (gen_.Chance(20)) request.headers["Content-Length"] = gen_.Pick(kLimits);
  }

  // ---- The privacy routes outside /xapi (README, "Consent, learner tokens,
  // self-access, erasure"): each route with the caller it is meant for
  // mostly, else any other; bodies built from valid ones by mutation.
  //
  // Learner B must never be erased (PrivacyWitness checks B's statements
  // after every erasure): no generated agent names B where a DELETE could
  // follow, the token pool never holds a B token, and B's own token goes
  // only into requests whose method cannot become DELETE (Perturb never
  // picks DELETE).

  void Privacy(HttpRequest& request) {
    const uint32_t kind = gen_.Below(100);
    if (kind < 14) {
      PutConsent(request);
    } else if (kind < 24) {
      GetConsent(request);
    } else if (kind < 42) {
      IssueToken(request);
    } else if (kind < 63) {
      GetMe(request);
    } else if (kind < 67) {  // rare: each erasure checkpoints both databases
      Erase(request);
    } else if (kind < 79) {
      Audit(request);
    } else if (kind < 89) {
      PrivacyPages(request);
    } else {
      OddPrivacy(request);
    }
  }

  enum class Caller { kLms, kAdmin, kLearner, kLearnerOrB };

  void PrivacyBase(HttpRequest& request, const std::string& method, const std::string& path,
                   Caller meant) {
    request.method = method;
    request.path = path;
    if (gen_.Chance(100)) request.headers["X-Experience-API-Version"] = gen_.Pick(kVersions);
    // 0 lms, 1 admin, 2 a learner token, 3 B's token (reads only), then
    // anyone else: 4 analyst, 5 no Authorization, 6 garbage.
    const uint32_t who = gen_.Chance(700) ? static_cast<uint32_t>(meant) : gen_.Below(7);
    switch (who == 3 && meant != Caller::kLearnerOrB ? 2 : who) {
      case 0: request.headers["Authorization"] = lrs_.lms; break;
      case 1: request.headers["Authorization"] = callers_.admin; break;
      case 2: request.headers["Authorization"] = Bearer(Token(false)); break;
      case 3: request.headers["Authorization"] = Bearer(Token(true)); break;
      case 4: request.headers["Authorization"] = lrs_.analyst; break;
      case 5: break;
      default:
        request.headers["Authorization"] =
            gen_.Chance(500) ? OddAuthorization() : "Bearer " + gen_.Pick(kFakeTokens);
        break;
    }
  }

  std::string Bearer(const std::string& token) {
    static const std::vector<std::string> kSchemes = {"bearer ", "Bearer  ", "Bearer", "BEARER ",
                                                      "Basic ", "Bearer\t", " Bearer "};
    return (gen_.Chance(950) ? std::string("Bearer ") : gen_.Pick(kSchemes)) + token;
  }

  // A learner token: as issued half the time, else damaged the ways a forger
  // or a broken client would. `b_too`: B's token may be the one.
  std::string Token(bool b_too) {
    if (tokens_.empty() || gen_.Chance(60)) return gen_.Pick(kFakeTokens);
    const std::string& token =
        b_too && gen_.Chance(300) ? callers_.token_b : gen_.Pick(tokens_);
    switch (gen_.Chance(500) ? 99 : gen_.Below(7)) {
      case 0: {  // one byte changed
        std::string out = token;
        out[gen_.Below(out.size())] = static_cast<char>(gen_.Below(256));
        return out;
      }
      case 1: return token.substr(0, gen_.Below(token.size()));
      case 2: {  // spliced: the front of this token, the back of another
        const std::string& other = gen_.Pick(tokens_);
        const size_t cut = 4 + gen_.Below(std::min(token.size(), other.size()) - 4);
        return token.substr(0, cut) + other.substr(cut);
      }
      case 3: return gen_.Pick(kTokenAffixes) + token;
      case 4: return token + gen_.Pick(kTokenAffixes);
      case 5: return ForgedClaims();
      case 6: return Garble(gen_, token);
      default: return token;
    }
  }

  // What a forger can write without the key: claims of their choosing (a
  // later exp mostly, or a mutation) in the earlier signed shape ("lt1."
  // payload in clear), or as an "lt2." body that was never sealed.
  std::string ForgedClaims() {
    Mutant m(gen_, corpus_.subtrees);
    m.Parse("{\"sub\":\"x\",\"iat\":0,\"exp\":4102444800,\"kid\":\"k\"}");
    if (!gen_.Chance(500)) m.Mutate();
    const std::string payload = lrs::xapi::EncodeBase64Url(m.Serialize());
    return gen_.Chance(500) ? "lt1." + payload + "." + std::string(43, 'A') : "lt2." + payload;
  }

  // An agent for a privacy request: learner A often (so that consent, tokens
  // and erasure reach stored data), else actors from the corpus (valid and
  // invalid), odd agents and mutations. B only when `b_too`.
  std::string LearnerAgent(bool b_too) {
    const uint32_t u = gen_.Below(100);
    if (u < 30) return kAgentA;
    if (u < 36) return b_too ? kAgentB : kAgentA;
    if (u < 44) {
      Mutant m(gen_, corpus_.subtrees);
      m.Parse(kAgentA);
      m.Mutate();
      return m.Serialize();
    }
    if (u < 66) return gen_.Pick(corpus_.actors);
    if (u < 74) return gen_.Pick(kAgents);
    if (u < 80) return gen_.Pick(kOddLearners);
    return MutatedAgent();
  }

  std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

  // A body built from the valid `text`: as built half the time, else mutated
  // in the DOM or damaged as text.
  std::string PrivacyBody(const std::string& text) {
    const uint32_t how = gen_.Below(100);
    if (how < 50) return text;
    if (how < 78) {
      Mutant m(gen_, corpus_.subtrees);
      if (!m.Parse(text)) return Garble(gen_, text);
      m.Mutate();
      return m.Serialize();
    }
    switch (gen_.Below(8)) {
      case 0: return Garble(gen_, text);
      case 1: return "";
      case 2: return gen_.Bytes(64);
      case 3: return "[" + text + "]";
      case 4: {  // deep: about the parser's limit, or far beyond it
        const size_t depth = gen_.Chance(500) ? 30 + gen_.Below(5) : 1 + gen_.Below(5000);
        return "{\"agent\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
      }
      case 5: return text + text;
      case 6: {  // invalid UTF-8 inside a string
        std::string out = text;
        const size_t at = out.find("mailto:");
        out.insert(at == std::string::npos ? out.size() / 2 : at + 7, "\xc0\xaf");
        return out;
      }
      default: return gen_.Pick(kRawTokens);
    }
  }

  void PrivacyContentType(HttpRequest& request) {
    if (gen_.Chance(900)) {
      request.headers["Content-Type"] = "application/json";
    } else if (gen_.Chance(500)) {
      request.headers["Content-Type"] = gen_.Pick(kContentTypes);
    }
  }

  // The agent a learner token's request names, when it names one: the
  // witnesses mostly, so that a token naming another learner is tried.
  std::string AgentForToken() {
    if (gen_.Chance(600)) return gen_.Chance(500) ? kAgentA : kAgentB;
    return LearnerAgent(true);
  }

  void PutConsent(HttpRequest& request) {
    const bool token = gen_.Chance(400);
    PrivacyBase(request, "PUT", "/privacy/consent", token ? Caller::kLearner : Caller::kLms);
    std::string text = "{";
    if (!token) {
      text += "\"agent\":" + LearnerAgent(true) + ",";
    } else if (gen_.Chance(400)) {
      text += "\"agent\":" + AgentForToken() + ",";
    }
    std::string state = gen_.Chance(500) ? "granted" : "withdrawn";
    if (gen_.Chance(150)) state = gen_.Pick(kConsentStates);
    text += "\"state\":" + (gen_.Chance(950) ? Quoted(state) : gen_.Pick(kOddJsonValues));
    if (gen_.Chance(600)) {
      text += ",\"purposes\":";
      if (gen_.Chance(950)) {
        text += "[";
        for (uint32_t n = gen_.Below(4); n > 0; --n) {
          text += Quoted(gen_.Chance(800) ? kPurposeIds[gen_.Below(2)] : gen_.Pick(kPurposeIds));
          if (n > 1) text += ",";
        }
        text += "]";
      } else {
        text += gen_.Pick(kOddJsonValues);
      }
    }
    request.body = PrivacyBody(text + "}");
    PrivacyContentType(request);
  }

  void GetConsent(HttpRequest& request) {
    const bool token = gen_.Chance(400);
    PrivacyBase(request, gen_.Chance(950) ? "GET" : "HEAD", "/privacy/consent",
                token ? Caller::kLearnerOrB : Caller::kLms);
    if (!token) {
      request.query.emplace_back("agent", LearnerAgent(true));
    } else if (gen_.Chance(400)) {
      request.query.emplace_back("agent", AgentForToken());
    }
    if (gen_.Chance(50)) request.query.emplace_back("agent", LearnerAgent(true));
    if (gen_.Chance(30)) request.query = ParseQueryString(gen_.Pick(kRawQueries));
  }

  void IssueToken(HttpRequest& request) {
    PrivacyBase(request, gen_.Chance(950) ? "POST" : gen_.Pick(kMethods), "/privacy/tokens",
                Caller::kLms);
    std::string text = "{\"agent\":" + LearnerAgent(false);
    if (gen_.Chance(600)) {
      text += ",\"ttl_seconds\":" + (gen_.Chance(500) ? std::string("3600") : gen_.Pick(kTtls));
    }
    request.body = PrivacyBody(text + "}");
    PrivacyContentType(request);
  }

  void GetMe(HttpRequest& request) {
    static const std::vector<std::string> kNotDelete = {"HEAD", "POST", "PUT", "OPTIONS"};
    PrivacyBase(request, gen_.Chance(930) ? "GET" : gen_.Pick(kNotDelete), "/privacy/me",
                Caller::kLearnerOrB);
    if (gen_.Chance(400)) {
      request.query.emplace_back("format",
                                 gen_.Chance(700) ? "download" : gen_.Pick(kMeFormats));
    }
    if (gen_.Chance(50)) request.query.emplace_back("format", gen_.Pick(kMeFormats));
    if (gen_.Chance(50)) {
      request.query.emplace_back(gen_.Pick(kStatementParams), gen_.Pick(kStrings));
    }
  }

  void Erase(HttpRequest& request) {
    if (gen_.Chance(500)) {
      PrivacyBase(request, "DELETE", "/privacy/me", Caller::kLearner);
    } else {
      PrivacyBase(request, "DELETE", "/privacy/learners", Caller::kLms);
      if (gen_.Chance(950)) request.query.emplace_back("agent", LearnerAgent(false));
      if (gen_.Chance(50)) request.query.emplace_back("agent", LearnerAgent(false));
    }
    if (gen_.Chance(100)) {
      request.body = PrivacyBody("{\"agent\":" + LearnerAgent(false) + "}");
      PrivacyContentType(request);
    }
  }

  void Audit(HttpRequest& request) {
    PrivacyBase(request, gen_.Chance(900) ? "GET" : gen_.Pick(kMethods), "/privacy/audit",
                Caller::kAdmin);
    if (!audit_mores_.empty() && gen_.Chance(300)) {  // the next page, or a forged one
      std::string query = gen_.Pick(audit_mores_);
      if (gen_.Chance(400)) query = Garble(gen_, query);
      request.query = ParseQueryString(query);
      return;
    }
    auto maybe = [&](int per_mille, const std::string& name, const std::string& value) {
      if (gen_.Chance(per_mille)) request.query.emplace_back(name, value);
    };
    maybe(300, "since", gen_.Pick(kTimes));
    maybe(300, "after", gen_.Pick(kAuditAfters));
    // Small pages mostly, so that answers carry next-page links to replay.
    maybe(600, "limit", gen_.Chance(600) ? "3" : gen_.Pick(kAuditLimits));
    maybe(50, gen_.Pick(kStatementParams), gen_.Pick(kStrings));
    if (gen_.Chance(50) && !request.query.empty()) request.query.push_back(request.query[0]);
    if (gen_.Chance(30)) request.query = ParseQueryString(gen_.Pick(kRawQueries));
  }

  // The public pages: any caller, any method.
  void PrivacyPages(HttpRequest& request) {
    static const std::vector<std::string> kPages = {"/privacy", "/privacy.json", "/me"};
    static const std::vector<std::string> kPageMethods = {"GET", "GET",    "GET",    "HEAD",
                                                          "POST", "PUT", "DELETE", "OPTIONS"};
    PrivacyBase(request, gen_.Pick(kPageMethods), gen_.Pick(kPages),
                static_cast<Caller>(gen_.Below(3)));
    if (gen_.Chance(300)) {
      request.query.emplace_back(gen_.Chance(500) ? "token" : "format",
                                 gen_.Chance(500) ? Token(false) : gen_.Pick(kMeFormats));
    }
    if (gen_.Chance(100)) request.body = gen_.Bytes(64);
    if (gen_.Chance(200)) request.headers["Accept"] = gen_.Pick(kContentTypes);
  }

  // Anything at all under the privacy paths and their near misses.
  void OddPrivacy(HttpRequest& request) {
    PrivacyBase(request, gen_.Chance(600) ? gen_.Pick(kMethods) : gen_.Pick(kOddMethods),
                gen_.Pick(kPrivacyPaths), static_cast<Caller>(gen_.Below(3)));
    if (gen_.Chance(500)) request.query = ParseQueryString(gen_.Pick(kRawQueries));
    if (gen_.Chance(300)) request.query.emplace_back("agent", LearnerAgent(false));
    if (gen_.Chance(500)) {
      request.body = gen_.Chance(500)
                         ? PrivacyBody("{\"agent\":" + LearnerAgent(false) +
                                       ",\"state\":\"withdrawn\",\"ttl_seconds\":60}")
                         : gen_.Bytes(128);
      PrivacyContentType(request);
    }
  }

  Generator gen_;
  lrs::testing::TestLrs& lrs_;
  Corpus corpus_;
  lrs::testing::TestSigner signer_;
  std::string certificate_;
  std::vector<std::string> ids_;
  std::vector<std::string> etags_;
  std::vector<std::string> mores_;
  PrivacyCallers callers_;
  std::vector<std::string> tokens_;       // learner tokens as issued, never B's
  std::vector<std::string> audit_mores_;  // query strings of /privacy/audit next pages
};

// ---------------------------------------------------------------------------
// Checks.

std::string Printable(const std::string& bytes, size_t limit) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::string Describe(const HttpRequest& request) {
  std::string out = Printable(request.method, 100) + " " + Printable(request.path, 200);
  for (size_t i = 0; i < request.query.size(); ++i) {
    out += (i ? "&" : "?") + Printable(request.query[i].first, 100) + "=" +
           Printable(request.query[i].second, 300);
  }
  for (const auto& [name, value] : request.headers) {
    // Enough of Authorization to tell the caller (Basic, a token) apart.
    out += "\n  " + Printable(name, 100) + ": " +
           Printable(value, name == "Authorization" ? 40 : 200);
  }
  return out + "\n  body: " + Printable(request.body, 2000);
}

// Empty when the response keeps the contract, else what is wrong with it.
// `effective_method` is the method after alternate-syntax rewriting: a HEAD
// (even one sent as POST ?method=HEAD) answers without a body.
std::string Violation(const std::string& effective_method, const HttpResponse& response) {
  if (response.status < 200 || response.status > 499) {
    return "status " + std::to_string(response.status) + ": " + Printable(response.body, 500);
  }
  if (response.status < 400) {
    // A JSON answer is JSON, whatever bytes the request held. Documents may
    // nest deeper than statements (plugin/resources/document_routes.cc).
    auto type = response.headers.find("Content-Type");
    if (type == response.headers.end() || response.body.empty() ||
        !lrs::xapi::IsMediaType(type->second, "application/json")) {
      return "";
    }
    auto parsed = lrs::xapi::ParseJson(response.body, lrs::xapi::JsonLimits{kDocumentJsonDepth});
    if (!parsed.ok()) {
      return "a " + std::to_string(response.status) +
             " whose application/json body does not parse: " + parsed.error().message;
    }
    return "";
  }
  if (response.body.empty() && effective_method == "HEAD") return "";
  auto body = lrs::xapi::ParseJson(response.body);
  if (!body.ok() || !(*body)->IsObject()) return "a 4xx without a JSON object body";
  const JsonValue& error = **body;
  const JsonValue* status = lrs::xapi::Member(error, "status");
  if (status == nullptr || !status->IsInt() || status->GetInt() != response.status) {
    return "the error body's status differs from the response's";
  }
  for (const char* name : {"rule", "path", "message"}) {
    const JsonValue* v = lrs::xapi::Member(error, name);
    if (v == nullptr || !v->IsString()) return std::string("the error body has no string ") + name;
  }
  return "";
}

HttpResponse Call(lrs::testing::TestLrs& lrs, const std::string& method, const std::string& query,
                  const std::string& body = "") {
  HttpRequest request;
  request.method = method;
  request.path = "/xapi/statements";
  request.query = ParseQueryString(query);
  request.headers["X-Experience-API-Version"] = "1.0.3";
  request.headers["Authorization"] = lrs.lms;
  if (!body.empty()) request.headers["Content-Type"] = "application/json";
  request.body = body;
  return lrs.app->Handle(request);
}

HttpResponse Send(lrs::testing::TestLrs& lrs, const std::string& method, const std::string& path,
                  const QueryParams& query, const std::string& authorization,
                  const std::string& body = "") {
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.query = query;
  request.headers["X-Experience-API-Version"] = "1.0.3";
  request.headers["Authorization"] = authorization;
  if (!body.empty()) request.headers["Content-Type"] = "application/json";
  request.body = body;
  return lrs.app->Handle(request);
}

// Two learners whose statements are stored before the run, to check on
// every answer what the fuzz can see cheaply of the privacy rules (README,
// "Consent, learner tokens, self-access, erasure"):
//  1. GET /privacy/me shows a learner only their own statements: no answer
//     but B's lists B's statement ids or names B, none but A's lists A's or
//     names A; erased ids never come back; B's own answer lists all of B's.
//  2. Erasure is whole and reaches only its learner: after every 200 to a
//     DELETE, the LMS still reads each of B's statements (the generator never
//     lets B be erased), and A's are all there or all gone (then A's are
//     stored again under fresh ids, so the watch goes on).
//  3. A Bearer token the LRS did not issue (garbled, truncated, spliced,
//     re-signed claims, padded) is answered 401 under /privacy/, and an
//     issued one never gets a 2xx for a request that names the other
//     witness (by its mbox, in ?agent= or the body's "agent").
//  4. The pages answer text/html, /privacy.json application/json, and a
//     download carries Content-Disposition: attachment.
// A and B mention no one else, and the corpus never mentions them.
class PrivacyWitness {
 public:
  explicit PrivacyWitness(lrs::testing::TestLrs& lrs) : lrs_(lrs) {}

  // Stores both learners' statements, obtains a token for each and learns
  // their pseudonyms from /privacy/me.
  PrivacyCallers Setup() {
    b_ids_ = {"00000000-0000-4000-8000-0000000000b1", "00000000-0000-4000-8000-0000000000b2",
              "00000000-0000-4000-8000-0000000000b3"};
    std::string batch = "[";
    for (const std::string& id : b_ids_) {
      batch += (batch.size() > 1 ? "," : "") + StatementOf(kAgentB, id);
    }
    BOOST_REQUIRE_EQUAL(Send(lrs_, "POST", "/xapi/statements", {}, lrs_.lms, batch + "]").status,
                        200);
    StoreA();
    PrivacyCallers callers;
    callers.token_a = IssueToken(kAgentA);
    callers.token_b = IssueToken(kAgentB);
    pseudonym_a_ = PseudonymOf(callers.token_a);
    pseudonym_b_ = PseudonymOf(callers.token_b);
    BOOST_REQUIRE(!pseudonym_a_.empty() && !pseudonym_b_.empty() && pseudonym_a_ != pseudonym_b_);
    token_a_ = callers.token_a;
    token_b_ = callers.token_b;
    return callers;
  }

  // Empty when `response` (to `request`, as handled) keeps the rules above.
  std::string Check(const HttpRequest& request, const HttpResponse& response) {
    const std::string& path = request.path;
    if (path.rfind("/privacy", 0) != 0 && path != "/me") return "";
    // The bookkeeping below (issued tokens, the erasure check) runs whatever
    // else is found, so that one violation does not hide or cause others.
    std::string violation;
    const std::string_view authorization = request.Header("Authorization");
    if (path.rfind("/privacy/", 0) == 0 && authorization.substr(0, 7) == "Bearer ") {
      const std::string token(authorization.substr(7));
      if (issued_.count(token) == 0 && response.status != 401) {
        violation = "a token the LRS never issued was answered " + std::to_string(response.status);
      } else if (response.status >= 200 && response.status < 300 &&
                 NamedMbox(request) == (token == token_b_ ? kMboxA : kMboxB)) {
        violation = "a learner token reached another learner: " + std::to_string(response.status);
      }
    }
    if (response.status != 200) return violation;
    auto first = [&violation](std::string found) {
      if (violation.empty()) violation = std::move(found);
    };
    const std::string type(Header(response, "Content-Type"));
    if ((path == "/privacy" || path == "/me") && type.rfind("text/html", 0) != 0) {
      first("a page answered Content-Type " + type);
    }
    if (path == "/privacy.json" && !lrs::xapi::IsMediaType(type, "application/json")) {
      first("/privacy.json answered Content-Type " + type);
    }
    if (path == "/privacy/tokens") {
      auto body = lrs::xapi::ParseJson(response.body);
      const std::string token(body.ok() ? lrs::xapi::StringMember(**body, "token") : "");
      if (token.empty()) first("a 200 to POST /privacy/tokens without a token");
      issued_.insert(token);
    }
    if (path == "/privacy/me" && request.method == "GET") first(CheckMe(request, response));
    if (request.method == "DELETE" && (path == "/privacy/me" || path == "/privacy/learners")) {
      ++erasures_;
      first(CheckAfterErasure());
    }
    return violation;
  }

  // After the run: both learners' views once more, then the LMS erases A and
  // B's statements stay readable.
  void Finish() {
    if (a_erased_ > 0) {
      // Erasure killed A's token (issue 14): 401, and the LMS issues a new one.
      BOOST_TEST(Send(lrs_, "GET", "/privacy/me", {}, "Bearer " + token_a_).status == 401);
      token_a_ = LiveToken(kAgentA);
    }
    for (const std::string* token : {&token_a_, &token_b_}) {
      HttpRequest request;
      request.method = "GET";
      request.path = "/privacy/me";
      request.headers["Authorization"] = "Bearer " + *token;
      const HttpResponse response = lrs_.app->Handle(request);
      BOOST_REQUIRE_EQUAL(response.status, 200);
      BOOST_TEST(CheckMe(request, response) == "");
    }
    const HttpResponse erased = Send(lrs_, "DELETE", "/privacy/learners", {{"agent", kAgentA}},
                                     lrs_.lms);
    BOOST_REQUIRE_EQUAL(erased.status, 200);
    auto receipt = lrs::xapi::ParseJson(erased.body);
    BOOST_REQUIRE(receipt.ok());
    const JsonValue* counts = lrs::xapi::Member(**receipt, "erased");
    BOOST_REQUIRE(counts != nullptr && counts->IsObject());
    const JsonValue* statements = lrs::xapi::Member(*counts, "statements");
    BOOST_TEST((statements != nullptr && statements->IsInt64() &&
                statements->GetInt64() >= static_cast<int64_t>(a_ids_.size())));
    ++erasures_;
    const std::vector<std::string> a_ids = a_ids_;
    BOOST_TEST(CheckAfterErasure() == "");
    for (const std::string& id : a_ids) BOOST_TEST(ReadByLms(id) == 404);
    for (const std::string& id : b_ids_) BOOST_TEST(ReadByLms(id) == 200);
    BOOST_TEST_MESSAGE("privacy witness: " << me_reads_a_ << " reads of A's /privacy/me, "
                                           << me_reads_b_ << " of B's, " << erasures_
                                           << " erasures, A erased " << a_erased_ << " times");
  }

  int me_reads_a() const { return me_reads_a_; }
  int me_reads_b() const { return me_reads_b_; }
  int a_erased() const { return a_erased_; }

 private:
  static std::string StatementOf(const std::string& actor, const std::string& id) {
    return R"({"id":")" + id + R"(","actor":)" + actor +
           R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
           R"("object":{"id":"http://example.org/witness/)" + id + R"("}})";
  }

  static constexpr char kMboxA[] = "mailto:fuzz.learner.a@example.org";
  static constexpr char kMboxB[] = "mailto:fuzz.learner.b@example.org";

  // The "mbox" of the agent a privacy request names (?agent=, else the
  // body's "agent"), or "".
  static std::string NamedMbox(const HttpRequest& request) {
    std::shared_ptr<JsonDocument> agent;
    if (const std::string* text = request.Param("agent")) {
      auto parsed = lrs::xapi::ParseJson(*text);
      if (parsed.ok()) agent = *parsed;
    } else {
      auto body = lrs::xapi::ParseJson(request.body);
      if (body.ok() && (*body)->IsObject()) {
        if (const JsonValue* member = lrs::xapi::Member(**body, "agent")) {
          agent = std::make_shared<JsonDocument>();
          agent->CopyFrom(*member, agent->GetAllocator());
        }
      }
    }
    return agent && agent->IsObject() ? std::string(lrs::xapi::StringMember(*agent, "mbox")) : "";
  }

  static std::string_view Header(const HttpResponse& response, const std::string& name) {
    auto found = response.headers.find(name);
    return found == response.headers.end() ? std::string_view() : std::string_view(found->second);
  }

  // A's statements under fresh ids. After an erasure the LMS grants A's
  // consent again first: a withdrawal outlives erasure (issue 14).
  void StoreA() {
    a_ids_.clear();
    std::string batch = "[";
    for (int i = 0; i < 3; ++i) {
      char id[64];
      std::snprintf(id, sizeof id, "00000000-0000-4000-8000-a%011d", ++a_generation_);
      a_ids_.push_back(id);
      batch += (i ? "," : "") + StatementOf(kAgentA, id);
    }
    BOOST_REQUIRE_EQUAL(Send(lrs_, "POST", "/xapi/statements", {}, lrs_.lms, batch + "]").status,
                        200);
    for (const std::string& id : a_ids_) BOOST_REQUIRE_EQUAL(ReadByLms(id), 200);
  }

  std::string IssueToken(const std::string& agent) {
    // The longest a token lives, so that Finish can use it after a long soak.
    const HttpResponse response = Send(lrs_, "POST", "/privacy/tokens", {}, lrs_.lms,
                                       "{\"agent\":" + agent + ",\"ttl_seconds\":86400}");
    BOOST_REQUIRE_EQUAL(response.status, 200);
    auto body = lrs::xapi::ParseJson(response.body);
    BOOST_REQUIRE(body.ok());
    std::string token(lrs::xapi::StringMember(**body, "token"));
    issued_.insert(token);
    return token;
  }

  // A token issued in the second of A's last erasure counts as issued before
  // it (plugin/auth/token_revocations.h, rule 3): wait for the next second.
  std::string LiveToken(const std::string& agent) {
    for (int attempt = 0;; ++attempt) {
      std::string token = IssueToken(agent);
      if (Send(lrs_, "GET", "/privacy/me", {}, "Bearer " + token).status == 200 || attempt == 12) {
        return token;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::string PseudonymOf(const std::string& token) {
    const HttpResponse response =
        Send(lrs_, "GET", "/privacy/me", {}, "Bearer " + token);
    BOOST_REQUIRE_EQUAL(response.status, 200);
    auto body = lrs::xapi::ParseJson(response.body, lrs::xapi::JsonLimits{kDocumentJsonDepth});
    BOOST_REQUIRE(body.ok());
    return std::string(lrs::xapi::StringMember(**body, "pseudonym"));
  }

  int ReadByLms(const std::string& id) {
    return Send(lrs_, "GET", "/xapi/statements", {{"statementId", id}}, lrs_.lms).status;
  }

  std::string CheckMe(const HttpRequest& request, const HttpResponse& response) {
    const std::string* format = request.Param("format");
    if (format != nullptr && *format == "download" &&
        Header(response, "Content-Disposition").find("attachment") == std::string_view::npos) {
      return "a download without Content-Disposition: attachment";
    }
    auto body = lrs::xapi::ParseJson(response.body, lrs::xapi::JsonLimits{kDocumentJsonDepth});
    if (!body.ok() || !(*body)->IsObject()) return "GET /privacy/me answered no JSON object";
    const std::string pseudonym(lrs::xapi::StringMember(**body, "pseudonym"));
    std::set<std::string> listed;
    if (const JsonValue* statements = lrs::xapi::Member(**body, "statements");
        statements != nullptr && statements->IsArray()) {
      for (const JsonValue& statement : statements->GetArray()) {
        listed.insert(std::string(lrs::xapi::StringMember(statement, "id")));
      }
    } else {
      return "GET /privacy/me answered no statements array";
    }
    const bool is_a = pseudonym == pseudonym_a_, is_b = pseudonym == pseudonym_b_;
    me_reads_a_ += is_a;
    me_reads_b_ += is_b;
    for (const std::string& id : b_ids_) {
      if (!is_b && listed.count(id)) return "another learner's /privacy/me lists B's " + id;
      if (is_b && !listed.count(id)) return "B's /privacy/me lacks B's " + id;
    }
    for (const std::string& id : a_ids_) {
      if (!is_a && listed.count(id)) return "another learner's /privacy/me lists A's " + id;
    }
    for (const std::string& id : erased_ids_) {
      if (listed.count(id)) return "/privacy/me lists " + id + ", erased";
    }
    if (!is_a && response.body.find("fuzz.learner.a@") != std::string::npos) {
      return "another learner's /privacy/me names A";
    }
    if (!is_b && response.body.find("fuzz.learner.b@") != std::string::npos) {
      return "another learner's /privacy/me names B";
    }
    return "";
  }

  std::string CheckAfterErasure() {
    for (const std::string& id : b_ids_) {
      const int status = ReadByLms(id);
      if (status != 200) {
        return "after an erasure the LMS reads B's " + id + ": " + std::to_string(status);
      }
    }
    size_t readable = 0;
    for (const std::string& id : a_ids_) readable += ReadByLms(id) == 200;
    if (readable == a_ids_.size()) return "";
    if (readable != 0) return "an erasure left " + std::to_string(readable) + " of A's statements";
    ++a_erased_;
    erased_ids_.insert(a_ids_.begin(), a_ids_.end());
    const HttpResponse granted = Send(lrs_, "PUT", "/privacy/consent", {}, lrs_.lms,
                                      std::string("{\"agent\":") + kAgentA +
                                          ",\"state\":\"granted\"}");
    if (granted.status != 204) return "the LMS could not grant A again: " + granted.body;
    StoreA();
    return "";
  }

  lrs::testing::TestLrs& lrs_;
  std::vector<std::string> a_ids_, b_ids_;
  std::set<std::string> erased_ids_;
  std::set<std::string> issued_;  // every learner token the LRS issued
  std::string pseudonym_a_, pseudonym_b_, token_a_, token_b_;
  int a_generation_ = 0;
  int me_reads_a_ = 0, me_reads_b_ = 0, erasures_ = 0, a_erased_ = 0;
};

// Sends `iterations` generated requests (the seed and count may be
// overridden, see the top of the file) and checks every answer, then that
// the LRS still stores and returns a valid statement.
void RunAndCheck(lrs::testing::TestLrs& lrs, uint32_t default_seed, int default_iterations) {
  const uint32_t seed = static_cast<uint32_t>(EnvInt("LRS_ROBUSTNESS_SEED", default_seed));
  const int iterations = EnvInt("LRS_ROBUSTNESS_ITERATIONS", default_iterations);
  // Prints every request before it is sent: the last one printed is the one
  // that crashed, when a sanitizer ends the process.
  const bool trace = EnvInt("LRS_ROBUSTNESS_TRACE", 0) != 0;
  PrivacyWitness witness(lrs);
  PrivacyCallers callers = witness.Setup();
  callers.admin = lrs.AddCredential("admin", "robustness-admin");
  Fuzzer fuzzer(seed, lrs, std::move(callers));

  std::map<int, int> statuses;
  std::map<int, int> privacy_statuses;  // the same, for requests outside /xapi
  int failures = 0;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Clock::duration privacy_time{};  // requests outside /xapi, with the witness's own
  for (int i = 0; i < iterations; ++i) {
    HttpRequest request = fuzzer.Next();
    const HttpRequest sent = request;  // Handle may rewrite it (alternate syntax)
    if (trace) std::fprintf(stderr, "#%d %s\n", i, Describe(sent).c_str());
    const auto sent_at = Clock::now();
    const HttpResponse response = lrs.app->Handle(request);
    ++statuses[response.status];
    fuzzer.Observe(request, response);
    std::string violation = Violation(request.method, response);
    const std::string privacy_violation = witness.Check(request, response);  // always: it harvests
    if (violation.empty()) violation = privacy_violation;
    if (!violation.empty() && ++failures <= kMaxReportedFailures) {
      BOOST_ERROR("seed " << seed << ", iteration " << i << ": " << violation << "\n"
                          << Describe(sent));
    }
    if (sent.path != "/xapi" && sent.path.rfind("/xapi/", 0) != 0) {
      ++privacy_statuses[response.status];
      privacy_time += Clock::now() - sent_at;
    }
  }
  auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  const auto elapsed = Clock::now() - start;
  auto summary = [](const std::map<int, int>& counts) {
    std::string out;
    int total = 0;
    for (const auto& [status, count] : counts) {
      out += " " + std::to_string(status) + "x" + std::to_string(count);
      total += count;
    }
    return std::to_string(total) + " requests;" + out;
  };
  BOOST_TEST_MESSAGE(summary(statuses) << " in " << ms(elapsed) << " ms; outside /xapi: "
                                       << summary(privacy_statuses) << " in "
                                       << ms(privacy_time) << " ms");
  BOOST_TEST(failures == 0);
  // The generator must get past the door often enough to test what is behind it.
  BOOST_TEST(statuses[200] + statuses[204] >= iterations / 10);
  int privacy_requests = 0;
  for (const auto& [status, count] : privacy_statuses) privacy_requests += count;
  BOOST_TEST(privacy_statuses[200] + privacy_statuses[204] >= privacy_requests / 10);
  if (iterations >= 1000) {  // the witnesses were reached, not only checked at the end
    BOOST_TEST(witness.me_reads_a() > 0);
    BOOST_TEST(witness.me_reads_b() > 0);
    BOOST_TEST(witness.a_erased() > 0);
  }
  witness.Finish();

  // Still serving: a valid statement is stored and read back.
  auto posted = Call(lrs, "POST", "",
                     R"({"actor":{"mbox":"mailto:after@example.org"},
                         "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
                         "object":{"id":"http://example.org/after"}})");
  BOOST_REQUIRE_EQUAL(posted.status, 200);
  auto ids = lrs::xapi::ParseJson(posted.body);
  BOOST_REQUIRE(ids.ok() && (*ids)->IsArray() && (*ids)->Size() == 1 && (**ids)[0].IsString());
  auto got = Call(lrs, "GET", "statementId=" + std::string((**ids)[0].GetString()));
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(got.body.find("http://example.org/after") != std::string::npos);
}

// manifests/default.json with identity "pseudonymous-only": reads render
// every Agent in its pseudonymous form (anonymizer/identity_split.h).
std::string PseudonymousManifest() {
  std::string text = lrs::testing::ReadTextFile("manifests/default.json");
  const size_t at = text.find("\"sealed\"");
  BOOST_REQUIRE(at != std::string::npos);
  text.replace(at, 8, "\"pseudonymous-only\"");
  const fs::path path = fs::temp_directory_path() /
                        ("lrs-robustness-manifest-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(answers_every_generated_request_with_a_2xx_or_a_json_4xx) {
  lrs::testing::TestLrs lrs("robustness");
  RunAndCheck(lrs, kSeed, kIterations);
}

BOOST_AUTO_TEST_CASE(answers_as_well_under_a_pseudonymous_only_manifest) {
  const std::string manifest = PseudonymousManifest();
  {
    lrs::testing::TestLrs lrs("robustness-pseudonymous", manifest);
    RunAndCheck(lrs, kSeed + 1, kPseudonymousIterations);
  }
  fs::remove(manifest);
}

// Regression, found by this fuzz (seed 2024, 30000 iterations): a document
// PUT with a Content-Type header that is not UTF-8 made GET /privacy/me
// answer a 200 whose JSON did not parse, because the export copied the header
// into "contentType" as it came. The same for an attachment part's header.
// Since issue 15 (finding 7) such a type is no media type and is refused at
// the door (the export still repairs one stored before).
BOOST_AUTO_TEST_CASE(self_access_export_stays_json_when_a_content_type_is_not_utf8) {
  lrs::testing::TestLrs lrs("robustness-export-utf8");
  HttpRequest put;
  put.method = "PUT";
  put.path = "/xapi/agents/profile";
  put.query = {{"agent", kAgentA}, {"profileId", "p"}};
  put.headers["X-Experience-API-Version"] = "1.0.3";
  put.headers["Authorization"] = lrs.lms;
  put.headers["Content-Type"] = "\xff\xfe";
  put.headers["If-None-Match"] = "*";
  put.body = "x";
  const HttpResponse stored = lrs.app->Handle(put);
  BOOST_REQUIRE_MESSAGE(stored.status == 400, stored.body);

  const std::string data = "attached";
  const std::string sha2 = lrs::xapi::Sha2Hex(data, 64);
  const std::string statement =
      R"({"actor":)" + std::string(kAgentA) +
      R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
      R"("object":{"id":"http://example.org/utf8"},)"
      R"("attachments":[{"usageType":"http://example.org/u",)"
      R"("display":{"en-US":"a"},"contentType":"text/plain","length":)" +
      std::to_string(data.size()) + R"(,"sha2":")" + sha2 + R"("}]})";
  HttpRequest post;
  post.method = "POST";
  post.path = "/xapi/statements";
  post.headers["X-Experience-API-Version"] = "1.0.3";
  post.headers["Authorization"] = lrs.lms;
  post.headers["Content-Type"] = "multipart/mixed; boundary=b";
  post.body = "--b\r\nContent-Type: application/json\r\n\r\n" + statement +
              "\r\n--b\r\nContent-Type: text/\xc3\x28\r\nContent-Transfer-Encoding: binary\r\n"
              "X-Experience-API-Hash: " + sha2 + "\r\n\r\n" + data + "\r\n--b--\r\n";
  BOOST_REQUIRE_EQUAL(lrs.app->Handle(post).status, 400);
  post.body.replace(post.body.find("text/\xc3\x28"), 7, "text/plain");
  BOOST_REQUIRE_EQUAL(lrs.app->Handle(post).status, 200);
  put.headers["Content-Type"] = "application/x-anything";
  BOOST_REQUIRE_EQUAL(lrs.app->Handle(put).status, 204);

  const HttpResponse token = Send(lrs, "POST", "/privacy/tokens", {}, lrs.lms,
                                  std::string(R"({"agent":)") + kAgentA + "}");
  BOOST_REQUIRE_EQUAL(token.status, 200);
  auto issued = lrs::xapi::ParseJson(token.body);
  BOOST_REQUIRE(issued.ok());
  const HttpResponse me =
      Send(lrs, "GET", "/privacy/me", {},
           "Bearer " + std::string(lrs::xapi::StringMember(**issued, "token")));
  BOOST_REQUIRE_EQUAL(me.status, 200);
  auto body = lrs::xapi::ParseJson(me.body);
  BOOST_TEST_REQUIRE(body.ok(), (body.ok() ? "" : body.error().message));
  const JsonValue& documents = (**body)["documents"];
  const JsonValue& attachments = (**body)["attachments"];
  BOOST_REQUIRE(documents.IsArray() && documents.Size() == 1);
  BOOST_REQUIRE(attachments.IsArray() && attachments.Size() == 1);
  BOOST_TEST(lrs::xapi::StringMember(documents[0], "contentType") == "application/x-anything");
  BOOST_TEST(lrs::xapi::StringMember(attachments[0], "contentType") == "text/plain");
}
