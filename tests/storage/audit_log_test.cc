#define BOOST_TEST_MODULE storage_audit_log
#include "storage/audit_log.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "storage/schema.h"
#include "tests/storage/storage_test_util.h"

using namespace lrs::storage;
using lrs::storage::testing::FakeClock;
using lrs::storage::testing::TempDir;

namespace {

constexpr int64_t kStart = 1'700'000'000'000'000;

NewAuditEntry Entry(const std::string& action, std::vector<AuditSubject> subjects = {}) {
  NewAuditEntry entry;
  entry.actor = "key-1";
  entry.role = "lms";
  entry.action = action;
  entry.purpose = "record-keeping";
  entry.detail = R"({"count":1})";
  entry.subjects = std::move(subjects);
  return entry;
}

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<AuditLog> log;

  Fixture() {
    auto opened = AuditLog::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    log = std::move(*opened);
  }

  // Appends entries 1..3; entry 2 has two subjects, entry 3 one.
  void AppendThree() {
    BOOST_REQUIRE(log->Append(Entry("statements.read")).ok());
    clock.Set(kStart + 1000);
    BOOST_REQUIRE(
        log->Append(Entry("agents.read", {{"tag-b", "sealed-b"}, {"tag-a", "sealed-a"}})).ok());
    clock.Set(kStart + 2000);
    BOOST_REQUIRE(log->Append(Entry("state.read", {{"tag-a", "sealed-a3"}})).ok());
  }

  // Runs SQL on the file behind the log's back, as someone with the file would.
  void Tamper(const std::string& sql) {
    auto db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    auto error = (*db)->Exec(sql);
    BOOST_REQUIRE_MESSAGE(!error, (error ? error->message : ""));
  }

  AuditVerification Verify() {
    auto verified = log->Verify();
    BOOST_REQUIRE(verified.ok());
    return *verified;
  }

  // The chain alone, without the key store's anchor.
  AuditVerification VerifyChainOnly() {
    auto db = OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    auto verified = VerifyAuditChain(**db, std::nullopt);
    BOOST_REQUIRE(verified.ok());
    return *verified;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(appends_and_reads_back_entries_with_subject_counts, Fixture) {
  AppendThree();
  auto all = log->Read(AuditRange{});
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), 3u);
  BOOST_TEST((*all)[0].seq == 1);
  BOOST_TEST((*all)[0].prev_hash == kAuditGenesisHash);
  BOOST_TEST((*all)[1].prev_hash == (*all)[0].hash);
  BOOST_TEST((*all)[2].prev_hash == (*all)[1].hash);
  BOOST_TEST((*all)[1].action == "agents.read");
  BOOST_TEST((*all)[1].actor == "key-1");
  BOOST_TEST((*all)[1].role == "lms");
  BOOST_TEST((*all)[1].purpose == "record-keeping");
  BOOST_TEST((*all)[1].detail == R"({"count":1})");
  BOOST_TEST((*all)[1].at_us == kStart + 1000);
  BOOST_TEST((*all)[0].subject_count == 0);
  BOOST_TEST((*all)[1].subject_count == 2);
  BOOST_TEST((*all)[2].subject_count == 1);
  BOOST_TEST((*all)[0].hash.size() == 64u);
}

BOOST_FIXTURE_TEST_CASE(append_returns_the_entry_as_stored, Fixture) {
  auto first = log->Append(Entry("a", {{"t", "s"}, {"t", "s"}}));
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->seq == 1);
  BOOST_TEST(first->subject_count == 1);  // the same tag twice is one subject
  auto read = log->Read(AuditRange{});
  BOOST_REQUIRE(read.ok() && read->size() == 1u);
  BOOST_TEST((*read)[0].hash == first->hash);
}

BOOST_FIXTURE_TEST_CASE(reads_since_a_time_after_a_seq_with_a_limit, Fixture) {
  AppendThree();
  AuditRange since;
  since.since_us = kStart + 1000;
  auto recent = log->Read(since);
  BOOST_REQUIRE(recent.ok());
  BOOST_REQUIRE_EQUAL(recent->size(), 2u);
  BOOST_TEST((*recent)[0].seq == 2);

  AuditRange page;
  page.after_seq = 1;
  page.limit = 1;
  auto one = log->Read(page);
  BOOST_REQUIRE(one.ok());
  BOOST_REQUIRE_EQUAL(one->size(), 1u);
  BOOST_TEST((*one)[0].seq == 2);
}

BOOST_FIXTURE_TEST_CASE(finds_the_entries_a_tag_is_a_subject_of, Fixture) {
  AppendThree();
  auto about_a = log->FindByTag("tag-a", 100);
  BOOST_REQUIRE(about_a.ok());
  BOOST_REQUIRE_EQUAL(about_a->size(), 2u);
  BOOST_TEST((*about_a)[0].entry.seq == 2);  // oldest first
  BOOST_TEST((*about_a)[0].sealed == "sealed-a");
  BOOST_TEST((*about_a)[0].entry.subject_count == 2);
  BOOST_TEST((*about_a)[1].entry.seq == 3);
  BOOST_TEST((*about_a)[1].sealed == "sealed-a3");

  auto newest = log->FindByTag("tag-a", 1);
  BOOST_REQUIRE(newest.ok() && newest->size() == 1u);
  BOOST_TEST((*newest)[0].entry.seq == 3);

  auto none = log->FindByTag("tag-unknown", 100);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->empty());
}

BOOST_FIXTURE_TEST_CASE(an_empty_trail_is_intact, Fixture) {
  AuditVerification v = Verify();
  BOOST_TEST(v.intact);
  BOOST_TEST(v.entries == 0);
}

BOOST_FIXTURE_TEST_CASE(an_untouched_chain_verifies, Fixture) {
  AppendThree();
  AuditVerification v = Verify();
  BOOST_TEST(v.intact);
  BOOST_TEST(v.entries == 3);
}

BOOST_FIXTURE_TEST_CASE(detects_a_changed_field, Fixture) {
  AppendThree();
  Tamper("UPDATE audit_log SET purpose = 'analytics' WHERE seq = 2");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
  BOOST_TEST(v.problem.find("entry 2 does not match its hash") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(detects_a_changed_field_whose_hash_was_recomputed, Fixture) {
  AppendThree();
  auto entries = log->Read(AuditRange{});
  BOOST_REQUIRE(entries.ok());
  AuditEntry forged = (*entries)[0];
  forged.actor = "someone-else";
  Tamper("UPDATE audit_log SET actor = 'someone-else', hash = '" + AuditEntryHash(forged, {}) +
         "' WHERE seq = 1");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);  // entry 2 no longer follows entry 1
  BOOST_TEST(v.problem.find("does not follow entry 1") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(detects_a_removed_entry, Fixture) {
  AppendThree();
  Tamper("DELETE FROM audit_subjects WHERE seq = 2; DELETE FROM audit_log WHERE seq = 2");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
  BOOST_TEST(v.problem.find("entry 2 is missing") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(detects_a_removed_entry_whose_subjects_remain, Fixture) {
  AppendThree();
  Tamper("PRAGMA foreign_keys = OFF; DELETE FROM audit_log WHERE seq = 2");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
}

BOOST_FIXTURE_TEST_CASE(detects_a_removed_subject, Fixture) {
  AppendThree();
  Tamper("DELETE FROM audit_subjects WHERE seq = 2 AND tag = 'tag-b'");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
}

BOOST_FIXTURE_TEST_CASE(detects_a_changed_subject, Fixture) {
  AppendThree();
  Tamper("UPDATE audit_subjects SET sealed = x'00' WHERE seq = 3");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 3);
}

BOOST_FIXTURE_TEST_CASE(detects_a_subject_moved_to_another_entry, Fixture) {
  AppendThree();
  Tamper("UPDATE audit_subjects SET seq = 1 WHERE seq = 3");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 1);
}

BOOST_FIXTURE_TEST_CASE(detects_reordered_entries, Fixture) {
  AppendThree();
  // Entries 2 and 3 swap places, each whole (fields, hashes and subjects).
  Tamper(
      "PRAGMA foreign_keys = OFF;"
      "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
      "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = -2;"
      "UPDATE audit_subjects SET seq = -2 WHERE seq = 2;"
      "UPDATE audit_subjects SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_subjects SET seq = 3 WHERE seq = -2;");
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
}

// A chain cannot tell that its newest entries were cut off: what remains is a
// valid chain. The anchor in the key store (another file) can.
BOOST_FIXTURE_TEST_CASE(a_cut_off_tail_passes_the_chain_alone_but_not_the_anchor, Fixture) {
  AppendThree();
  Tamper("DELETE FROM audit_subjects WHERE seq = 3; DELETE FROM audit_log WHERE seq = 3");
  AuditVerification chain_only = VerifyChainOnly();
  BOOST_TEST(chain_only.intact);
  BOOST_TEST(chain_only.entries == 2);

  AuditVerification anchored = Verify();
  BOOST_TEST(!anchored.intact);
  BOOST_TEST(anchored.broken_seq == 3);
  BOOST_TEST(anchored.problem.find("cut off") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(anchors_the_newest_entry_in_the_key_store, Fixture) {
  AppendThree();
  auto keys = OpenKeyStore(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  auto anchor = ReadAuditAnchor(**keys);
  BOOST_REQUIRE(anchor.ok() && anchor->has_value());
  auto entries = log->Read(AuditRange{});
  BOOST_REQUIRE(entries.ok());
  BOOST_TEST((*anchor)->seq == 3);
  BOOST_TEST((*anchor)->hash == (*entries)[2].hash);
}

// Regression: a seq too long for int64 in an edited key store made
// ReadAuditAnchor throw std::out_of_range (std::stoll) out of `audit verify`.
BOOST_FIXTURE_TEST_CASE(an_edited_anchor_is_malformed_not_an_exception, Fixture) {
  AppendThree();
  auto keys = OpenKeyStore(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  for (const char* value : {"99999999999999999999:abc", "-1:abc", ":abc", "3"}) {
    BOOST_REQUIRE(!(*keys)->Exec(std::string("UPDATE meta SET value = '") + value +
                                 "' WHERE name = 'audit_head'"));
    auto anchor = ReadAuditAnchor(**keys);
    BOOST_TEST(!anchor.ok(), value);
    BOOST_TEST(!log->Verify().ok(), value);
  }
}

BOOST_FIXTURE_TEST_CASE(detects_an_anchored_entry_replaced_by_a_recomputed_chain, Fixture) {
  AppendThree();
  // Rewrite entry 3 and recompute its hash: the chain alone is valid again.
  auto entries = log->Read(AuditRange{});
  BOOST_REQUIRE(entries.ok());
  AuditEntry forged = (*entries)[2];
  forged.action = "nothing";
  Tamper("UPDATE audit_log SET action = 'nothing', hash = '" +
         AuditEntryHash(forged, {{"tag-a", "sealed-a3"}}) + "' WHERE seq = 3");
  BOOST_TEST(VerifyChainOnly().intact);
  AuditVerification v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 3);
}

BOOST_FIXTURE_TEST_CASE(time_never_runs_backwards_along_the_chain, Fixture) {
  clock.Set(kStart + 5000);
  BOOST_REQUIRE(log->Append(Entry("a")).ok());
  clock.Set(kStart);  // the system clock stepped back
  auto second = log->Append(Entry("b"));
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->at_us == kStart + 5000);
}

BOOST_FIXTURE_TEST_CASE(continues_a_chain_another_connection_appended_to, Fixture) {
  AppendThree();
  auto other = AuditLog::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
  BOOST_REQUIRE(other.ok());
  BOOST_REQUIRE((*other)->Append(Entry("from-another-process")).ok());
  auto fifth = log->Append(Entry("again"));
  BOOST_REQUIRE(fifth.ok());
  BOOST_TEST(fifth->seq == 5);
  BOOST_TEST(Verify().intact);
}

BOOST_FIXTURE_TEST_CASE(concurrent_appends_form_one_chain, Fixture) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < kEach; ++i) {
        BOOST_REQUIRE(log->Append(Entry("concurrent", {{"tag", "sealed"}})).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  AuditRange all;
  all.limit = 1000;
  auto entries = log->Read(all);
  BOOST_REQUIRE(entries.ok());
  BOOST_TEST(entries->size() == size_t{kThreads * kEach});
  AuditVerification v = Verify();
  BOOST_TEST(v.intact);
  BOOST_TEST(v.entries == kThreads * kEach);
}

// Appends that arrive while a group commits share the next transaction: the
// leader's clock is held shut, the others queue behind it, and all of them
// then commit with one stamp (the clock is read once per group).
BOOST_AUTO_TEST_CASE(appends_arriving_during_a_commit_share_the_next_group) {
  TempDir dir;
  lrs::storage::testing::GateClock gate(kStart);
  auto opened = AuditLog::Open(dir.StatementDb(), dir.KeyStore(), gate.AsClock());
  BOOST_REQUIRE(opened.ok());
  AuditLog& log = **opened;

  std::thread leader([&] { BOOST_REQUIRE(log.Append(Entry("first")).ok()); });
  while (!gate.WriterWaiting()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  constexpr int kFollowers = 10;
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.emplace_back([&] { BOOST_REQUIRE(log.Append(Entry("queued")).ok()); });
  }
  // Give the followers time to queue; a late one only makes a third group.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  gate.Open();
  leader.join();
  for (auto& f : followers) f.join();

  auto entries = log.Read(AuditRange{});
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE_EQUAL(entries->size(), size_t{kFollowers + 1});
  std::set<int64_t> stamps;
  for (const auto& e : *entries) stamps.insert(e.at_us);
  BOOST_TEST(stamps.size() < entries->size());  // at least one group of several
  auto verified = log.Verify();
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->intact);
}

// Issue 14, finding 9 (invariant 7): un-linking keeps the chain intact and
// leaves no two subjects of the learner sharing a tag.
BOOST_FIXTURE_TEST_CASE(unlinked_subjects_keep_the_chain_and_share_no_tag, Fixture) {
  AppendThree();  // tag-a is a subject of entries 2 and 3
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  auto unlinked = UnlinkAuditSubjects(**db, "tag-a");
  BOOST_REQUIRE(unlinked.ok());
  BOOST_TEST(*unlinked == 2);
  auto found = log->FindByTag("tag-a", 10);
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->empty());
  auto rows = (*db)->Prepare(
      "SELECT count(*), count(DISTINCT tag) FROM audit_subjects WHERE length(sealed) = 0");
  BOOST_REQUIRE(rows.ok());
  BOOST_REQUIRE(rows->Step().value());
  BOOST_TEST(rows->ColumnInt(0) == 2);
  BOOST_TEST(rows->ColumnInt(1) == 2);
  AuditVerification v = Verify();
  BOOST_TEST(v.intact, v.problem);
  BOOST_TEST(v.entries == 3);
  // Un-linking is no licence to change a subject that is still linked.
  Tamper("UPDATE audit_subjects SET sealed = x'00' WHERE tag = 'tag-b'");
  v = Verify();
  BOOST_TEST(!v.intact);
  BOOST_TEST(v.broken_seq == 2);
  BOOST_TEST(v.problem.find("does not match its commitment") != std::string::npos);
}

// Entries written before schema version 7 (encoding 1: the hash covers the
// tags) still verify, and un-linking leaves them alone rather than break them.
BOOST_FIXTURE_TEST_CASE(encoding_1_entries_still_verify_and_are_not_unlinked, Fixture) {
  AppendThree();
  auto entries = log->Read(AuditRange{});
  BOOST_REQUIRE(entries.ok());
  AuditEntry old = (*entries)[2];
  old.encoding = 1;
  Tamper(
      "UPDATE audit_subjects SET commitment = NULL WHERE seq = 3;"
      "UPDATE audit_log SET encoding = 1, hash = '" +
      AuditEntryHash(old, {{"tag-a", "sealed-a3"}}) + "' WHERE seq = 3");
  BOOST_TEST(VerifyChainOnly().intact);  // the anchor names the rehashed entry 3
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  auto unlinked = UnlinkAuditSubjects(**db, "tag-a");
  BOOST_REQUIRE(unlinked.ok());
  BOOST_TEST(*unlinked == 1);            // entry 2's; entry 3 keeps its tag
  BOOST_TEST(VerifyChainOnly().intact);  // the anchor names the rehashed entry 3
}
