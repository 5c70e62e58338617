#include "xapi/agent_identifier.h"

#include <cctype>

#include <openssl/sha.h>

#include "xapi/hex.h"

namespace lrs::xapi {

std::string Sha1Hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::optional<std::string> CanonicalIfi(const JsonValue& agent) {
  if (auto mbox = StringMember(agent, "mbox"); !mbox.empty()) {
    // Addresses are compared without regard to case: the domain always is
    // (RFC 5321 2.4), and every mail provider treats the local part so too.
    std::string lower(mbox);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "mbox_sha1sum:" + Sha1Hex(lower);
  }
  if (auto sha1 = StringMember(agent, "mbox_sha1sum"); !sha1.empty()) {
    std::string lower(sha1);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "mbox_sha1sum:" + lower;
  }
  if (auto openid = StringMember(agent, "openid"); !openid.empty()) {
    return "openid:" + std::string(openid);
  }
  if (const JsonValue* account = Member(agent, "account"); account && account->IsObject()) {
    return "account:" + std::string(StringMember(*account, "homePage")) + "\n" +
           std::string(StringMember(*account, "name"));
  }
  return std::nullopt;
}

}  // namespace lrs::xapi
