#pragma once
// Documents that name a learner by an address token (anonymizer/address_tokens.h:
// an e-mail address in an id, or in an Activity Profile's text, stored in
// clear as "a<32 hex>@pseudonym.invalid"; the token's sealed address is the
// identities row whose variant id is the token). Erasure of that learner and
// retention of that row delete such documents with the row: without it they
// would name a learner whom nothing could find any more.

#include <cstdint>
#include <string>

#include "storage/database.h"
#include "xapi/result.h"

namespace lrs::storage {

// Whether an identities row's variant id is an address token ("a" + 32 hex;
// other variant ids are digests of another length).
bool IsAddressTokenVariant(const std::string& variant_id);

// Deletes every document whose activityId or document id, or whose text
// when it is an Activity Profile (the only kind stored in clear), holds
// `token`. Returns how many. Errors: 500.
Result<int64_t> DeleteDocumentsNamingToken(Database& db, const std::string& token);

}  // namespace lrs::storage
