#pragma once
// The attachment exchange of the Statement resource (xAPI Communication
// 1.5.1/1.5.2, Data 2.4.11) and signed statements (Data 2.6): which raw data
// a request must carry for the attachment objects its statements declare,
// and whether a statement's JWS signature matches it.
//
// Parts are matched to attachment objects by SHA-2 only ("It MUST not do so
// any other way", Communication 1.5.2). The declared "length" is not compared
// with a part's size: the suite's own multipart test (XAPI-00127, "raw data
// and multipart/mixed") sends a hex text of an image under the image's binary
// length and expects 200, and the spec names no such check for the LRS. Nor
// is a part's Content-Type compared with the object's contentType: that
// "MUST match" binds the sender, and the LRS matches by hash alone.
//
// Errors: 400, `path` a JSON path into the request body ("$[1].attachments[0]"
// for a batch). Pure functions; thread-safe.

#include <string>
#include <vector>

#include "xapi/json.h"
#include "xapi/multipart.h"
#include "xapi/result.h"
#include "xapi/version.h"

namespace lrs::xapi {

// One attachment object of a statement (or of its sub-statement).
struct DeclaredAttachment {
  std::string sha2;          // lowercase
  std::string content_type;  // the object's contentType
  bool has_file_url = false;
  bool is_signature = false;  // usageType .../attachments/signature
  std::string path;           // JSON path of the object in the request body
};

// The attachment objects of `body` (a statement or an array of them), in
// order. Entries that are not well-formed objects are skipped (validation
// reports them).
std::vector<DeclaredAttachment> DeclaredAttachments(const JsonValue& body);

// The sha2 of every attachment a statement's JSON text declares, for code that
// holds stored statements as text (retention, erasure). Most statements have
// none, so text without an "attachments" member is not parsed; text that does
// not parse declares nothing.
std::vector<std::string> DeclaredAttachmentHashes(std::string_view statement_json);

// Checks a request's parts against what its statements declare:
//  - application/json (`multipart` false): every attachment has a fileUrl
//    (Communication 1.5.2, "Requirements for Attachment Statement Batches");
//  - multipart/mixed: every attachment without a fileUrl has a part with its
//    sha2, and every part's hash is the sha2 of some attachment (extra parts
//    are refused: 2.0 DIFFERENCES item 10, XAPI-00128). A request with only
//    the statements part is fine when nothing needs data.
// Errors: 400.
MaybeError CheckAttachmentParts(const std::vector<DeclaredAttachment>& declared,
                                const std::vector<AttachmentPart>& parts, bool multipart);

// Whether `statement` has a signature attachment (top level only).
bool HasSignatureAttachment(const JsonValue& statement);

// Verifies every signature attachment of `statement`, as received (before the
// LRS sets id, authority, stored, version), against its part in `parts`:
// the JWS must parse (RS256/384/512), verify with its x5c certificate when it
// names one, and carry a payload that is a JSON object matching the
// statement by the statement comparison rules (xapi/statement_comparison.h:
// id, authority, stored, version and attachments aside, Data 2.6 "the
// complete Statement before the signature was added"). `path` prefixes error
// paths ("$" or "$[i]"). Precondition: the statement passed validation.
// Errors: 400 (a signature attachment whose JWS was not sent is one).
MaybeError VerifyStatementSignatures(const JsonValue& statement,
                                     const std::vector<AttachmentPart>& parts, Version version,
                                     const std::string& path);

}  // namespace lrs::xapi
