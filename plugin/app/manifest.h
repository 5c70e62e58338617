#pragma once
// The data manifest (manifests/*.json): the single source of truth for what
// is collected, why, for how long, and who may do what (DESIGN.md, privacy
// rules). Loaded once at start; a bad manifest stops the program (exit 2)
// with a one-line message naming the field.
//
// Valid by construction: LoadManifest returns a Manifest only after the file
// matched the JSON Schema (manifests/manifest.schema.json, compiled in, see
// plugin/app/manifest_schema.h) and the checks a schema cannot express:
//   - consent.purposes are ids declared in purposes; purpose ids are unique;
//   - keep.free_text and keep.result agree about result.response;
//   - each cohort dimension reads a part of the statement that keep keeps;
//   - pseudonym_home_page and the extension keys in keep are absolute IRIs;
//   - analytics.required names absolute IRIs, each once, with due dates
//     that exist.
// Callers never re-validate. Immutable after loading; share it freely.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/epoch.h"
#include "anonymizer/keep_policy.h"
#include "xapi/result.h"

namespace lrs::plugin {

enum class IdentityMode {
  kSealed,            // the sending LMS reads identities back (xAPI round trip)
  kPseudonymousOnly,  // nobody ever reads an identity back, the LMS included
};

struct Purpose {
  std::string id;
  std::string description;
};

// Where a statement names a learner's cohort (department, role, site).
struct CohortDimension {
  std::string id;
  std::string source;         // "context.platform" or "context.extensions.<IRI>"
  std::string extension_iri;  // the <IRI> of an extensions source, else empty
  std::string description;    // may be empty
};

// The optional "analytics" member: epochs, the pass mark, required training.
struct AnalyticsSettings {
  int epoch_hours = 24;
  double pass_mark = 0.5;  // scaled score
  std::vector<analytics::RequiredActivity> required;  // manifest order
};

struct Manifest {
  std::string name;
  std::string description;
  std::vector<Purpose> purposes;
  anonymizer::KeepPolicy keep;  // what of a statement is stored (the scrubber's input)
  int k = 5;
  IdentityMode identity = IdentityMode::kSealed;
  std::string pseudonym_home_page;      // account.homePage of pseudonymous agents
  std::optional<std::string> key_file;  // nullopt: DefaultKeyFilePath (plugin/app/lrs_app.h)
  std::string consent_mode;             // "opt-in" | "opt-out"
  std::vector<std::string> consent_purposes;
  int max_group_members = 5000;  // limits.group_members
  int statement_retention_days = 0;
  int fact_retention_days = 0;
  std::vector<CohortDimension> cohort_dimensions;
  AnalyticsSettings analytics;
  std::map<std::string, std::set<std::string>> role_permissions;  // role -> permissions
  // The manifest file's text as loaded (validated), for /privacy and /privacy.json.
  std::string json;

  bool RoleMay(const std::string& role, const std::string& permission) const;
  // The one rule for who gets sealed identities back instead of pseudonyms:
  // a role with "identities:read", and nobody under pseudonymous-only.
  bool RoleMaySeeIdentities(const std::string& role) const;
};

// Errors: 400, rule "manifest", path = the offending field as a JSON path
// ("$.consent.mode", "$.roles.lms[2]"), message one line:
// "manifest FILE: $.consent.mode must be one of \"opt-in\", \"opt-out\"".
// The message says what the field must be; it quotes no value from the file
// (an unknown field is named by its path, as any field is).
Result<Manifest> LoadManifest(const std::string& path);

// The same checks on manifest text (`source` names it in messages).
Result<Manifest> ParseManifest(const std::string& text, const std::string& source);

}  // namespace lrs::plugin
