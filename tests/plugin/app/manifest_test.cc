#define BOOST_TEST_MODULE plugin_manifest
#include "plugin/app/manifest.h"

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "plugin/app/manifest_schema.h"
#include "xapi/json.h"

using lrs::plugin::LoadManifest;
using lrs::plugin::Manifest;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TempPath() {
  return (std::filesystem::temp_directory_path() /
          ("lrs-manifest-test-" + std::to_string(::getpid()) + ".json"))
      .string();
}

lrs::Result<Manifest> LoadText(const std::string& text) {
  const std::string path = TempPath();
  std::ofstream(path) << text;
  auto result = LoadManifest(path);
  std::remove(path.c_str());
  return result;
}

// `base` with one JSON pointer set to `json_value` (or removed when null), loaded.
lrs::Result<Manifest> LoadEdited(const char* pointer, const char* json_value,
                                 const std::string& base = "manifests/default.json") {
  rapidjson::Document doc;
  doc.Parse(ReadFile(base).c_str());
  BOOST_REQUIRE(!doc.HasParseError());
  if (json_value == nullptr) {
    BOOST_REQUIRE_MESSAGE(rapidjson::Pointer(pointer).Erase(doc), pointer);
  } else {
    rapidjson::Document value(&doc.GetAllocator());
    value.Parse(json_value);
    BOOST_REQUIRE(!value.HasParseError());
    rapidjson::Pointer(pointer).Set(doc, value, doc.GetAllocator());
  }
  return LoadText(lrs::xapi::ToJson(doc));
}

std::string Message(const lrs::Result<Manifest>& m) { return m.ok() ? "" : m.error().message; }

void RequireNamesField(const lrs::Result<Manifest>& m, const std::string& path,
                       const std::string& says) {
  BOOST_REQUIRE_MESSAGE(!m.ok(), "loaded, but " << path << " is bad");
  BOOST_TEST(m.error().status == 400);
  BOOST_TEST(m.error().path == path, Message(m));
  // One line, "manifest FILE: PATH what".
  BOOST_TEST(m.error().message.find('\n') == std::string::npos);
  BOOST_TEST(m.error().message.rfind("manifest ", 0) == 0u);
  BOOST_TEST(m.error().message.find(": " + path + " ") != std::string::npos, Message(m));
  BOOST_TEST(m.error().message.find(says) != std::string::npos, Message(m));
}

}  // namespace

BOOST_AUTO_TEST_CASE(loads_the_shipped_default_manifest) {
  auto m = LoadManifest("manifests/default.json");
  BOOST_REQUIRE_MESSAGE(m.ok(), Message(m));
  BOOST_TEST(m->k == 5);
  BOOST_TEST((m->identity == lrs::plugin::IdentityMode::kSealed));
  BOOST_TEST(m->RoleMay("lms", "statements:write"));
  BOOST_TEST(!m->RoleMay("analyst", "statements:read"));
  BOOST_TEST(!m->key_file.has_value());
  // Conformance needs everything, so the scrubber has nothing to do.
  BOOST_TEST(m->keep.KeepsEverything());
  BOOST_TEST(m->json == ReadFile("manifests/default.json"));
  BOOST_TEST(m->purposes.size() == 3u);
  BOOST_TEST(m->cohort_dimensions.size() == 4u);  // platform, department, role, site
  // The permissions the contract gives each role.
  for (const char* p : {"statements:write", "statements:read", "identities:read", "consent:manage",
                        "tokens:issue", "learners:erase"}) {
    BOOST_TEST(m->RoleMay("lms", p), p);
  }
  BOOST_TEST(m->RoleMay("admin", "credentials:manage"));
  BOOST_TEST(m->RoleMay("admin", "audit:read"));
  BOOST_TEST(m->RoleMay("analyst", "analytics:read"));
  BOOST_TEST(!m->RoleMay("analyst", "identities:read"));
}

BOOST_AUTO_TEST_CASE(loads_the_shipped_strict_manifest) {
  auto m = LoadManifest("manifests/strict.json");
  BOOST_REQUIRE_MESSAGE(m.ok(), Message(m));
  BOOST_TEST((m->identity == lrs::plugin::IdentityMode::kPseudonymousOnly));
  BOOST_TEST(!m->RoleMaySeeIdentities("lms"));
  const auto& keep = m->keep;
  BOOST_TEST(!keep.display_names);
  BOOST_TEST(!keep.attachments);
  BOOST_TEST(!keep.activity_definitions);
  BOOST_TEST(!keep.KeepsResult("response"));
  BOOST_TEST(!keep.KeepsResult("extensions"));
  for (const char* p : {"score", "success", "completion", "duration"})
    BOOST_TEST(keep.KeepsResult(p), p);
  for (const char* p : {"registration", "platform", "contextActivities", "extensions"}) {
    BOOST_TEST(keep.KeepsContext(p), p);
  }
  for (const char* p : {"instructor", "team", "language", "statement", "revision"}) {
    BOOST_TEST(!keep.KeepsContext(p), p);
  }
  // Only the cohort extensions.
  BOOST_TEST(!keep.context_extensions.all);
  for (const auto& dimension : m->cohort_dimensions) {
    if (!dimension.extension_iri.empty()) {
      BOOST_TEST(keep.context_extensions.Keeps(dimension.extension_iri));
    }
  }
  BOOST_TEST(keep.context_extensions.iris.size() == 2u);
}

BOOST_AUTO_TEST_CASE(loads_the_shipped_moodle_manifest) {
  auto m = LoadManifest("manifests/moodle.json");
  BOOST_REQUIRE_MESSAGE(m.ok(), Message(m));
  BOOST_TEST(!m->keep.display_names);  // Moodle sends full names: dropped at the door
  BOOST_TEST(!m->keep.KeepsResult("response"));
  BOOST_TEST(
      m->keep.context_extensions.Keeps("http://lrs.learninglocker.net/define/extensions/info"));
  BOOST_TEST(!m->keep.context_extensions.Keeps("http://id.tincanapi.com/extension/ip-address"));
  BOOST_TEST(!m->keep.context_extensions.Keeps("http://xapi.jisc.ac.uk/sessionId"));
  BOOST_TEST(m->RoleMaySeeIdentities("lms"));
}

BOOST_AUTO_TEST_CASE(names_the_bad_field) {
  struct Case {
    const char* pointer;
    const char* value;
    const char* path;
    const char* says;
  };
  const Case cases[] = {
      // Types and ranges.
      {"/k", "1", "$.k", "must be at least 2"},
      {"/k", "\"five\"", "$.k", "must be an integer"},
      {"/k", "2.5", "$.k", "must be an integer"},
      {"/name", "\"\"", "$.name", "must not be empty"},
      {"/name", "7", "$.name", "must be a string"},
      {"/key_file", "42", "$.key_file", "must be a string or null"},
      {"/key_file", "\"\"", "$.key_file", "must not be empty"},
      {"/retention/statements_days", "0", "$.retention.statements_days", "at least 1"},
      // Days past what a microsecond clock can subtract would wrap (and
      // expire everything); the schema caps them.
      {"/retention/statements_days", "3000000000", "$.retention.statements_days", "at most 100000"},
      {"/retention/facts_days", "\"forever\"", "$.retention.facts_days", "must be an integer"},
      {"/retention", "[]", "$.retention", "must be an object"},
      // Enumerations.
      {"/identity", "\"open\"", "$.identity", R"("sealed", "pseudonymous-only")"},
      {"/consent/mode", "\"maybe\"", "$.consent.mode", R"("opt-in", "opt-out")"},
      {"/consent/purposes", "\"all\"", "$.consent.purposes", "must be an array"},
      {"/roles/lms", "\"everything\"", "$.roles.lms", "must be an array"},
      {"/roles/lms/0", "\"statements:delete\"", "$.roles.lms[0]", "\"statements:write\""},
      {"/roles/admin/1", "\"root\"", "$.roles.admin[1]", "\"audit:read\""},
      {"/keep/result/0", "\"grade\"", "$.keep.result[0]", "\"score\""},
      {"/keep/context", R"(["platform", "platform"])", "$.keep.context[1]",
       "repeats an earlier entry"},
      {"/keep/display_names", "\"no\"", "$.keep.display_names", "true or false"},
      {"/keep/result_extensions", "\"all\"", "$.keep.result_extensions",
       R"("*" (every IRI) or an array of extension IRIs)"},
      // Unknown fields, roles included.
      {"/roles/teacher", "[]", "$.roles.teacher", "(known: lms, analyst, admin)"},
      {"/surprise", "1", "$.surprise", "not a field the manifest defines"},
      {"/line\nbreak", "1", "$.line?break", "not a field the manifest defines"},
      {"/keep/names", "true", "$.keep.names", "display_names"},
      {"/consent/default", "\"granted\"", "$.consent.default", "(known: mode, purposes)"},
      // Forms (patterns).
      {"/pseudonym_home_page", "\"not an iri\"", "$.pseudonym_home_page", "absolute IRI"},
      {"/purposes/0/id", "\"Record Keeping\"", "$.purposes[0].id", "lowercase id"},
      {"/cohort_dimensions/0/source", "\"context.language\"", "$.cohort_dimensions[0].source",
       "context.extensions.<IRI>"},
      // What a schema cannot say.
      {"/consent/purposes/0", "\"marketing\"", "$.consent.purposes[0]",
       "not the id of a purpose declared in $.purposes"},
      {"/purposes/1/id", "\"record-keeping\"", "$.purposes[1].id", "repeats"},
      {"/keep/result_extensions", R"(["http://example.org/ok", "no-scheme"])",
       "$.keep.result_extensions[1]", "absolute IRI"},
      {"/keep/free_text", "[]", "$.keep.free_text", "result.response"},
      {"/keep/result", R"(["score"])", "$.keep.result", "must keep \"response\""},
      {"/keep/context", R"(["registration"])", "$.cohort_dimensions[0].source",
       "$.keep.context does not keep"},
      {"/cohort_dimensions/0/source", "\"context.extensions.ftp:/x y\"",
       "$.cohort_dimensions[0].source", "context.extensions.<IRI>"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.pointer << " = " << c.value) {
      RequireNamesField(LoadEdited(c.pointer, c.value), c.path, c.says);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cohort_dimension_must_read_a_kept_extension) {
  // strict.json keeps two cohort IRIs; a dimension reading a third is refused.
  auto m = LoadEdited("/cohort_dimensions/1/source",
                      "\"context.extensions.https://lrs.invalid/cohort/grade\"",
                      "manifests/strict.json");
  RequireNamesField(m, "$.cohort_dimensions[1].source", "reads an extension that $.keep drops");
  auto repeated = LoadEdited("/cohort_dimensions/1/id", "\"site\"", "manifests/strict.json");
  RequireNamesField(repeated, "$.cohort_dimensions[1].id", "repeats");
}

BOOST_AUTO_TEST_CASE(names_the_missing_field) {
  const char* const required[] = {
      "/name",
      "/description",
      "/purposes",
      "/keep",
      "/k",
      "/identity",
      "/pseudonym_home_page",
      "/consent",
      "/retention",
      "/roles",
      "/consent/mode",
      "/consent/purposes",
      "/retention/facts_days",
      "/keep/display_names",
      "/keep/free_text",
      "/roles/admin",
      "/purposes/0/description",
  };
  for (const char* pointer : required) {
    BOOST_TEST_CONTEXT(pointer) {
      std::string path = "$" + std::string(pointer);
      for (char& c : path) c = c == '/' ? '.' : c;
      if (path == "$.purposes.0.description") path = "$.purposes[0].description";
      RequireNamesField(LoadEdited(pointer, nullptr), path, "is required");
    }
  }
  // Optional: key_file (default beside the data dir) and cohort_dimensions.
  BOOST_TEST(LoadEdited("/key_file", nullptr).ok());
  BOOST_TEST(LoadEdited("/cohort_dimensions", nullptr).ok());
}

BOOST_AUTO_TEST_CASE(parses_keep_into_the_scrubbers_policy) {
  auto m = LoadEdited("/keep", R"({"result": ["score", "extensions"],
      "result_extensions": ["http://example.org/r"], "context": ["platform", "extensions"],
      "context_extensions": "*", "free_text": [], "display_names": false,
      "attachments": true, "activity_definitions": false})");
  BOOST_REQUIRE_MESSAGE(m.ok(), Message(m));
  const auto& keep = m->keep;
  BOOST_TEST(keep.result.size() == 2u);
  BOOST_TEST(keep.KeepsResult("score"));
  BOOST_TEST(!keep.KeepsResult("success"));
  BOOST_TEST(!keep.result_extensions.all);
  BOOST_TEST(keep.result_extensions.Keeps("http://example.org/r"));
  BOOST_TEST(!keep.result_extensions.Keeps("http://example.org/other"));
  BOOST_TEST(keep.context.size() == 2u);
  BOOST_TEST(keep.context_extensions.all);
  BOOST_TEST(!keep.display_names);
  BOOST_TEST(keep.attachments);
  BOOST_TEST(!keep.activity_definitions);
  BOOST_TEST(!keep.KeepsEverything());
}

BOOST_AUTO_TEST_CASE(rejects_missing_file_and_malformed_json) {
  BOOST_TEST(!LoadManifest("/nonexistent/manifest.json").ok());
  auto m = LoadText("{not json");
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.error().path == "$");
  BOOST_TEST(m.error().message.find("not valid JSON") != std::string::npos);
  RequireNamesField(LoadText("[]"), "$", "must be an object");
}

BOOST_AUTO_TEST_CASE(the_schema_is_compiled_in_and_matches_the_shipped_file) {
  BOOST_TEST(lrs::plugin::ManifestSchemaText() == ReadFile("manifests/manifest.schema.json"));
  // Loading does not read the schema file: it works from any directory.
  const std::string manifest = std::filesystem::absolute("manifests/default.json").string();
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(std::filesystem::temp_directory_path());
  auto m = LoadManifest(manifest);
  std::filesystem::current_path(cwd);
  BOOST_TEST(m.ok(), Message(m));
}

// Tools outside the project edit manifests: every field the schema defines
// says what it means.
BOOST_AUTO_TEST_CASE(every_field_in_the_schema_has_a_description) {
  rapidjson::Document schema;
  schema.Parse(ReadFile("manifests/manifest.schema.json").c_str());
  BOOST_REQUIRE(!schema.HasParseError());
  std::vector<std::pair<std::string, const rapidjson::Value*>> pending{{"$", &schema}};
  size_t fields = 0;
  while (!pending.empty()) {
    auto [path, node] = pending.back();
    pending.pop_back();
    if (node->HasMember("items") && (*node)["items"].IsObject()) {
      pending.emplace_back(path + "[]", &(*node)["items"]);
    }
    if (!node->HasMember("properties")) continue;
    for (const auto& field : (*node)["properties"].GetObject()) {
      const std::string field_path = path + "." + field.name.GetString();
      ++fields;
      BOOST_TEST(field.value.HasMember("description"), field_path << " has no description");
      pending.emplace_back(field_path, &field.value);
    }
  }
  BOOST_TEST(fields > 30u);
}
