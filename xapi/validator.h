#pragma once
// Statement validation: every rule of the xAPI Data part (1.0.3, plus the 2.0
// changes in shared/xapi-spec/2.0/DIFFERENCES.md) that a statement can break
// by itself. Rules that need storage (a batch reusing an id, voiding a voided
// statement) and the attachment payloads and signatures of a multipart
// request are checked elsewhere.
//
// Errors: status 400; `rule` starts with the section it cites ("xAPI Data
// 2.4.2.3: ..." or "xAPI 2.0.0 ..."); `path` is a JSON path rooted at the
// validated value ("$" = the statement, "$.context.contextActivities.parent[0].id");
// a batch caller prefixes the index itself. Only the first error is returned.
//
// Privacy: neither `message` nor `path` ever contains a value or a key taken
// from the input (an e-mail, a name, an IRI, a language tag, an extension
// key): a path names spec-defined properties and array indexes only, so an
// error about a language map or an extensions object points at the map.
//
// Pure functions over a parsed DOM; thread-safe; no allocation unless an
// error is returned (and a little for interaction component id lists).

#include "xapi/json.h"
#include "xapi/result.h"
#include "xapi/version.h"

namespace lrs::xapi {

struct ValidationOptions {
  // The version the request declared (X-Experience-API-Version). Selects
  // 2.0-only properties (context.contextAgents, context.contextGroups), the
  // timestamp profile (RFC 3339 with offset under 2.0) and the accepted
  // values of the "version" property. Default: 1.0.x.
  Version version = Version::k1_0;
};

// Validates one statement as a client sent it, before the LRS adds or
// overwrites id, stored, authority, version. Client-supplied stored,
// authority and version are validated too (Data 2.4.8 "SHOULD validate";
// 2.4.9; 2.4.10).
MaybeError ValidateStatement(const JsonValue& statement, const ValidationOptions& options);

// Validates an Agent or Group given as the `agent` query parameter
// (Communication 2.1.3, and the State and Agent Profile resources): the same
// Agent/Group rules as in a statement, path "$".
MaybeError ValidateAgent(const JsonValue& agent, const ValidationOptions& options);

}  // namespace lrs::xapi
