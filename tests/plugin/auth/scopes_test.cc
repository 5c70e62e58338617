#define BOOST_TEST_MODULE plugin_scopes
#include "plugin/auth/scopes.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace lrs::plugin;

BOOST_AUTO_TEST_CASE(parses_names_space_or_comma_separated_over_several_arguments) {
  auto set = ScopeSet::Parse({"statements/write,state", "profile statements/read/mine"});
  BOOST_REQUIRE(set.ok());
  BOOST_TEST(set->ToText() == "statements/write statements/read/mine state profile");
  BOOST_TEST(ScopeSet::Parse({"all"})->ToText() == "all");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_and_empty_scope_lists) {
  for (const char* bad : {"statements", "ALL", "all,x", "", " , "}) {
    auto set = ScopeSet::Parse({bad});
    BOOST_REQUIRE(!set.ok());
    BOOST_TEST(set.error().status == 400);
  }
}

// The route table of plugin/auth/scopes.h: what each scope alone may do.
BOOST_AUTO_TEST_CASE(enforces_the_route_table) {
  struct Row {
    const char* resource;
    const char* method;
    std::vector<Scope> allowed;  // each alone is enough
  };
  const std::vector<Row> table = {
      {"/statements", "POST", {Scope::kStatementsWrite, Scope::kAll}},
      {"/statements", "PUT", {Scope::kStatementsWrite, Scope::kAll}},
      {"/statements", "GET",
       {Scope::kStatementsRead, Scope::kStatementsReadMine, Scope::kAllRead, Scope::kAll}},
      {"/statements", "HEAD",
       {Scope::kStatementsRead, Scope::kStatementsReadMine, Scope::kAllRead, Scope::kAll}},
      {"/activities/state", "GET", {Scope::kState, Scope::kAllRead, Scope::kAll}},
      {"/activities/state", "PUT", {Scope::kState, Scope::kAll}},
      {"/activities/state", "DELETE", {Scope::kState, Scope::kAll}},
      {"/activities/profile", "GET", {Scope::kProfile, Scope::kAllRead, Scope::kAll}},
      {"/activities/profile", "POST", {Scope::kProfile, Scope::kAll}},
      {"/agents/profile", "HEAD", {Scope::kProfile, Scope::kAllRead, Scope::kAll}},
      {"/agents/profile", "PUT", {Scope::kProfile, Scope::kAll}},
      {"/activities", "GET", {Scope::kStatementsRead, Scope::kAllRead, Scope::kAll}},
      {"/agents", "GET", {Scope::kStatementsRead, Scope::kAllRead, Scope::kAll}},
  };
  const std::vector<Scope> every = {Scope::kStatementsWrite, Scope::kStatementsReadMine,
                                    Scope::kStatementsRead,  Scope::kState,
                                    Scope::kDefine,          Scope::kProfile,
                                    Scope::kAllRead,         Scope::kAll};
  for (const Row& row : table) {
    for (Scope scope : every) {
      const bool expected =
          std::find(row.allowed.begin(), row.allowed.end(), scope) != row.allowed.end();
      BOOST_TEST_CONTEXT(row.method << " " << row.resource << " with " << ScopeName(scope)) {
        lrs::MaybeError error = CheckScope(ScopeSet::Of({scope}), row.resource, row.method);
        BOOST_TEST(!error.has_value() == expected);
        if (error) {
          BOOST_TEST(error->status == 403);
          BOOST_TEST(error->message.find(std::string(ScopeName(*RequiredScope(
                         row.resource, row.method)))) != std::string::npos);
        }
      }
    }
  }
  BOOST_TEST(!CheckScope(ScopeSet::Of({Scope::kState}), "/about", "GET").has_value());
  // Methods a resource does not answer are left to its 405.
  BOOST_TEST(!CheckScope(ScopeSet::Of({Scope::kState}), "/statements", "DELETE").has_value());
  BOOST_TEST(!CheckScope(ScopeSet::Of({Scope::kState}), "/activities", "POST").has_value());
  BOOST_TEST(!CheckScope(ScopeSet::Of({Scope::kStatementsWrite}), "/agents/profile", "PATCH")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(only_read_mine_reads_only_its_own_statements) {
  BOOST_TEST(ReadsOnlyOwn(ScopeSet::Of({Scope::kStatementsReadMine})));
  BOOST_TEST(ReadsOnlyOwn(ScopeSet::Of({Scope::kStatementsReadMine, Scope::kStatementsWrite})));
  BOOST_TEST(!ReadsOnlyOwn(ScopeSet::Of({Scope::kStatementsReadMine, Scope::kStatementsRead})));
  BOOST_TEST(!ReadsOnlyOwn(ScopeSet::Of({Scope::kAllRead})));
  BOOST_TEST(!ReadsOnlyOwn(ScopeSet::All()));
}
