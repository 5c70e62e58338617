#define BOOST_TEST_MODULE anonymizer_identity_split
#include "anonymizer/identity_split.h"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::anonymizer {

std::ostream& operator<<(std::ostream& os, const AgentMention& m) {
  return os << m.pseudonym.substr(0, 8) << '/'
            << (m.role == MentionRole::kActorOrObject ? "actor-or-object" : "related");
}

namespace {

constexpr char kHomePage[] = "https://lrs.example.org/pseudonyms";
const Pseudonymizer kPseudonymizer("k1", std::string(32, 'k'), std::string(32, 'd'));

std::shared_ptr<xapi::JsonDocument> Parse(const std::string& text) {
  auto doc = xapi::ParseJson(text);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error().message));
  return *doc;
}

std::string PseudonymOfMbox(const std::string& address) {
  return kPseudonymizer.Pseudonym("mbox_sha1sum:" + xapi::Sha1Hex("mailto:" + address));
}
std::string PseudonymOfAccount(const std::string& name) {
  return kPseudonymizer.Pseudonym("account:https://lms.example.com\n" + name);
}
std::string PseudonymOfOpenid(const std::string& openid) {
  return kPseudonymizer.Pseudonym("openid:" + openid);
}

AgentMention ActorOrObject(std::string p) { return {std::move(p), MentionRole::kActorOrObject}; }
AgentMention Related(std::string p) { return {std::move(p), MentionRole::kRelated}; }

std::vector<AgentMention> Sorted(std::vector<AgentMention> mentions) {
  std::sort(mentions.begin(), mentions.end(), [](const AgentMention& a, const AgentMention& b) {
    return std::tie(a.pseudonym, a.role) < std::tie(b.pseudonym, b.role);
  });
  return mentions;
}

// Resolves exactly what the split produced, as the identity store would after unsealing.
VariantResolver ResolverFor(const std::vector<IdentityVariant>& variants) {
  std::map<std::string, IdentityVariant> by_id;
  for (const IdentityVariant& v : variants) by_id.emplace(v.variant_id, v);
  return [by_id](const std::string& variant_id,
                 const std::string& pseudonym) -> std::optional<std::string> {
    auto it = by_id.find(variant_id);
    if (it == by_id.end() || it->second.pseudonym != pseudonym) return std::nullopt;
    return it->second.plaintext;
  };
}

std::optional<std::string> ResolveNothing(const std::string&, const std::string&) {
  return std::nullopt;
}

const xapi::JsonValue& At(const xapi::JsonValue& root, const char* pointer) {
  const xapi::JsonValue* v = rapidjson::Pointer(pointer).Get(root);
  BOOST_REQUIRE_MESSAGE(v != nullptr, pointer);
  return *v;
}

// The string at `pointer`, or "" when it is absent or not a string.
std::string StringAt(const xapi::JsonValue& root, const char* pointer) {
  const xapi::JsonValue& v = At(root, pointer);
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string();
}

std::string PseudonymousAgent(const std::string& pseudonym, const char* type = "Agent") {
  return std::string(R"({"account":{"homePage":")") + kHomePage + R"(","name":")" + pseudonym +
         R"("},"objectType":")" + type + "\"}";
}

// ---------------------------------------------------------------------------
// The rich statements every direction is tested on.

const std::string kBrookSha1 = xapi::Sha1Hex("mailto:brook@example.com");

// xAPI 2.0: Agent actor, anonymous Group object, instructor, identified team
// with members, contextAgents, contextGroups, authority, and client data that
// looks like a reference.
const std::string kAgentActorStatement = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
  "object": {"objectType": "Group", "name": "Study circle", "member": [
    {"name": "Brook Stone", "mbox_sha1sum": ")" +
                                         kBrookSha1 + R"("},
    {"objectType": "Agent", "name": "Cy Young", "openid": "https://openid.example.com/cy"}]},
  "context": {
    "instructor": {"name": "Dr Eve", "account": {"homePage": "https://lms.example.com", "name": "eve-7"}},
    "team": {"objectType": "Group", "name": "Blue team", "mbox": "mailto:blue@example.com",
             "member": [{"mbox": "mailto:ada@example.com", "name": "Ada Lovelace"},
                        {"name": "Fay Wray", "mbox": "mailto:fay@example.com"}]},
    "contextAgents": [{"objectType": "contextAgent",
                       "agent": {"name": "Gil Scott", "mbox": "mailto:gil@example.com"},
                       "relevantTypes": ["https://example.com/types/mentor"]}],
    "contextGroups": [{"objectType": "contextGroup",
                       "group": {"objectType": "Group", "name": "Cohort 2024",
                                 "account": {"homePage": "https://lms.example.com", "name": "cohort-2024"},
                                 "member": [{"name": "Hal Hope", "mbox": "mailto:hal@example.com"}]},
                       "relevantTypes": ["https://example.com/types/cohort"]}],
    "extensions": {"https://example.com/ext/ref": {"$v": "x"}}
  },
  "authority": {"objectType": "Agent", "name": "The LMS",
                "account": {"homePage": "https://lms.example.com", "name": "lms-client"}},
  "version": "2.0.0"
})";

// xAPI 1.0.3: identified Group actor with members, a SubStatement with its own
// actor (no objectType), Agent object, context and extension.
const std::string kGroupActorStatement = R"({
  "actor": {"objectType": "Group", "name": "Red team",
            "account": {"homePage": "https://lms.example.com", "name": "red"},
            "member": [{"name": "Ivy Green", "mbox": "mailto:ivy@example.com"},
                       {"name": "Jon Snow", "mbox": "mailto:jon@example.com"}]},
  "verb": {"id": "http://example.com/verbs/observed"},
  "object": {
    "objectType": "SubStatement",
    "actor": {"name": "Kim Lee", "mbox": "mailto:kim@example.com"},
    "verb": {"id": "http://example.com/verbs/mentored"},
    "object": {"objectType": "Agent", "name": "Lou Reed", "mbox": "mailto:lou@example.com"},
    "context": {
      "instructor": {"name": "Mo Farah", "mbox": "mailto:mo@example.com"},
      "team": {"objectType": "Group", "member": [{"name": "Ned Kelly", "mbox": "mailto:ned@example.com"}]},
      "extensions": {"https://example.com/ext/ref": {"$v": "x"}}
    }
  },
  "context": {"instructor": {"objectType": "Agent", "name": "Ivy Green", "mbox": "mailto:ivy@example.com"}},
  "version": "1.0.3"
})";

struct StatementCase {
  const char* name;
  const std::string* json;
  std::vector<std::string> secrets;                // must not survive the split
  std::vector<const char*> untouched_client_data;  // JSON pointers to {"$v":"x"}
  std::vector<AgentMention> mentions;
};

std::vector<StatementCase> StatementCases() {
  return {
      {"agent actor, 2.0 context",
       &kAgentActorStatement,
       {"ada@example.com", xapi::Sha1Hex("mailto:ada@example.com"),
        "Ada Lovelace",    "Study circle",
        kBrookSha1,        "Brook Stone",
        "Cy Young",        "openid.example.com/cy",
        "Dr Eve",          "eve-7",
        "Blue team",       "blue@example.com",
        "Fay Wray",        "fay@example.com",
        "Gil Scott",       "gil@example.com",
        "Cohort 2024",     "cohort-2024",
        "Hal Hope",        "hal@example.com",
        "The LMS",         "lms-client"},
       {"/context/extensions/https:~1~1example.com~1ext~1ref"},
       {ActorOrObject(PseudonymOfMbox("ada@example.com")),
        ActorOrObject(PseudonymOfMbox("brook@example.com")),
        ActorOrObject(PseudonymOfOpenid("https://openid.example.com/cy")),
        Related(PseudonymOfAccount("eve-7")), Related(PseudonymOfMbox("blue@example.com")),
        Related(PseudonymOfMbox("ada@example.com")), Related(PseudonymOfMbox("fay@example.com")),
        Related(PseudonymOfMbox("gil@example.com")), Related(PseudonymOfAccount("cohort-2024")),
        Related(PseudonymOfMbox("hal@example.com")), Related(PseudonymOfAccount("lms-client"))}},
      {"group actor, sub-statement",
       &kGroupActorStatement,
       {"Red team", "\"red\"", "Ivy Green", "ivy@example.com", "Jon Snow", "jon@example.com",
        "Kim Lee", "kim@example.com", "Lou Reed", "lou@example.com", "Mo Farah", "mo@example.com",
        "Ned Kelly", "ned@example.com", xapi::Sha1Hex("mailto:ivy@example.com")},
       {"/object/context/extensions/https:~1~1example.com~1ext~1ref"},
       {ActorOrObject(PseudonymOfAccount("red")), ActorOrObject(PseudonymOfMbox("ivy@example.com")),
        ActorOrObject(PseudonymOfMbox("jon@example.com")),
        Related(PseudonymOfMbox("kim@example.com")), Related(PseudonymOfMbox("lou@example.com")),
        Related(PseudonymOfMbox("mo@example.com")), Related(PseudonymOfMbox("ned@example.com")),
        Related(PseudonymOfMbox("ivy@example.com"))}},
  };
}

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(split_leaves_no_identifier_or_name_in_the_statement) {
  for (const StatementCase& c : StatementCases()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto doc = Parse(*c.json);
      SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      const std::string split = xapi::ToJson(*doc);
      for (const std::string& secret : c.secrets) {
        BOOST_TEST_CONTEXT(secret) { BOOST_TEST(split.find(secret) == std::string::npos); }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(split_reports_each_mention_once_with_its_role) {
  for (const StatementCase& c : StatementCases()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto doc = Parse(*c.json);
      SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      BOOST_TEST(Sorted(split.mentions) == Sorted(c.mentions), boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(split_and_join_leave_client_data_that_looks_like_a_reference_alone) {
  for (const StatementCase& c : StatementCases()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto doc = Parse(*c.json);
      SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      // Stored escaped (agent_positions.h), so only references have "$v".
      for (const char* pointer : c.untouched_client_data) {
        BOOST_TEST(xapi::ToJson(At(*doc, pointer)) == R"({"$$v":"x"})");
      }
      JoinStatementIdentities(*doc, doc->GetAllocator(), ResolveNothing, kHomePage);
      for (const char* pointer : c.untouched_client_data) {
        BOOST_TEST(xapi::ToJson(At(*doc, pointer)) == R"({"$v":"x"})");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(join_with_every_variant_gives_back_the_statement_as_received) {
  for (const StatementCase& c : StatementCases()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto original = Parse(*c.json);
      auto doc = Parse(*c.json);
      SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      // Through text, as storage would hold it.
      auto stored = Parse(xapi::ToJson(*doc));
      JoinStatementIdentities(*stored, stored->GetAllocator(), ResolverFor(split.variants),
                              kHomePage);
      BOOST_TEST(xapi::ToCanonicalJson(*stored) == xapi::ToCanonicalJson(*original));
    }
  }
}

BOOST_AUTO_TEST_CASE(referenced_variants_lists_every_reference_including_members) {
  for (const StatementCase& c : StatementCases()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto doc = Parse(*c.json);
      SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      auto referenced = ReferencedVariants(*doc);
      std::vector<std::pair<std::string, std::string>> expected;
      for (const IdentityVariant& v : split.variants)
        expected.emplace_back(v.variant_id, v.pseudonym);
      std::sort(referenced.begin(), referenced.end());
      std::sort(expected.begin(), expected.end());
      BOOST_TEST((referenced == expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(split_keeps_one_variant_per_distinct_object_form) {
  auto doc = Parse(kAgentActorStatement);
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  // 12 nodes, all distinct: Ada as actor carries objectType and as team member
  // does not, so she has two variants under one pseudonym.
  BOOST_TEST(split.variants.size() == 12u);
  BOOST_TEST(StringAt(*doc, "/actor/$p") == StringAt(*doc, "/context/team/member/0/$p"));
  BOOST_TEST(StringAt(*doc, "/actor/$v") != StringAt(*doc, "/context/team/member/0/$v"));
}

BOOST_AUTO_TEST_CASE(variant_plaintext_is_the_object_as_received_without_members) {
  auto doc = Parse(kAgentActorStatement);
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  const std::string team_variant = StringAt(*doc, "/context/team/$v");
  auto team = std::find_if(split.variants.begin(), split.variants.end(),
                           [&](const IdentityVariant& v) { return v.variant_id == team_variant; });
  BOOST_REQUIRE(team != split.variants.end());
  BOOST_TEST(team->plaintext ==
             R"({"objectType":"Group","name":"Blue team","mbox":"mailto:blue@example.com"})");
  BOOST_TEST(team->pseudonym == PseudonymOfMbox("blue@example.com"));
}

BOOST_AUTO_TEST_CASE(reference_has_the_documented_shape) {
  auto doc = Parse(kAgentActorStatement);
  SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  const std::string actor_variant = StringAt(*doc, "/actor/$v");
  BOOST_TEST(xapi::ToJson(At(*doc, "/actor")) == R"({"objectType":"Agent","$p":")" +
                                                     PseudonymOfMbox("ada@example.com") +
                                                     R"(","$v":")" + actor_variant + "\"}");
  // Identified Group: members kept as references; no "$anon".
  const auto& team = At(*doc, "/context/team");
  BOOST_TEST(team["member"].Size() == 2u);
  BOOST_TEST(!team.HasMember("$anon"));
  BOOST_TEST(StringAt(team, "/member/1/$p") == PseudonymOfMbox("fay@example.com"));
  // Anonymous Group: marked, and its "$p" is keyed on its sorted members.
  const auto& object = At(*doc, "/object");
  BOOST_TEST(object["$anon"].IsTrue());
  std::vector<std::string> members = {PseudonymOfMbox("brook@example.com"),
                                      PseudonymOfOpenid("https://openid.example.com/cy")};
  std::sort(members.begin(), members.end());
  BOOST_TEST(StringAt(object, "/$p") ==
             kPseudonymizer.KeyedDigest("anonymous-group", members[0] + "," + members[1]));
}

BOOST_AUTO_TEST_CASE(agent_without_object_type_is_referenced_as_agent_and_read_back_without) {
  auto doc = Parse(kGroupActorStatement);
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_TEST(StringAt(*doc, "/object/actor/objectType") == "Agent");
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolverFor(split.variants), kHomePage);
  BOOST_TEST(!At(*doc, "/object/actor").HasMember("objectType"));
}

BOOST_AUTO_TEST_CASE(join_without_variants_gives_pseudonymous_agents) {
  auto doc = Parse(kAgentActorStatement);
  SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolveNothing, kHomePage);

  const std::string ada = PseudonymOfMbox("ada@example.com");
  BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/actor")) == PseudonymousAgent(ada));
  BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/context/instructor")) ==
             PseudonymousAgent(PseudonymOfAccount("eve-7")));
  BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/context/contextAgents/0/agent")) ==
             PseudonymousAgent(PseudonymOfMbox("gil@example.com")));
  BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/authority")) ==
             PseudonymousAgent(PseudonymOfAccount("lms-client")));
  // Identified Group: account form plus its members, each pseudonymous.
  const auto& team = At(*doc, "/context/team");
  BOOST_TEST(xapi::StringMember(team, "objectType") == "Group");
  BOOST_TEST(xapi::StringMember(team["account"], "name") == PseudonymOfMbox("blue@example.com"));
  BOOST_TEST(xapi::ToCanonicalJson(team["member"][0]) == PseudonymousAgent(ada));
  // Anonymous Group: no account, only its pseudonymous members.
  const std::string brook = PseudonymOfMbox("brook@example.com");
  const std::string cy = PseudonymOfOpenid("https://openid.example.com/cy");
  BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/object")) ==
             R"({"member":[)" + PseudonymousAgent(brook) + "," + PseudonymousAgent(cy) +
                 R"(],"objectType":"Group"})");
  // Nothing of the reference format leaks into the pseudonymous view.
  const std::string joined = xapi::ToJson(*doc);
  BOOST_TEST(joined.find("\"$p\"") == std::string::npos);
  BOOST_TEST(joined.find("$anon") == std::string::npos);
  BOOST_TEST(joined.find("Ada") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(join_treats_unreadable_variant_text_as_unavailable) {
  const char* bad_texts[] = {"not json", "{\"name\":", "42", "[1,2]", "\"text\"", ""};
  for (const char* bad : bad_texts) {
    BOOST_TEST_CONTEXT(bad) {
      auto doc = Parse(R"({"actor":{"name":"Ada","mbox":"mailto:ada@example.com"},
                           "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"}})");
      SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
      JoinStatementIdentities(
          *doc, doc->GetAllocator(),
          [bad](const std::string&, const std::string&) { return std::optional<std::string>(bad); },
          kHomePage);
      BOOST_TEST(xapi::ToCanonicalJson(At(*doc, "/actor")) ==
                 PseudonymousAgent(PseudonymOfMbox("ada@example.com")));
    }
  }
}

BOOST_AUTO_TEST_CASE(identical_agents_in_two_places_share_one_variant) {
  auto doc = Parse(R"({"actor":{"name":"Ada","mbox":"mailto:ada@example.com"},
                       "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},
                       "context":{"instructor":{"mbox":"mailto:ada@example.com","name":"Ada"}}})");
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_TEST(split.variants.size() == 1u);
  BOOST_TEST(StringAt(*doc, "/actor/$v") == StringAt(*doc, "/context/instructor/$v"));
  BOOST_TEST(Sorted(split.mentions) == Sorted({ActorOrObject(PseudonymOfMbox("ada@example.com")),
                                               Related(PseudonymOfMbox("ada@example.com"))}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(same_mbox_with_two_display_names_gives_two_variants_one_pseudonym) {
  auto doc = Parse(R"({"actor":{"name":"Ada","mbox":"mailto:ada@example.com"},
                       "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},
                       "context":{"instructor":{"name":"A. Lovelace","mbox":"mailto:ada@example.com"}}})");
  auto original = Parse(xapi::ToJson(*doc));
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_REQUIRE(split.variants.size() == 2u);
  BOOST_TEST(split.variants[0].pseudonym == split.variants[1].pseudonym);
  BOOST_TEST(split.variants[0].variant_id != split.variants[1].variant_id);
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolverFor(split.variants), kHomePage);
  BOOST_TEST(xapi::ToCanonicalJson(*doc) == xapi::ToCanonicalJson(*original));
}

BOOST_AUTO_TEST_CASE(mbox_and_matching_sha1sum_share_a_pseudonym_not_a_variant) {
  auto doc = Parse(R"({"actor":{"mbox":"mailto:ada@example.com"},
                       "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},
                       "context":{"instructor":{"mbox_sha1sum":")" +
                   xapi::Sha1Hex("mailto:ada@example.com") + R"("}}})");
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_TEST(StringAt(*doc, "/actor/$p") == StringAt(*doc, "/context/instructor/$p"));
  BOOST_TEST(split.variants.size() == 2u);
}

BOOST_AUTO_TEST_CASE(variant_id_does_not_depend_on_key_order) {
  SplitIdentities a, b;
  auto first = Parse(R"({"name":"Ada","mbox":"mailto:ada@example.com","objectType":"Agent"})");
  auto second = Parse(R"({"objectType":"Agent","mbox":"mailto:ada@example.com","name":"Ada"})");
  a = SplitAgentIdentity(*first, first->GetAllocator(), kPseudonymizer);
  b = SplitAgentIdentity(*second, second->GetAllocator(), kPseudonymizer);
  BOOST_REQUIRE(a.variants.size() == 1u);
  BOOST_REQUIRE(b.variants.size() == 1u);
  BOOST_TEST(a.variants[0].variant_id == b.variants[0].variant_id);
}

BOOST_AUTO_TEST_CASE(anonymous_group_pseudonym_does_not_depend_on_member_order) {
  auto first = Parse(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},
                                                        {"mbox":"mailto:b@example.com"}]})");
  auto second = Parse(R"({"objectType":"Group","member":[{"mbox":"mailto:b@example.com"},
                                                         {"mbox":"mailto:a@example.com"}]})");
  SplitIdentities a = SplitAgentIdentity(*first, first->GetAllocator(), kPseudonymizer);
  SplitAgentIdentity(*second, second->GetAllocator(), kPseudonymizer);
  BOOST_TEST(StringAt(*first, "/$p") == StringAt(*second, "/$p"));
  // Only the members are mentioned, never the anonymous Group.
  BOOST_TEST(Sorted(a.mentions) == Sorted({ActorOrObject(PseudonymOfMbox("a@example.com")),
                                           ActorOrObject(PseudonymOfMbox("b@example.com"))}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lone_agent_round_trips) {
  const std::string group = R"({"objectType":"Group","name":"Red team",
      "account":{"homePage":"https://lms.example.com","name":"red"},
      "member":[{"name":"Ivy","mbox":"mailto:ivy@example.com"}]})";
  auto doc = Parse(group);
  SplitIdentities split = SplitAgentIdentity(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_TEST(xapi::ToJson(*doc).find("Ivy") == std::string::npos);
  JoinAgentIdentity(*doc, doc->GetAllocator(), ResolverFor(split.variants), kHomePage);
  BOOST_TEST(xapi::ToCanonicalJson(*doc) == xapi::ToCanonicalJson(*Parse(group)));
}

// Issue 14, finding 6: an Agent inside an extension (a grader, a peer) is a
// person like any other; it was stored verbatim.
BOOST_AUTO_TEST_CASE(agents_inside_extensions_are_split_and_join_back_exactly) {
  const std::string statement = R"({"actor":{"mbox":"mailto:ada@example.com"},
      "verb":{"id":"http://example.com/v"},
      "object":{"id":"http://example.com/a","definition":{"extensions":{
          "http://example.com/e":{"objectType":"Agent","$p":"p","$v":"x","mbox":"mailto:z@example.com"}}}},
      "result":{"extensions":{"http://example.com/g":[{"name":"Grace","mbox":"mailto:g@example.com"}]}},
      "context":{"extensions":{"http://example.com/t":{"peers":{"objectType":"Group",
          "member":[{"account":{"homePage":"https://lms.example.com","name":"kai"}}]}}}}})";
  auto doc = Parse(statement);
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  const std::string stored = xapi::ToJson(*doc);
  for (const char* secret : {"z@example.com", "g@example.com", "Grace", "kai"}) {
    BOOST_TEST_CONTEXT(secret) { BOOST_TEST(stored.find(secret) == std::string::npos); }
  }
  BOOST_TEST(split.variants.size() == 5u);  // actor, z, Grace, kai, the anonymous Group
  BOOST_TEST(ReferencedVariants(*doc).size() == 5u);
  BOOST_TEST(Sorted(split.mentions) ==
                 Sorted({ActorOrObject(PseudonymOfMbox("ada@example.com")),
                         Related(PseudonymOfMbox("z@example.com")),
                         Related(PseudonymOfMbox("g@example.com")),
                         Related(kPseudonymizer.Pseudonym("account:https://lms.example.com\nkai"))}),
             boost::test_tools::per_element());
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolverFor(split.variants), kHomePage);
  BOOST_TEST(xapi::ToCanonicalJson(*doc) == xapi::ToCanonicalJson(*Parse(statement)));
}

BOOST_AUTO_TEST_CASE(a_group_of_many_members_is_split_and_joined) {
  std::string members;
  for (int i = 0; i < 20000; ++i) {
    if (i) members += ',';
    members += R"({"account":{"homePage":"https://lms.example.com","name":"m)" + std::to_string(i) + R"("}})";
  }
  const std::string statement = R"({"actor":{"objectType":"Group","member":[)" + members +
                                R"(]},"verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"}})";
  auto doc = Parse(statement);
  SplitIdentities split = SplitStatementIdentities(*doc, doc->GetAllocator(), kPseudonymizer);
  BOOST_TEST(split.mentions.size() == 20000u);
  BOOST_TEST(ReferencedVariants(*doc).size() == 20001u);
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolverFor(split.variants), kHomePage);
  BOOST_TEST(xapi::ToCanonicalJson(*doc) == xapi::ToCanonicalJson(*Parse(statement)));
}

BOOST_AUTO_TEST_CASE(join_leaves_a_statement_that_was_never_split_alone) {
  auto doc = Parse(kGroupActorStatement);
  JoinStatementIdentities(*doc, doc->GetAllocator(), ResolveNothing, kHomePage);
  BOOST_TEST(xapi::ToCanonicalJson(*doc) == xapi::ToCanonicalJson(*Parse(kGroupActorStatement)));
  BOOST_TEST(ReferencedVariants(*doc).empty());
}

}  // namespace
}  // namespace lrs::anonymizer
