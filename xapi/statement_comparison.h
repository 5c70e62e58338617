#pragma once
// Statement comparison (xAPI Data 2.3.1, "Statement Comparison Requirements"):
// two statements with one id match when they differ only in what the
// immutability exceptions allow: id, authority, stored, version (LRS-assigned),
// timestamp serialization (compared as a point in time), verb display and
// activity definitions (not part of the statement), attachments, the order
// of a Group's members, and a duration's precision beyond 0.01 s (2.0).

#include <string>

#include "xapi/json.h"
#include "xapi/version.h"

namespace lrs::xapi {

// A deterministic text that is equal for two statements exactly when they
// match by the rules above. Precondition: the statement passed validation.
std::string ComparableForm(const JsonValue& statement, Version version);

}  // namespace lrs::xapi
