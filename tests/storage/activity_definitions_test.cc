#define BOOST_TEST_MODULE storage_activity_definitions
// The canonical Activity definitions the writer keeps beside the statements
// (StatementWriter invariant 7) and the reader's lookups that serve the
// Activities and Agents resources.

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "storage/database.h"
#include "storage/erasure.h"
#include "storage/statement_reader.h"
#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::Record;
using testing::TempDir;
using testing::Uuid;
using testing::Write;

constexpr int64_t kStart = 1'700'000'000'000'000;
constexpr char kActivity[] = "http://example.com/activity";

struct Fixture {
  TempDir dir;
  testing::FakeClock clock{kStart};
  std::unique_ptr<StatementWriter> writer =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock()).value();
  std::unique_ptr<StatementReader> reader = StatementReader::Open(dir.StatementDb()).value();

  std::optional<std::string> Definition(const std::string& id = kActivity) {
    std::map<std::string, std::string> found = reader->FindActivityDefinitions({id}).value();
    auto it = found.find(id);
    if (it == found.end()) return std::nullopt;
    return it->second;
  }
};

StatementRecord Defining(int n, const std::string& definition,
                         const std::string& activity = kActivity) {
  StatementRecord record = Record(n);
  record.activity_definitions = {{activity, definition}};
  return record;
}

BOOST_FIXTURE_TEST_CASE(first_definition_is_stored_as_sent, Fixture) {
  BOOST_TEST(!Definition().has_value());
  BOOST_REQUIRE(Write(*writer, {Defining(1, R"({"name":{"en-US":"meeting"}})")}).ok());
  BOOST_TEST(Definition().value() == R"({"name":{"en-US":"meeting"}})");
}

BOOST_FIXTURE_TEST_CASE(later_definitions_merge_languages_and_replace_the_rest, Fixture) {
  BOOST_REQUIRE(
      Write(*writer, {Defining(1, R"({"name":{"en-US":"meeting"},"type":"http://x.org/a"})")})
          .ok());
  BOOST_REQUIRE(
      Write(*writer, {Defining(2, R"({"name":{"fr-FR":"réunion"},"type":"http://x.org/b"})")})
          .ok());
  BOOST_TEST(Definition().value() ==
             R"({"name":{"en-US":"meeting","fr-FR":"réunion"},"type":"http://x.org/b"})");
}

BOOST_FIXTURE_TEST_CASE(definitions_in_one_batch_apply_in_order, Fixture) {
  BOOST_REQUIRE(Write(*writer, {Defining(1, R"({"name":{"en":"one"}})"),
                                Defining(2, R"({"name":{"en":"two","de":"zwei"}})")})
                    .ok());
  BOOST_TEST(Definition().value() == R"({"name":{"en":"two","de":"zwei"}})");
}

BOOST_FIXTURE_TEST_CASE(an_already_stored_statement_changes_no_definition, Fixture) {
  StatementRecord first = Defining(1, R"({"name":{"en":"one"}})");
  BOOST_REQUIRE(Write(*writer, {first}).ok());
  // The same id and content again, but claiming another definition: a retry
  // of a stored statement is a no-op, its definitions included.
  StatementRecord retry = first;
  retry.activity_definitions = {{kActivity, R"({"name":{"en":"changed"}})"}};
  Result<WriteReceipt> receipt = Write(*writer, {retry});
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST((receipt->outcomes[0] == WriteOutcome::kAlreadyStored));
  BOOST_TEST(Definition().value() == R"({"name":{"en":"one"}})");
}

BOOST_FIXTURE_TEST_CASE(a_rejected_batch_changes_no_definition, Fixture) {
  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  StatementRecord conflicting = Record(1);
  conflicting.content_hash = "another hash";
  Result<WriteReceipt> receipt =
      Write(*writer, {Defining(2, R"({"name":{"en":"lost"}})"), conflicting});
  BOOST_TEST(receipt.error().status == 409);
  BOOST_TEST(!Definition().has_value());
}

BOOST_FIXTURE_TEST_CASE(a_repeated_definition_rewrites_nothing, Fixture) {
  BOOST_REQUIRE(Write(*writer, {Defining(1, R"({"name":{"en":"one"}})")}).ok());
  clock.Set(kStart + 5000);
  BOOST_REQUIRE(Write(*writer, {Defining(2, R"({"name":{"en":"one"}})")}).ok());
  std::unique_ptr<Database> db = Database::Open(dir.StatementDb()).value();
  Statement updated = db->Prepare("SELECT updated_us FROM activities").value();
  BOOST_REQUIRE(updated.Step().value());
  BOOST_TEST(updated.ColumnInt(0) == kStart);
}

BOOST_FIXTURE_TEST_CASE(looks_up_several_activities_at_once, Fixture) {
  BOOST_REQUIRE(Write(*writer, {Defining(1, R"({"type":"http://x.org/a"})", "http://x.org/1"),
                                Defining(2, R"({"type":"http://x.org/b"})", "http://x.org/2")})
                    .ok());
  std::map<std::string, std::string> found =
      reader
          ->FindActivityDefinitions(
              {"http://x.org/2", "http://x.org/none", "http://x.org/1", "http://x.org/2"})
          .value();
  BOOST_TEST(found.size() == 2u);
  BOOST_TEST(found["http://x.org/1"] == R"({"type":"http://x.org/a"})");
  BOOST_TEST(found["http://x.org/2"] == R"({"type":"http://x.org/b"})");
  BOOST_TEST(reader->FindActivityDefinitions({}).value().empty());
}

BOOST_FIXTURE_TEST_CASE(lists_the_sealed_identities_of_one_pseudonym, Fixture) {
  StatementRecord a = Record(1, "p1");
  a.identities = {{"v-b", "p1", std::string("sealed\0b", 8)},
                  {"v-a", "p1", "sealed-a"},
                  {"v-other", "p2", "sealed-other"}};
  StatementRecord b = Record(2, "p1");
  b.identities = {{"v-a", "p1", "sealed-a"}, {"v-c", "p1", "sealed-c"}};
  BOOST_REQUIRE(Write(*writer, {a, b}).ok());

  std::vector<SealedIdentity> found = reader->FindIdentitiesByPseudonym("p1").value();
  BOOST_REQUIRE_EQUAL(found.size(), 3u);  // each variant once, in variant id order
  BOOST_TEST(found[0].variant_id == "v-a");
  BOOST_TEST(found[1].variant_id == "v-b");
  BOOST_TEST(found[1].sealed == std::string("sealed\0b", 8));
  BOOST_TEST(found[2].variant_id == "v-c");
  for (const SealedIdentity& identity : found) BOOST_TEST(identity.pseudonym == "p1");

  BOOST_TEST(reader->FindIdentitiesByPseudonym("p1", 2).value().size() == 2u);
  BOOST_TEST(reader->FindIdentitiesByPseudonym("nobody").value().empty());
}

// Issue 14, finding 7: a statement that defines `activity` the way ingest
// stores it (the definition in the JSON and in activity_definitions).
StatementRecord DefiningBy(int n, const std::string& actor, const std::string& activity,
                           const std::string& definition) {
  StatementRecord record = Record(n, actor, testing::kVerb, activity);
  record.json = "{\"id\":\"" + record.id + "\",\"actor\":{\"$p\":\"" + actor +
                "\"},\"object\":{\"id\":\"" + activity + "\",\"definition\":" + definition + "}}";
  record.activity_definitions = {{activity, definition}};
  return record;
}

lrs::Result<ErasureCounts> EraseOnWriter(StatementWriter& writer, const std::string& pseudonym) {
  return writer
      .RunExclusive<ErasureCounts>(
          [&](Database& db, Database& keys) { return EraseLearner(db, keys, pseudonym); })
      .get();
}

BOOST_FIXTURE_TEST_CASE(erasure_deletes_definitions_only_the_learner_made_and_rebuilds_shared_ones,
                        Fixture) {
  const std::string shared = "http://example.com/course";
  const std::string essay = "http://example.com/essays/ada@example.org";
  BOOST_REQUIRE(
      Write(*writer, {DefiningBy(1, "bob", shared, R"({"name":{"en-US":"Shared"}})"),
                      DefiningBy(2, "ada", shared,
                                 R"({"name":{"fr-FR":"Cours d'Ada"},"type":"http://t/ada"})"),
                      DefiningBy(3, "ada", essay, R"({"name":{"en-US":"Essay by Ada"}})"),
                      DefiningBy(4, "bob", shared, R"({"type":"http://t/bob"})")})
          .ok());
  BOOST_TEST(Definition(shared).value() ==
             R"({"name":{"en-US":"Shared","fr-FR":"Cours d'Ada"},"type":"http://t/bob"})");

  auto counts = EraseOnWriter(*writer, "ada");
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->activity_definitions == 2);
  BOOST_TEST(!Definition(essay).has_value());
  // What bob's statements make, merged in their order, as ingest did.
  BOOST_TEST(Definition(shared).value() == R"({"name":{"en-US":"Shared"},"type":"http://t/bob"})");

  // The writer forgot what it had absorbed: the same definition sent again
  // (by someone else) is stored again.
  BOOST_REQUIRE(
      Write(*writer, {DefiningBy(5, "carl", essay, R"({"name":{"en-US":"Essay by Ada"}})")}).ok());
  BOOST_TEST(Definition(essay).value() == R"({"name":{"en-US":"Essay by Ada"}})");
}

// A definition rebuilt from the statements that remain is what ingest would
// have stored: the statement's JSON keeps an Agent in an extension as a
// reference, the canonical definition never does (ErasureOptions::
// canonical_definition; anonymizer::DefinitionWithoutReferences in the LRS).
BOOST_FIXTURE_TEST_CASE(a_rebuilt_definition_is_made_canonical_as_ingest_makes_it, Fixture) {
  const std::string shared = "http://example.com/course";
  const std::string bob_json =
      R"({"name":{"en-US":"Shared"},"extensions":{"http://x/tutor":{"$p":"carl"}}})";
  StatementRecord bob = DefiningBy(1, "bob", shared, bob_json);
  bob.activity_definitions = {{shared, R"({"name":{"en-US":"Shared"},"extensions":{"http://x/tutor":"stand-in"}})"}};
  BOOST_REQUIRE(Write(*writer, {bob, DefiningBy(2, "ada", shared, R"({"type":"http://t/ada"})")}).ok());

  ErasureOptions options;
  options.canonical_definition = [](const std::string& definition) {
    const std::string reference = R"({"$p":"carl"})";
    std::string out = definition;
    if (size_t at = out.find(reference); at != std::string::npos) out.replace(at, reference.size(), "\"stand-in\"");
    return out;
  };
  auto counts = writer
                    ->RunExclusive<ErasureCounts>([&](Database& db, Database& keys) {
                      return EraseLearner(db, keys, "ada", options);
                    })
                    .get();
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->activity_definitions == 1);
  BOOST_TEST(Definition(shared).value() ==
             R"({"name":{"en-US":"Shared"},"extensions":{"http://x/tutor":"stand-in"}})");
}

}  // namespace
}  // namespace lrs::storage
