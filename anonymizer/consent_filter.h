#pragma once
// Consent for every learner a statement names, not only its actor
// (DESIGN.md, "Privacy rules that every feature obeys").
//
// A learner without a granted purpose is stored nowhere. Before identities
// are split, every Agent and Group position (anonymizer/agent_positions.h:
// actor, object, instructor, team, group members, SubStatement parts, 2.0
// contextAgents/contextGroups, Agents inside extensions; not the authority,
// which is the credential that sent the statement) is judged:
//   - an Agent is kept when its IFI consents;
//   - a Group loses each member that does not consent, and is kept when its
//     own IFI consents or a member remains;
//   - what is not kept is replaced, so the statement stays valid xAPI:
//       actor, object, instructor, an Agent in an extension
//           -> the placeholder Agent (reference_keys.h: kWithheldHomePage),
//              the same for everyone, identifying nobody;
//       context.team -> removed;
//       a contextAgents / contextGroups entry -> removed (the list too when
//              it ends up empty).
// The caller stores the statement only when `keeps_learner` (someone with
// consent is still named); a Group whose members all lack consent is thus
// never stored.
//
// Preconditions: the statement passed xapi validation. Pure; thread-safe.

#include <functional>
#include <string>

#include "xapi/json.h"

namespace lrs::anonymizer {

// Whether the learner with this canonical IFI (xapi::CanonicalIfi) may be
// stored.
using ConsentCheck = std::function<bool(const std::string& canonical_ifi)>;

struct ConsentFilterResult {
  bool keeps_learner = false;   // a consenting Agent or identified Group remains
  bool actor_withheld = false;  // the actor was replaced by the placeholder
  int withheld = 0;             // positions and members replaced or removed
};

ConsentFilterResult WithholdUnconsented(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                                        const ConsentCheck& consents);

// Whether the filter would keep `agent` (an Agent or Group) as it is named:
// for a voiding statement, whose actor decides how much of it is kept.
bool ConsentsToBeNamed(const xapi::JsonValue& agent, const ConsentCheck& consents);

// The placeholder Agent, built in `alloc`.
xapi::JsonValue WithheldAgent(xapi::JsonAllocator& alloc);

// A canonical activity definition (JSON) with every reference (an Agent
// inside its extensions, as the statement stores it) replaced by the
// placeholder: the definitions table is shown to whoever reads /activities,
// so it names nobody. Used at ingest and when erasure rebuilds a definition
// from the statements that remain. Text that does not parse is returned as is.
std::string DefinitionWithoutReferences(const std::string& definition_json);

}  // namespace lrs::anonymizer
