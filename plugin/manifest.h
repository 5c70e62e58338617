#pragma once
// The data manifest (manifests/*.json): the single source of truth for what
// is collected, why, for how long, and who may do what (DESIGN.md, privacy
// rules). Loaded once at start; a bad manifest stops the program (exit 2)
// with a one-line message naming the field.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "xapi/result.h"

namespace lrs::plugin {

enum class IdentityMode {
  kSealed,             // the sending LMS reads identities back (xAPI round trip)
  kPseudonymousOnly,   // nobody ever reads an identity back, the LMS included
};

struct Manifest {
  std::string name;
  int k = 5;
  IdentityMode identity = IdentityMode::kSealed;
  std::string pseudonym_home_page;        // account.homePage of pseudonymous agents
  std::optional<std::string> key_file;    // nullopt: <data>/../keys/lrs.key
  std::string consent_mode;               // "opt-in" | "opt-out"
  std::vector<std::string> consent_purposes;
  int statement_retention_days = 0;
  int fact_retention_days = 0;
  std::map<std::string, std::set<std::string>> role_permissions;  // role -> permissions

  bool RoleMay(const std::string& role, const std::string& permission) const;
  // The one rule for who gets sealed identities back instead of pseudonyms:
  // a role with "identities:read", and nobody under pseudonymous-only.
  bool RoleMaySeeIdentities(const std::string& role) const;
};

// Errors: 400 with path = the offending field, e.g. "$.k".
Result<Manifest> LoadManifest(const std::string& path);

}  // namespace lrs::plugin
