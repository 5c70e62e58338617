#pragma once
// Normalizations the LRS applies to a statement on receipt, before it is
// compared, hashed or stored.

#include "xapi/json.h"

namespace lrs::xapi {

// xAPI Data 2.4.6.2: a contextActivities property given as a single Activity
// object is returned as an array holding it ("the LRS MUST return every
// context activity type as an array"); done for the statement and a
// SubStatement object alike. Precondition: the statement passed validation.
void NormalizeContextActivities(JsonValue& statement, JsonAllocator& alloc);

}  // namespace lrs::xapi
