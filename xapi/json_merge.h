#pragma once
// The JSON merge of the Document Resources (xAPI Communication 2.2, "JSON
// Procedure with Requirements"): a POSTed object's top-level properties
// replace the stored document's properties of the same name whole, and are
// added where it has none; the stored document's other properties stay.
//
// Linear in the members of both objects: the stored document's names are
// indexed in a hash table first. (RapidJSON's FindMember scans the members
// one by one, so a lookup per posted member made a merge of two 200,000-key
// documents quadratic: 41 s. bench/documents/merge.sh measures it.)
//
// Duplicate names (RapidJSON keeps them, RFC 8259 leaves them undefined)
// merge as a lookup by name would: a posted name replaces the first stored
// member of that name, and a posted name given twice ends with its last value.
//
// Pure function; thread-safe on distinct documents.

#include "xapi/json.h"

namespace lrs::xapi {

// Merges `posted` into `stored`; both must be objects (asserted: callers
// check the parsed bodies first). Values are deep-copied into `allocator`,
// which must be the allocator `stored` lives in.
void MergeTopLevelMembers(JsonValue& stored, const JsonValue& posted, JsonAllocator& allocator);

}  // namespace lrs::xapi
