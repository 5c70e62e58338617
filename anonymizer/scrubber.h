#pragma once
// Minimization at the door (DESIGN.md, "The path of one statement", step 3):
// removes from a statement everything the manifest's keep policy does not
// keep, before anything is hashed, sealed or stored.
//
// Invariants:
// 1. Only removes. Nothing is added or rewritten, so whatever is left came
//    from the client as sent.
// 2. A valid statement stays valid, for xAPI 1.0.3 and 2.0.0 alike
//    (xapi::ValidateStatement): only optional properties are removed; a
//    result, context or extensions object the scrubber empties is removed
//    rather than stored as {} (one the client sent empty is left alone);
//    dropping an Agent's or Group's "name" leaves its identifier, and an
//    anonymous Group keeps its members.
// 3. A SubStatement is scrubbed like the statement that holds it.
// 4. Display names go from every Agent and Group position
//    (anonymizer/agent_positions.h) and from the members of every Group; the
//    authority is the LRS's to set afterwards, so it does not matter there.
// 5. With a policy that keeps everything, the statement is untouched.
//
// Preconditions: `statement` passed xapi::ValidateStatement. Pure; thread-safe.

#include "anonymizer/keep_policy.h"
#include "xapi/json.h"

namespace lrs::anonymizer {

void ScrubStatement(xapi::JsonValue& statement, const KeepPolicy& keep);

}  // namespace lrs::anonymizer
