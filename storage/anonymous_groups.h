#pragma once
// Anonymous Groups in stored statements (anonymizer/identity_split.h): an
// anonymous Group's "$p" is a keyed digest of its members' pseudonyms, and it
// is not a mention (no statement_agents row), so neither erasure nor
// retention finds it by pseudonym. Its sealed identity (its name, e.g. "Study
// group of Lin and Kai") and its data key must still go once no statement
// refers to it any more; this file finds the groups a statement refers to.
//
// Only Agent positions are read (the same ones the split visits): a "$anon"
// inside an extension is client data, not a reference.
//
// Why members matter: a statement that refers to a group also mentions each
// of its members (the split reports them), so "does any statement still
// refer to this group" is answered through one member's statements
// (the statement_agents index) instead of a scan of every statement.
//
// Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace lrs::storage {

struct AnonymousGroupRef {
  std::string pseudonym;             // the group's "$p"
  std::vector<std::string> members;  // the members' "$p", as stored
};

// Every anonymous Group reference in a stored (pseudonymized) statement,
// each pseudonym once. A text that does not parse gives none.
std::vector<AnonymousGroupRef> AnonymousGroupsIn(std::string_view statement_json);

}  // namespace lrs::storage
