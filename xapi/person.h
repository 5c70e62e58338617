#pragma once
// The Person object of the Agents resource (xAPI Communication 2.4): every
// name and Inverse Functional Identifier known for one person, each property
// an array ("it is legal to include multiple identifying properties").
//
// Pure; a PersonBuilder is used by one thread at a time.

#include <string>
#include <utility>
#include <vector>

#include "xapi/json.h"

namespace lrs::xapi {

class PersonBuilder {
 public:
  // Adds the name and IFI of an Agent (or identified Group) object. Values
  // already listed are not repeated (mbox_sha1sum compared case-insensitively,
  // an account by homePage and name). Anything else in `agent` is ignored.
  void Add(const JsonValue& agent);

  // {"objectType":"Person", "name":[...], "mbox":[...], "mbox_sha1sum":[...],
  //  "openid":[...], "account":[{"homePage":...,"name":...}]}; an empty list
  // is left out (every property but objectType is optional, Communication 2.4).
  std::string ToJson() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::string> mboxes_;
  std::vector<std::string> sha1sums_;
  std::vector<std::string> openids_;
  std::vector<std::pair<std::string, std::string>> accounts_;  // homePage, name
};

}  // namespace lrs::xapi
