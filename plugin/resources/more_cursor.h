#pragma once
// The `more` cursor of a StatementResult (xAPI Data 2.5; DESIGN.md, Storage).
//
// A cursor carries the whole query (already pseudonymized: it names an agent
// only by pseudonym), the snapshot sequence number the first page was read at
// and the last sequence number handed out. Paging stays exact while
// statements keep arriving (storage pins the snapshot).
//
// Invariants:
//  1. Opaque: the state is sealed (AES-256-GCM, plugin/auth/opaque_token.h) under
//     the cursor key (plugin/keys/key_file.h: derived from the master key with its
//     own label), so neither the pseudonym nor the query can be read from a
//     cursor, though it travels in URLs, browser histories and proxy logs.
//  2. Bound to the credential that started the query (the associated data),
//     without naming it: another credential's cursor does not open.
//  3. A forged, altered, truncated or spliced cursor fails the tag; every
//     failure is the same 400. A key rotation renews the master key, so the
//     cursors issued before it stop working.
//
//   token = "mc2." base64url(nonce || AES-256-GCM(cursor key, JSON state,
//                                      aad = "mc2." credential) || tag)

#include <string>

#include "anonymizer/random_source.h"
#include "storage/statement_reader.h"
#include "xapi/result.h"
#include "xapi/statement_query.h"

namespace lrs::plugin {

struct CursorState {
  storage::StatementFilter filter;  // with snapshot_seq and after_seq of the next page
  xapi::StatementFormat format = xapi::StatementFormat::kExact;
  bool attachments = false;
};

// Precondition: cursor_key.size() == anonymizer::kSealKeyBytes. The nonce
// comes from `random` (the first form: OpenSSL's CSPRNG).
std::string EncodeCursor(const CursorState& state, const std::string& credential_key,
                         const std::string& cursor_key);
std::string EncodeCursor(const CursorState& state, const std::string& credential_key,
                         const std::string& cursor_key, anonymizer::RandomSource& random);

// Errors: 400 when the token is malformed, altered, another credential's or
// sealed under another key (invariant 3).
Result<CursorState> DecodeCursor(const std::string& token, const std::string& credential_key,
                                 const std::string& cursor_key);

}  // namespace lrs::plugin
