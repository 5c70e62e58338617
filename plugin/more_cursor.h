#pragma once
// The `more` cursor of a StatementResult (xAPI Data 2.5; DESIGN.md, Storage).
//
// A cursor carries the whole query (already pseudonymized: it names an agent
// only by pseudonym), the snapshot sequence number the first page was read at
// and the last sequence number handed out. It is signed with a key derived
// from the master key, so a client can neither forge nor alter one, and
// paging stays exact while statements keep arriving (storage pins the
// snapshot). Cursors are bound to the credential that started the query.
//
//   token = base64url(JSON state) "." hex(HMAC-SHA256(cursor key, credential "\n" JSON state))

#include <string>

#include "storage/statement_reader.h"
#include "xapi/result.h"
#include "xapi/statement_query.h"

namespace lrs::plugin {

struct CursorState {
  storage::StatementFilter filter;  // with snapshot_seq and after_seq of the next page
  xapi::StatementFormat format = xapi::StatementFormat::kExact;
  bool attachments = false;
};

std::string EncodeCursor(const CursorState& state, const std::string& credential_key,
                         const std::string& signing_key);

// Errors: 400 when the token is malformed, altered, or another credential's.
Result<CursorState> DecodeCursor(const std::string& token, const std::string& credential_key,
                                 const std::string& signing_key);

}  // namespace lrs::plugin
