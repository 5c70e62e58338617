#define BOOST_TEST_MODULE plugin_analytics_manifest
// The manifest's optional "analytics" member (epoch_hours, pass_mark,
// required) and the analytics:epoch permission of the shipped manifests.
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "plugin/analytics/analytics_config.h"
#include "plugin/analytics/iso_day.h"
#include "plugin/app/manifest.h"
#include "xapi/json.h"

using lrs::plugin::Manifest;
using lrs::plugin::ParseManifest;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// manifests/default.json with `pointer` set to `json_value` (removed when null).
lrs::Result<Manifest> Edited(const char* pointer, const char* json_value) {
  rapidjson::Document doc;
  doc.Parse(ReadFile("manifests/default.json").c_str());
  BOOST_REQUIRE(!doc.HasParseError());
  if (json_value == nullptr) {
    rapidjson::Pointer(pointer).Erase(doc);
  } else {
    rapidjson::Document value(&doc.GetAllocator());
    value.Parse(json_value);
    BOOST_REQUIRE(!value.HasParseError());
    rapidjson::Pointer(pointer).Set(doc, value, doc.GetAllocator());
  }
  return ParseManifest(lrs::xapi::ToJson(doc), "test.json");
}

}  // namespace

BOOST_AUTO_TEST_CASE(shipped_manifests_let_admin_start_an_epoch_and_only_analysts_read) {
  for (const char* path : {"manifests/default.json", "manifests/moodle.json",
                           "manifests/strict.json"}) {
    BOOST_TEST_CONTEXT(path) {
      auto m = ParseManifest(ReadFile(path), path);
      BOOST_REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
      BOOST_TEST(m->RoleMay("admin", "analytics:epoch"));
      BOOST_TEST(!m->RoleMay("analyst", "analytics:epoch"));
      BOOST_TEST(m->RoleMay("analyst", "analytics:read"));
      BOOST_TEST(!m->RoleMay("admin", "analytics:read"));
      BOOST_TEST(!m->RoleMay("lms", "analytics:read"));
      BOOST_TEST(m->analytics.epoch_hours == 24);
    }
  }
}

BOOST_AUTO_TEST_CASE(absent_analytics_member_gives_the_defaults) {
  auto m = Edited("/analytics", nullptr);
  BOOST_REQUIRE(m.ok());
  BOOST_TEST(m->analytics.epoch_hours == 24);
  BOOST_TEST(m->analytics.pass_mark == 0.5);
  BOOST_TEST(m->analytics.required.empty());
}

BOOST_AUTO_TEST_CASE(reads_epoch_hours_pass_mark_and_both_forms_of_required) {
  auto m = Edited("/analytics",
                  R"({"epoch_hours": 6, "pass_mark": 0.8, "required": [
                        {"activity": "https://example.org/safety", "due": "2027-03-31"},
                        {"activity": "https://example.org/ethics", "within_days": 30}]})");
  BOOST_REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
  BOOST_TEST(m->analytics.epoch_hours == 6);
  BOOST_TEST(m->analytics.pass_mark == 0.8);
  BOOST_REQUIRE(m->analytics.required.size() == 2u);
  BOOST_TEST(m->analytics.required[0].activity == "https://example.org/safety");
  BOOST_TEST(*m->analytics.required[0].due_day == *lrs::plugin::ParseIsoDay("2027-03-31"));
  BOOST_TEST(!m->analytics.required[0].within_days.has_value());
  BOOST_TEST(*m->analytics.required[1].within_days == 30);
  BOOST_TEST(!m->analytics.required[1].due_day.has_value());
}

BOOST_AUTO_TEST_CASE(refuses_bad_analytics_members_naming_the_field) {
  struct Case {
    const char* pointer;
    const char* value;
    const char* path;
    const char* says;
  };
  const Case cases[] = {
      {"/analytics/epoch_hours", "0", "$.analytics.epoch_hours", "at least 1"},
      {"/analytics/epoch_hours", "8761", "$.analytics.epoch_hours", "at most 8760"},
      {"/analytics/epoch_hours", "1.5", "$.analytics.epoch_hours", "an integer"},
      {"/analytics/pass_mark", "1.2", "$.analytics.pass_mark", "at most 1"},
      {"/analytics/pass_mark", "-0.1", "$.analytics.pass_mark", "at least 0"},
      {"/analytics/colour", "1", "$.analytics.colour", "known: epoch_hours, pass_mark, required"},
      {"/analytics/required", R"([{"activity": "https://example.org/a"}])",
       "$.analytics.required[0]", "must be"},
      {"/analytics/required",
       R"([{"activity": "https://example.org/a", "due": "2027-01-01", "within_days": 3}])",
       "$.analytics.required[0]", "must be"},
      {"/analytics/required", R"([{"activity": "not an iri", "due": "2027-01-01"}])",
       "$.analytics.required[0].activity", "absolute IRI"},
      {"/analytics/required", R"([{"activity": "https://example.org/a", "due": "2027-02-30"}])",
       "$.analytics.required[0].due", "a day that exists"},
      {"/analytics/required",
       R"([{"activity": "https://example.org/a", "due": "2027-01-01"},
           {"activity": "https://example.org/a", "within_days": 3}])",
       "$.analytics.required[1].activity", "repeats"},
      {"/roles/analyst/1", R"("analytics:everything")", "$.roles.analyst[1]", "\"analytics:epoch\""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.pointer << " = " << c.value) {
      auto m = Edited(c.pointer, c.value);
      BOOST_REQUIRE(!m.ok());
      BOOST_TEST(m.error().status == 400);
      BOOST_TEST(m.error().path == c.path);
      BOOST_TEST(m.error().message.find(c.says) != std::string::npos, m.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(epoch_config_is_the_manifests_k_dimensions_pass_mark_and_required) {
  auto m = Edited("/analytics",
                  R"({"pass_mark": 0.7, "required": [
                        {"activity": "https://example.org/safety", "within_days": 14}]})");
  BOOST_REQUIRE(m.ok());
  const lrs::analytics::EpochConfig config = lrs::plugin::EpochConfigOf(*m);
  BOOST_TEST(config.k == m->k);
  BOOST_REQUIRE(config.cohort_dimensions.size() == m->cohort_dimensions.size());
  for (size_t i = 0; i < config.cohort_dimensions.size(); ++i) {
    BOOST_TEST(config.cohort_dimensions[i] == m->cohort_dimensions[i].id);
  }
  BOOST_TEST(config.pass_mark == 0.7);
  BOOST_REQUIRE(config.required.size() == 1u);
  BOOST_TEST(config.required[0].activity == "https://example.org/safety");
  BOOST_TEST(*config.required[0].within_days == 14);
}
