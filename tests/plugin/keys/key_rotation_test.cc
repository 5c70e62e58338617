#define BOOST_TEST_MODULE plugin_key_rotation
#include "plugin/keys/key_rotation.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "anonymizer/curve_pseudonym.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/agent_identifier.h"
#include "xapi/hex.h"
#include "xapi/json.h"

// `lrs keys rotate` on a data directory written through the whole request
// path, then read back through it. tests/e2e/keys.test.js does the same with
// the real binary.

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

constexpr char kOldStatementId[] = "9f1a3b52-6c1d-4e8f-9a7b-2c3d4e5f6a7b";
const std::string kOldStatement = std::string(R"({"id":")") + kOldStatementId + R"(",
  "actor": {"mbox": "mailto:ada@example.org", "name": "Ada Lovelace"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
  "object": {"id": "http://example.org/courses/engines"}})";
constexpr char kGroupStatement[] = R"({
  "actor": {"objectType": "Group", "member": [{"mbox": "mailto:ada@example.org"},
                                              {"mbox": "mailto:bob@example.org", "name": "Bob"}]},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
  "object": {"id": "http://example.org/courses/engines"},
  "context": {"team": {"objectType": "Group", "name": "Red team", "mbox": "mailto:red@example.org",
                       "member": [{"mbox": "mailto:cat@example.org", "name": "Cat"}]}}})";
constexpr char kNewStatement[] = R"({
  "actor": {"mbox": "mailto:ada@example.org", "name": "Ada Lovelace"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
  "object": {"id": "http://example.org/courses/looms"}})";
constexpr char kAda[] = R"({"mbox":"mailto:ada@example.org"})";

struct RotatingLrs : lrs::testing::TestLrs {
  RotatingLrs() : TestLrs("key-rotation") {
    paths = ResolveDataPaths((root / "data").string(), std::nullopt);
  }

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& query,
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = ParseQueryString(query);
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = lms;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }

  void StoreLearningData() {
    BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kOldStatement).status, 200);
    BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kGroupStatement).status, 200);
    BOOST_REQUIRE_EQUAL(Call("PUT", "/xapi/activities/state", StateQuery(), R"({"page":7})").status,
                        204);
  }

  std::string StateQuery() const {
    return "activityId=" + PercentEncode("http://example.org/courses/engines") +
           "&agent=" + PercentEncode(kAda) + "&stateId=bookmark";
  }

  // Stops the server part, as `lrs keys rotate` requires.
  void Stop() { app.reset(); }

  lrs::Result<std::unique_ptr<LrsApp>> Reopen() {
    AppOptions options;
    options.data_dir = paths.data_dir;
    return LrsApp::Open(options);
  }

  void Start() {
    auto opened = Reopen();
    BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.error().message));
    app = std::move(*opened);
  }

  std::string AdaPseudonymUnder(const KeyMaterial& keys) const {
    return lrs::anonymizer::CurvePseudonym(
        keys.pseudonym_key.secret, *lrs::xapi::CanonicalIfi(*lrs::xapi::ParseJson(kAda).value()));
  }

  DataPaths paths;
};

// The trail's "keys.rotate" entries, oldest first; the chain must verify.
std::vector<lrs::storage::AuditEntry> RotationEntries(const DataPaths& paths) {
  auto log = lrs::storage::AuditLog::Open(paths.statement_db, paths.key_store);
  BOOST_REQUIRE(log.ok());
  lrs::storage::AuditRange everything;
  everything.limit = 1000;
  std::vector<lrs::storage::AuditEntry> rotations;
  auto entries = (*log)->Read(everything);
  BOOST_REQUIRE(entries.ok());
  for (auto& entry : *entries) {
    if (entry.action == "keys.rotate") rotations.push_back(std::move(entry));
  }
  auto db = lrs::storage::OpenStatementDatabase(paths.statement_db);
  auto keys = lrs::storage::OpenKeyStore(paths.key_store);
  BOOST_REQUIRE((db.ok() && keys.ok()));
  auto verified =
      lrs::storage::VerifyAuditChain(**db, lrs::storage::ReadAuditAnchor(**keys).value());
  BOOST_TEST(verified.value().intact);
  return rotations;
}

std::shared_ptr<lrs::xapi::JsonDocument> Json(const HttpResponse& response) {
  auto doc = lrs::xapi::ParseJson(response.body);
  BOOST_REQUIRE_MESSAGE(doc.ok(), response.body);
  return *doc;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(rotated_data_reads_back_and_old_keys_and_pseudonyms_are_gone, RotatingLrs) {
  StoreLearningData();
  Stop();
  const KeyMaterial old_keys = LoadKeyFile(paths.key_file).value();
  const std::string old_ada = AdaPseudonymUnder(old_keys);
  BOOST_REQUIRE(lrs::testing::AllBytesUnder(root / "data").find(old_ada) != std::string::npos);

  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  BOOST_TEST(!report->resumed);
  BOOST_TEST(report->statement_db.statements == 2);
  BOOST_TEST(report->statement_db.left_as_is == 0);
  BOOST_TEST(report->key_store.left_as_is == 0);
  BOOST_TEST(report->key_store.data_keys >= 5);  // ada, bob, cat, red, the group, the authority

  // One entry in the audit trail, and the chain (anchored in the re-keyed key
  // store) still verifies.
  const auto rotations = RotationEntries(paths);
  BOOST_REQUIRE(rotations.size() == 1u);
  BOOST_TEST(rotations[0].detail.find(report->to_pseudonym_key_id) != std::string::npos);
  const KeyMaterial new_keys = LoadKeyFile(paths.key_file).value();
  BOOST_TEST(new_keys.pseudonym_key.id == report->to_pseudonym_key_id);
  BOOST_TEST(new_keys.digest_key.secret == old_keys.digest_key.secret);
  const std::string key_dir = lrs::testing::AllBytesUnder(root / "keys");
  for (const std::string& secret :
       {old_keys.pseudonym_key.secret, old_keys.master_key.secret, old_keys.token_key.secret}) {
    BOOST_TEST(key_dir.find(lrs::xapi::HexEncode(secret)) == std::string::npos);
  }
  const std::string data = lrs::testing::AllBytesUnder(root / "data");
  BOOST_TEST(data.find(old_ada) == std::string::npos);
  BOOST_TEST(data.find(AdaPseudonymUnder(new_keys)) != std::string::npos);

  Start();
  // Identities come back to the LMS, groups and members included.
  auto old_one =
      Json(Call("GET", "/xapi/statements", std::string("statementId=") + kOldStatementId));
  BOOST_TEST((*old_one)["actor"]["name"].GetString() == std::string("Ada Lovelace"));
  auto all = Json(Call("GET", "/xapi/statements", ""));
  const auto& group = (*all)["statements"][0];
  BOOST_TEST(group["actor"]["member"][1]["name"].GetString() == std::string("Bob"));
  BOOST_TEST(group["context"]["team"]["name"].GetString() == std::string("Red team"));
  BOOST_TEST(group["context"]["team"]["member"][0]["name"].GetString() == std::string("Cat"));
  // The learner's document opens under her re-wrapped key.
  auto state = Call("GET", "/xapi/activities/state", StateQuery());
  BOOST_TEST(state.status == 200);
  BOOST_TEST(state.body == R"({"page":7})");
  // Old and new statements are found together by agent.
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kNewStatement).status, 200);
  auto by_agent = Json(Call("GET", "/xapi/statements", "agent=" + PercentEncode(kAda)));
  BOOST_TEST((*by_agent)["statements"].Size() == 3u);  // new, group (member), old
  auto newest = (*by_agent)["statements"][0].GetObject();
  BOOST_TEST(newest["actor"]["name"].GetString() == std::string("Ada Lovelace"));
  // A statement stored before the rotation, sent again, is a no-op, not a conflict.
  BOOST_TEST(
      Call("PUT", "/xapi/statements", std::string("statementId=") + kOldStatementId, kOldStatement)
          .status == 204);
  BOOST_TEST(Call("POST", "/xapi/statements", "", kOldStatement).status == 200);
}

BOOST_FIXTURE_TEST_CASE(a_rotation_that_wrote_only_its_next_keys_is_finished_with_them,
                        RotatingLrs) {
  StoreLearningData();
  Stop();
  const KeyMaterial old_keys = LoadKeyFile(paths.key_file).value();
  const KeyMaterial next = RotatedKeyMaterial(old_keys, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!WriteKeyFile(PendingKeyFilePath(paths.key_file), next));

  auto refused = Reopen();
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().message.find("unfinished") != std::string::npos);

  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  BOOST_TEST(report->resumed);
  BOOST_TEST(report->to_pseudonym_key_id == next.pseudonym_key.id);
  BOOST_TEST(LoadKeyFile(paths.key_file).value().master_key.secret == next.master_key.secret);
  Start();
  auto old_one =
      Json(Call("GET", "/xapi/statements", std::string("statementId=") + kOldStatementId));
  BOOST_TEST((*old_one)["actor"]["name"].GetString() == std::string("Ada Lovelace"));
}

BOOST_FIXTURE_TEST_CASE(a_rotation_stopped_while_replacing_the_key_file_is_finished, RotatingLrs) {
  // Both files are re-keyed and the old key file is already zeroed, but the
  // next keys were not yet renamed over it: the old keys are not needed.
  StoreLearningData();
  Stop();
  BOOST_REQUIRE(RotateKeys(paths, *lrs::anonymizer::SystemRandom()).ok());
  const std::string next_text = lrs::testing::ReadTextFile(paths.key_file);
  std::ofstream(PendingKeyFilePath(paths.key_file), std::ios::binary) << next_text;
  std::ofstream(paths.key_file, std::ios::binary | std::ios::trunc)
      << std::string(next_text.size(), '\0');

  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  BOOST_TEST(report->resumed);
  BOOST_TEST(report->from_pseudonym_key_id.empty());
  BOOST_TEST(report->statement_db.statements == 0);
  BOOST_TEST(lrs::testing::ReadTextFile(paths.key_file) == next_text);
  BOOST_TEST(RotationEntries(paths).size() == 1u);  // the first run's, not a second
  Start();
  BOOST_TEST(Call("GET", "/xapi/activities/state", StateQuery()).body == R"({"page":7})");
}

BOOST_FIXTURE_TEST_CASE(a_rotation_stopped_before_its_audit_entry_records_it_when_finished,
                        RotatingLrs) {
  // Regression: both files were re-keyed but the entry was not written; the
  // run that finished the rotation found nothing left to do and skipped it.
  StoreLearningData();
  Stop();
  auto refuse_audit = [this](bool refuse) {
    auto db = lrs::storage::OpenStatementDatabase(paths.statement_db);
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec(refuse ? "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                                        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                                      : "DROP TRIGGER refuse_audit"));
  };
  refuse_audit(true);
  auto stopped = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!stopped.ok());
  BOOST_REQUIRE(fs::exists(PendingKeyFilePath(paths.key_file)));
  refuse_audit(false);
  BOOST_TEST(RotationEntries(paths).empty());

  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  BOOST_TEST(report->resumed);
  BOOST_TEST(report->from_pseudonym_key_id.empty());  // both files were done
  auto rotations = RotationEntries(paths);
  BOOST_REQUIRE(rotations.size() == 1u);
  BOOST_TEST(rotations[0].detail.find(report->to_pseudonym_key_id) != std::string::npos);
  Start();
  BOOST_TEST(Call("GET", "/xapi/activities/state", StateQuery()).body == R"({"page":7})");
}

BOOST_FIXTURE_TEST_CASE(a_rotation_that_fails_before_any_file_moved_leaves_the_old_keys,
                        RotatingLrs) {
  StoreLearningData();
  Stop();
  {
    auto db = lrs::storage::OpenStatementDatabase(paths.statement_db);
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec(
        "INSERT INTO statements (id, json, content_hash, verb_id, is_voiding, stored_us) "
        "VALUES ('corrupt', 'not json', 'h', 'v', 0, 1)"));
  }
  const KeyMaterial old_keys = LoadKeyFile(paths.key_file).value();
  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!report.ok());
  BOOST_TEST(!fs::exists(PendingKeyFilePath(paths.key_file)));
  BOOST_TEST(LoadKeyFile(paths.key_file).value().pseudonym_key.id == old_keys.pseudonym_key.id);
  Start();  // still serves under the old keys
}

BOOST_FIXTURE_TEST_CASE(data_keyed_with_another_key_file_is_refused, RotatingLrs) {
  StoreLearningData();
  Stop();
  BOOST_REQUIRE(!WriteKeyFile(paths.key_file, NewKeyMaterial(*lrs::anonymizer::SystemRandom())));
  auto refused = Reopen();
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().status == 400);
  BOOST_TEST(refused.error().message.find("is keyed with pseudonym key") != std::string::npos);
  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!report.ok());
  BOOST_TEST(report.error().status == 400);
  BOOST_TEST(!fs::exists(PendingKeyFilePath(paths.key_file)));
}

// Issue 14, finding 4: a withdrawal kept through erasure (the consent
// tombstone) is re-keyed with the rest: after the rotation the learner is
// still withdrawn.
BOOST_FIXTURE_TEST_CASE(an_erased_learners_withdrawal_survives_a_rotation, RotatingLrs) {
  StoreLearningData();
  BOOST_REQUIRE_EQUAL(Call("PUT", "/privacy/consent", "",
                           std::string(R"({"agent":)") + kAda + R"(,"state":"withdrawn"})")
                          .status,
                      204);
  BOOST_REQUIRE_EQUAL(Call("DELETE", "/privacy/learners", "agent=" + PercentEncode(kAda)).status,
                      200);
  Stop();
  auto report = RotateKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  const KeyMaterial new_keys = LoadKeyFile(paths.key_file).value();
  const std::string data = lrs::testing::AllBytesUnder(root / "data");
  BOOST_TEST(data.find(AdaPseudonymUnder(new_keys)) != std::string::npos);  // the tombstone

  Start();
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kNewStatement).status, 200);
  auto by_agent = Json(Call("GET", "/xapi/statements", "agent=" + PercentEncode(kAda)));
  BOOST_TEST((*by_agent)["statements"].Size() == 0u);
}
