#pragma once
// GET /activities (xAPI Communication 2.5): the Activity object with the
// LRS's canonical definition, merged from every stored statement that
// defined the activity (xapi/activity_definition.h).
//
// Thread safety: Get may be called concurrently.

#include <string>

#include "anonymizer/pseudonymizer.h"
#include "plugin/http/http_message.h"
#include "plugin/keys/identity_vault.h"
#include "storage/statement_reader.h"
#include "xapi/result.h"

namespace lrs::plugin {

class ActivitiesResource {
 public:
  ActivitiesResource(storage::StatementReader& reader,
                     const anonymizer::Pseudonymizer& pseudonymizer, IdentityVault& vault);

  // `params` must be exactly activityId=<IRI>. Returns the Activity object as
  // JSON: {"objectType":"Activity","id":...,"definition":...}, without
  // "definition" when none is stored (1.0.3 SHOULD*, required by 2.0).
  // Addresses in ids and definitions are stored as tokens (anonymizer/
  // address_tokens.h): the id is looked up by its tokens, and a caller who
  // `may_see_identities` gets the definition's addresses back.
  // Errors: 400 for a missing, repeated or invalid activityId or any other
  // parameter; 500.
  Result<std::string> Get(const QueryParams& params, bool may_see_identities);

 private:
  // `definition_json` with the addresses whose sealed forms open put back.
  Result<std::string> RestoreAddresses(const std::string& definition_json);

  storage::StatementReader& reader_;
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
};

}  // namespace lrs::plugin
