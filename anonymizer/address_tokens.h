#pragma once
// E-mail addresses outside Agent fields (DESIGN.md, Identity).
//
// An address in free text, an extension value, an activity id or definition,
// attachment metadata or a document id names a person as surely as an mbox
// does. At the door each one is replaced, in place inside its string, by a
// token address
//     a<32 lowercase hex>@pseudonym.invalid
// where the hex is the first 128 bits of HMAC(digest key, "address", the
// address exactly as written) (Pseudonymizer::AddressToken). So:
//   - the same address always gives the same token: a query by an activity
//     id that holds an address finds its statements;
//   - the token is also the variant id under which the address is sealed
//     with its learner's data key ({"mbox": "mailto:<address>"}), so the LMS
//     reads back exactly what it sent and the learner's erasure shreds it;
//   - ".invalid" is reserved (RFC 2606): a token is still a well-formed
//     address and IRI, so the stored statement stays valid xAPI;
//   - an address a client sends that already looks like a token is itself
//     an address and is tokenized like any other, so no client can make the
//     LRS open someone else's token.
// The learner an address names is the one its mbox would name: the address
// compared without regard to case (xapi/agent_identifier.h).
// An address whose learner has no granted purpose becomes kWithheldAddress,
// which identifies nobody and is never sealed.
//
// A stored statement lists the tokens its strings hold (reference_keys.h,
// kAddressTokens) and only those are opened when it is read, so a token a
// client copied into a string verbatim opens nothing.
//
// What counts as an address: a local part of RFC 5322 atext and dots (not
// starting with one; without "/", "?", "#", "&" and "=", which in practice
// end the IRI path or parameter before an address), "@", and a domain of at least two non-empty
// labels of letters, digits and hyphens with an alphabetic top label of two or more (a trailing "."
// or "-" ends the text, not the domain). Percent-encoded or quoted forms are not recognised.
//
// Pure; thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "anonymizer/consent_filter.h"
#include "anonymizer/identity_split.h"
#include "anonymizer/pseudonymizer.h"
#include "xapi/json.h"

namespace lrs::anonymizer {

inline constexpr std::string_view kTokenDomain = "@pseudonym.invalid";
inline constexpr std::string_view kWithheldAddress = "another.learner@withheld.invalid";
inline constexpr size_t kTokenLength = 33;  // "a" + 32 hex
// Distinct addresses one statement or one document may hold: each costs a
// pseudonym (a curve multiplication) and a sealed row, so a request holding
// hundreds of thousands would hold the writer for minutes. Past it: 413.
inline constexpr size_t kMaxAddresses = 5000;

struct TextSpan {
  size_t begin;
  size_t end;
};

// Every address in `text`, in order, not overlapping.
std::vector<TextSpan> FindAddresses(std::string_view text);

// `text` with each address replaced by `replace(address)`; nullopt when it
// holds none (the common case, decided without allocating).
std::optional<std::string> ReplaceAddresses(
    std::string_view text, const std::function<std::string(std::string_view)>& replace);

// The tokens ("a<hex>", without the domain) of every token address in `text`.
std::vector<std::string> FindTokens(std::string_view text);

// `text` with each token address whose token `open` knows replaced by the
// address; nullopt when nothing was replaced.
std::optional<std::string> ReplaceTokens(
    std::string_view text, const std::function<std::optional<std::string>(std::string_view)>& open);

// The canonical IFI of the learner `address` names (CanonicalIfi of
// {"mbox": "mailto:" + address}).
std::string AddressIfi(std::string_view address);

// The sealed form of an address: {"mbox":"mailto:<address>"}; and back.
std::string AddressVariantJson(std::string_view address);
std::optional<std::string> AddressFromVariantJson(std::string_view json);

// Calls `rewrite(text)` for every string value and member name in `root`,
// except inside agent references ({"$p", "$v"} objects, whose content is the
// split's); a returned value replaces the string.
void RewriteStrings(xapi::JsonValue& root, xapi::JsonAllocator& alloc,
                    const std::function<std::optional<std::string>(std::string_view)>& rewrite);

// Calls `visit(text)` for every string value and member name in `root`
// (references included: nothing is changed).
void ForEachString(const xapi::JsonValue& root, const std::function<void(std::string_view)>& visit);

// Whether the learner with this pseudonym may be stored (null: everyone).
using MayStore = std::function<bool(const std::string& pseudonym)>;

// The ingest direction for the texts of one request (a statement; a
// document's ids and body): each address becomes its token, or
// kWithheldAddress when `may_store` refuses its learner. Each distinct
// address is worked out once (its pseudonym is a curve multiplication): its
// learner becomes a kRelated mention and its sealed form a variant (variant
// id = the token). Past kMaxAddresses distinct addresses it stops replacing
// and says so (too_many): the request must then be refused, not stored.
class AddressTokenizer {
 public:
  AddressTokenizer(const Pseudonymizer& pseudonymizer, const MayStore* may_store)
      : pseudonymizer_(pseudonymizer), may_store_(may_store) {}

  // `text` with its addresses replaced; nullopt when it holds none.
  std::optional<std::string> Replace(std::string_view text);

  bool too_many() const { return too_many_; }
  // The tokens, in the order first seen.
  const std::vector<std::string>& tokens() const { return tokens_; }
  // Mentions and variants of the tokens' learners.
  SplitIdentities& found() { return found_; }

 private:
  std::string ReplacementOf(std::string_view address);

  const Pseudonymizer& pseudonymizer_;
  const MayStore* may_store_;
  std::unordered_map<std::string, std::string> replaced_;  // address -> its replacement
  std::unordered_set<std::string> mentioned_;
  std::vector<std::string> tokens_;
  SplitIdentities found_;
  bool too_many_ = false;
};

// The statement's strings through an AddressTokenizer (after
// SplitStatementIdentities: references are left alone), and the tokens
// recorded in the statement's kAddressTokens list. Returns the mentions and
// variants; sets `too_many` as the tokenizer says (the statement is then
// half rewritten and must not be stored).
SplitIdentities SplitStatementAddresses(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                                        const Pseudonymizer& pseudonymizer,
                                        const MayStore* may_store, bool* too_many = nullptr);

// Replaces each address in `text` by its token (query parameters, document
// ids); nullopt when there is none.
std::optional<std::string> TokenizeAddresses(std::string_view text,
                                             const Pseudonymizer& pseudonymizer);

}  // namespace lrs::anonymizer
