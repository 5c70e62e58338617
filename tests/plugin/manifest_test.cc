#define BOOST_TEST_MODULE plugin_manifest
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include "plugin/manifest.h"
#include "xapi/json.h"

using lrs::plugin::LoadManifest;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes the default manifest with one JSON pointer replaced, loads it.
lrs::Result<lrs::plugin::Manifest> LoadWith(const char* pointer, const char* json_value) {
  rapidjson::Document doc;
  doc.Parse(ReadFile("manifests/default.json").c_str());
  rapidjson::Document value(&doc.GetAllocator());
  value.Parse(json_value);
  rapidjson::Pointer(pointer).Set(doc, value, doc.GetAllocator());
  std::string path = "/tmp/lrs-manifest-test.json";
  std::ofstream(path) << lrs::xapi::ToJson(doc);
  auto result = LoadManifest(path);
  std::remove(path.c_str());
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loads_the_shipped_default_manifest) {
  auto m = LoadManifest("manifests/default.json");
  BOOST_REQUIRE_MESSAGE(m.ok(), (m.ok() ? std::string() : m.error().message));
  BOOST_TEST(m->k == 5);
  BOOST_TEST((m->identity == lrs::plugin::IdentityMode::kSealed));
  BOOST_TEST(m->RoleMay("lms", "statements:write"));
  BOOST_TEST(!m->RoleMay("analyst", "statements:read"));
  BOOST_TEST(!m->key_file.has_value());
}

BOOST_AUTO_TEST_CASE(names_the_bad_field) {
  struct Case {
    const char* pointer;
    const char* value;
    const char* path;
  };
  const Case cases[] = {
      {"/k", "1", "$.k"},
      {"/k", "\"five\"", "$.k"},
      {"/identity", "\"open\"", "$.identity"},
      {"/pseudonym_home_page", "\"not an iri\"", "$.pseudonym_home_page"},
      {"/key_file", "42", "$.key_file"},
      {"/consent/mode", "\"maybe\"", "$.consent.mode"},
      {"/consent/purposes", "\"all\"", "$.consent.purposes"},
      {"/retention/statements_days", "0", "$.retention.statements_days"},
      {"/retention/facts_days", "\"forever\"", "$.retention.facts_days"},
      {"/roles/lms", "\"everything\"", "$.roles.lms"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.pointer << " = " << c.value) {
      auto m = LoadWith(c.pointer, c.value);
      BOOST_REQUIRE(!m.ok());
      BOOST_TEST(m.error().path == c.path);
      BOOST_TEST(m.error().message.find(c.path) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_missing_file_and_malformed_json) {
  BOOST_TEST(!LoadManifest("/nonexistent/manifest.json").ok());
  std::ofstream("/tmp/lrs-bad-manifest.json") << "{not json";
  auto m = LoadManifest("/tmp/lrs-bad-manifest.json");
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.error().message.find("not valid JSON") != std::string::npos);
  std::remove("/tmp/lrs-bad-manifest.json");
}
