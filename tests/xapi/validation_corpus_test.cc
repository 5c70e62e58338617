// Runs the declarative statement corpus (STYLE.md rule 9): every file in
// tests/fixtures/statements/ holds an array of cases
//   {"name": ..., "version": "1.0.3" | "2.0.0", "statement": {...},
//    "expect": "valid" | {"status": 400, "path": "$.actor", "rule_contains": "2.4.2.3"},
//    "breaks": "the spec sentence the statement breaks"}          (invalid cases)
// and each case is validated and compared with its expectation. A failure
// names the file and the case. The corpus also checks privacy: no error
// message or path may repeat a string value of the statement.
#define BOOST_TEST_MODULE xapi_validation_corpus
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xapi/json.h"
#include "xapi/validator.h"

namespace lrs::xapi {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCorpusDir = "tests/fixtures/statements";
// The corpus is the rule list; these floors keep it from shrinking unseen.
constexpr int kMinCases = 150;
constexpr int kMinInvalidCases = 110;

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCorpusDir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// String values that could be learner data (objectType and interactionType
// values are spec vocabulary, which messages may name), and object keys that
// look like IRIs or addresses (extension keys).
void CollectStrings(const JsonValue& v, bool vocabulary, std::vector<std::string>* out) {
  if (v.IsString() && !vocabulary && v.GetStringLength() >= 6) {
    out->emplace_back(v.GetString(), v.GetStringLength());
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) CollectStrings(item, false, out);
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      if (key.find_first_of(":@") != std::string::npos) out->push_back(key);
      CollectStrings(m.value, key == "objectType" || key == "interactionType", out);
    }
  }
}

struct Tally {
  int cases = 0;
  int invalid = 0;
};

void RunCase(const JsonValue& c, Tally* tally) {
  const std::string version = StringMember(c, "version") == "2.0.0" ? "2.0.0" : "1.0.3";
  BOOST_TEST((StringMember(c, "version") == "1.0.3" || StringMember(c, "version") == "2.0.0"));
  const JsonValue* statement = Member(c, "statement");
  const JsonValue* expect = Member(c, "expect");
  BOOST_TEST_REQUIRE(statement != nullptr);
  BOOST_TEST_REQUIRE(expect != nullptr);
  ++tally->cases;

  ValidationOptions options;
  options.version = version == "2.0.0" ? Version::k2_0 : Version::k1_0;
  const MaybeError error = ValidateStatement(*statement, options);

  if (expect->IsString()) {
    BOOST_TEST(std::string(expect->GetString()) == "valid");
    BOOST_TEST(!error.has_value(), "unexpected error: " << (error ? error->rule : "") << " at "
                                                        << (error ? error->path : "") << ": "
                                                        << (error ? error->message : ""));
    return;
  }
  ++tally->invalid;
  const std::string path(StringMember(*expect, "path"));
  const std::string rule(StringMember(*expect, "rule_contains"));
  BOOST_TEST(!rule.empty(), "an invalid case names the rule it breaks");
  BOOST_TEST(!StringMember(c, "breaks").empty(), "an invalid case quotes what it breaks");
  BOOST_TEST_REQUIRE(error.has_value(), "expected an error at " << path << " (" << rule << ")");
  const JsonValue* status = Member(*expect, "status");
  BOOST_TEST(error->status == (status && status->IsInt() ? status->GetInt() : 400));
  BOOST_TEST(error->path == path, "rule: " << error->rule << "; message: " << error->message);
  BOOST_TEST(error->rule.find(rule) != std::string::npos, "rule: " << error->rule);
  BOOST_TEST(error->rule.rfind("xAPI ", 0) == 0, "rule cites the spec: " << error->rule);

  std::vector<std::string> secrets;
  CollectStrings(*statement, false, &secrets);
  for (const std::string& secret : secrets) {
    BOOST_TEST(error->message.find(secret) == std::string::npos, "message echoes input");
    BOOST_TEST(error->path.find(secret) == std::string::npos, "path echoes input");
  }
}

BOOST_AUTO_TEST_CASE(every_corpus_case_meets_its_expectation) {
  Tally tally;
  const std::vector<fs::path> files = CorpusFiles();
  BOOST_TEST_REQUIRE(!files.empty(), "no corpus under " << kCorpusDir);
  for (const fs::path& file : files) {
    BOOST_TEST_CONTEXT("file " << file.filename().string()) {
      JsonLimits limits;
      limits.max_depth = 64;  // Cases wrap statements in two more levels.
      auto doc = ParseJson(ReadFile(file), limits);
      BOOST_TEST_REQUIRE(doc.ok(), (doc.ok() ? "" : doc.error().message));
      BOOST_TEST_REQUIRE((*doc)->IsArray());
      for (const auto& c : (*doc)->GetArray()) {
        BOOST_TEST_CONTEXT("case \"" << StringMember(c, "name") << "\" ("
                                     << StringMember(c, "version") << ")") {
          RunCase(c, &tally);
        }
      }
    }
  }
  BOOST_TEST_MESSAGE("corpus: " << tally.cases << " cases, " << tally.invalid << " invalid");
  BOOST_TEST(tally.cases >= kMinCases);
  BOOST_TEST(tally.invalid >= kMinInvalidCases);
}

BOOST_AUTO_TEST_CASE(case_names_are_unique) {
  std::vector<std::string> names;
  for (const fs::path& file : CorpusFiles()) {
    JsonLimits limits;
    limits.max_depth = 64;
    auto doc = ParseJson(ReadFile(file), limits);
    BOOST_TEST_REQUIRE(doc.ok());
    for (const auto& c : (*doc)->GetArray()) {
      names.push_back(file.stem().string() + "/" + std::string(StringMember(c, "name")));
    }
  }
  std::sort(names.begin(), names.end());
  const auto dup = std::adjacent_find(names.begin(), names.end());
  BOOST_TEST((dup == names.end()), "duplicate case name " << (dup == names.end() ? "" : *dup));
}

}  // namespace
}  // namespace lrs::xapi
