#pragma once
// Splitting identities at the door, and joining them back for the LMS.
//
// Every Agent and Group anywhere in a statement (actor, object, authority,
// context.instructor, context.team, group members, sub-statements, 2.0
// context.contextAgents[].agent and context.contextGroups[].group) is replaced
// in place by a pseudonym reference:
//
//   {"objectType": "Agent"|"Group", "$p": "<pseudonym>", "$v": "<variant id>",
//    "$anon": true,                   // only for anonymous Groups
//    "member": [<references>]}        // "member" only for Groups that had it
//
// - "$p" is Pseudonymizer::Pseudonym(CanonicalIfi(node)). An anonymous Group
//   has no IFI: its "$p" is KeyedDigest("anonymous-group", sorted member
//   pseudonyms joined by ",") and it is NOT reported as a mention. "$anon"
//   marks it so the join can render it without an account when the resolver
//   gives nullopt (its "$p" looks like any other pseudonym).
// - "$v" names the exact object as received (every property except
//   "member"), KeyedDigest("variant", pseudonym + "\n" + canonical JSON of that
//   object), so identical objects share one sealed copy while a different
//   display name gets a variant of its own and reads back exactly as sent.
//
// Only those positions are visited: a "$v" inside an extension is client data
// and is left alone by both directions.
//
// Preconditions: the statement passed xapi validation. Thread-safe: pure.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "anonymizer/pseudonymizer.h"
#include "xapi/json.h"

namespace lrs::anonymizer {

enum class MentionRole {
  kActorOrObject = 0,  // actor or object of the statement, incl. members of such a Group:
                       // what the `agent` query parameter matches (Communication 2.1.3).
  kRelated = 1,        // anywhere else: authority, instructor, team, sub-statement,
                       // contextAgents/Groups: matched only with related_agents=true.
};

struct AgentMention {
  std::string pseudonym;
  MentionRole role;
  bool operator==(const AgentMention& o) const { return pseudonym == o.pseudonym && role == o.role; }
};

struct IdentityVariant {
  std::string variant_id;  // "$v"
  std::string pseudonym;   // "$p": whose data key seals it
  std::string plaintext;   // compact JSON of the object as received, without "member"
};

struct SplitIdentities {
  std::vector<AgentMention> mentions;     // de-duplicated
  std::vector<IdentityVariant> variants;  // de-duplicated by variant_id
};

SplitIdentities SplitStatementIdentities(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                                         const Pseudonymizer& pseudonymizer);

// Splits a lone Agent or Group (e.g. a document's agent key); same rules.
SplitIdentities SplitAgentIdentity(xapi::JsonValue& agent, xapi::JsonAllocator& alloc,
                                   const Pseudonymizer& pseudonymizer);

// Gives the original JSON object for a variant, or nullopt when it may not or
// cannot be read (pseudonymous view, erased learner).
using VariantResolver =
    std::function<std::optional<std::string>(const std::string& variant_id,
                                             const std::string& pseudonym)>;

// Inverse of the split. Each reference becomes the resolved original object
// (with its "member" references joined recursively), or, when the resolver
// gives nullopt, a pseudonymous object:
//   Agent / identified Group: {"objectType": T, "account": {"homePage": home_page, "name": "$p"}}
//   anonymous Group:          {"objectType": "Group", "member": [...]}
void JoinStatementIdentities(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                             const VariantResolver& resolve, std::string_view home_page);
void JoinAgentIdentity(xapi::JsonValue& agent, xapi::JsonAllocator& alloc,
                       const VariantResolver& resolve, std::string_view home_page);

// Undoes the escaping of client member names in extension values that
// SplitStatementIdentities applies (agent_positions.h); JoinStatementIdentities
// calls it, and so must any other reader that renders a stored statement.
void UnescapeExtensionKeys(xapi::JsonValue& statement, xapi::JsonAllocator& alloc);

// Every variant id ("$v") a stored statement refers to, with its pseudonym, so
// the caller can fetch and unseal them in one round trip before joining.
std::vector<std::pair<std::string, std::string>> ReferencedVariants(const xapi::JsonValue& statement);

}  // namespace lrs::anonymizer
