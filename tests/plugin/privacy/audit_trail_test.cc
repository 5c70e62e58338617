#define BOOST_TEST_MODULE plugin_audit_trail
#include "plugin/privacy/audit_trail.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "anonymizer/random_source.h"
#include "plugin/auth/credentials.h"
#include "plugin/keys/identity_vault.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/erasure.h"
#include "storage/key_store.h"
#include "storage/schema.h"
#include "tests/plugin/test_lrs.h"
#include "tests/storage/storage_test_util.h"
#include "xapi/json.h"

using namespace lrs;
using namespace lrs::plugin;
using lrs::storage::testing::TempDir;

namespace {

// Stand-ins for pseudonyms (any text works: the vault keys data keys by it).
const std::string kAda(64, 'a');
const std::string kGrace(64, 'b');
const std::string kNobody(64, 'c');

const Principal kLms{"lms-key-1", "moodle", "lms"};
const Principal kLearner{"learner", "learner", "learner"};

// An AuditTrail over a fresh data directory, with data keys for kAda and
// kGrace stored in the key store (as the writer stores them).
struct Trail {
  TempDir dir;
  NamedKey master{"master-1", std::string(32, 'k')};
  std::shared_ptr<anonymizer::RandomSource> random = anonymizer::SystemRandom();
  std::unique_ptr<storage::KeyStore> key_store;
  std::unique_ptr<IdentityVault> vault;
  std::unique_ptr<storage::AuditLog> log;
  std::unique_ptr<AuditTrail> trail;

  Trail() {
    {
      auto keys = storage::KeyStore::Open(dir.KeyStore());
      BOOST_REQUIRE(keys.ok());
      IdentityVault maker(master, **keys, random);
      std::vector<storage::WrappedDataKey> made;
      for (const std::string& learner : {kAda, kGrace}) {
        BOOST_REQUIRE(maker.SealFor(learner, "x", "test", made).ok());
      }
      auto db = storage::OpenKeyStore(dir.KeyStore());
      BOOST_REQUIRE(db.ok());
      for (const auto& key : made) {
        auto insert = (*db)->Prepare(
            "INSERT INTO data_keys (pseudonym, master_key_id, wrapped) VALUES (?1, ?2, ?3)");
        BOOST_REQUIRE(insert.ok());
        insert->Bind(1, key.pseudonym).Bind(2, key.master_key_id).BindBlob(3, key.wrapped);
        BOOST_REQUIRE(!insert->Run());
      }
    }
    Reopen();
  }

  // A fresh process's view: nothing cached.
  void Reopen() {
    trail.reset();
    log.reset();
    vault.reset();
    key_store.reset();
    auto keys = storage::KeyStore::Open(dir.KeyStore());
    BOOST_REQUIRE(keys.ok());
    key_store = std::move(*keys);
    vault = std::make_unique<IdentityVault>(master, *key_store, random);
    auto opened = storage::AuditLog::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(opened.ok());
    log = std::move(*opened);
    trail = std::make_unique<AuditTrail>(*log, *vault);
  }

  storage::AuditEntry Record(const Principal& who, const std::vector<std::string>& subjects) {
    auto recorded = trail->Record(who, kActionStatementsRead, kPurposeRecordKeeping,
                                  AuditDetail().Name("resource", "statements"), subjects);
    BOOST_REQUIRE_MESSAGE(recorded.ok(), (recorded.ok() ? "" : recorded.error().message));
    return *recorded;
  }

  std::vector<storage::AuditEntry> About(const std::string& pseudonym) {
    auto about = trail->About(pseudonym);
    BOOST_REQUIRE(about.ok());
    return *about;
  }

  // Every value of every audit column, as text or bytes.
  std::string AllAuditColumns() {
    auto db = storage::OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    std::string all;
    for (const char* sql :
         {"SELECT seq, at_us, actor, role, action, purpose, detail, prev_hash, hash FROM audit_log",
          "SELECT seq, tag, sealed FROM audit_subjects"}) {
      auto stmt = (*db)->Prepare(sql);
      BOOST_REQUIRE(stmt.ok());
      for (;;) {
        auto row = stmt->Step();
        BOOST_REQUIRE(row.ok());
        if (!*row) break;
        for (int c = 0; c < (std::string(sql).find("audit_log") != std::string::npos ? 9 : 3);
             ++c) {
          all += stmt->ColumnBlob(c);
          all += '\n';
        }
      }
    }
    return all;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(detail_is_a_json_object_of_names_and_counts) {
  AuditDetail detail;
  detail.Name("resource", "statements").Names("params", {"agent", "verb"}).Count("learners", 2);
  BOOST_TEST(detail.ToJson() ==
             R"({"resource":"statements","params":["agent","verb"],"learners":2})");
  BOOST_TEST(AuditDetail().ToJson() == "{}");
}

BOOST_AUTO_TEST_CASE(parameter_names_are_listed_once_in_arrival_order) {
  QueryParams query = {{"verb", "x"}, {"agent", "{...}"}, {"verb", "y"}};
  BOOST_TEST((ParameterNames(query) == std::vector<std::string>{"verb", "agent"}));
}

BOOST_FIXTURE_TEST_CASE(subjects_are_sealed_and_found_by_about, Trail) {
  storage::AuditEntry first = Record(kLms, {kAda, kGrace, kAda});
  BOOST_TEST(first.subject_count == 2);  // Ada once
  Record(kLms, {kGrace});

  auto ada = About(kAda);
  BOOST_REQUIRE_EQUAL(ada.size(), 1u);
  BOOST_TEST(ada[0].seq == first.seq);
  BOOST_TEST(ada[0].action == kActionStatementsRead);
  BOOST_TEST(ada[0].purpose == kPurposeRecordKeeping);
  BOOST_TEST(About(kGrace).size() == 2u);
  BOOST_TEST(About(kNobody).empty());

  Reopen();  // found from the key store alone, nothing cached
  BOOST_TEST(About(kAda).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_learner_without_a_data_key_is_no_subject_and_gets_none, Trail) {
  storage::AuditEntry entry = Record(kLms, {kNobody});
  BOOST_TEST(entry.subject_count == 0);
  auto tag = vault->SubjectTag(kNobody);
  BOOST_REQUIRE(tag.ok());
  BOOST_TEST(!tag->has_value());  // recording made no key
}

BOOST_FIXTURE_TEST_CASE(credentials_are_recorded_by_key_and_tokens_as_learner, Trail) {
  BOOST_TEST(Record(kLms, {}).actor == "lms-key-1");
  storage::AuditEntry by_learner = Record(kLearner, {kAda});
  BOOST_TEST(by_learner.actor == "learner");
  BOOST_TEST(by_learner.role == "learner");
}

BOOST_FIXTURE_TEST_CASE(detail_as_json_text_must_be_an_object, Trail) {
  auto ok =
      trail->Record(kLms, "consent.update", "consent", std::string_view(R"({ "a" : 1 })"), {kAda});
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->detail == R"({"a":1})");
  auto bad = trail->Record(kLms, "consent.update", "consent", std::string_view("[1]"), {});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().status == 500);
}

BOOST_FIXTURE_TEST_CASE(no_pseudonym_in_the_clear_in_any_audit_column, Trail) {
  Record(kLms, {kAda, kGrace});
  Record(kLearner, {kAda});
  const std::string columns = AllAuditColumns();
  BOOST_TEST(!columns.empty());
  BOOST_TEST(columns.find(kAda) == std::string::npos);
  BOOST_TEST(columns.find(kGrace) == std::string::npos);
  // Nor anywhere in the statement database's files (the key store names
  // learners by pseudonym: that is its key, and it is another file).
  log.reset();
  trail.reset();
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    if (std::filesystem::exists(dir.StatementDb() + suffix)) {
      bytes += lrs::testing::ReadTextFile(dir.StatementDb() + suffix);
    }
  }
  BOOST_TEST(bytes.find(kAda) == std::string::npos);
  BOOST_TEST(bytes.find(kGrace) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(after_the_data_key_is_erased_about_finds_nothing_and_the_chain_holds,
                        Trail) {
  Record(kLms, {kAda, kGrace});
  Record(kLms, {kAda});
  BOOST_REQUIRE_EQUAL(About(kAda).size(), 2u);

  {
    auto db = storage::OpenKeyStore(dir.KeyStore());
    BOOST_REQUIRE(db.ok());
    auto erase = (*db)->Prepare("DELETE FROM data_keys WHERE pseudonym = ?1");
    BOOST_REQUIRE(erase.ok());
    erase->Bind(1, kAda);
    BOOST_REQUIRE(!erase->Run());
  }
  Reopen();  // the key is gone from the store and from memory

  BOOST_TEST(About(kAda).empty());
  BOOST_TEST(About(kGrace).size() == 1u);
  auto entries = trail->Read(storage::AuditRange{});
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE_EQUAL(entries->size(), 2u);  // still there, still counting Ada
  BOOST_TEST((*entries)[0].subject_count == 2);
  auto verified = trail->Verify();
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->intact);
  BOOST_TEST(verified->entries == 2);
}

BOOST_FIXTURE_TEST_CASE(about_skips_a_subject_reference_that_does_not_open, Trail) {
  Record(kLms, {kAda});
  {
    auto db = storage::OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec("UPDATE audit_subjects SET sealed = x'00112233'"));
  }
  BOOST_TEST(About(kAda).empty());
}

BOOST_AUTO_TEST_CASE(entry_json_shows_subjects_as_a_count) {
  storage::AuditEntry entry;
  entry.seq = 7;
  entry.at_us = 1'700'000'000'123'000;
  entry.actor = "k";
  entry.role = "lms";
  entry.action = "statements.read";
  entry.purpose = "record-keeping";
  entry.detail = R"({"learners":3})";
  entry.prev_hash = "p";
  entry.hash = "h";
  entry.subject_count = 3;
  xapi::JsonDocument doc;
  xapi::JsonValue value = AuditEntryJson(entry, doc.GetAllocator());
  BOOST_TEST(xapi::ToJson(value) ==
             R"({"seq":7,"at":"2023-11-14T22:13:20.123Z","actor":"k","role":"lms",)"
             R"("action":"statements.read","purpose":"record-keeping",)"
             R"("detail":{"learners":3},"subjects":3,"prev_hash":"p","hash":"h"})");
}

// Through the whole LRS: the read paths record, /privacy/audit shows them.
namespace {

constexpr char kStatement[] = R"({
  "actor": {"mbox": "mailto:grace.hopper@example.org", "name": "Grace Hopper"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
  "object": {"id": "http://example.org/courses/cobol"}
})";
constexpr char kAgent[] = R"({"mbox":"mailto:grace.hopper@example.org"})";

struct App : lrs::testing::TestLrs {
  std::string admin;
  App() : TestLrs("audit-trail") { admin = AddCredential("admin", "test-admin"); }

  HttpResponse Call(const std::string& method, const std::string& path, const QueryParams& query,
                    const std::string& auth, const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = auth;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }

  // The entries /privacy/audit shows an admin.
  std::shared_ptr<xapi::JsonDocument> Audit(const QueryParams& query = {}) {
    HttpResponse response = Call("GET", "/privacy/audit", query, admin);
    BOOST_REQUIRE_EQUAL(response.status, 200);
    auto doc = xapi::ParseJson(response.body);
    BOOST_REQUIRE(doc.ok() && (*doc)->IsObject() && (**doc)["entries"].IsArray());
    return *doc;
  }
};

std::string Str(const xapi::JsonValue& v, const char* name) { return v[name].GetString(); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(each_read_of_learner_data_adds_an_entry, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", {}, lms, kStatement).status, 200);
  BOOST_REQUIRE_EQUAL(Call("PUT", "/xapi/activities/state",
                           {{"activityId", "http://example.org/courses/cobol"},
                            {"agent", kAgent},
                            {"stateId", "bookmark"}},
                           lms, R"({"page":3})")
                          .status,
                      204);
  BOOST_TEST(Audit()->operator[]("entries").Size() == 0u);  // writes are not reads

  BOOST_REQUIRE_EQUAL(Call("GET", "/xapi/statements", {{"agent", kAgent}}, lms).status, 200);
  BOOST_REQUIRE_EQUAL(Call("GET", "/xapi/agents", {{"agent", kAgent}}, lms).status, 200);
  BOOST_REQUIRE_EQUAL(Call("GET", "/xapi/activities/state",
                           {{"activityId", "http://example.org/courses/cobol"},
                            {"agent", kAgent},
                            {"stateId", "bookmark"}},
                           lms)
                          .status,
                      200);

  auto audit = Audit();
  const auto& entries = (*audit)["entries"];
  // The audit read above is itself an entry (oversight), before these three.
  BOOST_REQUIRE_EQUAL(entries.Size(), 4u);
  BOOST_TEST(Str(entries[0], "action") == "audit.read");
  BOOST_TEST(Str(entries[1], "action") == "statements.read");
  BOOST_TEST(Str(entries[2], "action") == "agents.read");
  BOOST_TEST(Str(entries[3], "action") == "state.read");
  for (unsigned i = 1; i < 4; ++i) {
    BOOST_TEST(Str(entries[i], "role") == "lms");
    BOOST_TEST(Str(entries[i], "purpose") == "record-keeping");
    BOOST_TEST(entries[i]["subjects"].GetInt() == 1);  // Grace; the authority is no subject
    BOOST_TEST(Str(entries[i], "prev_hash") == Str(entries[i - 1], "hash"));
  }
  BOOST_TEST(xapi::ToJson(entries[1]["detail"]) ==
             R"({"resource":"statements","params":["agent"],"learners":1})");
  const std::string body = xapi::ToJson(*audit);
  BOOST_TEST(body.find("grace") == std::string::npos);
  BOOST_TEST(body.find("Grace") == std::string::npos);
}

// Issue 14, finding 14 and issue 15, finding 8: a HEAD's 200 tells that a
// statement or a document exists, so it is a read and is recorded as the GET
// it mirrors is; sent as POST ?method=HEAD (the alternate syntax) it is a
// HEAD too: recorded, and answered without a body.
BOOST_FIXTURE_TEST_CASE(head_reads_are_recorded_as_the_gets_they_mirror, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", {}, lms, kStatement).status, 200);
  const QueryParams state = {{"activityId", "http://example.org/courses/cobol"},
                             {"agent", kAgent},
                             {"stateId", "bookmark"}};
  const QueryParams profile = {{"agent", kAgent}, {"profileId", "prefs"}};
  BOOST_REQUIRE_EQUAL(Call("PUT", "/xapi/activities/state", state, lms, R"({"page":3})").status,
                      204);
  HttpRequest put_profile;
  put_profile.method = "PUT";
  put_profile.path = "/xapi/agents/profile";
  put_profile.query = profile;
  put_profile.headers = {{"X-Experience-API-Version", "1.0.3"},
                         {"Authorization", lms},
                         {"Content-Type", "application/json"},
                         {"If-None-Match", "*"}};
  put_profile.body = R"({"lang":"en"})";
  BOOST_REQUIRE_EQUAL(app->Handle(put_profile).status, 204);

  // Real HEAD requests.
  BOOST_TEST(Call("HEAD", "/xapi/statements", {{"agent", kAgent}}, lms).status == 200);
  BOOST_TEST(Call("HEAD", "/xapi/agents", {{"agent", kAgent}}, lms).status == 200);
  BOOST_TEST(Call("HEAD", "/xapi/activities/state", state, lms).status == 200);
  BOOST_TEST(Call("HEAD", "/xapi/agents/profile", profile, lms).status == 200);
  // The alternate syntax: a form POST standing for a HEAD.
  auto alternate_head = [&](const std::string& path, const QueryParams& params) {
    HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.query = {{"method", "HEAD"}};
    request.headers["Content-Type"] = "application/x-www-form-urlencoded";
    request.body = "X-Experience-API-Version=1.0.3&Authorization=" + PercentEncode(lms);
    for (const auto& [name, value] : params) {
      request.body += "&" + name + "=" + PercentEncode(value);
    }
    return app->Handle(request);
  };
  for (const std::string path : {"/xapi/statements", "/xapi/agents"}) {
    BOOST_TEST_CONTEXT(path) {
      HttpResponse head = alternate_head(path, {{"agent", kAgent}});
      BOOST_TEST(head.status == 200);
      BOOST_TEST(head.body.empty());  // no statements, no identities
    }
  }

  auto audit = Audit();
  const auto& entries = (*audit)["entries"];
  BOOST_REQUIRE_EQUAL(entries.Size(), 6u);
  const char* expected[] = {"statements.read",    "agents.read",     "state.read",
                            "agent-profile.read", "statements.read", "agents.read"};
  for (unsigned i = 0; i < 6; ++i) {
    BOOST_TEST_CONTEXT(i) {
      BOOST_TEST(Str(entries[i], "action") == expected[i]);
      BOOST_TEST(Str(entries[i], "purpose") == "record-keeping");
      BOOST_TEST(entries[i]["subjects"].GetInt() == 1);
      BOOST_TEST(Str(entries[i]["detail"], "method") == "HEAD");
    }
  }
}

BOOST_FIXTURE_TEST_CASE(only_a_role_with_audit_read_may_read_the_trail, App) {
  BOOST_TEST(Call("GET", "/privacy/audit", {}, lms).status == 403);
  BOOST_TEST(Call("GET", "/privacy/audit", {}, analyst).status == 403);
  BOOST_TEST(Call("GET", "/privacy/audit", {}, "Basic eDp5").status == 401);
  BOOST_TEST(Call("GET", "/privacy/audit", {}, admin).status == 200);
}

BOOST_FIXTURE_TEST_CASE(audit_parameters_are_checked, App) {
  BOOST_TEST(Call("GET", "/privacy/audit", {{"limit", "0"}}, admin).status == 400);
  BOOST_TEST(Call("GET", "/privacy/audit", {{"limit", "1001"}}, admin).status == 400);
  BOOST_TEST(Call("GET", "/privacy/audit", {{"after", "-1"}}, admin).status == 400);
  BOOST_TEST(Call("GET", "/privacy/audit", {{"since", "yesterday"}}, admin).status == 400);
  BOOST_TEST(Call("GET", "/privacy/audit", {{"agent", "{}"}}, admin).status == 400);
  BOOST_TEST(Call("GET", "/privacy/audit", {{"limit", "5"}, {"limit", "5"}}, admin).status == 400);
  BOOST_TEST(Call("POST", "/privacy/audit", {}, admin).status == 405);
}

BOOST_FIXTURE_TEST_CASE(audit_pages_by_seq_and_filters_by_time, App) {
  for (int i = 0; i < 3; ++i) Audit();  // entries 1..3 (each read is recorded)
  auto page = Audit({{"limit", "2"}});
  const auto& entries = (*page)["entries"];
  BOOST_REQUIRE_EQUAL(entries.Size(), 2u);
  BOOST_TEST(entries[0]["seq"].GetInt() == 1);
  const std::string more = (*page)["more"].GetString();
  BOOST_TEST(more == "/privacy/audit?after=2&limit=2");
  auto next = Audit({{"after", "2"}, {"limit", "2"}});
  BOOST_TEST((*next)["entries"][0]["seq"].GetInt() == 3);

  auto future = Audit({{"since", "2999-01-01T00:00:00Z"}});
  BOOST_TEST((*future)["entries"].Size() == 0u);
  BOOST_TEST(std::string((*future)["more"].GetString()).empty());
}

// Issue 14, finding 9: after erasure the learner's entries link to nobody,
// not even to each other (invariant 4), and the chain still verifies.
BOOST_FIXTURE_TEST_CASE(after_erasure_the_learners_entries_share_no_tag_and_the_chain_holds,
                        Trail) {
  for (int i = 0; i < 3; ++i) Record(kLms, {kAda, kGrace});
  const std::string ada_tag = vault->SubjectTag(kAda).value().value();
  {
    auto db = storage::OpenStatementDatabase(dir.StatementDb());
    auto keys = storage::OpenKeyStore(dir.KeyStore());
    BOOST_REQUIRE(db.ok() && keys.ok());
    storage::ErasureOptions options;
    options.audit_tag = ada_tag;
    auto erased = storage::EraseLearner(**db, **keys, kAda, options);
    BOOST_REQUIRE(erased.ok());
    BOOST_TEST(erased->audit_subjects_unlinked == 3);
  }
  Reopen();
  BOOST_TEST(About(kAda).empty());
  BOOST_TEST(About(kGrace).size() == 3u);
  auto db = storage::OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  const std::string grace_tag = vault->SubjectTag(kGrace).value().value();
  auto shared = (*db)->Prepare(
      "SELECT count(*) FROM (SELECT tag FROM audit_subjects WHERE tag <> ?1 "
      "GROUP BY tag HAVING count(*) > 1)");
  BOOST_REQUIRE(shared.ok());
  shared->Bind(1, grace_tag);
  BOOST_REQUIRE(shared->Step().value());
  BOOST_TEST(shared->ColumnInt(0) == 0);
  BOOST_TEST(AllAuditColumns().find(ada_tag) == std::string::npos);
  auto verified = trail->Verify();
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->intact, verified->problem);
  BOOST_TEST(verified->entries == 3);
}
