#pragma once
// GET /agents (xAPI Communication 2.4): the Person object for an Agent.
//
// What the LRS knows about a person lives sealed: every name and IFI form an
// agent was met under is an identity variant stored under its pseudonym
// (anonymizer/identity_split.h). A caller allowed to see identities (the same
// rule as for statements: manifest identity "sealed" and the role's
// "identities:read") gets every variant opened and combined with the agent it
// asked about; anyone else gets a Person built from that agent alone, so the
// resource never reveals more than the caller already sent (Communication
// 2.4: "SHOULD require ... increased, explicitly given permissions").
//
// Thread safety: Get may be called concurrently.

#include <string>

#include "anonymizer/pseudonymizer.h"
#include "plugin/http/http_message.h"
#include "plugin/keys/identity_vault.h"
#include "storage/statement_reader.h"
#include "xapi/result.h"
#include "xapi/version.h"

namespace lrs::plugin {

class AgentsResource {
 public:
  AgentsResource(const anonymizer::Pseudonymizer& pseudonymizer, IdentityVault& vault,
                 storage::StatementReader& reader);

  // `params` must be exactly agent=<Agent JSON>. Returns the Person object as
  // JSON. Errors: 400 for a missing, repeated or invalid agent (a Group
  // included: "It is not a Person Object, nor is it a Group") or any other
  // parameter; 500. `subject`, when given, receives the pseudonym of the
  // agent asked about (whom the read concerns, for the audit trail).
  Result<std::string> Get(const QueryParams& params, xapi::Version version,
                          bool may_see_identities, std::string* subject = nullptr);

 private:
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
  storage::StatementReader& reader_;
};

}  // namespace lrs::plugin
